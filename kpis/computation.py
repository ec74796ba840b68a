"""KPI computation (docs/product.md, KPIs) as set-based aggregates.

Each KPI is one grouped SQL statement per scope level: the periods are a
VALUES table whose boundaries are computed in the organisation's time zone,
joined by range to the facts, grouped by period and scope. No Python loop
walks the facts; Python only shapes the grouped rows (and, on SQLite only,
computes percentiles, which SQLite lacks).
"""

import datetime
import json
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from installer_ops.models import Installer, Pod, Promotion
from onboarding.models import Clearance

from . import readiness_kpis
from .aggregates import (
    ALL_SCOPES,
    FIELD_SCOPES,
    SCOPE_COLUMN,
    Context,
    Figure,
    Scopes,
    adapt_d,
    adapt_dt,
    day_of,
    fetch,
    grouped,
    hours_sql,
    periodise,
    periods_cte,
    sqlite_shifted,
    vendor,
)
from .models import Audit, Grain, Incident, Install, KpiCode, KpiSnapshot, Node, Visit
from .periods import Period, periods_between

T_POD = Pod._meta.db_table
T_INSTALLER = Installer._meta.db_table
T_PROMOTION = Promotion._meta.db_table
T_AUDIT = Audit._meta.db_table
T_INCIDENT = Incident._meta.db_table
T_NODE = Node._meta.db_table
T_INSTALL = Install._meta.db_table
T_VISIT = Visit._meta.db_table
T_CLEARANCE = Clearance._meta.db_table
NEWCOMER_DAYS = 90  # docs/product.md, KPIs: "first 90 days in the field"

# --- the KPIs ------------------------------------------------------------------------------
# Each returns {(scope, period start, scope id): Figure}.


def audit_pass_rate(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
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

    return {(scope, start, sid): Figure(passed, held) for scope, start, sid, (passed, held) in grouped(build, scopes)}


def _headcounts(periods: list[Period], scopes: list[str]) -> dict:
    """Headcount on the first and on the last day of each period: employed on
    day d means hired on or before d and not yet left (left_on after d)."""
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

    return {(scope, start, sid): counts for scope, start, sid, counts in grouped(build, scopes)}


def churn(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
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

    separations = {(scope, start, sid): values for scope, start, sid, values in grouped(build, scopes)}
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


def promotion_rate(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
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

    promotions = {(scope, start, sid): n for scope, start, sid, (n,) in grouped(build, scopes)}
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


def mttr(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Mean hours from detection to restoration over incidents resolved in
    the period; median and 90th percentile beside it; incidents still open at
    the period's end counted with the age of the oldest."""
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

    figures = {}
    for scope, start, sid, (total, count, median, p90) in grouped(build, scopes):
        figures[(scope, start, sid)] = Figure(
            float(total), count, details={"median_hours": median, "p90_hours": p90, "resolved": count}
        )
    if vendor() != "postgresql":
        cte, params = periods_cte(periods, dates=False)
        for scope in scopes:
            _sqlite_percentiles(figures, cte, params, hours, scope)
    ends = {p.start: p.end_at() for p in periods}
    for scope, start, sid, (count, oldest) in grouped(lambda sc: _open_at_end_sql(periods, sc), scopes):
        if isinstance(oldest, str):  # SQLite returns the stored text (UTC)
            oldest = datetime.datetime.fromisoformat(oldest).replace(tzinfo=datetime.UTC)
        figure = figures.setdefault((scope, start, sid), _empty(KpiCode.MTTR))
        figure.details["open_at_end"] = count
        figure.details["oldest_open_hours"] = round((ends[start] - oldest).total_seconds() / 3600, 4)
    for figure in figures.values():
        figure.details.setdefault("open_at_end", 0)
        figure.details.setdefault("oldest_open_hours", None)
        for key in ("median_hours", "p90_hours"):
            if figure.details.get(key) is not None:
                figure.details[key] = round(float(figure.details[key]), 4)
    return figures


def _open_at_end_sql(periods: list[Period], sc: Scopes) -> tuple[str, list]:
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


FIRST_VISITS_TABLE = "kpi_first_visits"


def _first_visits_sql() -> str:
    """Each install's first visit and the one after it, in one pass over the visits (PostgreSQL)."""
    return f"""
        SELECT install_id, visited_at AS first_at, outcome AS first_outcome, next_at FROM (
            SELECT install_id, visited_at, outcome,
                   row_number() OVER w AS rn, lead(visited_at) OVER w AS next_at
            FROM {T_VISIT} WINDOW w AS (PARTITION BY install_id ORDER BY visited_at)
        ) ranked WHERE rn = 1
    """


def first_time_success(periods: list[Period], scopes: list[str], ctx: Context, *, newcomers: bool = False) -> dict:
    """Installs whose first visit succeeded and had no further visit within
    the revisit window, over installs whose first visit fell in the period.
    Installs whose window is still open count, and make the figure provisional.
    `newcomers`: only installs first visited in their installer's first
    NEWCOMER_DAYS in the field, counted from the installer's first clearance."""
    now = ctx.now
    prepared = ctx.prepared
    window = datetime.timedelta(days=settings.FIRST_TIME_REVISIT_DAYS)
    ps = periodise(periods, "f.first_at", dates=False)
    if vendor() == "postgresql":
        # `prepared`: kpis_compute ranked the visits once into a temporary table for every grain.
        firsts = f"f AS (SELECT * FROM {FIRST_VISITS_TABLE})" if prepared else f"f AS ({_first_visits_sql()})"
        success = "f.first_outcome = 'success' AND (f.next_at IS NULL OR f.next_at > f.first_at + %s)"
        success_params = [window]
        window_end, window_params = "f.first_at + %s", [window]
    else:
        firsts = f"""
            firsts AS (SELECT v.install_id, MIN(v.visited_at) AS first_at FROM {T_VISIT} v GROUP BY v.install_id),
            f AS (
                SELECT fi.install_id, fi.first_at,
                       (SELECT v1.outcome FROM {T_VISIT} v1
                         WHERE v1.install_id = fi.install_id AND v1.visited_at = fi.first_at) AS first_outcome
                FROM firsts fi
            )
        """  # noqa: S608
        window_end, window_params = sqlite_shifted("f.first_at"), [f"+{int(window.total_seconds())} seconds"]
        success = f"""f.first_outcome = 'success' AND NOT EXISTS (
            SELECT 1 FROM {T_VISIT} v2 WHERE v2.install_id = f.install_id
              AND v2.visited_at > f.first_at AND v2.visited_at <= {window_end})"""  # noqa: S608
        success_params = window_params
    ctes, newcomer_join, newcomer_where, newcomer_params = [firsts], "", "", []
    if newcomers:
        ctes.append(
            f"fc AS (SELECT installer_id, MIN(cleared_at) AS cleared_at FROM {T_CLEARANCE} GROUP BY installer_id)"
        )
        newcomer_join = "JOIN fc ON fc.installer_id = ins.installer_id"
        if vendor() == "postgresql":
            newcomer_where, newcomer_params = (
                "AND f.first_at >= fc.cleared_at AND f.first_at < fc.cleared_at + %s",
                [datetime.timedelta(days=NEWCOMER_DAYS)],
            )
        else:
            newcomer_where = f"AND f.first_at >= fc.cleared_at AND f.first_at < {sqlite_shifted('fc.cleared_at')}"
            newcomer_params = [f"+{NEWCOMER_DAYS} days"]
    with_ = ps.with_ctes(*ctes)
    params = [
        *ps.with_params,
        *ps.key_params,
        *success_params,
        *window_params,
        adapt_dt(now),
        *ps.where_params,
        *newcomer_params,
    ]

    def build(sc):
        return (
            f"""
            {with_}
            SELECT {ps.key}, {sc.select},
                   SUM(CASE WHEN {success} THEN 1 ELSE 0 END),
                   COUNT(*),
                   SUM(CASE WHEN {window_end} > %s THEN 1 ELSE 0 END)
            FROM f {ps.join}
            JOIN {T_INSTALL} ins ON ins.id = f.install_id
            JOIN {T_POD} pod ON pod.id = ins.pod_id
            {sc.cohort_join("ins.installer_id")}
            {newcomer_join}
            WHERE {ps.where} {newcomer_where}
            {sc.group}
        """,
            params,
        )  # noqa: S608

    figures = {}
    for scope, start, sid, (successes, installs, provisional) in grouped(build, scopes):
        figures[(scope, start, sid)] = Figure(
            successes,
            installs,
            provisional=bool(provisional),
            details=_fts_details(provisional, newcomers),
        )
    return figures


def _fts_details(provisional_installs: int, newcomers: bool) -> dict:
    details = {"provisional_installs": provisional_installs, "revisit_window_days": settings.FIRST_TIME_REVISIT_DAYS}
    if newcomers:
        details["days_in_field"] = NEWCOMER_DAYS
    return details


def cohort_first_time_success(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """First-time success of installers in their first days in the field:
    per cohort, whether the bootcamp made installers who succeed alone."""
    return first_time_success(periods, scopes, ctx, newcomers=True)


# Each KPI and the scopes it is computed for. MTTR follows nodes, churn and
# promotion rate follow headcounts, which belong to pods rather than cohorts.
KPIS = {
    KpiCode.MTTR: (mttr, FIELD_SCOPES),
    KpiCode.FIRST_TIME_SUCCESS: (first_time_success, ALL_SCOPES),
    KpiCode.AUDIT_PASS_RATE: (audit_pass_rate, ALL_SCOPES),
    KpiCode.CHURN: (churn, FIELD_SCOPES),
    KpiCode.PROMOTION_RATE: (promotion_rate, FIELD_SCOPES),
    KpiCode.BOOTCAMP_COMPLETION: (readiness_kpis.bootcamp_completion, ALL_SCOPES),
    KpiCode.DAYS_TO_CLEARANCE: (readiness_kpis.days_to_clearance, ALL_SCOPES),
    KpiCode.DRILL_FIRST_PASS: (readiness_kpis.drill_first_pass, ALL_SCOPES),
    KpiCode.COHORT_FIRST_TIME_SUCCESS: (cohort_first_time_success, ALL_SCOPES),
}


# --- the service ---------------------------------------------------------------------------


@transaction.atomic
def kpis_compute(
    *, since: datetime.date, until: datetime.date, grains=None, kpis=None, now: datetime.datetime | None = None
) -> int:
    """Compute every KPI, scope and grain for the periods overlapping
    [since, until] and store them. A scope and period with facts gets a
    snapshot (with no value where the denominator is zero); one without
    facts gets none, and a stored snapshot whose facts are gone is zeroed.
    Only rows whose figures changed are written, so a rerun leaves the table
    as it was. Returns the number of snapshots written."""
    if since > until:
        raise ValueError("since is after until")
    grains = grains or list(Grain.values)
    kpis = kpis or list(KPIS)
    computed_at = timezone.now()
    now = now or computed_at
    ranked_visits = {KpiCode.FIRST_TIME_SUCCESS, KpiCode.COHORT_FIRST_TIME_SUCCESS}
    prepared = vendor() == "postgresql" and bool(ranked_visits & set(kpis))
    if prepared:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {FIRST_VISITS_TABLE} ON COMMIT DROP AS {_first_visits_sql()}")
    wanted, ranges = [], []
    for grain in grains:
        periods = periods_between(since, until, grain)
        ends = {period.start: period.end for period in periods}
        ctx = Context(now=now, prepared=prepared)
        for kpi in kpis:
            compute, scopes = KPIS[kpi]
            ranges.append((kpi, grain, periods[0].start, periods[-1].start))
            for (scope, start, scope_id), figure in compute(periods, scopes, ctx).items():
                if start not in ends:
                    continue
                wanted.append(
                    (
                        kpi,
                        scope,
                        scope_id,
                        grain,
                        start,
                        ends[start],
                        _round(figure.value),
                        _round(figure.numerator),
                        _round(figure.denominator),
                        figure.provisional,
                        figure.details,
                        computed_at,
                    )
                )
    if prepared:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FIRST_VISITS_TABLE}")
    return _store(wanted, ranges, computed_at)


def empty_details(kpi: str) -> dict:
    """The details of a scope and period with no facts: the same keys as a full figure's."""
    return _empty(kpi).details


def _empty(kpi: str) -> Figure:
    """A scope and period with no facts: zeros, no value, the same details keys as a full figure."""
    details = {
        KpiCode.MTTR: {
            "median_hours": None,
            "p90_hours": None,
            "resolved": 0,
            "open_at_end": 0,
            "oldest_open_hours": None,
        },
        KpiCode.CHURN: {"voluntary": 0, "involuntary": 0, "headcount_start": 0, "headcount_end": 0},
        KpiCode.PROMOTION_RATE: {"headcount_start": 0, "headcount_end": 0},
        KpiCode.FIRST_TIME_SUCCESS: _fts_details(0, newcomers=False),
        KpiCode.COHORT_FIRST_TIME_SUCCESS: _fts_details(0, newcomers=True),
        KpiCode.BOOTCAMP_COMPLETION: {"withdrawn": 0},
    }.get(kpi, {})
    return Figure(details=details)


def _round(value):
    return None if value is None else round(float(value), 6)


COLUMNS = (
    "kpi",
    "scope",
    "scope_id",
    "grain",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "provisional",
    "details",
    "computed_at",
)
COPY_TYPES = [
    "varchar",
    "varchar",
    "int8",
    "varchar",
    "date",
    "date",
    "float8",
    "float8",
    "float8",
    "bool",
    "jsonb",
    "timestamptz",
]
KEY = ("kpi", "scope", "scope_id", "grain", "period_start")
COMPARED = ("value", "numerator", "denominator", "provisional", "details", "period_end")


def _store(wanted: list[tuple], ranges: list[tuple], computed_at: datetime.datetime) -> int:
    """Write the snapshots whose figures changed, and zero the stored ones in
    `ranges` (kpi, grain, first and last period start) that have no figure
    any more; returns how many rows were written."""
    if vendor() == "postgresql":
        return _store_postgresql(wanted, ranges, computed_at)
    return _store_portable(wanted, ranges, computed_at)


def _store_postgresql(wanted: list[tuple], ranges: list[tuple], computed_at: datetime.datetime) -> int:
    # Stream the rows into a temporary table, then one statement inserts the
    # new ones and updates only those whose figures differ, and one zeroes
    # the stored rows of the computed range that the rebuild did not produce.
    table = KpiSnapshot._meta.db_table
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*COMPARED, "computed_at"))
    mine = ", ".join(f"{table}.{c}" for c in COMPARED)
    theirs = ", ".join(f"EXCLUDED.{c}" for c in COMPARED)
    details_at = COLUMNS.index("details")
    key = ", ".join(KEY)
    same_key = " AND ".join(f"i.{k} = s.{k}" for k in KEY)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE kpi_incoming ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
        # Binary COPY: psycopg's C dumpers do the work (twice as fast as text at 200,000 rows).
        with cursor.cursor.copy(f"COPY kpi_incoming ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(COPY_TYPES)
            for row in wanted:
                copy.write_row((*row[:details_at], Jsonb(row[details_at]), *row[details_at + 1 :]))
        # Indexed and analysed, so that the zeroing below finds each stored
        # row's incoming twin by lookup (unindexed it was a row-by-row scan:
        # 56 s for 20,000 rows).
        cursor.execute(f"CREATE INDEX ON kpi_incoming ({key})")
        cursor.execute("ANALYZE kpi_incoming")
        cursor.execute(
            f"""INSERT INTO {table} ({columns}) SELECT {columns} FROM kpi_incoming
                ON CONFLICT ({key}) DO UPDATE SET {updates}
                WHERE ({mine}) IS DISTINCT FROM ({theirs})"""
        )
        written = cursor.rowcount
        if ranges:
            values = ", ".join(["(%s, %s, %s::date, %s::date, %s::jsonb)"] * len(ranges))
            params = [computed_at]
            for kpi, grain, first, last in ranges:
                params += [kpi, grain, first, last, json.dumps(empty_details(kpi))]
            cursor.execute(
                f"""UPDATE {table} s
                    SET value = NULL, numerator = 0, denominator = 0, provisional = false,
                        details = r.details, computed_at = %s
                    FROM (VALUES {values}) r(kpi, grain, first, last, details)
                    WHERE s.kpi = r.kpi AND s.grain = r.grain AND s.period_start BETWEEN r.first AND r.last
                      AND NOT EXISTS (SELECT 1 FROM kpi_incoming i WHERE {same_key})
                      AND (s.value, s.numerator, s.denominator, s.provisional, s.details)
                          IS DISTINCT FROM (NULL::double precision, 0::double precision, 0::double precision,
                                            false, r.details)""",
                params,
            )
            written += cursor.rowcount
        cursor.execute("DROP TABLE kpi_incoming")
    return written


def _store_portable(wanted: list[tuple], ranges: list[tuple], computed_at: datetime.datetime) -> int:
    by_range = defaultdict(dict)  # (kpi, grain) -> {key: row}
    for row in wanted:
        by_range[(row[0], row[3])][tuple(row[:5])] = dict(zip(COLUMNS, row, strict=True))
    changed = []
    for kpi, grain, first, last in ranges:
        rows = by_range[(kpi, grain)]
        stored = KpiSnapshot.objects.filter(kpi=kpi, grain=grain, period_start__gte=first, period_start__lte=last)
        existing = {tuple(row[k] for k in KEY): row for row in stored.values(*KEY, *COMPARED)}
        for key, old in existing.items():
            # Facts gone since the last run: the snapshot stays, zeroed.
            new = rows.get(key) or {
                **old,
                "value": None,
                "numerator": 0,
                "denominator": 0,
                "provisional": False,
                "details": empty_details(kpi),
                "computed_at": computed_at,
            }
            if any(old[f] != new[f] for f in COMPARED):
                changed.append(KpiSnapshot(**new))
        changed += [KpiSnapshot(**row) for key, row in rows.items() if key not in existing]
    KpiSnapshot.objects.bulk_create(
        changed,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=list(KEY),
        update_fields=[*COMPARED, "computed_at"],
    )
    return len(changed)
