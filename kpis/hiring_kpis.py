"""The hiring KPIs (docs/product.md, Hiring and KPIs): time to hire, candidate
conversion, and the sources' quality, hires cleared within 60 days and
first-year retention. Grouped SQL like the other KPIs: each statement first
gathers its facts in a CTE named "hire" (the pod they count for and their
source's scope id, kpis/sources.py), then groups them by period and scope.

Candidates count for their requisition's pod and their own source;
installers for their current pod and their hiring source, as every other
fact about installers does. A blank source (hired before hiring was kept
here) belongs to no source scope.

Each returns {(scope, period start, scope id): Figure}."""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from hiring.models import OPEN_STAGES, PIPELINE, CandidateStage

from .aggregates import (
    SCOPE_COLUMN,
    Context,
    Figure,
    adapt_d,
    day_of,
    fetch,
    grouped,
    local_date_sql,
    periodise,
    periods_cte,
    vendor,
)
from .field_kpis import percentile
from .models import Scope
from .periods import Period
from .sources import source_id_sql
from .tables import T_CANDIDATE, T_CLEARANCE, T_INSTALLER, T_POD, T_REQUISITION, T_STAGE_CHANGE

CLEARANCE_WINDOW_DAYS = 60  # docs/product.md, Hiring: "cleared within 60 days of their start"
RETENTION_DAYS = 365  # "still employed after a year"
HIRED_RANK = len(PIPELINE) - 1


def _today(ctx: Context) -> datetime.date:
    return timezone.localtime(ctx.now, ZoneInfo(settings.KPI_TIME_ZONE)).date()


def _sourced(sc) -> str:
    # The source pass counts only facts with a recorded source.
    return "AND hire.source_id IS NOT NULL" if sc.scope == Scope.SOURCE else ""


def _plus_days(column: str, days: int) -> str:
    if vendor() == "postgresql":
        return f"({column} + {int(days)})"
    return f"date({column}, '+{int(days)} days')"


def _rank(column: str) -> str:
    """A stage's place in the pipeline (applied 0 ... hired 5); an exit ranks 0."""
    whens = " ".join(f"WHEN '{stage.value}' THEN {rank}" for rank, stage in enumerate(PIPELINE))
    return f"(CASE {column} {whens} ELSE 0 END)"


# --- time to hire -----------------------------------------------------------------------------


def time_to_hire(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Median days from application (`applied_on`) to hire (the day, in the
    organisation's time zone, the candidate moved to hired), over the
    candidates hired in the period; the 90th percentile beside it. The
    numerator is the sum of days and the denominator the hires, so that the
    mean can be read too; the value is the median."""
    ps = periodise(periods, "hire.hired_at", dates=False)
    hired_on, hired_on_params = local_date_sql("c.stage_changed_at")
    if vendor() == "postgresql":
        days = f"({hired_on} - c.applied_on)"
        percentiles = ", ".join(f"percentile_cont({q}) WITHIN GROUP (ORDER BY hire.days)" for q in (0.5, 0.9))
    else:
        days = f"(julianday({hired_on}) - julianday(c.applied_on))"
        percentiles = "NULL, NULL"
    facts = f"""hire AS (
        SELECT req.pod_id, {source_id_sql("c.source")} AS source_id, c.stage_changed_at AS hired_at, {days} AS days
        FROM {T_CANDIDATE} c JOIN {T_REQUISITION} req ON req.id = c.requisition_id
        WHERE c.stage = '{CandidateStage.HIRED.value}')"""

    def build(sc):
        return (
            f"""
            {ps.with_ctes(facts)}
            SELECT {ps.key}, {sc.select}, SUM(hire.days), COUNT(*), {percentiles}
            FROM hire {ps.join}
            JOIN {T_POD} pod ON pod.id = hire.pod_id
            WHERE {ps.where} {_sourced(sc)}
            {sc.group}
        """,
            [*ps.with_params, *hired_on_params, *ps.key_params, *ps.where_params],
        )

    rows = {(scope, start, sid): values for scope, start, sid, values in grouped(build, scopes)}
    quantiles = {key: (median, p90) for key, (_total, _count, median, p90) in rows.items()}
    if vendor() != "postgresql":
        quantiles = _sqlite_quantiles(periods, scopes, facts, hired_on_params)
    figures = {}
    for key, (total, count, *_ignored) in rows.items():
        median, p90 = (None if q is None else round(float(q), 4) for q in quantiles[key])
        figures[key] = Figure(
            float(total), count, value_override=median, details={"median_days": median, "p90_days": p90}
        )
    return figures


def _sqlite_quantiles(periods: list[Period], scopes: list[str], facts: str, facts_params: list) -> dict:
    # SQLite has no percentile aggregate: fetch each level's days once and
    # interpolate here, as PostgreSQL's percentile_cont does.
    cte, params = periods_cte(periods, dates=False)
    days = defaultdict(list)
    for scope in scopes:
        sql = f"""
            WITH {cte}, {facts}
            SELECT p.period_start, {SCOPE_COLUMN[scope]}, hire.days
            FROM hire JOIN periods p ON hire.hired_at >= p.lo AND hire.hired_at < p.hi
            JOIN {T_POD} pod ON pod.id = hire.pod_id
            WHERE 1 = 1 {"AND hire.source_id IS NOT NULL" if scope == Scope.SOURCE else ""}
        """
        for start, scope_id, value in fetch(sql, [*params, *facts_params]):
            days[(scope, day_of(start), scope_id)].append(float(value))
    return {key: (percentile(values, 0.5), percentile(values, 0.9)) for key, values in days.items()}


def time_to_hire_empty_details() -> dict:
    return {"median_days": None, "p90_days": None}


# --- candidate conversion ---------------------------------------------------------------------


def candidate_conversion(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Candidates hired, over the candidates who applied in the period
    (`applied_on`), with how many reached each stage of the pipeline. A
    candidate reached a stage if their history (or their stage now) went
    there: moves are one step at a time, so one rejected at interview passed
    screen and practical. While any of them is still in the pipeline the
    figure can rise, and is provisional."""
    ps = periodise(periods, "hire.applied_on", dates=True)
    open_stages = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)
    facts = [
        f"reach AS (SELECT candidate_id, MAX({_rank('to_stage')}) AS furthest FROM {T_STAGE_CHANGE} "
        "GROUP BY candidate_id)",
        f"""hire AS (
            SELECT req.pod_id, {source_id_sql("c.source")} AS source_id, c.applied_on, c.stage,
                   CASE WHEN COALESCE(reach.furthest, 0) > {_rank("c.stage")} THEN COALESCE(reach.furthest, 0)
                        ELSE {_rank("c.stage")} END AS furthest
            FROM {T_CANDIDATE} c JOIN {T_REQUISITION} req ON req.id = c.requisition_id
            LEFT JOIN reach ON reach.candidate_id = c.id)""",
    ]
    reached = ", ".join(f"SUM(CASE WHEN hire.furthest >= {rank} THEN 1 ELSE 0 END)" for rank in range(1, len(PIPELINE)))

    def build(sc):
        return (
            f"""
            {ps.with_ctes(*facts)}
            SELECT {ps.key}, {sc.select}, COUNT(*), {reached},
                   SUM(CASE WHEN hire.stage IN ({open_stages}) THEN 1 ELSE 0 END),
                   SUM(CASE WHEN hire.stage = '{CandidateStage.REJECTED.value}' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN hire.stage = '{CandidateStage.WITHDRAWN.value}' THEN 1 ELSE 0 END)
            FROM hire {ps.join}
            JOIN {T_POD} pod ON pod.id = hire.pod_id
            WHERE {ps.where} {_sourced(sc)}
            {sc.group}
        """,
            ps.params(),
        )

    figures = {}
    for scope, start, sid, (applied, *counts) in grouped(build, scopes):
        by_stage, (still_open, rejected, withdrawn) = counts[: len(PIPELINE) - 1], counts[len(PIPELINE) - 1 :]
        stages = dict(zip([stage.value for stage in PIPELINE], [applied, *by_stage], strict=True))
        figures[(scope, start, sid)] = Figure(
            stages[CandidateStage.HIRED],
            applied,
            provisional=bool(still_open),
            details={"reached": stages, "open": still_open, "rejected": rejected, "withdrawn": withdrawn},
        )
    return figures


def conversion_empty_details() -> dict:
    return {"reached": {stage.value: 0 for stage in PIPELINE}, "open": 0, "rejected": 0, "withdrawn": 0}


# --- source quality: clearance within 60 days and first-year retention -------------------------


def _window_figures(periods: list[Period], scopes: list[str], ctx: Context, *, days: int, facts, kept: str, extra):
    """Hires (installers) whose window of `days` after their hire date ended
    in the period and is over (its last day before today), and those of them
    for whom `kept` holds. `extra` adds aggregates to the select list."""
    ps = periodise(periods, "hire.window_end", dates=True)
    ctes, cte_params = facts(_plus_days("i.hired_on", days))

    def build(sc):
        return (
            f"""
            {ps.with_ctes(*ctes)}
            SELECT {ps.key}, {sc.select}, SUM(CASE WHEN {kept} THEN 1 ELSE 0 END), COUNT(*) {extra}
            FROM hire {ps.join}
            JOIN {T_POD} pod ON pod.id = hire.pod_id
            WHERE hire.window_end < %s AND {ps.where} {_sourced(sc)}
            {sc.group}
        """,
            [*ps.with_params, *cte_params, *ps.key_params, adapt_d(_today(ctx)), *ps.where_params],
        )

    return grouped(build, scopes)


def hire_clearance_60d(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Hires whose first clearance came on or before the 60th day after their
    hire date (the day of clearance taken in the organisation's time zone),
    over the hires whose 60th day fell in the period and is over. A hire who
    left uncleared counts as not cleared."""
    cleared_on, cleared_on_params = local_date_sql("fc.cleared_at")

    def facts(window_end):
        return [
            f"fc AS (SELECT installer_id, MIN(cleared_at) AS cleared_at FROM {T_CLEARANCE} GROUP BY installer_id)",
            f"""hire AS (
                SELECT i.pod_id, {source_id_sql("i.hiring_source")} AS source_id, {window_end} AS window_end,
                       {cleared_on} AS cleared_on
                FROM {T_INSTALLER} i LEFT JOIN fc ON fc.installer_id = i.id)""",
        ], cleared_on_params

    rows = _window_figures(
        periods,
        scopes,
        ctx,
        days=CLEARANCE_WINDOW_DAYS,
        facts=facts,
        kept="hire.cleared_on IS NOT NULL AND hire.cleared_on <= hire.window_end",
        extra="",
    )
    return {
        (scope, start, sid): Figure(cleared, hires, details=clearance_empty_details())
        for scope, start, sid, (cleared, hires) in rows
    }


def clearance_empty_details() -> dict:
    return {"window_days": CLEARANCE_WINDOW_DAYS}


def first_year_retention(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Hires still employed on the 365th day after their hire date (employed
    on a day: not left on or before it, as for headcount), over the hires
    whose 365th day fell in the period and is over. Those who left within
    the year are counted in `details`, voluntary and involuntary apart."""

    def facts(window_end):
        return [
            f"""hire AS (
                SELECT i.pod_id, {source_id_sql("i.hiring_source")} AS source_id, {window_end} AS window_end,
                       i.left_on, i.left_voluntarily
                FROM {T_INSTALLER} i)"""
        ], []

    left = "hire.left_on IS NOT NULL AND hire.left_on <= hire.window_end"
    rows = _window_figures(
        periods,
        scopes,
        ctx,
        days=RETENTION_DAYS,
        facts=facts,
        kept="hire.left_on IS NULL OR hire.left_on > hire.window_end",
        extra=f", SUM(CASE WHEN {left} AND hire.left_voluntarily THEN 1 ELSE 0 END)",
    )
    figures = {}
    for scope, start, sid, (stayed, hires, voluntary) in rows:
        left_count = hires - stayed
        figures[(scope, start, sid)] = Figure(
            stayed,
            hires,
            details={"left_voluntarily": voluntary, "left_involuntarily": left_count - voluntary},
        )
    return figures


def retention_empty_details() -> dict:
    return {"left_voluntarily": 0, "left_involuntarily": 0}
