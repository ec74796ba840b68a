"""The sync protocol as a state machine (docs/architecture.md, Sync protocol).

One installer's two or three tablets record check-offs with right, skewed and
wrong clocks, take photos with the check-offs of items that ask for one, and
send random subsets of their outboxes through the real endpoint, with answers
lost on the way back (so they resend), duplicates, resends of acknowledged
events and now and then an event reusing an id with other content; photos
upload once their event is acknowledged, again, twice in a row, or too early.
Their lead signs items off or rejects them on the web, and on the lead's own
tablet, whose queued decisions sync later and are judged when they arrive
(tests/bootcamp/sync_field_rules.py). After every step that reached the
server, it must hold exactly the events it answered `applied` and exactly the
photos it stored, each once and belonging to its check; each item's cached
state must be the fold of those events in any order and what the model of
tests/bootcamp/sync_model.py predicts, and an item asking for a photo is
done only once a photo of its current check arrived.
"""

import datetime
import os
import random
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from bootcamp import services
from bootcamp.models import CheckoffEvent, Item, ItemState
from bootcamp.state import FoldEvent, fold_item_events
from installer_ops.exceptions import DomainConflict
from tests.bootcamp.sync_field_rules import SHOTS, FieldRules
from tests.bootcamp.sync_model import (
    CHECKED,
    CLOCK_SKEWS,
    CLOCKS,
    IN_1990,
    LEAD_TYPES,
    REJECTED,
    SIGNED_OFF,
    UNCHECKED,
    Device,
    Expected,
    Stored,
    believed,
    content,
    decided_at,
    event_id,
    expected_state,
    lead_refusal,
    reused,
)

pytestmark = pytest.mark.django_db

# The repository registers no hypothesis profile of its own: "nightly" is
# registered here (unless a conftest already did) and chosen with
# HYPOTHESIS_PROFILE=nightly. Loaded here rather than with
# --hypothesis-profile, which pytest reads before this module is imported,
# when the profile does not exist yet.
try:
    settings.get_profile("nightly")
except InvalidArgument:
    settings.register_profile("nightly", max_examples=2000)
if (profile := os.environ.get("HYPOTHESIS_PROFILE")) and settings.get_current_profile_name() != profile:
    settings.load_profile(profile)

MIN_EXAMPLES = 200

# The fixture's items 1 and 3 need a sign-off, 0 does not; the test makes
# 0 and 1 ask for a photo (0: a photo only, 1: a photo and a sign-off, 3: a
# sign-off only). Three items rather than five: more events per item, so
# more of them interact.
ITEMS = [0, 1, 3]
SIGNOFF_ITEMS = [1, 3]
EVIDENCE_ITEMS = [0, 1]
OTHER_CONTENT = "an event with this id and other content exists"
TAPS = [CHECKED, CHECKED, UNCHECKED]  # more checks: more to un-check, sign off and reject
TAP = st.tuples(st.sampled_from(TAPS), st.sampled_from(ITEMS), st.sampled_from(CLOCKS), st.integers(0, 2**64 - 1))
ANSWER_LOST = st.sampled_from([False, False, False, True])
REUSE = st.sampled_from([None] * 4 + ["type", "item", "occurred_at", "device_seq"])


def machine_settings() -> settings:
    """The loaded profile's example count, never fewer than MIN_EXAMPLES."""
    return settings(
        max_examples=max(MIN_EXAMPLES, settings.default.max_examples),
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class SyncMachine(FieldRules, RuleBasedStateMachine):
    """Subclassed by the test with `b` (the bootcamp fixture) and two logged-in clients."""

    b: object
    installer_client: APIClient
    lead_client: APIClient
    devices = Bundle("devices")

    def __init__(self):
        super().__init__()
        # Every example starts from the fixture's state: what it writes is
        # rolled back in teardown(). The endpoint's own atomic blocks (and its
        # SELECT ... FOR UPDATE) run as savepoints inside this one.
        self.savepoint = transaction.savepoint()
        self.all_devices: list[Device] = []
        self.created: list[dict] = []  # every event any tablet recorded
        self.stored: dict[uuid.UUID, Stored] = {}  # the events the server should hold
        self.contents: dict[uuid.UUID, tuple] = {}  # and what each says (sync_model.content)
        self.answered_applied: set[uuid.UUID] = set()
        self.lead_events: set[uuid.UUID] = set()  # the lead's on the web
        # The lead's tablet and the events it recorded; the photos the server should hold.
        self.lead_device = Device("lead-tablet")
        self.lead_created: list[dict] = []
        self.photos: dict[uuid.UUID, object] = {}
        self.photo_serials: list[int] = []
        self.evidence_items = {self.b.items[i].pk for i in EVIDENCE_ITEMS}
        self.signoff_items = {self.b.items[i].pk for i in SIGNOFF_ITEMS}
        # Whether the server may have changed since the invariant last read
        # it: steps that stay on a tablet (recording) leave nothing to re-read.
        self.unchecked_writes = True

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    def expected(self, item_pk: int) -> Expected:
        return expected_state(e for e in self.stored.values() if e.item == item_pk)

    def signed_off_pks(self) -> list[int]:
        return [self.b.items[i].pk for i in SIGNOFF_ITEMS if self.expected(self.b.items[i].pk).signed_off]

    def photo_in(self, state: Expected) -> bool:
        """A photo of the check the item's state rests on has arrived."""
        return any(photo.event == state.checked_event for photo in self.photos.values())

    def predict(self, batch: list[dict], received_at: datetime.datetime, sender: str) -> list[tuple[str, str]]:
        """Each event's status and reason, updating the model with the
        accepted ones. An installer's un-check is refused if its item was
        signed off when the batch began; a lead's decision is judged on the
        item's state when it arrives (after the batch's earlier events)."""
        signed_off = set(self.signed_off_pks())
        answers = []
        for raw in batch:
            event_id_ = uuid.UUID(raw["id"])
            item = raw["item"]
            if event_id_ in self.contents:
                same = self.contents[event_id_] == content(raw)
                answers.append(("duplicate", "") if same else ("conflict", OTHER_CONTENT))
                continue
            lead_type = raw["type"] in LEAD_TYPES
            if lead_type != (sender == "lead"):
                answers.append(("rejected", "not yours"))
                continue
            if lead_type:
                state = self.expected(item)
                flags = {"needs_signoff": item in self.signoff_items, "needs_evidence": item in self.evidence_items}
                reason = lead_refusal(raw["type"], raw["comment"], state, photo_in=self.photo_in(state), **flags)
                if reason:
                    answers.append(("rejected", reason))
                    continue
                latest = max((e.effective_at for e in self.stored.values() if e.item == item), default=None)
                effective_at = decided_at(latest, received_at)
            elif raw["type"] == UNCHECKED and item in signed_off:
                answers.append(("rejected", "item signed off"))
                continue
            else:
                effective_at = believed(datetime.datetime.fromisoformat(raw["occurred_at"]), received_at)
            comment = raw["comment"].strip() if lead_type else ""
            self.stored[event_id_] = Stored(event_id_, raw["type"], item, effective_at, comment)
            self.contents[event_id_] = content(raw)
            answers.append(("applied", ""))
        return answers

    def tap(self, device: Device, type_: str, item_pk: int, clock: str, order: int, now: datetime.datetime) -> dict:
        """A new event of this tablet, kept in its outbox until answered."""
        skew = CLOCK_SKEWS[clock]
        device.seq += 1
        event = {
            "id": str(event_id(order, len(self.created))),
            "type": type_,
            "enrollment": self.b.enrollment.pk,
            "item": item_pk,
            "occurred_at": (IN_1990 if skew is None else now + skew).isoformat(),
            "device_id": device.name,
            "device_seq": device.seq,
        }
        device.outbox.append(event)
        self.created.append(event)
        return event

    def deliver(self, device: Device, batch: list[dict], answer_lost: bool, foreign=None, sender="installer") -> None:
        """Send a batch through the endpoint and check the answer against the
        model. A lost answer (processed, never read by the tablet) leaves the
        outbox as it was. `foreign` is no event of this tablet's (a reused
        id): its answer says nothing about the tablet's own event."""
        client = self.lead_client if sender == "lead" else self.installer_client
        checked_before = {raw["item"]: self.expected(raw["item"]).checked for raw in batch}
        response = client.post(
            "/api/v1/sync/",
            {"device_id": device.name, "sent_at": timezone.now().isoformat(), "events": batch},
            format="json",
        )
        self.unchecked_writes = True
        assert response.status_code == 200, response.content
        body = response.json()
        results = body["results"]
        # (5) one result per event, in the order sent.
        assert [r["id"] for r in results] == [raw["id"] for raw in batch]
        expected = self.predict(batch, datetime.datetime.fromisoformat(body["server_time"]), sender)
        assert [(r["status"], r["reason"]) for r in results] == expected, results
        for raw, result in zip(batch, results, strict=True):
            # (3) every refusal says why.
            if result["status"] in ("rejected", "conflict"):
                assert result["reason"].strip(), result
            # (4) a lead's sign-off of an item that is not checked now is refused, whatever the
            # lead saw when deciding (the installer un-checked it, or a rejection reopened it).
            judged = result["status"] not in ("duplicate", "conflict")  # replays are answered by id first
            signoff = sender == "lead" and raw["type"] == SIGNED_OFF and raw["item"] in self.signoff_items
            if signoff and judged and not checked_before[raw["item"]]:
                assert (result["status"], result["reason"]) == ("rejected", "item not checked"), result
            if result["status"] == "applied":
                # (1) never applied twice.
                assert uuid.UUID(result["id"]) not in self.answered_applied, result
                self.answered_applied.add(uuid.UUID(result["id"]))
        if not answer_lost:
            device.answered(
                {raw["id"]: r["status"] for raw, r in zip(batch, results, strict=True) if raw is not foreign}
            )

    @initialize(target=devices, count=st.integers(2, 3))
    def tablets(self, count):
        self.all_devices = [Device(f"tablet-{n}") for n in range(count)]
        return multiple(*self.all_devices)

    # A tablet with a full outbox adds nothing new to try: leave the steps to syncing and the lead.
    @precondition(lambda self: sum(len(d.outbox) for d in self.all_devices) < 8)
    @rule(device=devices, taps=st.lists(TAP, min_size=1, max_size=3), shots=SHOTS)
    def record(self, device, taps, shots):
        """The installer taps items, and takes photos with the check-offs of
        items that ask for one; events and photos wait on the tablet."""
        now = timezone.now()  # one instant per step: equal times tie alike on every replay
        for (type_, item, clock, order), photos in zip(taps, shots, strict=False):
            event = self.tap(device, type_, self.b.items[item].pk, clock, order, now)
            if type_ == CHECKED and item in EVIDENCE_ITEMS:
                self.take_photos(device, event, photos, order)

    @precondition(lambda self: any(d.outbox or d.acknowledged for d in self.all_devices))
    @rule(device=devices, data=st.data(), answer_lost=ANSWER_LOST, reuse=REUSE)
    def sync(self, device, data, answer_lost, reuse):
        """A subset of the outbox (plus acknowledged events resent), in any
        order, some twice, now and then with an event reusing an id."""
        pool = device.outbox + device.acknowledged
        if not pool:
            return
        batch = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=8), label="batch")
        variant = None
        if reuse is not None:
            original = data.draw(st.sampled_from(self.created), label="original")
            variant = reused(original, reuse, device.name, [item.pk for item in self.b.items])
            batch.insert(data.draw(st.integers(0, len(batch)), label="at"), variant)
        self.deliver(device, batch, answer_lost, foreign=variant)
        if not answer_lost:
            self.upload_acknowledged(device, data)

    @precondition(lambda self: self.signed_off_pks())
    @rule(device=devices, data=st.data(), answer_lost=ANSWER_LOST)
    def uncheck_a_signed_off_item(self, device, data, answer_lost):
        """The installer un-checks an item the lead has signed off (the
        tablet may not know yet), and the tablet syncs."""
        item_pk = data.draw(st.sampled_from(self.signed_off_pks()), label="item")
        _, _, clock, order = data.draw(TAP, label="tap")
        self.tap(device, UNCHECKED, item_pk, clock, order, timezone.now())
        self.deliver(device, list(device.outbox), answer_lost)

    @precondition(lambda self: any(self.expected(self.b.items[i].pk).checked for i in SIGNOFF_ITEMS))
    @rule(
        item=st.sampled_from(SIGNOFF_ITEMS),
        action=st.sampled_from(["sign_off", "reject"]),
        comment=st.sampled_from(["Redo the certificate", "  Show me the redaction again  "]),
        via_api=st.booleans(),
    )
    def lead_acts(self, item, action, comment, via_api):
        """The lead signs off or rejects an item, through the service or the
        API; refused (409) unless the item is checked (and, for a sign-off,
        not signed off yet)."""
        b = self.b
        item = b.items[item]
        self.unchecked_writes = True
        before = self.expected(item.pk)
        refused = not before.checked or (action == "sign_off" and before.signed_off)
        # A sign-off needs the photo of the check, where the item asks for one; a rejection does not.
        refused = refused or (action == "sign_off" and item.pk in self.evidence_items and not self.photo_in(before))
        if via_api:
            response = self.lead_client.post(
                f"/api/v1/enrollments/{b.enrollment.pk}/signoffs/",
                {"item": item.pk, "action": action, "comment": comment},
                format="json",
            )
            assert response.status_code == (409 if refused else 201), response.content
            if refused:
                return
            lead_events = CheckoffEvent.objects.filter(enrollment=b.enrollment, device_id="web")
            event = lead_events.exclude(id__in=self.lead_events).get()
        else:
            try:
                event = services.enrollment_signoff_record(
                    actor=b.lead_a, enrollment=b.enrollment, item=item, action=action, comment=comment
                )
            except DomainConflict:
                assert refused, f"{action} of a checked item refused"
                return
            assert not refused, f"{action} of an item in state {before} accepted"
        assert event.type == (SIGNED_OFF if action == "sign_off" else REJECTED)
        said = comment.strip() if action == "reject" else ""
        self.stored[event.id] = Stored(event.id, event.type, item.pk, event.effective_at, said)
        self.lead_events.add(event.id)
        # The lead's event must take effect where the fold places it (tablet
        # events dated after it may change the state again afterwards).
        key = (event.effective_at, event.id.int)
        earlier = [e for e in self.stored.values() if e.item == item.pk and (e.effective_at, e.id.int) < key]
        at_its_time = expected_state([*earlier, self.stored[event.id]])
        took = at_its_time.signed_off if action == "sign_off" else at_its_time.row()[:3] == (False, False, said)
        assert took, f"the lead's {action} did not take: {at_its_time}"

    @invariant()
    def server_matches_model(self):
        if not self.unchecked_writes:
            return
        self.unchecked_writes = False
        enrollment = self.b.enrollment
        columns = ("id", "item_id", "type", "effective_at", "comment")
        rows = list(CheckoffEvent.objects.filter(enrollment=enrollment).values_list(*columns))
        # (1) exactly the events answered `applied`, plus the lead's (and the model's).
        assert {row[0] for row in rows} == self.answered_applied | self.lead_events == set(self.stored)
        history: dict[int, list[FoldEvent]] = {item.pk: [] for item in self.b.items}
        for event_id_, item_id, type_, effective_at, comment in rows:
            history[item_id].append(FoldEvent(event_id_, type_, effective_at, comment))
        columns = ("item_id", "checked", "signed_off", "rejection_comment", "changed_at", "checked_event")
        states = {row[0]: row[1:] for row in ItemState.objects.filter(enrollment=enrollment).values_list(*columns)}
        # (2) a row for every item with events, and each row is the fold of
        # its stored events in any order and what the model predicts, down
        # to the check it rests on.
        assert set(states) == {item for item, events in history.items() if events}
        for item_pk, events in history.items():
            cached = states.get(item_pk, (*Expected().row(), None))
            shuffled = list(events)
            random.Random(len(events)).shuffle(shuffled)
            for order in (events, events[::-1], shuffled):
                f = fold_item_events(order)
                assert (f.checked, f.signed_off, f.rejection_comment, f.changed_at, f.checked_event_id) == cached
            model = self.expected(item_pk)
            assert (*model.row(), model.checked_event) == cached, f"item {item_pk}: {events}"
        # (6) every photo stored once, belonging to its check; (7) done only with the photo of the current check.
        self.check_photos_and_done(enrollment, history)


def test_the_sync_protocol_keeps_every_accepted_event_once_and_the_state_its_fold(bootcamp):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (make test does).")
    assert connection.in_atomic_block, "the machine's savepoints need the test's transaction"
    installer_client, lead_client = APIClient(), APIClient()
    # Real sessions (SessionAuthentication), created once outside the
    # examples' savepoints so that every example finds them.
    installer_client.force_login(bootcamp.installer.user)
    lead_client.force_login(bootcamp.lead_a)
    # Items 0 and 1 ask for a photo (EVIDENCE_ITEMS).
    Item.objects.filter(pk__in=[bootcamp.items[i].pk for i in EVIDENCE_ITEMS]).update(needs_evidence=True)
    for item in bootcamp.items:
        item.refresh_from_db()
    clients = {"installer_client": installer_client, "lead_client": lead_client}
    machine = type("SyncMachine", (SyncMachine,), {"b": bootcamp, **clients})
    run_state_machine_as_test(machine, settings=machine_settings())
