"""Reading one bootcamp event of a device's sync batch: the fields every
event carries (an installer's check-off as a lead's field sign-off), each
value checked by the rules of installer_ops/values.py, and what makes a
resent id a duplicate rather than a conflict. Shared by
services/events.py (item.checked, item.unchecked) and
services/field_signoffs.py (item.signed_off, item.rejected), so that both
kinds read an event and answer a replay alike."""

import datetime
import uuid
from dataclasses import dataclass

from installer_ops import values
from installer_ops.sync import SyncResult

# As the web sign-off's comment (bootcamp.serializers.SignoffRequestSerializer).
MAX_COMMENT_LENGTH = 2000


@dataclass(frozen=True)
class Incoming:
    id: uuid.UUID
    type: str
    enrollment_id: int
    item_id: int
    occurred_at: datetime.datetime
    device_id: str
    device_seq: int | None
    comment: str = ""  # stripped, as stored; only a lead's events carry one


def parse_event(raw, device_id: str, *, types: set[str], with_comment: bool = False) -> Incoming | SyncResult:
    """One event of the batch, or the reason it cannot be read. `types` are
    the event types the calling kind applies."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        event_id = uuid.UUID(str(raw_id))
    except ValueError:
        return SyncResult(id=str(raw_id), status="rejected", reason="invalid: id is not a UUID")
    problems = []
    if raw.get("type") not in types:
        problems.append("type must be " + " or ".join(sorted(types)))
    ids = {}
    for key in ("enrollment", "item"):
        ids[key] = raw.get(key)
        if problem := values.integer_problem(ids[key], minimum=1, maximum=values.BIGINT_MAX):
            problems.append(f"{key} {problem}")
    occurred_at = None
    if not isinstance(raw.get("occurred_at"), str):
        problems.append("occurred_at must be an ISO 8601 time")
    else:
        occurred_at, problem = values.parse_iso_datetime(raw["occurred_at"])
        # A wrong device clock is not a bad value (the receipt time orders the
        # event), but what is stored must convert to every time zone.
        problem = problem or values.device_time_problem(occurred_at)
        if problem:
            problems.append(f"occurred_at {problem}")
    seq = raw.get("device_seq")
    if seq is not None and (problem := values.integer_problem(seq, minimum=0, maximum=values.INT_MAX)):
        problems.append(f"device_seq {problem}")
    event_device = raw.get("device_id", device_id)
    if problem := values.text_problem(event_device, max_length=64):
        problems.append(f"device_id {problem}")
    comment = ""
    if with_comment:
        # Absent or null: no comment (a sign-off needs none).
        comment = raw.get("comment") if raw.get("comment") is not None else ""
        if problem := values.text_problem(comment, max_length=MAX_COMMENT_LENGTH):
            problems.append(f"comment {problem}")
    if problems:
        return SyncResult(id=str(event_id), status="rejected", reason="invalid: " + "; ".join(problems))
    return Incoming(
        event_id, raw["type"], ids["enrollment"], ids["item"], occurred_at, event_device, seq, comment.strip()
    )


def same_content(previous, incoming: Incoming) -> bool:
    """A replay whether its original is stored (a CheckoffEvent) or earlier in
    the same batch (an Incoming): the device's sequence number and id are not
    part of an event's content; a lead's comment is (as stored, stripped)."""
    return (
        previous.type == incoming.type
        and previous.enrollment_id == incoming.enrollment_id
        and previous.item_id == incoming.item_id
        and previous.occurred_at == incoming.occurred_at
        and previous.comment == incoming.comment
    )


def replay_result(previous, incoming: Incoming) -> SyncResult:
    """The answer to an id seen before: duplicate (same content, no change)
    or conflict (other content; nothing stored)."""
    if same_content(previous, incoming):
        return SyncResult(str(incoming.id), "duplicate")
    return SyncResult(str(incoming.id), "conflict", "an event with this id and other content exists")
