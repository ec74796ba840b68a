"""First-time install success (docs/product.md, KPIs), for everyone and for
newcomers in their first days in the field (the cohorts' figure), as one
grouped SQL statement per scope level over each install's first visit."""

import datetime

from django.conf import settings

from .aggregates import (
    Context,
    Figure,
    adapt_dt,
    grouped,
    periodise,
    sqlite_shifted,
    vendor,
)
from .periods import Period
from .tables import T_CLEARANCE, T_INSTALL, T_POD, T_VISIT

NEWCOMER_DAYS = 90  # docs/product.md, KPIs: "first 90 days in the field"

FIRST_VISITS_TABLE = "kpi_first_visits"


def first_visits_sql(spans: int = 0) -> str:
    """Each install's first visit and the one after it, in one pass over the
    visits (PostgreSQL), with what the KPIs read of its install (pod,
    installer, the field data's id): joined here once, not once per KPI,
    grain and scope pass. `spans`: only the installs with a visit in one of
    that many [%s, %s) spans (two parameters each): an install first visited
    in a span has one, so a refresh of a few periods ranks a few installs'
    visits, not all."""
    narrowed = ""
    if spans:
        within = " OR ".join(["(visited_at >= %s AND visited_at < %s)"] * spans)
        narrowed = f"WHERE install_id IN (SELECT install_id FROM {T_VISIT} WHERE {within})"
    return f"""
        SELECT r.install_id, r.visited_at AS first_at, r.outcome AS first_outcome, r.next_at,
               ins.pod_id, ins.installer_id, ins.external_id
        FROM (
            SELECT install_id, visited_at, outcome,
                   row_number() OVER w AS rn, lead(visited_at) OVER w AS next_at
            FROM {T_VISIT} {narrowed} WINDOW w AS (PARTITION BY install_id ORDER BY visited_at)
        ) r JOIN {T_INSTALL} ins ON ins.id = r.install_id
        WHERE r.rn = 1
    """  # noqa: S608


def sqlite_first_visits_sql() -> str:
    """The same rows on SQLite (no window functions over a million rows
    there): the first visit by MIN, its outcome looked up, the install joined."""
    return f"""
        SELECT fi.install_id, fi.first_at,
               (SELECT v1.outcome FROM {T_VISIT} v1
                 WHERE v1.install_id = fi.install_id AND v1.visited_at = fi.first_at) AS first_outcome,
               ins.pod_id, ins.installer_id, ins.external_id
        FROM (SELECT install_id, MIN(visited_at) AS first_at FROM {T_VISIT} GROUP BY install_id) fi
        JOIN {T_INSTALL} ins ON ins.id = fi.install_id
    """  # noqa: S608


def first_time_query(periods: list[Period], ctx: Context, *, newcomers: bool = False):
    """build(Scopes) -> successes, installs first visited, installs whose window is still open."""
    now = ctx.now
    prepared = ctx.prepared
    window = datetime.timedelta(days=settings.FIRST_TIME_REVISIT_DAYS)
    ps = periodise(periods, "f.first_at", dates=False)
    if vendor() == "postgresql":
        # `prepared`: kpis_compute ranked the visits once into a temporary table for every grain.
        firsts = f"f AS (SELECT * FROM {FIRST_VISITS_TABLE})" if prepared else f"f AS ({first_visits_sql()})"
        success = "f.first_outcome = 'success' AND (f.next_at IS NULL OR f.next_at > f.first_at + %s)"
        success_params = [window]
        window_end, window_params = "f.first_at + %s", [window]
    else:
        firsts = f"f AS ({sqlite_first_visits_sql()})"
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
        newcomer_join = "JOIN fc ON fc.installer_id = f.installer_id"
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
            JOIN {T_POD} pod ON pod.id = f.pod_id
            {sc.cohort_join("f.installer_id")}
            {newcomer_join}
            WHERE {ps.where} {newcomer_where}
            {sc.group}
        """,
            params,
        )  # noqa: S608

    return build


def first_time_success(periods: list[Period], scopes: list[str], ctx: Context, *, newcomers: bool = False) -> dict:
    """Installs whose first visit succeeded and had no further visit within
    the revisit window, over installs whose first visit fell in the period.
    Installs whose window is still open count, and make the figure provisional.
    `newcomers`: only installs first visited in their installer's first
    NEWCOMER_DAYS in the field, counted from the installer's first clearance."""
    figures = {}
    build = first_time_query(periods, ctx, newcomers=newcomers)
    for scope, start, sid, (successes, installs, provisional) in grouped(build, scopes):
        figures[(scope, start, sid)] = Figure(
            successes,
            installs,
            provisional=bool(provisional),
            details=fts_details(provisional, newcomers),
        )
    return figures


def fts_details(provisional_installs: int, newcomers: bool) -> dict:
    details = {"provisional_installs": provisional_installs, "revisit_window_days": settings.FIRST_TIME_REVISIT_DAYS}
    if newcomers:
        details["days_in_field"] = NEWCOMER_DAYS
    return details


def cohort_first_time_success(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """First-time success of installers in their first days in the field:
    per cohort, whether the bootcamp made installers who succeed alone."""
    return first_time_success(periods, scopes, ctx, newcomers=True)
