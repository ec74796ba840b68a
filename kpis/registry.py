"""Every KPI and its settings, in one place: how it is computed, for which
scopes, its unit, which direction is better, and the details a figure with
no facts carries. Computation, storage, the dashboard and the API read them
from here."""

from collections.abc import Callable
from dataclasses import dataclass

from . import field_kpis, first_time_kpis, readiness_kpis
from .aggregates import ALL_SCOPES, FIELD_SCOPES
from .models import KpiCode, Scope


@dataclass(frozen=True)
class KpiSpec:
    code: str
    # compute(periods, scopes, ctx) -> {(scope, period start, scope id): Figure}
    compute: Callable
    # MTTR follows nodes, churn and promotion rate follow headcounts, which
    # belong to pods rather than cohorts: those have no cohort figure.
    scopes: tuple[str, ...]
    unit: str  # "%" (a rate, stored as a fraction), "h" or "d"
    lower_is_better: bool
    empty_details: Callable[[], dict]


def _none() -> dict:
    return {}


# In the order a cohort's figures are shown: the bootcamp's own first.
REGISTRY: dict[str, KpiSpec] = {
    spec.code: spec
    for spec in [
        KpiSpec(
            KpiCode.BOOTCAMP_COMPLETION,
            readiness_kpis.bootcamp_completion,
            ALL_SCOPES,
            "%",
            False,
            lambda: {"withdrawn": 0},
        ),
        KpiSpec(KpiCode.DAYS_TO_CLEARANCE, readiness_kpis.days_to_clearance, ALL_SCOPES, "d", True, _none),
        KpiSpec(KpiCode.DRILL_FIRST_PASS, readiness_kpis.drill_first_pass, ALL_SCOPES, "%", False, _none),
        KpiSpec(
            KpiCode.COHORT_FIRST_TIME_SUCCESS,
            first_time_kpis.cohort_first_time_success,
            ALL_SCOPES,
            "%",
            False,
            lambda: first_time_kpis.fts_details(0, newcomers=True),
        ),
        KpiSpec(
            KpiCode.FIRST_TIME_SUCCESS,
            first_time_kpis.first_time_success,
            ALL_SCOPES,
            "%",
            False,
            lambda: first_time_kpis.fts_details(0, newcomers=False),
        ),
        KpiSpec(KpiCode.AUDIT_PASS_RATE, field_kpis.audit_pass_rate, ALL_SCOPES, "%", False, _none),
        KpiSpec(KpiCode.MTTR, field_kpis.mttr, FIELD_SCOPES, "h", True, field_kpis.mttr_empty_details),
        KpiSpec(KpiCode.CHURN, field_kpis.churn, FIELD_SCOPES, "%", True, field_kpis.churn_empty_details),
        KpiSpec(
            KpiCode.PROMOTION_RATE,
            field_kpis.promotion_rate,
            FIELD_SCOPES,
            "%",
            False,
            field_kpis.headcount_empty_details,
        ),
    ]
}
if set(REGISTRY) != set(KpiCode.values):  # a new KPI code without its settings
    raise RuntimeError(f"KPI codes without settings: {set(KpiCode.values) - set(REGISTRY)}")

# What the computation iterates: code -> (compute, scopes).
KPIS = {code: (spec.compute, list(spec.scopes)) for code, spec in REGISTRY.items()}
LOWER_IS_BETTER = {code for code, spec in REGISTRY.items() if spec.lower_is_better}
# The KPIs a cohort has, in the registry's order.
COHORT_KPIS = [code for code, spec in REGISTRY.items() if Scope.COHORT in spec.scopes]


def unit(kpi: str) -> str:
    return REGISTRY[kpi].unit


def is_rate(kpi: str) -> bool:
    return REGISTRY[kpi].unit == "%"


def empty_details(kpi: str) -> dict:
    """The details of a scope and period with no facts: the same keys as a full figure's."""
    return REGISTRY[kpi].empty_details()
