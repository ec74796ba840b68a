"""The field half of the sync state machine (tests/bootcamp/test_sync_state_machine.py):
photos the installer's tablet takes with its check-offs and uploads
(bootcamp.services.evidence.evidence_store, called directly: first, again,
with other bytes, twice in a row as a retry racing its original, before its
event is acknowledged), and the lead's own tablet queueing sign-offs and
rejections that sync later through the same endpoint. The model's rules are
in tests/bootcamp/sync_model.py."""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, precondition, rule

from bootcamp.item_done import DONE
from bootcamp.models import CheckoffEvent, Evidence, ItemState
from bootcamp.services.evidence import evidence_store
from installer_ops.exceptions import DomainConflict
from tests.bootcamp.sync_model import (
    CHECKED,
    CLOCK_SKEWS,
    CLOCKS,
    IN_1990,
    REJECTED,
    SIGNED_OFF,
    Photo,
    item_done,
    photo_bytes,
)

PHOTO_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}
# Whether a tap that checks an item asking for a photo takes one (or two).
SHOTS = st.lists(st.sampled_from([0, 1, 1, 2]), min_size=3, max_size=3)
UPLOAD = st.sampled_from(["once", "once", "twice", "other bytes"])
# The lead mostly decides on what their pending list showed (items checked
# when they last synced), now and then on any item, one without sign-off included.
LEAD_ITEMS = [1, 3, 1, 3, 0]
LEAD_COMMENTS = ["Redo the certificate", "  Show me the redaction again  ", "The label is blurred", "", "   "]
LEAD_DECISION = st.tuples(
    st.sampled_from([SIGNED_OFF, SIGNED_OFF, REJECTED]),
    st.sampled_from(["pending"] * 2 + ["any"]),
    st.sampled_from(LEAD_ITEMS),
    st.sampled_from(LEAD_COMMENTS),
    st.sampled_from(CLOCKS),
    st.integers(0, 2**64 - 1),
)
LEAD_REUSE = st.sampled_from([None] * 5 + ["installer's id", "other comment", "other type"])
ANSWER_LOST = st.sampled_from([False, False, False, True])


class FieldRules:
    """Mixed into SyncMachine, which provides the model (stored, contents,
    expected, tap, deliver) and the clients."""

    devices = Bundle("devices")

    # --- the installer's photos ------------------------------------------------------------

    def take_photos(self, device, event: dict, shots: int, order: int) -> None:
        """The tablet keeps `shots` photos with this check-off, to upload once
        the server has acknowledged the event."""
        for shot in range(shots):
            serial = len(self.photo_serials)
            self.photo_serials.append(serial)
            content_type = list(PHOTO_TYPES)[(order + shot) % 2]
            device.photos.append(
                Photo(
                    id=uuid.UUID(int=(order >> 8) << 64 | 1 << 40 | serial, version=4),
                    event=uuid.UUID(event["id"]),
                    content_type=content_type,
                    data=photo_bytes(PHOTO_TYPES[content_type], serial),
                )
            )

    def predict_upload(self, photo: Photo) -> str:
        """What evidence_store answers, updating the model when it stores."""
        event = self.stored.get(photo.event)
        if event is None or event.type != CHECKED:
            return "unknown event"  # not (yet) a stored check of the installer's: 404
        if photo.id in self.photos:
            known = self.photos[photo.id]
            same = known.event == photo.event and known.data == photo.data
            return "stored already" if same else "conflict"
        if event.item not in self.evidence_items:
            return "no photo asked"
        self.photos[photo.id] = photo
        return "stored"

    def upload_once(self, photo: Photo) -> str:
        self.unchecked_writes = True
        expected = self.predict_upload(photo)
        try:
            event = CheckoffEvent.objects.select_related("enrollment", "item").get(pk=photo.event)
            outcome = evidence_store(
                actor=self.b.installer.user,
                evidence_id=photo.id,
                event=event,
                content_type=photo.content_type,
                data=photo.data,
            )
            answered = "stored" if outcome.created else "stored already"
        except CheckoffEvent.DoesNotExist:
            answered = "unknown event"
        except DomainConflict:
            answered = "conflict"
        except ValidationError:
            answered = "no photo asked"
        assert answered == expected, (photo, answered, expected)
        return answered

    def upload_photo(self, device, photo: Photo, how: str, answer_lost: bool) -> None:
        """Upload once, or twice in a row (a retry racing its original); the
        tablet lets the photo go once the server has it or refused it for good."""
        answers = [self.upload_once(photo) for _ in range(2 if how == "twice" else 1)]
        if how == "twice" and answers[0] == "stored":
            assert answers[1] == "stored already"
        if answer_lost:
            return
        if answers[-1] in ("stored", "stored already"):
            device.photos = [p for p in device.photos if p.id != photo.id]
            if photo not in device.uploaded:
                device.uploaded.append(photo)
        elif answers[-1] != "unknown event" or not any(raw["id"] == str(photo.event) for raw in device.outbox):
            # Refused for good, or its event will never be stored: the tablet lets it go.
            device.photos = [p for p in device.photos if p.id != photo.id]

    def upload_acknowledged(self, device, data) -> None:
        """After a sync, the tablet uploads the waiting photos of the events
        the server acknowledged (some of them: the network may drop)."""
        acknowledged = {raw["id"] for raw in device.acknowledged}
        for photo in [p for p in device.photos if str(p.event) in acknowledged]:
            how = data.draw(st.sampled_from(["once", "once", "twice", "not now"]), label="upload")
            if how != "not now":
                self.upload_photo(device, photo, how, data.draw(ANSWER_LOST, label="upload answer lost"))

    def ready_photos(self, device) -> list[Photo]:
        """Photos whose event the server acknowledged: waiting, or uploaded already."""
        acknowledged = {raw["id"] for raw in device.acknowledged}
        return [p for p in device.photos + device.uploaded if str(p.event) in acknowledged]

    @precondition(lambda self: any(self.ready_photos(d) for d in self.all_devices))
    @rule(device=devices, data=st.data(), how=UPLOAD, answer_lost=ANSWER_LOST)
    def upload(self, device, data, how, answer_lost):
        """The tablet uploads a photo out of turn: one waiting (perhaps before
        its event was acknowledged) or one uploaded before, again; once, twice
        in a row, or a stranger's copy of its id with other bytes."""
        ready = self.ready_photos(device)
        early = not ready or data.draw(st.integers(0, 2), label="early") == 0
        pool = device.photos + device.uploaded if early else ready
        if not pool:
            return
        photo = data.draw(st.sampled_from(pool), label="photo")
        if how == "other bytes":
            other = photo_bytes(PHOTO_TYPES[photo.content_type], len(self.photo_serials), tone=20)
            self.upload_once(Photo(photo.id, photo.event, photo.content_type, other))
            return
        self.upload_photo(device, photo, how, answer_lost)

    # --- the lead's tablet --------------------------------------------------------------------

    def signable_now(self, item_pk: int) -> bool:
        """On the lead's pending list: checked, not signed off, with the photo of that check if it needs one."""
        state = self.expected(item_pk)
        photo_in = self.photo_in(state) or item_pk not in self.evidence_items
        return state.checked and not state.signed_off and photo_in

    def queue_decisions(self, decisions, data) -> list[dict]:
        """The lead, offline in the field, signs items off or rejects them on
        their tablet, mostly those their pending list showed; the events wait
        in its outbox."""
        now = timezone.now()
        pending = [i for i in LEAD_ITEMS[:2] if self.signable_now(self.b.items[i].pk)]
        # Off the list: any checked item (one without sign-off, one whose photo is not in), else any item.
        checked = [i for i in sorted(set(LEAD_ITEMS)) if self.expected(self.b.items[i].pk).checked]
        queued = []
        for type_, pick, item, comment, clock, order in decisions:
            if pick == "pending":
                if not pending:
                    continue  # nothing on the lead's list to decide on
                item = data.draw(st.sampled_from(pending), label="pending item")
            elif checked:
                item = data.draw(st.sampled_from(checked), label="checked item")
            comment = comment if type_ == REJECTED or order % 4 == 0 else ""
            skew = CLOCK_SKEWS[clock]
            self.lead_device.seq += 1
            raw = {
                "id": str(uuid.UUID(int=order << 64 | 1 << 48 | len(self.lead_created), version=4)),
                "type": type_,
                "enrollment": self.b.enrollment.pk,
                "item": self.b.items[item].pk,
                "occurred_at": (IN_1990 if skew is None else now + skew).isoformat(),
                "device_id": self.lead_device.name,
                "device_seq": self.lead_device.seq,
                "comment": comment,
            }
            self.lead_device.outbox.append(raw)
            self.lead_created.append(raw)
            queued.append(raw)
        return queued

    # The lead acts when their list has something, or their outbox still holds decisions.
    @precondition(lambda self: self.lead_device.outbox or any(self.signable_now(pk) for pk in self.signoff_items))
    @rule(
        decisions=st.lists(LEAD_DECISION, max_size=3),
        online=st.booleans(),
        data=st.data(),
        answer_lost=ANSWER_LOST,
        reuse=LEAD_REUSE,
    )
    def lead_in_the_field(self, decisions, online, data, answer_lost, reuse):
        """The lead decides (or not) on their tablet; offline the decisions
        wait in the outbox; online the tablet sends them with some of its
        outbox (and acknowledged events again), now and then with an event
        reusing an id: an installer's, or one of its own with other content."""
        device = self.lead_device
        fresh = self.queue_decisions(decisions, data)
        pool = device.outbox + device.acknowledged
        if not online or not pool:
            return
        more = st.lists(st.sampled_from(pool), min_size=0 if fresh else 1, max_size=5)
        batch = fresh + data.draw(more, label="batch")
        variant = None
        if reuse == "installer's id" and self.created:
            original = data.draw(st.sampled_from(self.created), label="installer's event")
            variant = {**data.draw(st.sampled_from(pool), label="decision"), "id": original["id"]}
        elif reuse in ("other comment", "other type"):
            original = data.draw(st.sampled_from(self.lead_created), label="original")
            variant = {**original, "comment": original["comment"] + " (edited)"}
            if reuse == "other type":
                variant = {**original, "type": REJECTED if original["type"] == SIGNED_OFF else SIGNED_OFF}
        if variant is not None:
            batch.insert(data.draw(st.integers(0, len(batch)), label="at"), variant)
        self.deliver(device, batch, answer_lost, foreign=variant, sender="lead")

    # --- what must hold of photos -----------------------------------------------------------

    def check_photos_and_done(self, enrollment, history: dict) -> None:
        """Every photo stored once, with its bytes, belonging to the
        installer's item.checked event it was taken with (and that event's
        item); an item asking for a photo is done only once a photo of the
        check its state rests on has arrived."""
        rows = Evidence.objects.filter(enrollment=enrollment).values_list(
            "id", "event_id", "item_id", "sha256", "event__type", "event__item_id", "event__actor_id"
        )
        found = {row[0]: row[1:4] for row in rows}
        expected = {
            photo.id: (photo.event, self.stored[photo.event].item, hashlib.sha256(photo.data).hexdigest())
            for photo in self.photos.values()
        }
        assert found == expected
        for _, _, item, _, event_type, event_item, actor in rows:
            assert (event_type, event_item, actor) == (CHECKED, item, self.b.installer.user_id)
        with_photo = {row[1] for row in rows}
        received = dict(ItemState.objects.filter(enrollment=enrollment).values_list("item_id", "evidence_received"))
        done = set(ItemState.objects.filter(DONE, enrollment=enrollment).values_list("item_id", flat=True))
        for item_pk in history:
            model = self.expected(item_pk)
            photo_in = model.checked_event in with_photo
            assert received.get(item_pk, False) == photo_in == self.photo_in(model), item_pk
            needs = {"needs_signoff": item_pk in self.signoff_items, "needs_evidence": item_pk in self.evidence_items}
            assert (item_pk in done) == item_done(model, photo_in=photo_in, **needs), (item_pk, model)
