"""The hire: a candidate at the offer stage who meets the rubric's minimums
becomes an installer of the requisition's pod, and the requisition is filled."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from installer_ops import values
from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import Installer, Level, User
from installer_ops.policies import require
from installer_ops.services import installer_hire

from .. import policies
from ..models import Candidate, CandidateStage, Requisition, RequisitionStatus, StageChange
from ..rubric import hire_shortfalls


@transaction.atomic
def candidate_hire(
    *,
    actor: User | None,
    candidate: Candidate,
    employee_id: str,
    start_on: datetime.date,
    level: Level | int | None = None,
) -> Installer:
    """Hire the candidate: refused (409) with every reason at once while
    they are not at the offer stage, their requisition is not open, or any
    minimum of the rubric is unmet. Otherwise, in one transaction: the
    installer is created by the organisation's hire (stage hired, the
    candidate's source as hiring source, `start_on` as hire date, the
    requisition's level unless another is given; the invitation goes out
    after commit), the candidate moves to hired and the requisition is
    filled by them."""
    require(policies.can_hire(actor, candidate), _("Only the pod's lead hires into it."))
    if isinstance(start_on, datetime.date) and (problem := values.date_problem(start_on)):
        raise ValidationError({"start_on": _("The date %(problem)s.") % {"problem": problem}})
    # Requisition first, then candidate: the order every writer takes them in.
    requisition = Requisition.objects.select_for_update().select_related("pod").get(pk=candidate.requisition_id)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    candidate.requisition = requisition
    if shortfalls := hire_shortfalls(candidate):
        raise DomainConflict(
            _("%(name)s cannot be hired yet.") % {"name": candidate.name},
            details=[s.as_dict() for s in shortfalls],
        )
    if isinstance(start_on, datetime.date) and start_on < candidate.applied_on:
        raise ValidationError(
            {
                "start_on": _("The start date cannot precede the application (%(date)s).")
                % {"date": formats.date_format(candidate.applied_on)}
            }
        )
    installer = installer_hire(
        actor=actor,
        employee_id=employee_id,
        name=candidate.name,
        pod=requisition.pod,
        hired_on=start_on,
        level=requisition.level if level is None else level,
        hiring_source=candidate.source,
        email=candidate.email,
    )
    now = timezone.now()
    candidate.stage, candidate.stage_changed_at, candidate.installer = CandidateStage.HIRED, now, installer
    candidate.save(update_fields=["stage", "stage_changed_at", "installer"])
    StageChange.objects.create(
        candidate=candidate,
        from_stage=CandidateStage.OFFER,
        to_stage=CandidateStage.HIRED,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=now,
    )
    requisition.status, requisition.filled_by = RequisitionStatus.FILLED, candidate
    requisition.save(update_fields=["status", "filled_by"])
    audit_record(
        actor=actor,
        action="hire",
        target=candidate,
        changes={"stage": (CandidateStage.OFFER.value, CandidateStage.HIRED.value), "installer": installer},
    )
    audit_record(
        actor=actor,
        action="fill",
        target=requisition,
        changes={"status": (RequisitionStatus.OPEN.value, RequisitionStatus.FILLED.value), "filled_by": candidate},
    )
    return installer
