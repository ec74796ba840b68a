"""Many sign-offs at once, from the lead's queue: each through the single
sign-off's own rules (enrollment_signoff_record), so that a bulk sign-off can
never accept what one at a time would refuse."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import User

from ..models import CheckoffEvent, Enrollment, Item
from .events import enrollment_signoff_record

REFUSALS = (PermissionDenied, ValidationError, DomainConflict)


@dataclass(frozen=True)
class SignoffRefusal:
    enrollment: Enrollment
    item: Item
    reason: str


@dataclass
class BulkSignoffOutcome:
    signed: list[CheckoffEvent] = field(default_factory=list)
    refused: list[SignoffRefusal] = field(default_factory=list)


def _reason(exc: Exception) -> str:
    if isinstance(exc, DomainConflict):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


@transaction.atomic
def signoffs_record_bulk(*, actor: User, items: list[tuple[Enrollment, Item]]) -> BulkSignoffOutcome:
    """Sign off each (enrollment, item) as enrollment_signoff_record would:
    the policy (`can_sign_off`), the item still checked, not signed off yet.
    One transaction for the request; each row in a savepoint of its own, so a
    refused row (the installer un-checked it meanwhile, another lead's
    installer, signed off already) is reported with its reason and the rest
    apply. One audit entry per sign-off."""
    outcome = BulkSignoffOutcome()
    seen = set()
    unique = []
    for enrollment, item in items:
        if (enrollment.pk, item.pk) not in seen:
            seen.add((enrollment.pk, item.pk))
            unique.append((enrollment, item))
    # Every sign-off locks its installer's row: taking the locks in one order
    # keeps two leads' overlapping bulk sign-offs from deadlocking.
    unique.sort(key=lambda pair: (pair[0].installer_id, pair[0].pk, pair[1].pk))
    for enrollment, item in unique:
        try:
            with transaction.atomic():
                event = enrollment_signoff_record(actor=actor, enrollment=enrollment, item=item, action="sign_off")
                audit_record(
                    actor=actor,
                    action="sign_off",
                    target=enrollment,
                    changes={"item": item.pk, "event": str(event.pk)},
                )
        except REFUSALS as exc:
            outcome.refused.append(SignoffRefusal(enrollment, item, _reason(exc)))
        else:
            outcome.signed.append(event)
    return outcome
