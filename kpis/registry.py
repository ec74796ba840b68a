"""Every KPI and its settings, in one place: how it is computed, for which
scopes, its unit, which direction is better, and the details a figure with
no facts carries. Computation, storage, the dashboard and the API read them
from here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import consent_kpis, field_kpis, first_time_kpis, hiring_kpis, readiness_kpis
from .aggregates import ALL_SCOPES, FIELD_SCOPES, HIRING_SCOPES
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
        # By the install's pod; no cohort figure (docs/product.md, KPIs).
        KpiSpec(
            KpiCode.CONSENT_COMPLETION,
            consent_kpis.consent_completion,
            FIELD_SCOPES,
            "%",
            False,
            consent_kpis.consent_empty_details,
        ),
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
        # Hiring, in the order a candidate meets them (the dashboard's hiring section).
        KpiSpec(
            KpiCode.TIME_TO_HIRE,
            hiring_kpis.time_to_hire,
            HIRING_SCOPES,
            "d",
            True,
            hiring_kpis.time_to_hire_empty_details,
        ),
        KpiSpec(
            KpiCode.CANDIDATE_CONVERSION,
            hiring_kpis.candidate_conversion,
            HIRING_SCOPES,
            "%",
            False,
            hiring_kpis.conversion_empty_details,
        ),
        KpiSpec(
            KpiCode.HIRE_CLEARANCE_60D,
            hiring_kpis.hire_clearance_60d,
            HIRING_SCOPES,
            "%",
            False,
            hiring_kpis.clearance_empty_details,
        ),
        KpiSpec(
            KpiCode.FIRST_YEAR_RETENTION,
            hiring_kpis.first_year_retention,
            HIRING_SCOPES,
            "%",
            False,
            hiring_kpis.retention_empty_details,
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
# The hiring KPIs: the dashboard shows them in a section of their own.
HIRING_KPIS = [
    KpiCode.TIME_TO_HIRE,
    KpiCode.CANDIDATE_CONVERSION,
    KpiCode.HIRE_CLEARANCE_60D,
    KpiCode.FIRST_YEAR_RETENTION,
]
# KPIs whose value is a median of the facts rather than numerator / denominator
# (the numerator is still their sum, the denominator their count).
MEDIAN_KPIS = {KpiCode.TIME_TO_HIRE}


def kpis_of(scope: str) -> list[str]:
    """The KPIs with figures for `scope`, in the registry's order."""
    return [code for code, spec in REGISTRY.items() if scope in spec.scopes]


def unit(kpi: str) -> str:
    return REGISTRY[kpi].unit


def is_rate(kpi: str) -> bool:
    return REGISTRY[kpi].unit == "%"


def empty_details(kpi: str) -> dict:
    """The details of a scope and period with no facts: the same keys as a full figure's."""
    return REGISTRY[kpi].empty_details()


# --- units, definitions and public benchmarks, as people read them ---------------------------

# The unit's symbol beside a value, and its name on a chart's axis.
UNIT_SYMBOLS = {"%": "%", "h": "h", "d": _("days")}
UNIT_NAMES = {"%": _("Percent"), "h": _("Hours"), "d": _("Days")}
# A change of a rate is in percentage points; of hours or days in the unit itself.
CHANGE_UNITS = {"%": _("pts"), "h": "h", "d": _("days")}


def unit_symbol(kpi: str) -> str:
    return str(UNIT_SYMBOLS[unit(kpi)])


def unit_name(kpi: str) -> str:
    return str(UNIT_NAMES[unit(kpi)])


# The breakdown's column headers: ten KPIs side by side fit a laptop only under
# short names (German's full names made the table 1,600 px wide). The full
# name stays in the header's accessible name and in its tooltip.
COLUMN_LABELS = {
    KpiCode.MTTR: pgettext_lazy("KPI column", "MTTR (h)"),
    KpiCode.FIRST_TIME_SUCCESS: pgettext_lazy("KPI column", "First-time success"),
    KpiCode.AUDIT_PASS_RATE: pgettext_lazy("KPI column", "Audits passed"),
    KpiCode.CONSENT_COMPLETION: pgettext_lazy("KPI column", "Consent"),
    KpiCode.CHURN: pgettext_lazy("KPI column", "Churn"),
    KpiCode.PROMOTION_RATE: pgettext_lazy("KPI column", "Promotion"),
    KpiCode.BOOTCAMP_COMPLETION: pgettext_lazy("KPI column", "Bootcamp completed"),
    KpiCode.DAYS_TO_CLEARANCE: pgettext_lazy("KPI column", "Days to clearance"),
    KpiCode.DRILL_FIRST_PASS: pgettext_lazy("KPI column", "Drill, first try"),
    KpiCode.COHORT_FIRST_TIME_SUCCESS: pgettext_lazy("KPI column", "First 90 days"),
}


def column_label(kpi: str) -> str:
    """A KPI's name in a table of many KPIs; its full name where it has no short one."""
    return str(COLUMN_LABELS.get(kpi) or KpiCode(kpi).label)


# The formula in words (docs/product.md, KPIs), shown on each KPI's page.
DEFINITIONS = {
    KpiCode.MTTR: _(
        "Hours from an incident's detection to the restoration of service, averaged over the incidents "
        "resolved in the period. Incidents still open at the period's end are counted beside it."
    ),
    KpiCode.FIRST_TIME_SUCCESS: _(
        "Installs whose first visit succeeded and needed no other visit within the revisit window, "
        "out of the installs first visited in the period. While an install's window is open the figure is provisional."
    ),
    KpiCode.AUDIT_PASS_RATE: _("Compliance audits passed, out of the audits held in the period."),
    KpiCode.CONSENT_COMPLETION: _(
        "Installs with a complete consent record (every step done, the customer's representative named and "
        "signed) of the consent flow version current when it was recorded, out of the installs first visited "
        "in the period."
    ),
    KpiCode.CHURN: _(
        "Installers who left in the period, out of the average headcount (the headcount on the period's "
        "first day plus that on its last day, halved)."
    ),
    KpiCode.PROMOTION_RATE: _("Promotions taking effect in the period, out of the same average headcount."),
    KpiCode.BOOTCAMP_COMPLETION: _(
        "Enrollments with every item done (checked and, where needed, signed off), out of every enrollment, "
        "withdrawn ones included, of the cohorts whose bootcamp ended in the period."
    ),
    KpiCode.DAYS_TO_CLEARANCE: _(
        "Calendar days from hire to an installer's first clearance, averaged over the installers first cleared "
        "in the period."
    ),
    KpiCode.DRILL_FIRST_PASS: _(
        "Installers whose first outage drill passed, out of the installers whose first drill was completed "
        "in the period."
    ),
    KpiCode.COHORT_FIRST_TIME_SUCCESS: _(
        "First-time install success restricted to installs first visited in the installer's first 90 days "
        "after their first clearance: whether the bootcamp made installers who succeed alone."
    ),
    KpiCode.TIME_TO_HIRE: _(
        "Calendar days from a candidate's application to their hire, over the candidates hired in the period: "
        "the median, with the 90th percentile beside it."
    ),
    KpiCode.CANDIDATE_CONVERSION: _(
        "Candidates hired, out of the candidates who applied in the period, with how many of them reached each "
        "stage. While some are still in the pipeline the figure is provisional."
    ),
    KpiCode.HIRE_CLEARANCE_60D: _(
        "Hires first cleared for independent deployment within 60 days of their hire date, out of the hires "
        "whose 60th day fell in the period."
    ),
    KpiCode.FIRST_YEAR_RETENTION: _(
        "Hires still employed 365 days after their hire date, out of the hires whose 365th day fell in the period."
    ),
}


@dataclass(frozen=True)
class Benchmark:
    label: str
    value: float  # as the KPI is stored: a rate as a fraction


@dataclass(frozen=True)
class Benchmarks:
    lines: tuple[Benchmark, ...]
    source: str


# Public industry figures, drawn as reference lines on the KPI's charts with
# their source named on the page. Only where a published benchmark measures
# the same thing: first-time fix is the field-service name of first-time success.
BENCHMARKS = {
    KpiCode.FIRST_TIME_SUCCESS: Benchmarks(
        lines=(
            Benchmark(_("Industry average"), 0.77),
            Benchmark(_("Best in class"), 0.88),
        ),
        # xgettext:no-python-format
        source=_("Industry first-time fix rates: about 77 % on average and 88 % for the best (Aquant, 2026)."),
    ),
}


def benchmarks(kpi: str) -> Benchmarks | None:
    return BENCHMARKS.get(kpi)


def definition(kpi: str) -> str:
    return str(DEFINITIONS[kpi])


if set(DEFINITIONS) != set(REGISTRY):  # a new KPI without its definition in words
    raise RuntimeError(f"KPI codes without a definition: {set(REGISTRY) - set(DEFINITIONS)}")

# "Near" a target: missed by no more than this share of the target (5 %:
# 76 % against a target of 80 %), shown apart from a clear miss.
NEAR_TARGET = 0.05
