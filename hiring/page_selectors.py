"""Reads of the hiring pages, scoped by hiring/policies.py like the API's,
each in a fixed number of queries whatever the number of candidates or
scorecards (tests/hiring/test_pages_queries.py)."""

import dataclasses
import datetime

from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from installer_ops.models import Pod, PodMembership, PodRole, User
from installer_ops.selectors import pod_missing_roles

from . import policies
from .models import (
    DIMENSIONS,
    EXITS,
    OPEN_STAGES,
    PIPELINE,
    Candidate,
    CandidateStage,
    Requisition,
    RequisitionRole,
    RequisitionStatus,
    RubricMinimums,
    Scorecard,
    StageChange,
)
from .rubric import DIMENSION_LABELS
from .stages import moves_allowed

# A pod's staffing roles as the requisition roles that fill them.
REQUISITION_ROLE_OF = {
    PodRole.INSTALLER_LEAD: RequisitionRole.INSTALLER_LEAD,
    PodRole.PRODUCT_LIAISON: RequisitionRole.PRODUCT_LIAISON,
    PodRole.RELIABILITY_ENGINEER: RequisitionRole.RELIABILITY_ENGINEER,
}
SHORT_LIST = 20  # the "to score" and "waiting for a decision" lists on the requisitions page


def days_since(moment: datetime.datetime) -> int:
    """Whole days from `moment` to today, in the reader's time zone."""
    return (timezone.localdate() - timezone.localtime(moment).date()).days


# --- the requisitions page -----------------------------------------------------------------


def filter_pods(user) -> QuerySet[Pod]:
    """The pods the requisitions page filters by: those the reader hires for
    and those of the requisitions they see as an interviewer."""
    return Pod.objects.filter(
        Q(pk__in=policies.pods_hiring_for(user).values("pk"))
        | Q(pk__in=policies.requisitions_visible_to(user).values("pod_id"))
    ).order_by("name")


def requisitions_open_first(user) -> QuerySet[Requisition]:
    """Visible requisitions, the open ones first (the most urgent target
    date first), then the filled and cancelled ones, latest first."""
    is_open = Q(status=RequisitionStatus.OPEN)
    return (
        policies.requisitions_visible_to(user)
        .select_related("pod")
        .annotate(
            closed=Case(When(is_open, then=Value(0)), default=Value(1), output_field=IntegerField()),
            due=Case(When(is_open, then=F("fill_by")), default=None),
        )
        .order_by("closed", "due", "-opened_on", "pod__name", "-id")
    )


def candidate_counts(user, requisitions) -> dict[int, dict]:
    """{requisition id: {"open": n, "total": n}} of the candidates the reader sees: one query."""
    rows = (
        policies.candidates_visible_to(user)
        .filter(requisition__in=[r.pk for r in requisitions])
        .order_by()
        .values("requisition")
        .annotate(total=Count("id"), open=Count("id", filter=Q(stage__in=OPEN_STAGES)))
    )
    return {row["requisition"]: {"open": row["open"], "total": row["total"]} for row in rows}


@dataclasses.dataclass
class UnstaffedPod:
    pod: Pod
    missing: list[dict]  # [{"role": PodRole, "requisition_role": RequisitionRole, "requisitions": [...]}]
    other_open: list[Requisition]


def unstaffed_pods(user) -> list[UnstaffedPod]:
    """The pods the reader hires for that miss a staffing role, each with
    its open requisitions: those for a missing role beside it, then the
    others. Two queries."""
    pods = list(
        policies.pods_hiring_for(user)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=PodMembership.objects.filter(ended_on__isnull=True),
                to_attr="active_memberships",
            )
        )
        .order_by("name")
    )
    unstaffed = [(pod, missing) for pod in pods if (missing := pod_missing_roles(pod))]
    if not unstaffed:
        return []
    open_requisitions: dict[int, list[Requisition]] = {}
    for requisition in Requisition.objects.filter(
        pod__in=[pod for pod, _ in unstaffed], status=RequisitionStatus.OPEN
    ).order_by("fill_by", "id"):
        open_requisitions.setdefault(requisition.pod_id, []).append(requisition)
    result = []
    for pod, missing in unstaffed:
        open_here = open_requisitions.get(pod.pk, [])
        roles = [
            {
                "role": role,
                "requisition_role": REQUISITION_ROLE_OF[role],
                "requisitions": [r for r in open_here if r.role == REQUISITION_ROLE_OF[role]],
            }
            for role in missing
        ]
        filling = {REQUISITION_ROLE_OF[role] for role in missing}
        result.append(UnstaffedPod(pod, roles, [r for r in open_here if r.role not in filling]))
    return result


def candidates_to_score(user) -> list[Candidate]:
    """Open candidates the reader is named to interview, with how many
    scorecards they have written of each (the first SHORT_LIST)."""
    return list(
        policies.candidates_visible_to(user)
        .filter(interviewers=user, stage__in=OPEN_STAGES)
        .select_related("requisition__pod")
        .annotate(mine=Count("scorecards", filter=Q(scorecards__interviewer=user)))
        .order_by("mine", "stage_changed_at", "id")[:SHORT_LIST]
    )


def candidates_at_offer(user) -> list[Candidate]:
    """Candidates at the offer stage of the requisitions the reader runs: waiting for a hire."""
    return list(
        Candidate.objects.filter(requisition__in=policies.requisitions_managed_by(user), stage=CandidateStage.OFFER)
        .select_related("requisition__pod")
        .order_by("stage_changed_at", "id")[:SHORT_LIST]
    )


# --- the pipeline board --------------------------------------------------------------------


@dataclasses.dataclass
class Board:
    columns: list[tuple[CandidateStage, list[Candidate]]]
    closed: list[Candidate]  # rejected and withdrawn, shown apart
    count: int


def pipeline_board(user, requisition: Requisition, *, can_manage: bool) -> Board:
    """The requisition's candidates the reader sees, by stage. Each card
    carries its days in the stage, its allowed moves (for whoever runs the
    requisition), its scorecard count and whether the reader may score it;
    the closed ones how they left (from which stage, with what reason).
    Three queries."""
    last_exit = StageChange.objects.filter(candidate=OuterRef("pk"), to_stage=OuterRef("stage")).order_by("-at", "-id")
    candidates = list(
        policies.candidates_visible_to(user)
        .filter(requisition=requisition)
        .annotate(
            scorecard_count=Count("scorecards", distinct=True),
            exit_reason=Subquery(last_exit.values("reason")[:1]),
            left_from=Subquery(last_exit.values("from_stage")[:1]),
        )
        .order_by("stage_changed_at", "id")
    )
    scorable = set(policies.candidates_scorable_by(user).filter(requisition=requisition).values_list("pk", flat=True))
    by_stage: dict[str, list[Candidate]] = {stage: [] for stage in PIPELINE}
    closed = []
    for candidate in candidates:
        candidate.requisition = requisition  # one requisition for every card, not a query each
        candidate.days_in_stage = days_since(candidate.stage_changed_at)
        candidate.moves = moves_allowed(candidate) if can_manage else []
        candidate.can_score = candidate.pk in scorable and candidate.is_open
        if candidate.stage in EXITS:
            candidate.left_from_label = CandidateStage(candidate.left_from).label if candidate.left_from else ""
            closed.append(candidate)
        else:
            by_stage[candidate.stage].append(candidate)
    return Board([(stage, by_stage[stage]) for stage in PIPELINE], closed, len(candidates))


# --- the candidate page --------------------------------------------------------------------


def candidate_for_page(user, candidate_id: int) -> Candidate:
    """One visible candidate with what the page shows beside them; raises Candidate.DoesNotExist."""
    candidate = (
        policies.candidates_visible_to(user)
        .select_related("requisition__pod", "installer__user")
        .prefetch_related(Prefetch("interviewers", queryset=User.objects.order_by("name", "id")))
        .get(pk=candidate_id)
    )
    candidate.days_in_stage = days_since(candidate.stage_changed_at)
    return candidate


def stage_history(candidate: Candidate) -> list[StageChange]:
    return list(StageChange.objects.filter(candidate=candidate).select_related("actor").order_by("at", "id"))


@dataclasses.dataclass
class ScorecardGrid:
    """The candidate's scorecards side by side: one column per scorecard,
    grouped by task; one row per dimension, with the average across the
    scorecards shown and the minimum a hire needs."""

    tasks: list[tuple]  # [(task, [scorecard, ...])]
    scorecards: list[Scorecard]
    rows: list[dict]  # [{"code", "label", "scores": [int...], "average", "minimum"}]


def scorecard_grid(user, candidate: Candidate, minimums: RubricMinimums | None = None) -> ScorecardGrid:
    """The scorecards the reader may read (every one for whoever runs the
    requisition, an interviewer their own): one query, and one for the
    minimums. Whether a minimum is met is the rubric's to say
    (rubric.hire_shortfalls), not this grid's."""
    scorecards = list(
        policies.scorecards_visible_to(user, candidate)
        .select_related("task", "interviewer")
        .order_by("task__position", "task__title", "interviewer__name", "id")
    )
    tasks: list[tuple] = []
    for scorecard in scorecards:
        if tasks and tasks[-1][0].pk == scorecard.task_id:
            tasks[-1][1].append(scorecard)
        else:
            tasks.append((scorecard.task, [scorecard]))
    minimums = minimums or RubricMinimums.current()
    rows = []
    for dimension in DIMENSIONS:
        scores = [getattr(s, dimension) for s in scorecards]
        rows.append(
            {
                "code": dimension,
                "label": DIMENSION_LABELS[dimension],
                "scores": scores,
                "average": sum(scores) / len(scores) if scores else None,
                "minimum": getattr(minimums, dimension),
            }
        )
    return ScorecardGrid(tasks, scorecards, rows)
