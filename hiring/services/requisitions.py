"""Requisitions: opened by the lead of a pod (or an administrator), cancelled
while open, filled only by a hire (hiring/services/hires.py)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from installer_ops import values
from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import Level, Pod, User
from installer_ops.policies import require

from .. import policies
from ..models import Requisition, RequisitionRole, RequisitionStatus

REASON_MAX_LENGTH = 2000


def _checked_reason(reason: str, *, required: bool = False) -> str:
    """A reason as stored (stage changes, audit entries), or a ValidationError under `reason`."""
    if problem := values.text_problem(reason, max_length=REASON_MAX_LENGTH):
        raise ValidationError({"reason": _("The reason %(problem)s.") % {"problem": problem}})
    reason = reason.strip()
    if required and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    return reason


@transaction.atomic
def requisition_open(
    *,
    actor: User | None,
    pod: Pod,
    role: RequisitionRole | str,
    fill_by: datetime.date,
    level: Level | int = Level.INSTALLER_1,
    opened_on: datetime.date | None = None,
) -> Requisition:
    """A role to fill in `pod`, at `level`, by `fill_by`; opened today unless said otherwise."""
    require(policies.can_manage_requisition(actor, pod), _("Only the pod's lead opens its requisitions."))
    opened_on = opened_on or timezone.localdate()
    if isinstance(fill_by, datetime.date) and fill_by < opened_on:
        raise ValidationError(
            {
                "fill_by": _("The target date cannot precede the opening date (%(date)s).")
                % {"date": formats.date_format(opened_on)}
            }
        )
    requisition = Requisition(
        pod=pod,
        role=role,
        level=level,
        opened_on=opened_on,
        fill_by=fill_by,
        status=RequisitionStatus.OPEN,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    requisition.full_clean()
    requisition.save()
    audit_record(
        actor=actor,
        action="open",
        target=requisition,
        changes={"pod": pod, "role": role, "level": requisition.level, "opened_on": opened_on, "fill_by": fill_by},
    )
    return requisition


@transaction.atomic
def requisition_cancel(*, actor: User | None, requisition: Requisition, reason: str = "") -> Requisition:
    """Close an open requisition without a hire. Its candidates keep their
    stages (the lead rejects or keeps them for another requisition)."""
    require(policies.can_manage_requisition(actor, requisition), _("Only the pod's lead cancels its requisitions."))
    reason = _checked_reason(reason)
    requisition = Requisition.objects.select_for_update().select_related("pod").get(pk=requisition.pk)
    if not requisition.is_open:
        raise DomainConflict(
            _("The requisition is %(status)s already.") % {"status": requisition.get_status_display().lower()},
            details={"status": requisition.status},
        )
    requisition.status = RequisitionStatus.CANCELLED
    requisition.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="cancel",
        target=requisition,
        changes={"status": (RequisitionStatus.OPEN.value, RequisitionStatus.CANCELLED.value), "reason": reason},
    )
    return requisition
