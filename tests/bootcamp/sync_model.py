"""What the sync protocol promises (docs/architecture.md, Sync protocol),
written out again for tests/bootcamp/test_sync_state_machine.py without
reusing bootcamp.state: a second reading of the rules, so that a mistake in
the product's fold is not repeated by the test that checks it."""

import datetime
import uuid
from dataclasses import dataclass, field

CHECKED, UNCHECKED = "item.checked", "item.unchecked"
SIGNED_OFF, REJECTED = "item.signed_off", "item.rejected"

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

    def row(self) -> tuple:
        return (self.checked, self.signed_off, self.rejection_comment, self.changed_at)


def expected_state(events) -> Expected:
    """Events by effective time, ties by id; a check opens nothing new on a
    checked item, an un-check cannot undo a sign-off, a sign-off needs a
    checked item, a rejection reopens a checked item with its comment (kept
    until a sign-off). Only a change moves changed_at."""
    state = Expected()
    for event in sorted(events, key=lambda e: (e.effective_at, e.id.int)):
        if event.type == CHECKED and not state.checked:
            state = Expected(True, False, state.rejection_comment, event.effective_at)
        elif event.type == UNCHECKED and state.checked and not state.signed_off:
            state = Expected(False, False, state.rejection_comment, event.effective_at)
        elif event.type == SIGNED_OFF and state.checked and not state.signed_off:
            state = Expected(True, True, "", event.effective_at)
        elif event.type == REJECTED and state.checked:
            state = Expected(False, False, event.comment, event.effective_at)
    return state


def believed(occurred_at: datetime.datetime, received_at: datetime.datetime) -> datetime.datetime:
    """The time an event is ordered by: the device's, unless implausible."""
    if received_at - BELIEVED_BEHIND <= occurred_at <= received_at + BELIEVED_AHEAD:
        return occurred_at
    return received_at


def content(raw: dict) -> tuple:
    """What makes a resent id a duplicate rather than a conflict (device_id
    and device_seq are not part of it)."""
    return (raw["type"], raw["enrollment"], raw["item"], datetime.datetime.fromisoformat(raw["occurred_at"]))


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
