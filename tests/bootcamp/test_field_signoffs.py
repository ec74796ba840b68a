"""A lead's field sign-offs through the sync endpoint (bootcamp/services/field_signoffs.py):
the web sign-off's rules with the contract's stable reasons, idempotency by
event id, the state when the event arrives, and a fixed number of queries."""

import datetime
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from bootcamp import services
from bootcamp.models import CheckoffEvent, Enrollment, Item, ItemState
from bootcamp.services.evidence import evidence_store
from tests.bootcamp.fixtures import tablet_check
from tests.factories import InstallerFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNED_OFF, REJECTED = "item.signed_off", "item.rejected"


def lead_event(enrollment, item, type_=SIGNED_OFF, comment="", occurred_at=None, **extra):
    """An event as the lead's tablet queues it."""
    return {
        "id": str(extra.pop("id", uuid.uuid4())),
        "type": type_,
        "enrollment": enrollment if isinstance(enrollment, int) else enrollment.pk,
        "item": item if isinstance(item, int) else item.pk,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "device_seq": extra.pop("device_seq", 1),
        "comment": comment,
        **extra,
    }


def sync(api, user, events, device_id="lead-tablet"):
    return api.as_user(user).post("/api/v1/sync/", {"device_id": device_id, "events": events}, format="json")


def answers(response):
    assert response.status_code == 200, response.content
    return [(r["status"], r["reason"]) for r in response.json()["results"]]


def state_of(b, item, enrollment=None):
    return ItemState.objects.filter(enrollment=enrollment or b.enrollment, item=item).first()


def lead_events():
    return CheckoffEvent.objects.filter(type__in=[SIGNED_OFF, REJECTED])


def png(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def check_with_photo(b, item, photo=True):
    """The installer's tablet checks the item off (and uploads its photo)."""
    tablet_check(b.enrollment, item)
    event = CheckoffEvent.objects.filter(enrollment=b.enrollment, item=item, type="item.checked").latest("received_at")
    if photo:
        evidence_store(
            actor=b.installer.user, evidence_id=uuid.uuid4(), event=event, content_type="image/png", data=png()
        )
    return event


def other_pod_enrollment(b):
    """An enrollment of pod B's installer, in a cohort of pod B."""
    cohort = services.cohort_create(
        actor=None,
        name="November B",
        program_version=b.version,
        start_on=datetime.date(2026, 11, 2),
        lead=b.lead_b,
        pods=[b.pod_b],
        capacity=5,
    )
    (enrollment,) = services.enrollment_bulk_create(
        actor=None, cohort=cohort, installers=[InstallerFactory(pod=b.pod_b)]
    )
    tablet_check(enrollment, b.items[1])
    return enrollment


def test_a_lead_signs_off_in_the_field_and_the_answer_carries_the_enrollment(api, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[1])
    decided = timezone.now() - datetime.timedelta(hours=2)  # on the tablet, offline, two hours ago
    raw = lead_event(b.enrollment, b.items[1], occurred_at=decided, device_seq=7)
    response = sync(api, b.lead_a, [raw])
    assert answers(response) == [("applied", "")]
    stored = CheckoffEvent.objects.get(pk=raw["id"])
    assert (stored.actor, stored.device_id, stored.device_seq, stored.occurred_at) == (
        b.lead_a,
        "lead-tablet",
        7,
        decided,
    )
    # Ordered when it arrived, after the check it was judged on; the device's time kept.
    assert stored.effective_at >= stored.received_at
    assert state_of(b, b.items[1]).signed_off
    (enrollment,) = response.json()["enrollments"]
    assert enrollment["id"] == b.enrollment.pk
    item = next(i for m in enrollment["modules"] for i in m["items"] if i["id"] == b.items[1].pk)
    assert (item["checked"], item["signed_off"]) == (True, True)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("another pod's lead", "not yours"),
        ("the installer", "not yours"),
        ("an executive", "not yours"),
        ("pod B's enrollment", "not yours"),
        ("no such enrollment", "not yours"),
        ("withdrawn", "enrollment closed"),
        ("no such item", "unknown item"),
        ("another program's item", "unknown item"),
        ("an item without sign-off", "no sign-off needed"),
        ("a rejection without comment", "comment required"),
        ("a rejection with only spaces", "comment required"),
        ("never checked", "item not checked"),
        ("signed off already", "item signed off"),
        ("photo not arrived", "awaiting evidence"),
        ("comment not text", "invalid: comment must be a string"),
        ("bad device time", "invalid: occurred_at"),
    ],
)
def test_each_refusal_has_its_stable_reason_and_stores_nothing(api, bootcamp, case, reason):
    b = bootcamp
    needs = b.items[1]
    tablet_check(b.enrollment, b.items[0], needs)
    sender, enrollment, item, type_, comment, extra = b.lead_a, b.enrollment, needs, SIGNED_OFF, "", {}
    if case == "another pod's lead":
        sender = b.lead_b
    elif case == "the installer":
        sender = b.installer.user
    elif case == "an executive":
        sender = UserFactory(role="executive")
    elif case == "pod B's enrollment":
        enrollment = other_pod_enrollment(b)
    elif case == "no such enrollment":
        enrollment = 99_999_999
    elif case == "withdrawn":
        Enrollment.objects.filter(pk=b.enrollment.pk).update(withdrawn_at=timezone.now())
    elif case == "no such item":
        item = 99_999_999
    elif case == "another program's item":
        version = services.program_version_create(
            actor=None,
            program=b.version.program,
            working_days=5,
            modules=[{"title": "M", "first_day": 1, "last_day": 2, "items": [{"title": "X", "needs_signoff": True}]}],
        )
        item = Item.objects.get(module__version=version)
    elif case == "an item without sign-off":
        item = b.items[0]
    elif case == "a rejection without comment":
        type_ = REJECTED
    elif case == "a rejection with only spaces":
        type_, comment = REJECTED, "   "
    elif case == "never checked":
        item = b.items[3]
    elif case == "signed off already":
        services.enrollment_signoff_record(actor=b.lead_a, enrollment=b.enrollment, item=needs, action="sign_off")
    elif case == "photo not arrived":
        Item.objects.filter(pk=b.items[3].pk).update(needs_evidence=True)
        item = b.items[3]
        check_with_photo(b, item, photo=False)
    elif case == "comment not text":
        comment = ["Redo"]
    elif case == "bad device time":
        extra = {"occurred_at": "2026-02-30T10:00:00Z"}
    before = set(lead_events().values_list("id", flat=True))
    raw = {**lead_event(enrollment, item, type_, comment), **extra}
    ((status, said),) = answers(sync(api, sender, [raw]))
    assert status == "rejected"
    assert said == reason if not reason.startswith("invalid") else said.startswith(reason), said
    assert set(lead_events().values_list("id", flat=True)) == before


def test_a_photo_must_have_arrived_for_a_sign_off_but_not_for_a_rejection(api, bootcamp):
    b = bootcamp
    photo_item = b.items[1]
    Item.objects.filter(pk=photo_item.pk).update(needs_evidence=True)
    photo_item.refresh_from_db()
    check = check_with_photo(b, photo_item, photo=False)
    assert answers(sync(api, b.lead_a, [lead_event(b.enrollment, photo_item)])) == [("rejected", "awaiting evidence")]
    # The photo arrives: the same decision, sent again under a new id, applies.
    evidence_store(actor=b.installer.user, evidence_id=uuid.uuid4(), event=check, content_type="image/png", data=png())
    assert answers(sync(api, b.lead_a, [lead_event(b.enrollment, photo_item)])) == [("applied", "")]
    # A rejection needs no photo: the lead may reject a check whose photo never came.
    Item.objects.filter(pk=b.items[3].pk).update(needs_evidence=True)
    check_with_photo(b, b.items[3], photo=False)
    reject = lead_event(b.enrollment, b.items[3], REJECTED, "No photo of the label")
    assert answers(sync(api, b.lead_a, [reject])) == [("applied", "")]


def test_an_installer_sending_a_sign_off_and_a_lead_sending_a_check_get_not_yours(api, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[1])
    own = sync(api, b.installer.user, [lead_event(b.enrollment, b.items[1])], device_id="tablet-1")
    assert answers(own) == [("rejected", "not yours")]
    check = {**lead_event(b.enrollment, b.items[3]), "type": "item.checked"}
    assert answers(sync(api, b.lead_a, [check])) == [("rejected", "not yours")]
    assert not state_of(b, b.items[1]).signed_off and state_of(b, b.items[3]) is None


def test_a_replay_is_a_duplicate_and_other_content_under_the_same_id_a_conflict(api, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[1], b.items[3])
    sign = lead_event(b.enrollment, b.items[1])
    reject = lead_event(b.enrollment, b.items[3], REJECTED, "  Redo the redaction  ")
    assert answers(sync(api, b.lead_a, [sign, reject])) == [("applied", "")] * 2
    # The answer was lost: the tablet sends the same events again (another sequence number).
    again = [{**sign, "device_seq": 9}, {**reject, "comment": "Redo the redaction"}]
    assert answers(sync(api, b.lead_a, again)) == [("duplicate", "")] * 2
    conflicts = [
        {**reject, "comment": "Something else"},
        {**sign, "type": REJECTED, "comment": "Redo"},
        {**sign, "item": b.items[3].pk},
        {**sign, "occurred_at": (timezone.now() - datetime.timedelta(minutes=1)).isoformat()},
    ]
    for raw in conflicts:
        ((status, reason),) = answers(sync(api, b.lead_a, [raw]))
        assert status == "conflict" and reason, raw
    assert lead_events().count() == 2
    assert CheckoffEvent.objects.get(pk=reject["id"]).comment == "Redo the redaction"
    # Within one batch too; and an id an installer's event holds is a conflict for the lead.
    tablet_check(b.other_enrollment, b.items[1])
    fresh = lead_event(b.other_enrollment, b.items[1])
    installer_event = CheckoffEvent.objects.filter(type="item.checked").first()
    taken = lead_event(b.other_enrollment, b.items[1], id=installer_event.pk)
    statuses = answers(sync(api, b.lead_a, [fresh, {**fresh, "device_seq": 3}, taken]))
    assert [s for s, _ in statuses] == ["applied", "duplicate", "conflict"]


def test_a_sign_off_of_an_item_unchecked_meanwhile_is_refused(api, bootcamp):
    """The lead decided offline; the installer un-checked the item before the
    lead's tablet synced: judged when it arrives, the sign-off is refused."""
    b = bootcamp
    tablet_check(b.enrollment, b.items[1])
    queued = lead_event(b.enrollment, b.items[1], occurred_at=timezone.now() - datetime.timedelta(minutes=10))
    uncheck = {
        "id": str(uuid.uuid4()),
        "type": "item.unchecked",
        "enrollment": b.enrollment.pk,
        "item": b.items[1].pk,
        "occurred_at": timezone.now().isoformat(),
    }
    assert answers(sync(api, b.installer.user, [uncheck], device_id="tablet-1")) == [("applied", "")]
    assert answers(sync(api, b.lead_a, [queued])) == [("rejected", "item not checked")]
    state = state_of(b, b.items[1])
    assert (state.checked, state.signed_off) == (False, False)
    assert not lead_events().exists()


def test_a_rejection_with_a_comment_reopens_the_item(api, bootcamp):
    b = bootcamp
    check = check_with_photo(b, b.items[1], photo=False)
    assert state_of(b, b.items[1]).checked_event == check.pk
    reject = lead_event(b.enrollment, b.items[1], REJECTED, "  The certificate chain was not verified ")
    response = sync(api, b.lead_a, [reject])
    assert answers(response) == [("applied", "")]
    state = state_of(b, b.items[1])
    assert (state.checked, state.signed_off, state.checked_event) == (False, False, None)
    assert state.rejection_comment == "The certificate chain was not verified"
    item = next(i for m in response.json()["enrollments"][0]["modules"] for i in m["items"] if i["id"] == b.items[1].pk)
    assert item["rejection_comment"] == "The certificate chain was not verified" and not item["checked"]
    # The installer redoes it; the lead's sign-off then applies and clears the comment.
    tablet_check(b.enrollment, b.items[1])
    assert answers(sync(api, b.lead_a, [lead_event(b.enrollment, b.items[1])])) == [("applied", "")]
    state = state_of(b, b.items[1])
    assert (state.checked, state.signed_off, state.rejection_comment) == (True, True, "")


def test_events_of_one_batch_are_judged_in_order_on_the_state_the_earlier_left(api, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[1], b.items[3])
    batch = [
        lead_event(b.enrollment, b.items[1]),
        lead_event(b.enrollment, b.items[1], REJECTED, "Not like this"),  # a signed-off item may be rejected
        lead_event(b.enrollment, b.items[1]),  # reopened by the rejection just before
        lead_event(b.enrollment, b.items[3], REJECTED, "Again"),
        lead_event(b.enrollment, b.items[3], REJECTED, "Once more"),  # not checked any more
    ]
    assert answers(sync(api, b.lead_a, batch)) == [
        ("applied", ""),
        ("applied", ""),
        ("rejected", "item not checked"),
        ("applied", ""),
        ("rejected", "item not checked"),
    ]
    stored = list(lead_events().filter(item=b.items[1]).order_by("effective_at").values_list("type", flat=True))
    assert stored == [SIGNED_OFF, REJECTED]
    assert state_of(b, b.items[1]).rejection_comment == "Not like this"


def test_one_bad_event_never_fails_the_others(api, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[1], b.items[3])
    tablet_check(b.other_enrollment, b.items[1])
    outsider = other_pod_enrollment(b)
    good = lead_event(b.enrollment, b.items[1])
    batch = [
        good,
        {"id": "not-a-uuid", "type": SIGNED_OFF},
        lead_event(b.enrollment, b.items[0]),
        {**lead_event(b.enrollment, b.items[3]), "enrollment": "one"},
        lead_event(b.other_enrollment, b.items[1], REJECTED, "Redo"),
        lead_event(outsider, b.items[1]),
        {**lead_event(b.enrollment, b.items[3]), "comment": "\x00"},
        {**good, "device_seq": 2},
        {**lead_event(b.enrollment, b.items[3]), "type": "item.approved"},
        lead_event(b.enrollment, b.items[3], REJECTED, "Blurred"),
    ]
    statuses = [s for s, _ in answers(sync(api, b.lead_a, batch))]
    assert statuses == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "applied",
        "rejected",
        "rejected",
        "duplicate",
        "rejected",
        "applied",
    ]
    assert lead_events().count() == 3


def test_a_decision_is_ordered_after_a_check_a_tablet_dated_slightly_ahead(api, bootcamp):
    b = bootcamp
    ahead = timezone.now() + datetime.timedelta(minutes=3)
    check = {
        "id": str(uuid.uuid4()),
        "type": "item.checked",
        "enrollment": b.enrollment.pk,
        "item": b.items[1].pk,
        "occurred_at": ahead.isoformat(),
    }
    assert answers(sync(api, b.installer.user, [check], device_id="tablet-1")) == [("applied", "")]
    raw = lead_event(b.enrollment, b.items[1])
    assert answers(sync(api, b.lead_a, [raw])) == [("applied", "")]
    assert CheckoffEvent.objects.get(pk=raw["id"]).effective_at > ahead
    assert state_of(b, b.items[1]).signed_off


def test_a_lead_batch_runs_a_fixed_number_of_queries(api, bootcamp):
    """5 or 200 events over several installers: the same queries (the
    installers' locks in one statement, the facts per batch, not per event)."""
    b = bootcamp
    installers = [InstallerFactory(pod=b.pod_a) for _ in range(4)]
    enrollments = [b.enrollment, b.other_enrollment] + services.enrollment_bulk_create(
        actor=None, cohort=b.cohort, installers=installers
    )
    signable = [b.items[1], b.items[3]]
    for enrollment in enrollments:
        tablet_check(enrollment, *signable)
    counts = []
    for size in (5, 200):
        batch = []
        for n in range(size):
            enrollment, item = enrollments[n % len(enrollments)], signable[(n // len(enrollments)) % 2]
            batch.append(lead_event(enrollment, item, REJECTED if n % 3 else SIGNED_OFF, f"Redo {n}", device_seq=n))
        lead = type(b.lead_a).objects.get(pk=b.lead_a.pk)  # nothing cached between requests
        with CaptureQueriesContext(connection) as context:
            response = sync(api, lead, batch)
        assert [s for s, _ in answers(response)].count("applied") >= 2
        counts.append(len(context.captured_queries))
        for enrollment in enrollments:  # checked again for the next round
            tablet_check(enrollment, *signable)
    # The batch's savepoint and release, the enrollments, the role, the policy with the
    # locks, stored ids, items, states, latest times, the insert, the states' refresh (3),
    # and the answer's enrollments (4).
    assert counts == [17, 17]
