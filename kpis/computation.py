"""KPI computation (PRODUCT.md section 5) as set-based aggregates.

Each KPI is one grouped SQL statement per scope level: the periods are a
VALUES table whose boundaries are computed in the organisation's time zone,
joined by range to the facts, grouped by period and scope. No Python loop
walks the facts; Python only shapes the grouped rows (and, on SQLite only,
computes percentiles, which SQLite lacks).
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from installer_ops.models import Installer, Pod, Promotion

from .models import Audit, Grain, Incident, Install, KpiCode, KpiSnapshot, Node, Scope, Visit
from .periods import Period, periods_between

T_POD = Pod._meta.db_table
T_INSTALLER = Installer._meta.db_table
T_PROMOTION = Promotion._meta.db_table
T_AUDIT = Audit._meta.db_table
T_INCIDENT = Incident._meta.db_table
T_NODE = Node._meta.db_table
T_INSTALL = Install._meta.db_table
T_VISIT = Visit._meta.db_table

# The column that names the scope, on the pod table aliased "pod"; the
# organisation is one scope with id 0.
SCOPE_COLUMN = {
    Scope.ORG: "0",
    Scope.GEOGRAPHY: "pod.geography_id",
    Scope.VERTICAL: "pod.vertical_id",
    Scope.POD: "pod.id",
}
FIELD_SCOPES = [Scope.ORG, Scope.GEOGRAPHY, Scope.VERTICAL, Scope.POD]


@dataclass
class Figure:
    numerator: float = 0.0
    denominator: float = 0.0
    provisional: bool = False
    details: dict = field(default_factory=dict)
    value_override: float | None = None  # for KPIs whose value is not numerator / denominator

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return self.value_override if self.value_override is not None else self.numerator / self.denominator


def _vendor() -> str:
    return connection.vendor


def _dt(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _d(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def _periods_cte(periods: list[Period], *, dates: bool) -> tuple[str, list]:
    """A CTE `periods(period_start, lo, hi)`: [lo, hi) as instants in the
    organisation's time zone, or as dates."""
    rows, params = [], []
    for period in periods:
        rows.append("(%s, %s, %s)")
        if dates:
            params += [_d(period.start), _d(period.start), _d(period.next_start)]
        else:
            params += [_d(period.start), _dt(period.start_at()), _dt(period.end_at())]
    return f"periods(period_start, lo, hi) AS (VALUES {', '.join(rows)})", params


@dataclass
class _Periodised:
    """How a query assigns its facts to periods: `with_` (a CTE or ""),
    `key` (the period start of a fact), `join` and `where`, each with its
    parameters in the order they appear."""

    with_: str
    with_params: list
    key: str
    key_params: list
    join: str
    where: str
    where_params: list

    def params(self, *middle) -> list:
        return [*self.with_params, *self.key_params, *[p for part in middle for p in part], *self.where_params]


def _periodise(periods: list[Period], column: str, *, dates: bool) -> _Periodised:
    if _vendor() == "postgresql":
        # PostgreSQL's week is the ISO week, its month and quarter ours: one pass, grouped.
        unit = periods[0].grain
        if dates:
            key, key_params = f"date_trunc('{unit}', {column})::date", []
            lo, hi = periods[0].start, periods[-1].next_start
        else:
            key, key_params = f"date_trunc('{unit}', {column} AT TIME ZONE %s)::date", [settings.KPI_TIME_ZONE]
            lo, hi = periods[0].start_at(), periods[-1].end_at()
        return _Periodised("", [], key, key_params, "", f"{column} >= %s AND {column} < %s", [lo, hi])
    cte, params = _periods_cte(periods, dates=dates)
    return _Periodised(
        f"WITH {cte}",
        params,
        "p.period_start",
        [],
        f"JOIN periods p ON {column} >= p.lo AND {column} < p.hi",
        "1 = 1",
        [],
    )


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def _hours_sql(later: str, earlier: str) -> str:
    if _vendor() == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)"
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


# --- scopes in SQL ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scopes:
    """The scope columns of a grouped query: one scope level, or (PostgreSQL)
    every level in one pass with GROUPING SETS. The period start is always
    the select list's first column."""

    scope: str | None  # None: every level at once

    @property
    def select(self) -> str:
        if self.scope is None:
            return (
                "GROUPING(pod.geography_id), GROUPING(pod.vertical_id), GROUPING(pod.id), "
                "pod.geography_id, pod.vertical_id, pod.id"
            )
        return SCOPE_COLUMN[self.scope]

    @property
    def group(self) -> str:
        if self.scope is None:
            return "GROUP BY GROUPING SETS ((1), (1, pod.geography_id), (1, pod.vertical_id), (1, pod.id))"
        return "GROUP BY 1" + ("" if self.scope == Scope.ORG else ", 2")

    def decode(self, row) -> tuple[str, datetime.date, int, tuple]:
        """(scope, period start, scope id, the aggregates)."""
        start = _day(row[0])
        if self.scope is not None:
            return self.scope, start, row[1], tuple(row[2:])
        no_geography, no_vertical, no_pod, geography_id, vertical_id, pod_id = row[1:7]
        if not no_pod:
            return Scope.POD, start, pod_id, tuple(row[7:])
        if not no_vertical:
            return Scope.VERTICAL, start, vertical_id, tuple(row[7:])
        if not no_geography:
            return Scope.GEOGRAPHY, start, geography_id, tuple(row[7:])
        return Scope.ORG, start, 0, tuple(row[7:])


def _scope_passes(scopes: list[str]) -> list[_Scopes]:
    """One GROUPING SETS pass on PostgreSQL; one pass per level elsewhere."""
    if _vendor() == "postgresql" and set(scopes) == set(FIELD_SCOPES):
        return [_Scopes(None)]
    return [_Scopes(scope) for scope in scopes]


def _grouped(build, scopes: list[str]) -> list[tuple]:
    """Run `build(_Scopes) -> (sql, params)` for each pass; decoded rows."""
    rows = []
    for sc in _scope_passes(scopes):
        sql, params = build(sc)
        rows += [sc.decode(row) for row in _fetch(sql, params)]
    return rows


# --- the KPIs ------------------------------------------------------------------------------
# Each returns {(scope, period start, scope id): Figure}.


def audit_pass_rate(periods: list[Period], scopes: list[str]) -> dict:
    ps = _periodise(periods, "a.audited_on", dates=True)

    def build(sc):
        return (
            f"""
            {ps.with_}
            SELECT {ps.key}, {sc.select}, SUM(CASE WHEN a.passed THEN 1 ELSE 0 END), COUNT(*)
            FROM {T_AUDIT} a {ps.join}
            JOIN {T_POD} pod ON pod.id = a.pod_id
            WHERE {ps.where}
            {sc.group}
        """,
            ps.params(),
        )  # noqa: S608 - table and column names are ours; values are parameters

    return {(scope, start, sid): Figure(passed, held) for scope, start, sid, (passed, held) in _grouped(build, scopes)}


def _headcounts(periods: list[Period], scopes: list[str]) -> dict:
    """Headcount on the first and on the last day of each period: employed on
    day d means hired on or before d and not yet left (left_on after d)."""
    rows, params = [], []
    for period in periods:
        rows.append("(%s, %s, %s)")
        params += [_d(period.start), _d(period.start), _d(period.end)]

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

    return {(scope, start, sid): counts for scope, start, sid, counts in _grouped(build, scopes)}


def churn(periods: list[Period], scopes: list[str], *, headcounts: dict | None = None) -> dict:
    ps = _periodise(periods, "i.left_on", dates=True)

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

    separations = {(scope, start, sid): values for scope, start, sid, values in _grouped(build, scopes)}
    figures = {}
    if headcounts is None:
        headcounts = _headcounts(periods, scopes)
    for key, (at_start, at_end) in headcounts.items():
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


def promotion_rate(periods: list[Period], scopes: list[str], *, headcounts: dict | None = None) -> dict:
    ps = _periodise(periods, "pr.effective_on", dates=True)

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

    promotions = {(scope, start, sid): n for scope, start, sid, (n,) in _grouped(build, scopes)}
    figures = {}
    if headcounts is None:
        headcounts = _headcounts(periods, scopes)
    for key, (at_start, at_end) in headcounts.items():
        figures[key] = Figure(
            promotions.get(key, 0),
            (at_start + at_end) / 2,
            details={"headcount_start": at_start, "headcount_end": at_end},
        )
    for key, n in promotions.items():
        figures.setdefault(key, Figure(n, 0, details={"headcount_start": 0, "headcount_end": 0}))
    return figures


UNIT = {Grain.WEEK: "1 week", Grain.MONTH: "1 month", Grain.QUARTER: "3 months"}


def mttr(periods: list[Period], scopes: list[str]) -> dict:
    """Mean hours from detection to restoration over incidents resolved in
    the period; median and 90th percentile beside it; incidents still open at
    the period's end counted with the age of the oldest."""
    hours = _hours_sql("inc.resolved_at", "inc.opened_at")
    ps = _periodise(periods, "inc.resolved_at", dates=False)
    if _vendor() == "postgresql":
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
    for scope, start, sid, (total, count, median, p90) in _grouped(build, scopes):
        figures[(scope, start, sid)] = Figure(
            float(total), count, details={"median_hours": median, "p90_hours": p90, "resolved": count}
        )
    if _vendor() != "postgresql":
        cte, params = _periods_cte(periods, dates=False)
        for scope in scopes:
            _sqlite_percentiles(figures, cte, params, hours, scope)
    ends = {p.start: p.end_at() for p in periods}
    for scope, start, sid, (count, oldest) in _grouped(lambda sc: _open_at_end_sql(periods, sc), scopes):
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


def _open_at_end_sql(periods: list[Period], sc: _Scopes) -> tuple[str, list]:
    """Incidents open at each period's end, with the oldest opened_at."""
    if _vendor() == "postgresql":
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
    cte, params = _periods_cte(periods, dates=False)
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
    for start, scope_id, value in _fetch(sql, params):
        durations[(scope, _day(start), scope_id)].append(float(value))
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


def first_time_success(
    periods: list[Period], scopes: list[str], *, now: datetime.datetime | None = None, prepared: bool = False
) -> dict:
    """Installs whose first visit succeeded and had no further visit within
    the revisit window, over installs whose first visit fell in the period.
    Installs whose window is still open count, and make the figure provisional."""
    now = now or timezone.now()
    window = datetime.timedelta(days=settings.FIRST_TIME_REVISIT_DAYS)
    ps = _periodise(periods, "f.first_at", dates=False)
    if _vendor() == "postgresql":
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
        window_end, window_params = "datetime(f.first_at, %s)", [f"+{window.total_seconds()} seconds"]
        success = f"""f.first_outcome = 'success' AND NOT EXISTS (
            SELECT 1 FROM {T_VISIT} v2 WHERE v2.install_id = f.install_id
              AND v2.visited_at > f.first_at AND v2.visited_at <= {window_end})"""  # noqa: S608
        success_params = window_params
    with_ = f"{ps.with_}, {firsts}" if ps.with_ else f"WITH {firsts}"
    params = [*ps.with_params, *ps.key_params, *success_params, *window_params, _dt(now), *ps.where_params]

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
            WHERE {ps.where}
            {sc.group}
        """,
            params,
        )  # noqa: S608

    figures = {}
    for scope, start, sid, (successes, installs, provisional) in _grouped(build, scopes):
        figures[(scope, start, sid)] = Figure(
            successes,
            installs,
            provisional=bool(provisional),
            details={"provisional_installs": provisional, "revisit_window_days": window.days},
        )
    return figures


KPIS = {
    KpiCode.MTTR: mttr,
    KpiCode.FIRST_TIME_SUCCESS: first_time_success,
    KpiCode.AUDIT_PASS_RATE: audit_pass_rate,
    KpiCode.CHURN: churn,
    KpiCode.PROMOTION_RATE: promotion_rate,
}


# --- the service ---------------------------------------------------------------------------


def _scope_ids(scope: str) -> list[int]:
    if scope == Scope.ORG:
        return [0]
    if scope == Scope.POD:
        return list(Pod.objects.values_list("pk", flat=True))
    column = "geography_id" if scope == Scope.GEOGRAPHY else "vertical_id"
    return sorted(set(Pod.objects.values_list(column, flat=True)))


@transaction.atomic
def kpis_compute(
    *, since: datetime.date, until: datetime.date, grains=None, kpis=None, now: datetime.datetime | None = None
) -> int:
    """Compute every KPI, scope and grain for the periods overlapping
    [since, until] and store them. Every scope gets a snapshot for every
    period, with no value where the denominator is zero. Only rows whose
    figures changed are written, so a rerun leaves the table as it was.
    Returns the number of snapshots written."""
    if since > until:
        raise ValueError("since is after until")
    grains = grains or list(Grain.values)
    kpis = kpis or list(KPIS)
    computed_at = timezone.now()
    scope_ids = {scope: _scope_ids(scope) for scope in FIELD_SCOPES}
    prepared = _vendor() == "postgresql" and KpiCode.FIRST_TIME_SUCCESS in kpis
    if prepared:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {FIRST_VISITS_TABLE} ON COMMIT DROP AS {_first_visits_sql()}")
    wanted = []
    for grain in grains:
        periods = periods_between(since, until, grain)
        # Churn and promotion rate share the grain's headcounts: computed once.
        headcounts = _headcounts(periods, FIELD_SCOPES) if {KpiCode.CHURN, KpiCode.PROMOTION_RATE} & set(kpis) else None
        for kpi in kpis:
            compute = KPIS[kpi]
            if kpi == KpiCode.FIRST_TIME_SUCCESS:
                figures = compute(periods, FIELD_SCOPES, now=now, prepared=prepared)
            elif kpi in (KpiCode.CHURN, KpiCode.PROMOTION_RATE):
                figures = compute(periods, FIELD_SCOPES, headcounts=headcounts)
            else:
                figures = compute(periods, FIELD_SCOPES)
            for scope, ids in scope_ids.items():
                for period in periods:
                    for scope_id in ids:
                        figure = figures.get((scope, period.start, scope_id)) or _empty(kpi)
                        wanted.append(
                            (
                                kpi,
                                scope,
                                scope_id,
                                grain,
                                period.start,
                                period.end,
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
    return _store(wanted)


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
        KpiCode.FIRST_TIME_SUCCESS: {
            "provisional_installs": 0,
            "revisit_window_days": settings.FIRST_TIME_REVISIT_DAYS,
        },
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
KEY = ("kpi", "scope", "scope_id", "grain", "period_start")
COMPARED = ("value", "numerator", "denominator", "provisional", "details", "period_end")


def _store(wanted: list[tuple]) -> int:
    """Write the snapshots whose figures changed; returns how many."""
    if not wanted:
        return 0
    if _vendor() == "postgresql":
        return _store_postgresql(wanted)
    return _store_portable(wanted)


def _store_postgresql(wanted: list[tuple]) -> int:
    # Stream the rows into a temporary table, then one statement inserts the
    # new ones and updates only those whose figures differ.
    table = KpiSnapshot._meta.db_table
    columns = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*COMPARED, "computed_at"))
    mine = ", ".join(f"{table}.{c}" for c in COMPARED)
    theirs = ", ".join(f"EXCLUDED.{c}" for c in COMPARED)
    details_at = COLUMNS.index("details")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE kpi_incoming ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY kpi_incoming ({columns}) FROM STDIN") as copy:
            for row in wanted:
                copy.write_row((*row[:details_at], json.dumps(row[details_at]), *row[details_at + 1 :]))
        cursor.execute(
            f"""INSERT INTO {table} ({columns}) SELECT {columns} FROM kpi_incoming
                ON CONFLICT ({", ".join(KEY)}) DO UPDATE SET {updates}
                WHERE ({mine}) IS DISTINCT FROM ({theirs})"""
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE kpi_incoming")
    return written


def _store_portable(wanted: list[tuple]) -> int:
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in wanted]
    starts = {row["period_start"] for row in rows}
    existing = {
        tuple(row[k] for k in KEY): row
        for row in KpiSnapshot.objects.filter(
            period_start__gte=min(starts),
            period_start__lte=max(starts),
            kpi__in={row["kpi"] for row in rows},
            grain__in={row["grain"] for row in rows},
        ).values(*KEY, *COMPARED)
    }
    changed = [
        KpiSnapshot(**row)
        for row in rows
        if (old := existing.get(tuple(row[k] for k in KEY))) is None or any(old[f] != row[f] for f in COMPARED)
    ]
    KpiSnapshot.objects.bulk_create(
        changed,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=list(KEY),
        update_fields=[*COMPARED, "computed_at"],
    )
    return len(changed)
