"""The state of a check-off item as a pure function of its events.

Kept free of the database so that its one property, the same set of events
gives the same state in any arrival order, can be tested exhaustively.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

# A device clock this far ahead of the server, or this far behind it, is not
# believed; the receipt time orders the event instead (docs/architecture.md, Sync protocol).
MAX_DEVICE_AHEAD = datetime.timedelta(minutes=5)
MAX_DEVICE_BEHIND = datetime.timedelta(days=30)

CHECKED = "item.checked"
UNCHECKED = "item.unchecked"
SIGNED_OFF = "item.signed_off"
REJECTED = "item.rejected"


def effective_time(occurred_at: datetime.datetime, received_at: datetime.datetime) -> datetime.datetime:
    if occurred_at > received_at + MAX_DEVICE_AHEAD or occurred_at < received_at - MAX_DEVICE_BEHIND:
        return received_at
    return occurred_at


@dataclass(frozen=True)
class FoldEvent:
    id: uuid.UUID
    type: str
    effective_at: datetime.datetime
    comment: str = ""


@dataclass(frozen=True)
class FoldedState:
    checked: bool = False
    signed_off: bool = False
    rejection_comment: str = ""
    changed_at: datetime.datetime | None = None
    # The item.checked event the current check rests on (its photos count).
    checked_event_id: uuid.UUID | None = None


def event_order(event) -> tuple:
    """Device time (or receipt time, see effective_time), ties broken by id."""
    return (event.effective_at, event.id.int if isinstance(event.id, uuid.UUID) else uuid.UUID(str(event.id)).int)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def apply_event(state: FoldedState, event) -> FoldedState:
    """One step of the fold. Rules: a signed-off item stays checked whatever
    the installer does; a sign-off counts only for a checked item; a
    rejection reopens the item (unchecked, not signed off) with its comment."""
    if event.type == CHECKED and not state.checked:
        return FoldedState(True, False, state.rejection_comment, event.effective_at, _uuid(event.id))
    if event.type == UNCHECKED and state.checked and not state.signed_off:
        return FoldedState(False, False, state.rejection_comment, event.effective_at)
    if event.type == SIGNED_OFF and state.checked and not state.signed_off:
        return FoldedState(True, True, "", event.effective_at, state.checked_event_id)
    if event.type == REJECTED and state.checked:
        return FoldedState(False, False, event.comment, event.effective_at)
    return state


def fold_item_events(events: Iterable) -> FoldedState:
    state = FoldedState()
    for event in sorted(events, key=event_order):
        state = apply_event(state, event)
    return state
