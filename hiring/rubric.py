"""The screening rubric: its three dimensions, the anchored description of
each score from 1 to 4 (what the scorecard form and the API show beside the
score), and what a candidate's scorecards still lack against the
administrators' minimums (what a hire is refused for).

Written once here; the form, the API, the hire service and the candidate
page read it."""

import dataclasses
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    DIMENSIONS,
    FAILURE_SCENARIO,
    SCORE_MAX,
    SCORE_MIN,
    Candidate,
    CandidateStage,
    RubricMinimums,
    Scorecard,
)

DIMENSION_LABELS = {
    "field_problem_solving": gettext_lazy("Field problem-solving"),
    "customer_empathy": gettext_lazy("Customer empathy"),
    "security_hygiene": gettext_lazy("Security hygiene"),
}

# What each score means, so that two interviewers who saw the same thing give the same number.
ANCHORS = {
    "field_problem_solving": {
        1: gettext_lazy(
            "Needs step-by-step direction; guesses or stalls when the device does not behave as the steps say."
        ),
        2: gettext_lazy(
            "Solves the expected case; faced with an unexpected symptom, tries things without a plan and needs hints."
        ),
        3: gettext_lazy(
            "Forms and tests hypotheses in a sensible order, uses logs and tools, and reaches a working fix unaided."
        ),
        4: gettext_lazy(
            "Isolates the cause quickly and methodically, explains the reasoning, and leaves the site safer than "
            "found: verifies, documents and prevents a repeat."
        ),
    },
    "customer_empathy": {
        1: gettext_lazy("Talks past the customer: jargon, blame or impatience."),
        2: gettext_lazy("Polite but task-focused; explains when asked and misses the customer's worries."),
        3: gettext_lazy(
            "Explains what they are doing and why in plain words, sets expectations and checks the customer is "
            "comfortable."
        ),
        4: gettext_lazy(
            "Anticipates the customer's concerns (downtime, privacy, their staff), adapts to the person and calms "
            "tension."
        ),
    },
    "security_hygiene": {
        1: gettext_lazy(
            "Takes shortcuts that expose devices or data: default or shared credentials, skipped verification, "
            "footage copied off site."
        ),
        2: gettext_lazy("Follows the security steps when reminded; does not notice risks outside the checklist."),
        3: gettext_lazy(
            "Works securely unprompted: verifies images and certificates, protects credentials, respects consent "
            "and privacy rules."
        ),
        4: gettext_lazy(
            "Spots and raises risks beyond the task, explains why they matter, and keeps to the safe path under "
            "time pressure."
        ),
    },
}
if set(ANCHORS) != set(DIMENSIONS) or any(set(a) != set(range(SCORE_MIN, SCORE_MAX + 1)) for a in ANCHORS.values()):
    raise RuntimeError("every dimension of the rubric needs an anchor for every score")  # fails at import


def rubric_dimensions() -> list[dict]:
    """The dimensions with their anchors, in the shape the API and the form read."""
    return [
        {
            "code": code,
            "label": str(DIMENSION_LABELS[code]),
            "anchors": [{"score": score, "description": str(text)} for score, text in ANCHORS[code].items()],
        }
        for code in DIMENSIONS
    ]


@dataclasses.dataclass(frozen=True)
class Shortfall:
    """One reason a hire is refused: `code` for clients, `label` and `detail` for people."""

    code: str
    label: str
    detail: str

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _figure(value: Decimal | float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def scorecard_figures(candidate: Candidate) -> dict:
    """The count of the candidate's scorecards, the average of each
    dimension (None without scorecards) and whether the failure-scenario
    interview is among them: one query."""
    return Scorecard.objects.filter(candidate=candidate).aggregate(
        count=Count("id"),
        failure_scenario=Count("id", filter=Q(task__slug=FAILURE_SCENARIO)),
        **{d: Avg(d) for d in DIMENSIONS},
    )


def rubric_shortfalls(candidate: Candidate, minimums: RubricMinimums | None = None) -> list[Shortfall]:
    """Every minimum the candidate's scorecards do not meet, each once."""
    minimums = minimums or RubricMinimums.current()
    figures = scorecard_figures(candidate)
    shortfalls = []
    if figures["count"] < minimums.min_scorecards:
        shortfalls.append(
            Shortfall(
                "scorecards",
                _("Scorecards"),
                _("%(count)s of the %(minimum)s scorecards needed.")
                % {"count": figures["count"], "minimum": minimums.min_scorecards},
            )
        )
    if minimums.require_failure_scenario and not figures["failure_scenario"]:
        shortfalls.append(
            Shortfall(
                "failure_scenario",
                _("Failure-scenario interview"),
                _("No scorecard of the failure-scenario interview yet."),
            )
        )
    for dimension in DIMENSIONS:
        minimum = getattr(minimums, dimension)
        average = figures[dimension]
        if average is None:
            detail = _("No scores yet; the minimum average is %(minimum)s.") % {"minimum": _figure(minimum)}
        # A small tolerance: an average of 2.5 read back as 2.4999999 still meets 2.50.
        elif Decimal(str(average)) + Decimal("0.000001") < minimum:
            detail = _("Average %(average)s; the minimum is %(minimum)s.") % {
                "average": _figure(Decimal(str(average))),
                "minimum": _figure(minimum),
            }
        else:
            continue
        shortfalls.append(Shortfall(dimension, str(DIMENSION_LABELS[dimension]), detail))
    return shortfalls


def hire_shortfalls(candidate: Candidate, minimums: RubricMinimums | None = None) -> list[Shortfall]:
    """What stands between the candidate and a hire: their stage, their
    requisition, and each minimum of the rubric not met."""
    shortfalls = []
    if candidate.stage != CandidateStage.OFFER:
        shortfalls.append(
            Shortfall(
                "stage",
                _("Stage"),
                _("The candidate is at %(stage)s; a hire follows an offer.")
                % {"stage": CandidateStage(candidate.stage).label},
            )
        )
    if not candidate.requisition.is_open:
        shortfalls.append(
            Shortfall(
                "requisition",
                _("Requisition"),
                _("The requisition is %(status)s.") % {"status": candidate.requisition.get_status_display().lower()},
            )
        )
    return shortfalls + rubric_shortfalls(candidate, minimums)
