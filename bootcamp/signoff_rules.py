"""When a lead's sign-off or rejection is accepted, written once for every
door: the web sign-off (services/events.py: enrollment_signoff_record, and
the queue's bulk sign-off through it) and the lead's field sign-offs synced
from a tablet (services/field_signoffs.py). The rules are pure, on facts the
caller has read (whether the policy lets the actor sign off, the item's state
now), so the sync can read those facts for a whole batch in a fixed number
of queries while the web reads them for one item.

A refusal is one of the stable reasons below: the sync answers it as the
event's reason (the lead's tablet translates it for display); the web raises
`signoff_error(reason)`, which each door maps to its status (403, 400, 409)."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from installer_ops.exceptions import DomainConflict

from .state import REJECTED, SIGNED_OFF, FoldedState, apply_event

NOT_YOURS = "not yours"
ENROLLMENT_CLOSED = "enrollment closed"
UNKNOWN_ITEM = "unknown item"
NO_SIGNOFF_NEEDED = "no sign-off needed"
COMMENT_REQUIRED = "comment required"
ITEM_NOT_CHECKED = "item not checked"  # un-checked by the installer, or reopened by a rejection, since
ITEM_SIGNED_OFF = "item signed off"
AWAITING_EVIDENCE = "awaiting evidence"

# The web's actions and the events they record.
SIGNOFF_ACTIONS = {"sign_off": SIGNED_OFF, "reject": REJECTED}


@dataclass(frozen=True)
class ItemNow:
    """What the rules need of an item's state (bootcamp.models.ItemState)."""

    checked: bool = False
    signed_off: bool = False
    evidence_received: bool = False
    checked_event_id: uuid.UUID | None = None

    @classmethod
    def of(cls, state) -> "ItemNow":
        if state is None:
            return cls()
        return cls(state.checked, state.signed_off, state.evidence_received, state.checked_event)

    def after(self, event) -> "ItemNow":
        """The state once a lead's event is accepted (it is ordered after every
        earlier event: decision_time), by the fold's own step. A photo keeps
        counting only while the check it was taken with stands."""
        folded = apply_event(FoldedState(self.checked, self.signed_off, "", None, self.checked_event_id), event)
        same_check = folded.checked_event_id is not None and folded.checked_event_id == self.checked_event_id
        evidence_received = self.evidence_received and same_check
        return ItemNow(folded.checked, folded.signed_off, evidence_received, folded.checked_event_id)


def signoff_refusal(*, may_sign_off: bool, enrollment, item, event_type: str, comment: str, now: ItemNow) -> str | None:
    """Why this sign-off (SIGNED_OFF) or rejection (REJECTED) is refused, or
    None to accept it. `may_sign_off` is bootcamp.policies.can_sign_off's
    answer for the enrollment (False when the enrollment is unknown);
    `item` None is an unknown item; `item.module` and `enrollment.cohort` are read."""
    if enrollment is None or not may_sign_off:
        return NOT_YOURS
    if enrollment.withdrawn_at is not None:
        return ENROLLMENT_CLOSED
    if item is None or item.module.version_id != enrollment.cohort.program_version_id:
        return UNKNOWN_ITEM
    if not item.needs_signoff:
        return NO_SIGNOFF_NEEDED
    if event_type == REJECTED and not comment.strip():
        return COMMENT_REQUIRED
    if not now.checked:
        return ITEM_NOT_CHECKED
    if event_type == SIGNED_OFF and now.signed_off:
        return ITEM_SIGNED_OFF
    if event_type == SIGNED_OFF and item.needs_evidence and not now.evidence_received:
        # The lead signs off what they have seen; a rejection needs no photo.
        return AWAITING_EVIDENCE
    return None


def signoff_error(reason: str) -> Exception:
    """The exception the web sign-off raises for a refusal (403, 409 or 400
    naming the field on the API; a message on the page)."""
    errors = {
        NOT_YOURS: lambda: PermissionDenied(_("Only the installer's lead signs off their items.")),
        ENROLLMENT_CLOSED: lambda: DomainConflict(_("The enrollment is closed.")),
        UNKNOWN_ITEM: lambda: ValidationError({"item": _("This item is not part of the enrollment's program.")}),
        NO_SIGNOFF_NEEDED: lambda: ValidationError({"item": _("This item does not need a sign-off.")}),
        COMMENT_REQUIRED: lambda: ValidationError({"comment": _("Say what to redo when rejecting.")}),
        ITEM_NOT_CHECKED: lambda: DomainConflict(_("The installer has not checked this item off.")),
        ITEM_SIGNED_OFF: lambda: DomainConflict(_("This item is signed off already.")),
        AWAITING_EVIDENCE: lambda: DomainConflict(
            _("The photo has not arrived yet: the installer's tablet sends it when it is online.")
        ),
    }
    return errors[reason]()


def decision_time(latest: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    """When a lead's decision takes effect: now, but never before the item's
    latest event. The state the decision was judged on may rest on a tablet's
    check dated up to five minutes ahead (a clock believed, bootcamp/state.py);
    the lead acts on that state, so the decision is ordered after it. The
    device's own time is kept as the event's occurred_at."""
    if latest is None:
        return now
    return max(now, latest + datetime.timedelta(microseconds=1))
