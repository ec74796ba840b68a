"""The field KPIs as set-based aggregates (docs/product.md, KPIs): audit pass
rate, churn, promotion rate and MTTR. Each is one grouped SQL statement per
scope level: the periods are a VALUES table whose boundaries are computed in
the organisation's time zone, joined by range to the facts, grouped by
period and scope. No Python loop walks the facts; Python only shapes the
grouped rows (and, on SQLite only, computes percentiles, which SQLite lacks).

Each KPI returns {(scope, period start, scope id): Figure}.
"""

import datetime
from collections import defaultdict

from django.conf import settings

from .aggregates import (
    SCOPE_COLUMN,
    Context,
    Figure,
    Scopes,
    adapt_d,
    day_of,
    fetch,
    grouped,
    hours_sql,
    periodise,
    periods_cte,
    vendor,
)
from .models import Grain
from .periods import Period
from .tables import T_AUDIT, T_INCIDENT, T_INSTALLER, T_NODE, T_POD, T_PROMOTION


def audit_query(periods: list[Period]):
    """build(Scopes) -> the grouped statement: passed, held."""
    ps = periodise(periods, "a.audited_on", dates=True)

    def build(sc):
        return (
            f"""
            {ps.with_}
            SELECT {ps.key}, {sc.select}, SUM(CASE WHEN a.passed THEN 1 ELSE 0 END), COUNT(*)
            FROM {T_AUDIT} a {ps.join}
            JOIN {T_POD} pod ON pod.id = a.pod_id
            {sc.cohort_join("a.installer_id")}
            WHERE {ps.where}
            {sc.group}
        """,
            ps.params(),
        )  # noqa: S608 - table and column names are ours; values are parameters

    return build


def audit_pass_rate(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    return {
        (scope, start, sid): Figure(passed, held)
        for scope, start, sid, (passed, held) in grouped(audit_query(periods), scopes)
    }


def headcounts_query(periods: list[Period]):
    """build(Scopes) -> headcount on the first and on the last day of each
    period: employed on day d means hired on or before d and not yet left
    (left_on after d)."""
    rows, params = [], []
    for period in periods:
        rows.append("(%s, %s, %s)")
        params += [adapt_d(period.start), adapt_d(period.start), adapt_d(period.end)]

    def build(sc):
        return (
            f"""
            WITH bounds(period_start, first_day, last_day) AS (VALUES {", ".join(rows)})
            SELECT b.period_start, {sc.select},
                   SUM(CASE WHEN i.hired_on <= b.first_day AND (i.left_on IS NULL OR i.left_on > b.first_day)
                            THEN 1 ELSE 0 END),
                   SUM(CASE WHEN i.hired_on <= b.last_day AND (i.left_on IS NULL OR i.left_on > b.last_day)
                            THEN 1 ELSE 0 END)
            FROM bounds b
            JOIN {T_INSTALLER} i ON i.hired_on <= b.last_day AND (i.left_on IS NULL OR i.left_on > b.first_day)
            JOIN {T_POD} pod ON pod.id = i.pod_id
            {sc.group}
        """,
            params,
        )  # noqa: S608

    return build


def _headcounts(periods: list[Period], scopes: list[str]) -> dict:
    return {(scope, start, sid): counts for scope, start, sid, counts in grouped(headcounts_query(periods), scopes)}


def separations_query(periods: list[Period]):
    """build(Scopes) -> installers who left in the period, and how many of them voluntarily."""
    ps = periodise(periods, "i.left_on", dates=True)

    def build(sc):
        return (
            f"""
            {ps.with_}
            SELECT {ps.key}, {sc.select}, COUNT(*), SUM(CASE WHEN i.left_voluntarily THEN 1 ELSE 0 END)
            FROM {T_INSTALLER} i {ps.join}
            JOIN {T_POD} pod ON pod.id = i.pod_id
            WHERE i.left_on IS NOT NULL AND {ps.where}
            {sc.group}
        """,
            ps.params(),
        )  # noqa: S608

    return build


def churn(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    separations = {
        (scope, start, sid): values for scope, start, sid, values in grouped(separations_query(periods), scopes)
    }
    figures = {}
    if ctx.headcounts is None:
        ctx.headcounts = _headcounts(periods, scopes)
    for key, (at_start, at_end) in ctx.headcounts.items():
        left, voluntary = separations.get(key, (0, 0))
        figures[key] = Figure(
            left,
            (at_start + at_end) / 2,
            details={
                "voluntary": voluntary,
                "involuntary": left - voluntary,
                "headcount_start": at_start,
                "headcount_end": at_end,
            },
        )
    for key, (left, voluntary) in separations.items():
        figures.setdefault(
            key,
            Figure(
                left,
                0,
                details={
                    "voluntary": voluntary,
                    "involuntary": left - voluntary,
                    "headcount_start": 0,
                    "headcount_end": 0,
                },
            ),
        )
    return figures


def promotions_query(periods: list[Period]):
    """build(Scopes) -> promotions taking effect in the period."""
    ps = periodise(periods, "pr.effective_on", dates=True)

    def build(sc):
        return (
            f"""
            {ps.with_}
            SELECT {ps.key}, {sc.select}, COUNT(*)
            FROM {T_PROMOTION} pr {ps.join}
            JOIN {T_INSTALLER} i ON i.id = pr.installer_id
            JOIN {T_POD} pod ON pod.id = i.pod_id
            WHERE {ps.where}
            {sc.group}
        """,
            ps.params(),
        )  # noqa: S608

    return build


def promotion_rate(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    promotions = {(scope, start, sid): n for scope, start, sid, (n,) in grouped(promotions_query(periods), scopes)}
    figures = {}
    if ctx.headcounts is None:
        ctx.headcounts = _headcounts(periods, scopes)
    for key, (at_start, at_end) in ctx.headcounts.items():
        figures[key] = Figure(
            promotions.get(key, 0),
            (at_start + at_end) / 2,
            details={"headcount_start": at_start, "headcount_end": at_end},
        )
    for key, n in promotions.items():
        figures.setdefault(key, Figure(n, 0, details={"headcount_start": 0, "headcount_end": 0}))
    return figures


UNIT = {Grain.WEEK: "1 week", Grain.MONTH: "1 month", Grain.QUARTER: "3 months"}


def resolved_query(periods: list[Period]):
    """build(Scopes) -> incidents resolved in the period: the sum of their
    hours, their count, median and 90th percentile (PostgreSQL)."""
    hours = hours_sql("inc.resolved_at", "inc.opened_at")
    ps = periodise(periods, "inc.resolved_at", dates=False)
    if vendor() == "postgresql":
        percentiles = ", ".join(f"percentile_cont({q}) WITHIN GROUP (ORDER BY {hours})" for q in (0.5, 0.9))
    else:
        percentiles = "NULL, NULL"

    def build(sc):
        return (
            f"""
            {ps.with_}
            SELECT {ps.key}, {sc.select}, SUM({hours}), COUNT(*), {percentiles}
            FROM {T_INCIDENT} inc {ps.join}
            JOIN {T_NODE} node ON node.id = inc.node_id
            JOIN {T_POD} pod ON pod.id = node.pod_id
            WHERE inc.resolved_at IS NOT NULL AND {ps.where}
            {sc.group}
        """,
            ps.params(),
        )  # noqa: S608

    return build


def mttr(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Mean hours from detection to restoration over incidents resolved in
    the period; median and 90th percentile beside it; incidents still open at
    the period's end counted with the age of the oldest."""
    hours = hours_sql("inc.resolved_at", "inc.opened_at")
    figures = {}
    for scope, start, sid, (total, count, median, p90) in grouped(resolved_query(periods), scopes):
        figures[(scope, start, sid)] = Figure(
            float(total), count, details={"median_hours": median, "p90_hours": p90, "resolved": count}
        )
    if vendor() != "postgresql":
        cte, params = periods_cte(periods, dates=False)
        for scope in scopes:
            _sqlite_percentiles(figures, cte, params, hours, scope)
    ends = {p.start: p.end_at() for p in periods}
    for scope, start, sid, (count, oldest) in grouped(lambda sc: open_at_end_sql(periods, sc), scopes):
        if isinstance(oldest, str):  # SQLite returns the stored text (UTC)
            oldest = datetime.datetime.fromisoformat(oldest).replace(tzinfo=datetime.UTC)
        figure = figures.setdefault((scope, start, sid), Figure(details=mttr_empty_details()))
        figure.details["open_at_end"] = count
        figure.details["oldest_open_hours"] = round((ends[start] - oldest).total_seconds() / 3600, 4)
    for figure in figures.values():
        figure.details.setdefault("open_at_end", 0)
        figure.details.setdefault("oldest_open_hours", None)
        for key in ("median_hours", "p90_hours"):
            if figure.details.get(key) is not None:
                figure.details[key] = round(float(figure.details[key]), 4)
    return figures


def open_at_end_sql(periods: list[Period], sc: Scopes) -> tuple[str, list]:
    """Incidents open at each period's end, with the oldest opened_at."""
    if vendor() == "postgresql":
        # Each incident yields the period ends it spans (few: most last hours),
        # instead of testing every period against every incident.
        unit = UNIT[periods[0].grain]
        first_end, last_end = periods[0].end_at(), periods[-1].end_at()
        tz = settings.KPI_TIME_ZONE
        local_first_end, local_last_end = first_end.replace(tzinfo=None), last_end.replace(tzinfo=None)
        sql = f"""
            SELECT (b.hi - interval '{unit}')::date, {sc.select}, COUNT(*), MIN(inc.opened_at)
            FROM {T_INCIDENT} inc
            JOIN {T_NODE} node ON node.id = inc.node_id
            JOIN {T_POD} pod ON pod.id = node.pod_id
            CROSS JOIN LATERAL generate_series(
                date_trunc('{periods[0].grain}', inc.opened_at AT TIME ZONE %s) + interval '{unit}',
                LEAST(COALESCE(inc.resolved_at AT TIME ZONE %s, %s::timestamp), %s::timestamp),
                interval '{unit}') AS b(hi)
            WHERE inc.opened_at < %s AND (inc.resolved_at IS NULL OR inc.resolved_at >= %s) AND b.hi >= %s
            {sc.group}
        """  # noqa: S608
        return sql, [tz, tz, local_last_end, local_last_end, last_end, first_end, local_first_end]
    cte, params = periods_cte(periods, dates=False)
    sql = f"""
        WITH {cte}
        SELECT p.period_start, {sc.select}, COUNT(*), MIN(inc.opened_at)
        FROM periods p
        JOIN {T_INCIDENT} inc ON inc.opened_at < p.hi AND (inc.resolved_at IS NULL OR inc.resolved_at >= p.hi)
        JOIN {T_NODE} node ON node.id = inc.node_id
        JOIN {T_POD} pod ON pod.id = node.pod_id
        {sc.group}
    """  # noqa: S608
    return sql, params


def _sqlite_percentiles(figures, cte, params, hours, scope) -> None:
    # SQLite has no percentile aggregate: fetch the grouped durations once and
    # compute them here (the embedded default only; production is PostgreSQL).
    sql = f"""
        WITH {cte}
        SELECT p.period_start, {SCOPE_COLUMN[scope]}, {hours}
        FROM periods p
        JOIN {T_INCIDENT} inc ON inc.resolved_at >= p.lo AND inc.resolved_at < p.hi
        JOIN {T_NODE} node ON node.id = inc.node_id
        JOIN {T_POD} pod ON pod.id = node.pod_id
    """  # noqa: S608
    durations = defaultdict(list)
    for start, scope_id, value in fetch(sql, params):
        durations[(scope, day_of(start), scope_id)].append(float(value))
    for key, values in durations.items():
        figures[key].details["median_hours"] = percentile(values, 0.5)
        figures[key].details["p90_hours"] = percentile(values, 0.9)


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mttr_empty_details() -> dict:
    return {"median_hours": None, "p90_hours": None, "resolved": 0, "open_at_end": 0, "oldest_open_hours": None}


def headcount_empty_details() -> dict:
    return {"headcount_start": 0, "headcount_end": 0}


def churn_empty_details() -> dict:
    return {"voluntary": 0, "involuntary": 0, **headcount_empty_details()}
