"""The SQL pieces every KPI query shares: periods (cut in the
organisation's time zone), scope columns and their grouping, and the figure
a grouped row becomes. Each KPI is one grouped statement per scope level (on
PostgreSQL the four field levels in one GROUPING SETS pass); Python only
shapes the grouped rows."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from bootcamp.models import Enrollment

from .models import Scope
from .periods import Period

T_ENROLLMENT = Enrollment._meta.db_table

# The column that names the scope: the pod table is aliased "pod", the
# installer's active enrollment "enr" (see Scopes.cohort_join), the hiring
# KPIs' facts "hire" (kpis/hiring_kpis.py); the organisation is one scope
# with id 0.
SCOPE_COLUMN = {
    Scope.ORG: "0",
    Scope.GEOGRAPHY: "pod.geography_id",
    Scope.VERTICAL: "pod.vertical_id",
    Scope.POD: "pod.id",
    Scope.COHORT: "enr.cohort_id",
    Scope.SOURCE: "hire.source_id",
}
FIELD_SCOPES = [Scope.ORG, Scope.GEOGRAPHY, Scope.VERTICAL, Scope.POD]
ALL_SCOPES = [*FIELD_SCOPES, Scope.COHORT]
HIRING_SCOPES = [*FIELD_SCOPES, Scope.SOURCE]


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


@dataclass
class Context:
    """What the KPIs of one run of periods (of one grain) share in a rebuild."""

    now: datetime.datetime
    prepared: bool = False  # the ranked first visits are in a temporary table (PostgreSQL)
    headcounts: dict | None = None  # churn's and promotion rate's, computed once


def vendor() -> str:
    return connection.vendor


def adapt_dt(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def adapt_d(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def periods_cte(periods: list[Period], *, dates: bool) -> tuple[str, list]:
    """A CTE `periods(period_start, lo, hi)`: [lo, hi) as instants in the
    organisation's time zone, or as dates."""
    rows, params = [], []
    for period in periods:
        rows.append("(%s, %s, %s)")
        if dates:
            params += [adapt_d(period.start), adapt_d(period.start), adapt_d(period.next_start)]
        else:
            params += [adapt_d(period.start), adapt_dt(period.start_at()), adapt_dt(period.end_at())]
    return f"periods(period_start, lo, hi) AS (VALUES {', '.join(rows)})", params


@dataclass
class Periodised:
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

    def with_ctes(self, *ctes: str) -> str:
        """The WITH clause: the periods' CTE (if any), then `ctes`."""
        parts = ([self.with_.removeprefix("WITH ")] if self.with_ else []) + list(ctes)
        return f"WITH {', '.join(parts)}" if parts else ""

    def params(self, *middle) -> list:
        return [*self.with_params, *self.key_params, *[p for part in middle for p in part], *self.where_params]


def instant_period_key(grain: str, column: str) -> str:
    """PostgreSQL: the start of the period of `grain` holding an instant in
    the organisation's time zone (one parameter, the zone's name)."""
    return f"date_trunc('{grain}', {column} AT TIME ZONE %s)::date"


def periodise(periods: list[Period], column: str, *, dates: bool) -> Periodised:
    if vendor() == "postgresql":
        # PostgreSQL's week is the ISO week, its month and quarter ours: one pass, grouped.
        unit = periods[0].grain
        if dates:
            key, key_params = f"date_trunc('{unit}', {column})::date", []
            lo, hi = periods[0].start, periods[-1].next_start
        else:
            key, key_params = instant_period_key(unit, column), [settings.KPI_TIME_ZONE]
            lo, hi = periods[0].start_at(), periods[-1].end_at()
        return Periodised("", [], key, key_params, "", f"{column} >= %s AND {column} < %s", [lo, hi])
    cte, params = periods_cte(periods, dates=dates)
    return Periodised(
        f"WITH {cte}",
        params,
        "p.period_start",
        [],
        f"JOIN periods p ON {column} >= p.lo AND {column} < p.hi",
        "1 = 1",
        [],
    )


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def day_of(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def local_date_sql(column: str) -> tuple[str, list]:
    """The calendar day of an instant in the organisation's time zone."""
    if vendor() == "postgresql":
        return f"(({column} AT TIME ZONE %s)::date)", [settings.KPI_TIME_ZONE]
    # Django registers this function on every SQLite connection (TruncDate uses it).
    return f"django_datetime_cast_date({column}, %s, 'UTC')", [settings.KPI_TIME_ZONE]


def sqlite_shifted(column: str) -> str:
    """SQLite: a stored instant moved by a whole-seconds modifier (a parameter).
    datetime() drops the fraction of a second, which would move the bound by
    up to a second; the stored text's own fraction is put back."""
    return f"(datetime({column}, %s) || substr({column}, 20))"


def hours_sql(later: str, earlier: str) -> str:
    if vendor() == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)"
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


# --- scopes in SQL ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scopes:
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

    def cohort_join(self, installer_column: str) -> str:
        """The join that gives a fact its installer's cohort, in the cohort
        pass only: an installer has at most one enrollment not withdrawn (a
        database constraint), so no fact is counted twice. Facts of
        installers never enrolled have no cohort and drop out of that pass."""
        if self.scope != Scope.COHORT:
            return ""
        return f"JOIN {T_ENROLLMENT} enr ON enr.installer_id = {installer_column} AND enr.withdrawn_at IS NULL"

    def decode(self, row) -> tuple[str, datetime.date, int, tuple]:
        """(scope, period start, scope id, the aggregates)."""
        start = day_of(row[0])
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


@dataclass(frozen=True)
class NamedScopes(Scopes):
    """The same passes for the in-database rebuild (kpis/in_database.py):
    the scope comes out as two columns, its name and its id, so that the
    grouped row is already a snapshot's key."""

    @property
    def select(self) -> str:
        if self.scope is None:
            return (
                "CASE WHEN GROUPING(pod.id) = 0 THEN 'pod' WHEN GROUPING(pod.vertical_id) = 0 THEN 'vertical' "
                "WHEN GROUPING(pod.geography_id) = 0 THEN 'geography' ELSE 'org' END, "
                "CASE WHEN GROUPING(pod.id) = 0 THEN pod.id WHEN GROUPING(pod.vertical_id) = 0 THEN pod.vertical_id "
                "WHEN GROUPING(pod.geography_id) = 0 THEN pod.geography_id ELSE 0 END"
            )
        return f"'{self.scope}', {SCOPE_COLUMN[self.scope]}"

    @property
    def group(self) -> str:
        if self.scope is None or self.scope == Scope.ORG:
            return super().group
        return f"GROUP BY 1, {SCOPE_COLUMN[self.scope]}"


def scope_passes(scopes: list[str], kind: type[Scopes] = Scopes) -> list[Scopes]:
    """One GROUPING SETS pass for the field levels on PostgreSQL (and one
    for cohorts); one pass per level elsewhere."""
    if vendor() == "postgresql" and set(FIELD_SCOPES) <= set(scopes):
        return [kind(None)] + [kind(scope) for scope in scopes if scope not in FIELD_SCOPES]
    return [kind(scope) for scope in scopes]


def grouped(build, scopes: list[str]) -> list[tuple]:
    """Run `build(Scopes) -> (sql, params)` for each pass; decoded rows."""
    rows = []
    for sc in scope_passes(scopes):
        sql, params = build(sc)
        rows += [sc.decode(row) for row in fetch(sql, params)]
    return rows
