"""Scorecards on the rubric, and the rubric's minimums."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from installer_ops import values
from installer_ops.audit import audit_record, field_changes
from installer_ops.exceptions import DomainConflict
from installer_ops.models import User
from installer_ops.policies import is_system_or_admin, require

from .. import policies
from ..models import (
    DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    Candidate,
    Recommendation,
    RubricMinimums,
    Scorecard,
    ScreeningTask,
)
from ..rubric import DIMENSION_LABELS


def _checked_scores(scores) -> dict[str, int]:
    """Each dimension's score, an integer from 1 to 4, or a ValidationError naming each bad one."""
    if not isinstance(scores, dict):
        raise ValidationError({"scores": _("Give a score for each dimension of the rubric.")})
    errors = {}
    for dimension in DIMENSIONS:
        score = scores.get(dimension)
        if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            errors[dimension] = _("%(dimension)s takes a score from %(low)s to %(high)s.") % {
                "dimension": DIMENSION_LABELS[dimension],
                "low": SCORE_MIN,
                "high": SCORE_MAX,
            }
    if errors:
        raise ValidationError(errors)
    return {d: scores[d] for d in DIMENSIONS}


def _duplicate(candidate: Candidate, task: ScreeningTask, interviewer: User) -> DomainConflict:
    return DomainConflict(
        _("%(interviewer)s has scored %(name)s on “%(task)s” already; a scorecard is written once.")
        % {"interviewer": interviewer.get_full_name(), "name": candidate.name, "task": task.title},
        details={"task": task.slug, "interviewer": interviewer.pk},
    )


@transaction.atomic
def scorecard_submit(
    *,
    actor: User | None,
    candidate: Candidate,
    task: ScreeningTask,
    scores: dict,
    recommendation: Recommendation | str,
    notes: str = "",
    interviewer: User | None = None,
) -> Scorecard:
    """One interviewer's scorecard of the candidate on one task of the
    library: three scores from 1 to 4 and a recommendation. The interviewer
    is the actor; the system or an administrator may record one for a named
    interviewer (an import of paper scorecards). The interviewer must be
    named on the candidate or lead the requisition's pod; the task must be
    in use; the candidate's pipeline open; one scorecard per interviewer
    and task."""
    interviewer = interviewer or actor
    if actor is not None and interviewer != actor and not is_system_or_admin(actor):
        raise PermissionDenied(_("A scorecard is written by its interviewer."))
    require(
        policies.can_score(interviewer, candidate),
        _("Only the candidate's interviewers and the pod's lead score this candidate."),
    )
    scores = _checked_scores(scores)
    if problem := values.text_problem(notes, max_length=4000):
        raise ValidationError({"notes": _("The notes %(problem)s.") % {"problem": problem}})
    if not task.active:
        raise ValidationError({"task": _("“%(task)s” is no longer in use.") % {"task": task.title}})
    # Locked: a stage move or a hire waits for the scorecard, and the reverse.
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not candidate.is_open:
        raise DomainConflict(
            _("%(name)s is %(stage)s; scorecards are written while the pipeline is open.")
            % {"name": candidate.name, "stage": candidate.get_stage_display().lower()},
            details={"stage": candidate.stage},
        )
    if Scorecard.objects.filter(candidate=candidate, task=task, interviewer=interviewer).exists():
        raise _duplicate(candidate, task, interviewer)
    scorecard = Scorecard(
        candidate=candidate,
        task=task,
        interviewer=interviewer,
        notes=notes.strip(),
        recommendation=recommendation,
        **scores,
    )
    scorecard.full_clean(validate_constraints=False)  # the one-per-task constraint answers as a conflict below
    try:
        # Two submissions of one scorecard at once: the unique index lets one in.
        with transaction.atomic():
            scorecard.save()
    except IntegrityError as exc:
        raise _duplicate(candidate, task, interviewer) from exc
    audit_record(
        actor=actor,
        action="score",
        target=candidate,
        changes={"task": task.slug, "interviewer": interviewer, **scores, "recommendation": recommendation},
    )
    return scorecard


@transaction.atomic
def minimums_set(
    *,
    actor: User | None,
    field_problem_solving: Decimal,
    customer_empathy: Decimal,
    security_hygiene: Decimal,
    min_scorecards: int,
    require_failure_scenario: bool,
) -> RubricMinimums:
    """Set what a candidate's scorecards must reach before a hire (administrators)."""
    require(policies.can_set_minimums(actor), _("Only administrators set the rubric's minimums."))
    RubricMinimums.current()  # the row exists (created by the migration)
    minimums = RubricMinimums.objects.select_for_update().get(pk=RubricMinimums.SINGLETON)
    wanted = {
        "field_problem_solving": Decimal(str(field_problem_solving)),
        "customer_empathy": Decimal(str(customer_empathy)),
        "security_hygiene": Decimal(str(security_hygiene)),
        "min_scorecards": min_scorecards,
        "require_failure_scenario": require_failure_scenario,
    }
    changes = field_changes(minimums, **wanted)
    for field, value in wanted.items():
        setattr(minimums, field, value)
    minimums.updated_by = actor if actor is not None and actor.is_authenticated else None
    minimums.full_clean()
    minimums.save()
    if changes:
        audit_record(actor=actor, action="update", target=minimums, changes=changes)
    return minimums
