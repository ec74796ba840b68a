"""The KPIs that tell leads whether the bootcamp works (docs/product.md, KPIs,
"beyond these"): bootcamp completion rate, days from hire to clearance and
the first-attempt drill pass rate. The fourth, first-time success in the
first 90 days in the field, is first-time success restricted to newcomers
and lives beside it in first_time_kpis.py. The exact definitions are in
docs/decisions.md; field scopes follow the installer's pod, the cohort scope
the installer's enrollment.

Each returns {(scope, period start, scope id): Figure}, like the field KPIs."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from bootcamp.item_done import done_sql
from bootcamp.models import Cohort
from bootcamp.selectors import cohort_ends_on
from onboarding.models import DrillOutcome

from .aggregates import Context, Figure, adapt_d, grouped, local_date_sql, periodise, vendor
from .periods import Period
from .tables import T_CLEARANCE, T_COHORT, T_DRILL, T_ENROLLMENT, T_INSTALLER, T_ITEM, T_ITEM_STATE, T_MODULE, T_POD


def bootcamp_completion(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Enrollments that completed every item (checked and, where needed,
    signed off), over the enrollments of cohorts whose bootcamp ended in the
    period (withdrawn ones included: they did not complete). A cohort counts
    once its last working day is over."""
    today = timezone.localtime(ctx.now, ZoneInfo(settings.KPI_TIME_ZONE)).date()
    # The end date is working-day arithmetic on the cohort (one row per
    # cohort, not per fact), so it comes in as a VALUES table.
    ends = [
        (cohort.pk, adapt_d(ends_on))
        for cohort in Cohort.objects.select_related("program_version")
        if (ends_on := cohort_ends_on(cohort)) < today
    ]
    if not ends:
        return {}
    ps = periodise(periods, "ends.ends_on", dates=True)
    values = ", ".join(["(%s, %s)"] * len(ends))
    ends_params = [value for row in ends for value in row]
    if vendor() == "postgresql":
        # Typed, so that the VALUES column compares as a date.
        values = ", ".join(["(%s::bigint, %s::date)"] * len(ends))
    ctes = [
        f"ends(cohort_id, ends_on) AS (VALUES {values})",
        f"""totals(version_id, n) AS (
            SELECT m.version_id, COUNT(*) FROM {T_ITEM} it JOIN {T_MODULE} m ON m.id = it.module_id
            GROUP BY m.version_id)""",
        f"""done(enrollment_id, n) AS (
            SELECT s.enrollment_id, COUNT(*) FROM {T_ITEM_STATE} s JOIN {T_ITEM} it ON it.id = s.item_id
            WHERE {done_sql("s", "it")}
            GROUP BY s.enrollment_id)""",
    ]

    def build(sc):
        # The enrollment itself is "enr" here: the cohort scope is its own cohort.
        return (
            f"""
            {ps.with_ctes(*ctes)}
            SELECT {ps.key}, {sc.select},
                   SUM(CASE WHEN enr.withdrawn_at IS NULL AND COALESCE(done.n, 0) >= COALESCE(totals.n, 0)
                            THEN 1 ELSE 0 END),
                   COUNT(*),
                   SUM(CASE WHEN enr.withdrawn_at IS NULL THEN 0 ELSE 1 END)
            FROM {T_ENROLLMENT} enr
            JOIN ends ON ends.cohort_id = enr.cohort_id {ps.join}
            JOIN {T_COHORT} c ON c.id = enr.cohort_id
            LEFT JOIN totals ON totals.version_id = c.program_version_id
            LEFT JOIN done ON done.enrollment_id = enr.id
            JOIN {T_INSTALLER} i ON i.id = enr.installer_id
            JOIN {T_POD} pod ON pod.id = i.pod_id
            WHERE {ps.where}
            {sc.group}
        """,
            [*ps.with_params, *ends_params, *ps.key_params, *ps.where_params],
        )

    return {
        (scope, start, sid): Figure(completed, enrolled, details={"withdrawn": withdrawn})
        for scope, start, sid, (completed, enrolled, withdrawn) in grouped(build, scopes)
    }


def days_to_clearance(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Mean calendar days from hire to first clearance (days in the
    organisation's time zone), over installers first cleared in the period.
    The numerator is the sum of days, the denominator the installers."""
    ps = periodise(periods, "f.cleared_at", dates=False)
    cleared_on, cleared_on_params = local_date_sql("f.cleared_at")
    if vendor() == "postgresql":
        days = f"({cleared_on} - i.hired_on)"
    else:
        days = f"(julianday({cleared_on}) - julianday(i.hired_on))"
    firsts = f"f AS (SELECT installer_id, MIN(cleared_at) AS cleared_at FROM {T_CLEARANCE} GROUP BY installer_id)"

    def build(sc):
        return (
            f"""
            {ps.with_ctes(firsts)}
            SELECT {ps.key}, {sc.select}, SUM({days}), COUNT(*)
            FROM f {ps.join}
            JOIN {T_INSTALLER} i ON i.id = f.installer_id
            JOIN {T_POD} pod ON pod.id = i.pod_id
            {sc.cohort_join("i.id")}
            WHERE {ps.where}
            {sc.group}
        """,
            ps.params(cleared_on_params),
        )

    return {
        (scope, start, sid): Figure(float(total), cleared)
        for scope, start, sid, (total, cleared) in grouped(build, scopes)
    }


def drill_first_pass(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Installers whose first outage drill passed, over installers whose first
    drill was completed in the period (attempt 1 is the first one run)."""
    ps = periodise(periods, "d.completed_at", dates=False)

    def build(sc):
        return (
            f"""
            {ps.with_}
            SELECT {ps.key}, {sc.select}, SUM(CASE WHEN d.outcome = %s THEN 1 ELSE 0 END), COUNT(*)
            FROM {T_DRILL} d {ps.join}
            JOIN {T_INSTALLER} i ON i.id = d.installer_id
            JOIN {T_POD} pod ON pod.id = i.pod_id
            {sc.cohort_join("i.id")}
            WHERE d.attempt = 1 AND {ps.where}
            {sc.group}
        """,
            ps.params([DrillOutcome.PASSED.value]),
        )

    return {
        (scope, start, sid): Figure(passed, first_drills)
        for scope, start, sid, (passed, first_drills) in grouped(build, scopes)
    }
