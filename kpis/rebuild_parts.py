"""A recompute split into parts that workers run side by side. Each part
is a group of KPIs over every grain of the job: independent of the others
(its own snapshots, its own (kpi, grain) ranges to zero), so any number of
workers may take them in any order, and a part run twice writes nothing
the second time.

The groups follow what each KPI reads, measured at 1,000,000 installs
(docs/scaling.md): the KPIs of the ranked first visits share one ranking
per part; MTTR's incidents are the next largest; the rest are light. The
heaviest parts come first, so that a second worker starts on the next
heavy one while the first is busy."""

from .models import KpiCode
from .registry import KPIS

GROUPS = {
    "first-visits": [KpiCode.FIRST_TIME_SUCCESS, KpiCode.COHORT_FIRST_TIME_SUCCESS],
    "consent": [KpiCode.CONSENT_COMPLETION],
    "incidents": [KpiCode.MTTR],
    "people": [
        KpiCode.AUDIT_PASS_RATE,
        KpiCode.CHURN,
        KpiCode.PROMOTION_RATE,
        KpiCode.BOOTCAMP_COMPLETION,
        KpiCode.DAYS_TO_CLEARANCE,
        KpiCode.DRILL_FIRST_PASS,
        KpiCode.TIME_TO_HIRE,
        KpiCode.CANDIDATE_CONVERSION,
        KpiCode.HIRE_CLEARANCE_60D,
        KpiCode.FIRST_YEAR_RETENTION,
    ],
}
PARTS = list(GROUPS)
CONSENT_PART = "consent"
FIRST_VISITS_PART, INCIDENTS_PART, PEOPLE_PART = "first-visits", "incidents", "people"
# A part may join groups with "+": they are computed in one pass. A refresh
# joins the groups that read the ranked first visits, so that it ranks them
# once: a refresh is small, and ranking twice costs more than a second
# worker saves.
JOINED = "+"

if sorted(code for codes in GROUPS.values() for code in codes) != sorted(KPIS):  # a KPI in no part, or in two
    raise RuntimeError("every KPI belongs to exactly one rebuild part")


def kpis_of_part(part: str) -> list[str]:
    return [kpi for group in part.split(JOINED) for kpi in GROUPS[group]]


def parts_are_valid(parts) -> bool:
    """Each part names known groups, and no group is in two parts."""
    groups = [group for part in parts for group in part.split(JOINED)]
    return all(group in GROUPS for group in groups) and len(set(groups)) == len(groups)


def refresh_parts(groups) -> list[str]:
    """The parts of a refresh of these groups (what an import touched,
    kpis/import_writes.py): the first visits' groups joined into one part."""
    ranked = [group for group in (FIRST_VISITS_PART, CONSENT_PART) if group in groups]
    rest = [group for group in PARTS if group in groups and group not in ranked]
    return ([JOINED.join(ranked)] if ranked else []) + rest


def refresh_part_days(group_days: dict) -> dict[str, set]:
    """The parts of a refresh (refresh_parts) with each part's days: the days
    of the groups joined in it."""
    return {
        part: set().union(*(group_days[group] for group in part.split(JOINED)))
        for part in refresh_parts(set(group_days))
    }
