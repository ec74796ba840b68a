"""What the sync protocol promises (docs/architecture.md, Sync protocol),
written out again for tests/bootcamp/test_sync_state_machine.py without
reusing bootcamp.state or bootcamp.signoff_rules: a second reading of the
rules (the fold, the photos, the lead's field sign-offs), so that a mistake
in the product is not repeated by the test that checks it."""

import datetime
import functools
import io
import uuid
from dataclasses import dataclass, field

from PIL import Image

CHECKED, UNCHECKED = "item.checked", "item.unchecked"
SIGNED_OFF, REJECTED = "item.signed_off", "item.rejected"
LEAD_TYPES = (SIGNED_OFF, REJECTED)

# The server believes a device clock from 30 days behind to 5 minutes ahead
# of its receipt time; the skews stay well clear of both edges so that the
# seconds between recording and sending never move an event across one.
CLOCK_SKEWS = {
    "right": datetime.timedelta(0),
    "minutes behind": datetime.timedelta(minutes=-7),
    "days behind": datetime.timedelta(days=-3),
    "minutes ahead": datetime.timedelta(minutes=2),
    "hours ahead": datetime.timedelta(hours=3),
    "40 days behind": datetime.timedelta(days=-40),
    "1990": None,
}
CLOCKS = list(CLOCK_SKEWS)
# One fixed instant: implausible events of one batch then share their
# effective time (the receipt time) and only the id orders them.
IN_1990 = datetime.datetime(1990, 6, 1, 12, 0, tzinfo=datetime.UTC)
BELIEVED_BEHIND = datetime.timedelta(days=30)
BELIEVED_AHEAD = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Stored:
    """An event the server should hold."""

    id: uuid.UUID
    type: str
    item: int
    effective_at: datetime.datetime
    comment: str = ""


@dataclass(frozen=True)
class Expected:
    checked: bool = False
    signed_off: bool = False
    rejection_comment: str = ""
    changed_at: datetime.datetime | None = None
    # The check the state rests on: only its photos count.
    checked_event: uuid.UUID | None = None

    def row(self) -> tuple:
        return (self.checked, self.signed_off, self.rejection_comment, self.changed_at)


def expected_state(events) -> Expected:
    """Events by effective time, ties by id; a check opens nothing new on a
    checked item, an un-check cannot undo a sign-off, a sign-off needs a
    checked item, a rejection reopens a checked item with its comment (kept
    until a sign-off). Only a change moves changed_at. A sign-off keeps the
    check it approved; an un-check or a rejection leaves no check."""
    state = Expected()
    for event in sorted(events, key=lambda e: (e.effective_at, e.id.int)):
        if event.type == CHECKED and not state.checked:
            state = Expected(True, False, state.rejection_comment, event.effective_at, event.id)
        elif event.type == UNCHECKED and state.checked and not state.signed_off:
            state = Expected(False, False, state.rejection_comment, event.effective_at)
        elif event.type == SIGNED_OFF and state.checked and not state.signed_off:
            state = Expected(True, True, "", event.effective_at, state.checked_event)
        elif event.type == REJECTED and state.checked:
            state = Expected(False, False, event.comment, event.effective_at)
    return state


def item_done(state: Expected, *, needs_signoff: bool, needs_evidence: bool, photo_in: bool) -> bool:
    """Checked; with a photo of that very check where one is needed; signed
    off where a sign-off is needed."""
    return state.checked and (photo_in or not needs_evidence) and (state.signed_off or not needs_signoff)


def lead_refusal(
    type_: str, comment: str, state: Expected, *, needs_signoff: bool, needs_evidence: bool, photo_in: bool
):
    """Why a lead's sign-off or rejection arriving now is refused (the
    contract's reasons), or None: judged on the item's state when it
    arrives. The lead here always may sign off (their pod's installer)."""
    if not needs_signoff:
        return "no sign-off needed"
    if type_ == REJECTED and not comment.strip():
        return "comment required"
    if not state.checked:
        return "item not checked"
    if type_ == SIGNED_OFF and state.signed_off:
        return "item signed off"
    if type_ == SIGNED_OFF and needs_evidence and not photo_in:
        return "awaiting evidence"
    return None


def decided_at(latest: datetime.datetime | None, received_at: datetime.datetime) -> datetime.datetime:
    """A lead's decision counts from its arrival, and never before the
    item's latest event (the state it was judged on)."""
    if latest is None or latest < received_at:
        return received_at
    return latest + datetime.timedelta(microseconds=1)


def believed(occurred_at: datetime.datetime, received_at: datetime.datetime) -> datetime.datetime:
    """The time an event is ordered by: the device's, unless implausible."""
    if received_at - BELIEVED_BEHIND <= occurred_at <= received_at + BELIEVED_AHEAD:
        return occurred_at
    return received_at


def content(raw: dict) -> tuple:
    """What makes a resent id a duplicate rather than a conflict (device_id
    and device_seq are not part of it; a lead's comment is, as stored:
    stripped)."""
    comment = (raw.get("comment") or "").strip() if raw["type"] in LEAD_TYPES else ""
    return (raw["type"], raw["enrollment"], raw["item"], datetime.datetime.fromisoformat(raw["occurred_at"]), comment)


@functools.cache
def photo_bytes(image_format: str, shade: int, tone: int = 90) -> bytes:
    """A small real image (Pillow); another shade or tone is other bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (shade % 256, tone, (shade // 256) % 256)).save(buffer, format=image_format)
    return buffer.getvalue()


@dataclass(frozen=True)
class Photo:
    """A photo the installer's tablet took with a check-off, waiting to upload."""

    id: uuid.UUID
    event: uuid.UUID
    content_type: str
    data: bytes


def event_id(order: int, serial: int) -> uuid.UUID:
    """A UUIDv4 that hypothesis chooses (ties are broken by id, so a random
    one would make replays differ): drawn high bits order it, the serial in
    the low bits keeps it unique."""
    return uuid.UUID(int=order << 64 | serial, version=4)


def reused(original: dict, change: str, device_name: str, item_pks: list[int]) -> dict:
    """An event under an id already used: other content (a conflict once the
    original is stored) or only another device_seq (then a duplicate)."""
    variant = {**original, "device_id": device_name}
    if change == "type":
        variant["type"] = UNCHECKED if original["type"] == CHECKED else CHECKED
    elif change == "item":
        variant["item"] = item_pks[(item_pks.index(original["item"]) + 1) % len(item_pks)]
    elif change == "occurred_at":
        moved = datetime.datetime.fromisoformat(original["occurred_at"]) + datetime.timedelta(seconds=1)
        variant["occurred_at"] = moved.isoformat()
    else:
        variant["device_seq"] = original["device_seq"] + 1000
    return variant


@dataclass
class Device:
    name: str
    seq: int = 0
    outbox: list[dict] = field(default_factory=list)
    # Events the server acknowledged, kept to resend some of them later.
    acknowledged: list[dict] = field(default_factory=list)
    # Photos waiting to upload (after their event is acknowledged) and those uploaded.
    photos: list[Photo] = field(default_factory=list)
    uploaded: list[Photo] = field(default_factory=list)

    def __repr__(self) -> str:
        return self.name

    def answered(self, results: dict[str, str]) -> None:
        """The answer arrived: every status is final, acknowledged (applied,
        duplicate) or refused (rejected, conflict), so each answered event
        leaves the outbox."""
        for raw in self.outbox:
            if results.get(raw["id"]) in ("applied", "duplicate"):
                self.acknowledged.append(raw)
        self.outbox = [raw for raw in self.outbox if raw["id"] not in results]
