"""The raw SQL floor of the people KPIs: the bootcamp's (completion, days to
clearance, first drill passed), cohort first-time success, consent
completion and the hiring KPIs (time to hire, candidate conversion, hires
cleared within 60 days, first-year retention), written by hand as an expert
would for the same numbers, nothing stored. The same shape as
floor_queries(grain) in bench/kpis.py, which imports this module.

Every statement groups the organisation, geographies, verticals and pods in
one GROUPING SETS pass, with the KPI's cohort or source scope as one more
set, and selects GROUPING(...) so that a row says which scope it is:
bit 0 the cohort or source, bit 1 the pod, bit 2 the vertical, bit 3 the
geography (all set: the organisation). A fact with no cohort or source falls
into a NULL group of that set, which the KPIs drop.

Periods are cut as kpis/aggregates.py cuts them on PostgreSQL: the grain's
periods overlapping [since, until], instants bucketed in `zone`."""

import datetime
import zoneinfo

UNIT = {"week": "1 week", "month": "1 month", "quarter": "3 months"}
SCOPES = "(1), (1, pod.geography_id), (1, pod.vertical_id), (1, pod.id)"
FIELD_SETS = f"GROUPING SETS ({SCOPES})"
SCOPE_COLUMNS = "pod.geography_id, pod.vertical_id, pod.id"
NEWCOMER_DAYS = 90  # kpis/first_time_kpis.py
# kpis/sources.py's numbers and hiring's pipeline order: constants of the data model.
SOURCE_ID = (
    "(CASE {col} WHEN 'maker_community' THEN 1 WHEN 'technical_college' THEN 2 WHEN 'referral' THEN 3 "
    "WHEN 'agency' THEN 4 WHEN 'internal_transfer' THEN 5 WHEN 'other' THEN 6 END)"
)
RANK = (
    "(CASE {col} WHEN 'screen' THEN 1 WHEN 'practical' THEN 2 WHEN 'interview' THEN 3 WHEN 'offer' THEN 4 "
    "WHEN 'hired' THEN 5 ELSE 0 END)"
)


def _sets(extra: str) -> str:
    return f"GROUPING SETS ({SCOPES}, (1, {extra}))"


def _grouping(extra: str) -> str:
    return f"GROUPING(pod.geography_id, pod.vertical_id, pod.id, {extra})"


def _bounds(grain: str, since: datetime.date, until: datetime.date, zone: str):
    """[lo, hi) of the periods overlapping [since, until], as dates and as instants in `zone`."""
    lo = _period_start(since, grain)
    hi = _period_start(until, grain)
    months = {"week": 0, "month": 1, "quarter": 3}[grain]
    if months:
        total = hi.year * 12 + hi.month - 1 + months
        hi = datetime.date(total // 12, total % 12 + 1, 1)
    else:
        hi += datetime.timedelta(days=7)
    tz = zoneinfo.ZoneInfo(zone)
    lo_at, hi_at = (datetime.datetime.combine(day, datetime.time(), tzinfo=tz) for day in (lo, hi))
    return lo, hi, lo_at, hi_at


def _period_start(day: datetime.date, grain: str) -> datetime.date:
    if grain == "week":
        return day - datetime.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def floor_queries(
    grain: str,
    since: datetime.date,
    until: datetime.date,
    *,
    zone: str = "UTC",
    revisit_days: int = 14,
    now: datetime.datetime | None = None,
) -> list[tuple[str, list]]:
    """(sql, params) per KPI; rows: period start, grouping bits, geography,
    vertical, pod, cohort or source, then the KPI's aggregates."""
    if grain not in UNIT:
        raise ValueError(f"grain must be one of {sorted(UNIT)}")
    lo, hi, lo_at, hi_at = _bounds(grain, since, until, zone)
    now = now or datetime.datetime.now(datetime.UTC)
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    local = "(({col} AT TIME ZONE %s)::date)"
    bucket_at = f"date_trunc('{grain}', {{col}} AT TIME ZONE %s)::date"
    bucket_d = f"date_trunc('{grain}', {{col}})::date"
    # The installer's enrollment not withdrawn: at most one (a database constraint).
    active = "LEFT JOIN bootcamp_enrollment enr ON enr.installer_id = {col} AND enr.withdrawn_at IS NULL"
    first_cleared = (
        "fc AS (SELECT installer_id, MIN(cleared_at) AS cleared_at FROM onboarding_clearance GROUP BY installer_id)"
    )
    queries = []

    # Bootcamp completion: enrollments (withdrawn ones too) of cohorts whose
    # last working day is before today, by that day; the cohort is their own.
    ends = "(s0 + (pv.working_days - 1) + 2 * ((extract(isodow FROM s0)::int - 1 + pv.working_days - 1) / 5))"
    queries.append(
        (
            f"""WITH ends AS (
                 SELECT c.id, c.program_version_id, {ends} AS ends_on
                 FROM bootcamp_cohort c JOIN bootcamp_programversion pv ON pv.id = c.program_version_id,
                      LATERAL (SELECT c.start_on + CASE extract(isodow FROM c.start_on) WHEN 6 THEN 2 WHEN 7 THEN 1
                                                  ELSE 0 END AS s0) s),
               totals AS (SELECT m.version_id, COUNT(*) AS n FROM bootcamp_item it
                          JOIN bootcamp_module m ON m.id = it.module_id GROUP BY m.version_id),
               done AS (SELECT s.enrollment_id, COUNT(*) AS n FROM bootcamp_itemstate s
                        JOIN bootcamp_item it ON it.id = s.item_id
                        WHERE s.checked AND (s.evidence_received OR NOT it.needs_evidence)
                          AND (s.signed_off OR NOT it.needs_signoff)
                        GROUP BY s.enrollment_id)
             SELECT {bucket_d.format(col="ends.ends_on")}, {_grouping("e.cohort_id")}, {SCOPE_COLUMNS}, e.cohort_id,
                    SUM(CASE WHEN e.withdrawn_at IS NULL AND COALESCE(done.n, 0) >= COALESCE(totals.n, 0)
                             THEN 1 ELSE 0 END),
                    COUNT(*), SUM(CASE WHEN e.withdrawn_at IS NULL THEN 0 ELSE 1 END)
             FROM bootcamp_enrollment e JOIN ends ON ends.id = e.cohort_id
             LEFT JOIN totals ON totals.version_id = ends.program_version_id
             LEFT JOIN done ON done.enrollment_id = e.id
             JOIN installer_ops_installer i ON i.id = e.installer_id JOIN installer_ops_pod pod ON pod.id = i.pod_id
             WHERE ends.ends_on < %s AND ends.ends_on >= %s AND ends.ends_on < %s
             GROUP BY {_sets("e.cohort_id")}""",
            [today, lo, hi],
        )
    )

    # Days from hire to first clearance (in `zone`), by the first clearance.
    queries.append(
        (
            f"""WITH {first_cleared}
             SELECT {bucket_at.format(col="fc.cleared_at")}, {_grouping("enr.cohort_id")}, {SCOPE_COLUMNS},
                    enr.cohort_id, SUM({local.format(col="fc.cleared_at")} - i.hired_on), COUNT(*)
             FROM fc JOIN installer_ops_installer i ON i.id = fc.installer_id
             JOIN installer_ops_pod pod ON pod.id = i.pod_id {active.format(col="i.id")}
             WHERE fc.cleared_at >= %s AND fc.cleared_at < %s
             GROUP BY {_sets("enr.cohort_id")}""",
            [zone, zone, lo_at, hi_at],
        )
    )

    # First drills passed, by the first drill's completion.
    queries.append(
        (
            f"""SELECT {bucket_at.format(col="d.completed_at")}, {_grouping("enr.cohort_id")}, {SCOPE_COLUMNS},
                    enr.cohort_id, SUM(CASE WHEN d.outcome = 'passed' THEN 1 ELSE 0 END), COUNT(*)
             FROM onboarding_outagedrill d JOIN installer_ops_installer i ON i.id = d.installer_id
             JOIN installer_ops_pod pod ON pod.id = i.pod_id {active.format(col="i.id")}
             WHERE d.attempt = 1 AND d.completed_at >= %s AND d.completed_at < %s
             GROUP BY {_sets("enr.cohort_id")}""",
            [zone, lo_at, hi_at],
        )
    )

    # Cohort first-time success: only installs of installers ever cleared can
    # be first visited in their first 90 days, so only their visits are ranked.
    queries.append(
        (
            f"""WITH {first_cleared},
               ranked AS (
                 SELECT v.install_id, v.visited_at, v.outcome, fc.installer_id, fc.cleared_at,
                        row_number() OVER w AS rn, lead(v.visited_at) OVER w AS next_at
                 FROM kpis_visit v JOIN kpis_install ins ON ins.id = v.install_id
                 JOIN fc ON fc.installer_id = ins.installer_id
                 WINDOW w AS (PARTITION BY v.install_id ORDER BY v.visited_at))
             SELECT {bucket_at.format(col="r.visited_at")}, {_grouping("enr.cohort_id")}, {SCOPE_COLUMNS},
                    enr.cohort_id,
                    SUM(CASE WHEN r.outcome = 'success' AND (r.next_at IS NULL OR r.next_at > r.visited_at + %s)
                             THEN 1 ELSE 0 END),
                    COUNT(*), SUM(CASE WHEN r.visited_at + %s > %s THEN 1 ELSE 0 END)
             FROM ranked r JOIN kpis_install ins ON ins.id = r.install_id
             JOIN installer_ops_pod pod ON pod.id = ins.pod_id {active.format(col="r.installer_id")}
             WHERE r.rn = 1 AND r.visited_at >= %s AND r.visited_at < %s
               AND r.visited_at >= r.cleared_at AND r.visited_at < r.cleared_at + %s
             GROUP BY {_sets("enr.cohort_id")}""",
            [
                zone,
                datetime.timedelta(days=revisit_days),
                datetime.timedelta(days=revisit_days),
                now,
                lo_at,
                hi_at,
                datetime.timedelta(days=NEWCOMER_DAYS),
            ],
        )
    )

    # Consent completion: installs first visited in the period with a
    # complete record of the version current when it was made; no cohort.
    queries.append(
        (
            f"""WITH f AS (SELECT install_id, MIN(visited_at) AS first_at FROM kpis_visit GROUP BY install_id),
               consent AS (SELECT install_ref, MAX(CASE WHEN complete AND NOT superseded THEN 1 ELSE 0 END) AS ok
                           FROM onboarding_consentrecord GROUP BY install_ref)
             SELECT {bucket_at.format(col="f.first_at")}, GROUPING(pod.geography_id, pod.vertical_id, pod.id),
                    {SCOPE_COLUMNS}, SUM(COALESCE(c.ok, 0)), COUNT(*),
                    SUM(CASE WHEN c.install_ref IS NULL THEN 1 ELSE 0 END)
             FROM f JOIN kpis_install ins ON ins.id = f.install_id JOIN installer_ops_pod pod ON pod.id = ins.pod_id
             LEFT JOIN consent c ON c.install_ref = ins.external_id
             WHERE f.first_at >= %s AND f.first_at < %s
             GROUP BY {FIELD_SETS}""",
            [zone, lo_at, hi_at],
        )
    )
    queries += _hiring(grain, zone, lo, hi, lo_at, hi_at, today, bucket_at, bucket_d, local, first_cleared)
    return queries


def _hiring(grain, zone, lo, hi, lo_at, hi_at, today, bucket_at, bucket_d, local, first_cleared):
    """The hiring KPIs: candidates by their requisition's pod and their own
    source, installers by their pod and hiring source (a blank one: no source)."""
    source = SOURCE_ID.format(col="c.source")
    installer_source = SOURCE_ID.format(col="i.hiring_source")
    candidate_sets, installer_sets = _sets(source), _sets(installer_source)
    hired_on = local.format(col="c.stage_changed_at")
    furthest = f"GREATEST(COALESCE(reach.furthest, 0), {RANK.format(col='c.stage')})"
    reached = ", ".join(f"SUM(CASE WHEN {furthest} >= {rank} THEN 1 ELSE 0 END)" for rank in range(1, 6))
    return [
        (
            f"""SELECT {bucket_at.format(col="c.stage_changed_at")}, {_grouping(source)}, {SCOPE_COLUMNS}, {source},
                    SUM({hired_on} - c.applied_on), COUNT(*),
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY {hired_on} - c.applied_on),
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY {hired_on} - c.applied_on)
             FROM hiring_candidate c JOIN hiring_requisition req ON req.id = c.requisition_id
             JOIN installer_ops_pod pod ON pod.id = req.pod_id
             WHERE c.stage = 'hired' AND c.stage_changed_at >= %s AND c.stage_changed_at < %s
             GROUP BY {candidate_sets}""",
            [zone, zone, zone, zone, lo_at, hi_at],
        ),
        (
            f"""WITH reach AS (SELECT candidate_id, MAX({RANK.format(col="to_stage")}) AS furthest
                            FROM hiring_stagechange GROUP BY candidate_id)
             SELECT {bucket_d.format(col="c.applied_on")}, {_grouping(source)}, {SCOPE_COLUMNS}, {source},
                    COUNT(*), {reached},
                    SUM(CASE WHEN c.stage IN ('applied', 'screen', 'practical', 'interview', 'offer') THEN 1 ELSE 0 END),
                    SUM(CASE WHEN c.stage = 'rejected' THEN 1 ELSE 0 END),
                    SUM(CASE WHEN c.stage = 'withdrawn' THEN 1 ELSE 0 END)
             FROM hiring_candidate c JOIN hiring_requisition req ON req.id = c.requisition_id
             JOIN installer_ops_pod pod ON pod.id = req.pod_id LEFT JOIN reach ON reach.candidate_id = c.id
             WHERE c.applied_on >= %s AND c.applied_on < %s
             GROUP BY {candidate_sets}""",
            [lo, hi],
        ),
        (
            f"""WITH {first_cleared}
             SELECT {bucket_d.format(col="(i.hired_on + 60)")}, {_grouping(installer_source)}, {SCOPE_COLUMNS}, {installer_source},
                    SUM(CASE WHEN {local.format(col="fc.cleared_at")} <= i.hired_on + 60 THEN 1 ELSE 0 END), COUNT(*)
             FROM installer_ops_installer i JOIN installer_ops_pod pod ON pod.id = i.pod_id
             LEFT JOIN fc ON fc.installer_id = i.id
             WHERE i.hired_on + 60 < %s AND i.hired_on + 60 >= %s AND i.hired_on + 60 < %s
             GROUP BY {installer_sets}""",
            [zone, today, lo, hi],
        ),
        (
            f"""SELECT {bucket_d.format(col="(i.hired_on + 365)")}, {_grouping(installer_source)}, {SCOPE_COLUMNS},
                    {installer_source},
                    SUM(CASE WHEN i.left_on IS NULL OR i.left_on > i.hired_on + 365 THEN 1 ELSE 0 END), COUNT(*),
                    SUM(CASE WHEN i.left_on <= i.hired_on + 365 AND i.left_voluntarily THEN 1 ELSE 0 END)
             FROM installer_ops_installer i JOIN installer_ops_pod pod ON pod.id = i.pod_id
             WHERE i.hired_on + 365 < %s AND i.hired_on + 365 >= %s AND i.hired_on + 365 < %s
             GROUP BY {installer_sets}""",
            [today, lo, hi],
        ),
    ]
