"""Candidates: added to an open requisition, given interviewers, and moved
through the stages one step at a time (or out, with a reason). Every move
appends a StageChange; a hire is the one way to `hired` (hires.py)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import HiringSource, User
from installer_ops.policies import require

from .. import policies
from ..models import (
    EXITS,
    OPEN_STAGES,
    PIPELINE,
    Candidate,
    CandidateStage,
    Requisition,
    StageChange,
)
from ..stages import moves_allowed, next_stage
from .requisitions import _checked_reason


def _actor_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _checked_interviewers(interviewers) -> list[User]:
    interviewers = list(dict.fromkeys(interviewers))  # once each, in the order given
    refused = [
        _("%(name)s cannot interview: only active leads and administrators do.") % {"name": user.get_full_name()}
        for user in interviewers
        if not policies.can_be_interviewer(user)
    ]
    if refused:
        raise ValidationError({"interviewers": refused})
    return interviewers


def _locked_requisition(requisition: Requisition) -> Requisition:
    return Requisition.objects.select_for_update().select_related("pod").get(pk=requisition.pk)


@transaction.atomic
def candidate_add(
    *,
    actor: User | None,
    requisition: Requisition,
    name: str,
    email: str,
    source: HiringSource | str,
    applied_on: datetime.date | None = None,
    interviewers=(),
) -> Candidate:
    """A candidate for an open requisition, at stage applied (today unless said otherwise)."""
    require(policies.can_manage_requisition(actor, requisition), _("Only the pod's lead adds candidates."))
    # Locked: two additions of one email to one requisition are serialised, and a
    # cancellation or a hire cannot slip in between the check and the insert.
    requisition = _locked_requisition(requisition)
    if not requisition.is_open:
        raise DomainConflict(
            _("The requisition is %(status)s; candidates join open requisitions only.")
            % {"status": requisition.get_status_display().lower()},
            details={"status": requisition.status},
        )
    today = timezone.localdate()
    applied_on = applied_on or today
    if isinstance(applied_on, datetime.date) and applied_on > today:
        raise ValidationError({"applied_on": _("An application date cannot be in the future.")})
    interviewers = _checked_interviewers(interviewers)
    name, email = name.strip(), email.strip()
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    if email and requisition.candidates.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This email has applied for this requisition already.")})
    now = timezone.now()
    candidate = Candidate(
        requisition=requisition,
        name=name,
        email=email,
        source=source,
        stage=CandidateStage.APPLIED,
        applied_on=applied_on,
        stage_changed_at=now,
    )
    candidate.full_clean()
    candidate.save()
    StageChange.objects.create(
        candidate=candidate, from_stage="", to_stage=CandidateStage.APPLIED, actor=_actor_or_none(actor), at=now
    )
    candidate.interviewers.set(interviewers)
    audit_record(
        actor=actor,
        action="create",
        target=candidate,
        changes={
            "requisition": requisition,
            "name": name,
            "email": email,
            "source": source,
            "applied_on": applied_on,
            "interviewers": interviewers,
        },
    )
    return candidate


@transaction.atomic
def candidate_interviewers_set(*, actor: User | None, candidate: Candidate, interviewers) -> Candidate:
    """Name the people who score the candidate (replacing the earlier list)."""
    require(policies.can_move_candidate(actor, candidate), _("Only the pod's lead names interviewers."))
    candidate = _locked(candidate)
    if not candidate.is_open:
        raise DomainConflict(
            _("%(name)s is %(stage)s; the pipeline is closed.")
            % {"name": candidate.name, "stage": CandidateStage(candidate.stage).label.lower()},
            details={"stage": candidate.stage},
        )
    interviewers = _checked_interviewers(interviewers)
    before = list(candidate.interviewers.all())
    candidate.interviewers.set(interviewers)
    if {u.pk for u in before} != {u.pk for u in interviewers}:
        audit_record(actor=actor, action="update", target=candidate, changes={"interviewers": (before, interviewers)})
    return candidate


def _locked(candidate: Candidate) -> Candidate:
    """Re-read under a row lock: two moves of one candidate must not interleave."""
    return Candidate.objects.select_for_update().select_related("requisition__pod").get(pk=candidate.pk)


@transaction.atomic
def candidate_stage_move(
    *, actor: User | None, candidate: Candidate, stage: CandidateStage | str, reason: str = ""
) -> Candidate:
    """One step forward in the pipeline (applied → screen → practical →
    interview → offer), or out of it to rejected or withdrawn from any open
    stage with a reason. Anything else is a conflict that says why; hired
    is reached only by a hire."""
    require(policies.can_move_candidate(actor, candidate), _("Only the pod's lead moves candidates."))
    if stage not in CandidateStage.values:
        raise ValidationError({"stage": _("“%(stage)s” is not a stage.") % {"stage": stage}})
    stage = CandidateStage(stage)
    reason = _checked_reason(reason, required=stage in EXITS)
    candidate = _locked(candidate)
    current = CandidateStage(candidate.stage)
    _refuse_move(candidate, current, stage)
    now = timezone.now()
    candidate.stage = stage
    candidate.stage_changed_at = now
    candidate.save(update_fields=["stage", "stage_changed_at"])
    StageChange.objects.create(
        candidate=candidate, from_stage=current, to_stage=stage, reason=reason, actor=_actor_or_none(actor), at=now
    )
    audit_record(
        actor=actor,
        action="move stage",
        target=candidate,
        changes={"stage": (current.value, stage.value), **({"reason": reason} if reason else {})},
    )
    return candidate


def _refuse_move(candidate: Candidate, current: CandidateStage, stage: CandidateStage) -> None:
    """Raise DomainConflict, with the moves that are allowed, unless current → stage is one."""
    allowed = moves_allowed(candidate)
    if stage in allowed:
        return
    details = {"stage": current.value, "allowed": [s.value for s in allowed]}
    if current not in OPEN_STAGES:
        message = _("%(name)s is %(stage)s; a closed candidate does not move.") % {
            "name": candidate.name,
            "stage": current.label.lower(),
        }
    elif stage == CandidateStage.HIRED:
        message = _("A candidate is hired through the hire, which creates the installer.")
    elif stage == current:
        message = _("%(name)s is at %(stage)s already.") % {"name": candidate.name, "stage": current.label}
    elif not candidate.requisition.is_open and stage in PIPELINE:
        message = _("The requisition is %(status)s; its candidates can only be rejected or withdraw.") % {
            "status": candidate.requisition.get_status_display().lower()
        }
    else:
        message = _("Candidates move one stage forward at a time: from %(current)s the next stage is %(next)s.") % {
            "current": current.label,
            "next": next_stage(current).label,
        }
    raise DomainConflict(message, details=details)
