"""The rebuild's PostgreSQL path: a KPI computed and stored without its
grouped rows travelling through Python. The KPI's own grouped statement
(the same builder its Python path runs, kpis/field_kpis.py and the others)
is wrapped in an INSERT ... SELECT that shapes each grouped row into a
finished snapshot row (value, numerator, denominator, provisional, details)
inside the database, into the rebuild's incoming table
(kpis/snapshot_store.py). On a million installs the field KPIs return some
200,000 grouped rows a rebuild; shaping them in SQL spares their trip out
and back in.

Values are rounded as the Python path rounds them (six places, details four),
with numeric rounding (half away from zero); the two paths never meet on one
database, since SQLite only has the Python one."""

from django.conf import settings

from .aggregates import Context, NamedScopes, scope_passes
from .consent_kpis import consent_query
from .field_kpis import (
    UNIT,
    audit_query,
    headcounts_query,
    open_at_end_sql,
    promotions_query,
    resolved_query,
    separations_query,
)
from .first_time_kpis import first_time_query, fts_details
from .models import KpiCode
from .periods import Period


def _rounded(expr: str, places: int = 6) -> str:
    return f"round(({expr})::numeric, {places})::float8"


def snapshot_select(grain: str, numerator: str, denominator: str, provisional: str, details: str, key="g.") -> str:
    """The outer SELECT over the grouped rows (period_start, scope, scope_id,
    the aggregates; `key` qualifies the first three): one snapshot row per
    grouped row. Three parameters: kpi, grain, computed_at."""
    return f"""
        SELECT %s, {key}scope, {key}scope_id, %s, {key}period_start,
               ({key}period_start + interval '{UNIT[grain]}' - interval '1 day')::date,
               CASE WHEN ({denominator}) <> 0
                    THEN {_rounded(f"({numerator})::float8 / ({denominator})::float8")} END,
               {_rounded(numerator)}, {_rounded(denominator)}, {provisional}, {details}, %s"""


def _wrapped(kpi, grain, computed_at, inner: tuple[str, list], columns: str, shape: tuple) -> tuple[str, list]:
    numerator, denominator, provisional, details = shape
    sql, params = inner
    select = snapshot_select(grain, numerator, denominator, provisional, details)
    return f"{select} FROM ({sql}) g(period_start, scope, scope_id, {columns})", [kpi, grain, computed_at, *params]


def _simple(build, columns: str, shape: tuple):
    """A KPI whose figure is one grouped row: its builder, run per scope pass."""

    def statements(kpi, grain, scopes, computed_at):
        return [
            _wrapped(kpi, grain, computed_at, build(sc), columns, shape) for sc in scope_passes(scopes, NamedScopes)
        ]

    return statements


def json_object(pairs: dict) -> str:
    return "jsonb_build_object(" + ", ".join(f"'{key}', {value}" for key, value in pairs.items()) + ")"


def audit_statements(periods: list[Period], ctx: Context):
    return _simple(audit_query(periods), "passed, held", ("g.passed", "g.held", "false", "'{}'::jsonb"))


def first_time_statements(periods: list[Period], ctx: Context, *, newcomers: bool = False):
    constants = {key: str(value) for key, value in fts_details(0, newcomers).items() if key != "provisional_installs"}
    details = json_object({"provisional_installs": "g.still_open", **constants})
    return _simple(
        first_time_query(periods, ctx, newcomers=newcomers),
        "successes, installs, still_open",
        ("g.successes", "g.installs", "g.still_open > 0", details),
    )


def cohort_first_time_statements(periods: list[Period], ctx: Context):
    return first_time_statements(periods, ctx, newcomers=True)


def consent_statements(periods: list[Period], ctx: Context):
    return _simple(
        consent_query(periods, ctx),
        "consented, installs, no_record",
        ("g.consented", "g.installs", "false", json_object({"no_record": "g.no_record"})),
    )


def _joined(left, right, left_columns: str, right_columns: str, shape: tuple):
    """A KPI whose figure joins two grouped statements by period and scope
    (a scope and period with facts in either has a figure)."""

    def statements(kpi, grain, scopes, computed_at):
        numerator, denominator, provisional, details = shape
        out = []
        for sc in scope_passes(scopes, NamedScopes):
            (lsql, lparams), (rsql, rparams) = left(sc), right(sc)
            # The join's merged key columns are unqualified.
            select = snapshot_select(grain, numerator, denominator, provisional, details, key="")
            sql = f"""{select} FROM ({lsql}) l(period_start, scope, scope_id, {left_columns})
                FULL JOIN ({rsql}) r(period_start, scope, scope_id, {right_columns})
                USING (period_start, scope, scope_id)"""
            out.append((sql, [kpi, grain, computed_at, *lparams, *rparams]))
        return out

    return statements


def mttr_statements(periods: list[Period], ctx: Context):
    grain = periods[0].grain
    # The period's end instant in the organisation's time zone, as Period.end_at().
    end_at = f"((period_start + interval '{UNIT[grain]}')::timestamp AT TIME ZONE '{_zone()}')"
    details = json_object(
        {
            "median_hours": _rounded("l.median", 4),
            "p90_hours": _rounded("l.p90", 4),
            "resolved": "COALESCE(l.resolved, 0)",
            "open_at_end": "COALESCE(r.open_n, 0)",
            "oldest_open_hours": _rounded(f"EXTRACT(EPOCH FROM ({end_at} - r.oldest)) / 3600", 4),
        }
    )
    return _joined(
        resolved_query(periods),
        lambda sc: open_at_end_sql(periods, sc),
        "hours, resolved, median, p90",
        "open_n, oldest",
        ("COALESCE(l.hours, 0)", "COALESCE(l.resolved, 0)", "false", details),
    )


def _headcount_shape(numerator: str, extra: dict) -> tuple:
    start, end = "COALESCE(r.at_start, 0)", "COALESCE(r.at_end, 0)"
    return (
        numerator,
        f"({start} + {end}) / 2.0",
        "false",
        json_object({**extra, "headcount_start": start, "headcount_end": end}),
    )


def churn_statements(periods: list[Period], ctx: Context):
    left = "COALESCE(l.left_n, 0)"
    voluntary = "COALESCE(l.voluntary, 0)"
    return _joined(
        separations_query(periods),
        headcounts_query(periods),
        "left_n, voluntary",
        "at_start, at_end",
        _headcount_shape(left, {"voluntary": voluntary, "involuntary": f"{left} - {voluntary}"}),
    )


def promotion_statements(periods: list[Period], ctx: Context):
    return _joined(
        promotions_query(periods),
        headcounts_query(periods),
        "promoted",
        "at_start, at_end",
        _headcount_shape("COALESCE(l.promoted, 0)", {}),
    )


def _zone() -> str:
    zone = settings.KPI_TIME_ZONE
    # A zone name goes into the SQL text (a parameter cannot sit inside the
    # interval arithmetic's literal without a cast per row); IANA names are
    # letters, digits, "/", "_", "+" and "-" only.
    if not all(ch.isalnum() or ch in "/_+-" for ch in zone):
        raise ValueError(f"unexpected time zone name {zone!r}")
    return zone


# KPI code -> statements(periods, ctx) -> run(kpi, grain, scopes, computed_at) -> [(sql, params)]
IN_DATABASE = {
    KpiCode.AUDIT_PASS_RATE: audit_statements,
    KpiCode.FIRST_TIME_SUCCESS: first_time_statements,
    KpiCode.COHORT_FIRST_TIME_SUCCESS: cohort_first_time_statements,
    KpiCode.CONSENT_COMPLETION: consent_statements,
    KpiCode.MTTR: mttr_statements,
    KpiCode.CHURN: churn_statements,
    KpiCode.PROMOTION_RATE: promotion_statements,
}
