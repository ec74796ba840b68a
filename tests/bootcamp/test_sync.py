import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bootcamp import services
from bootcamp.models import CheckoffEvent, ItemState

pytestmark = pytest.mark.django_db


def event(enrollment, item, type_="item.checked", occurred_at=None, **extra):
    return {
        "id": str(extra.pop("id", uuid.uuid4())),
        "type": type_,
        "enrollment": enrollment.pk,
        "item": item.pk,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "device_seq": extra.pop("device_seq", 1),
        **extra,
    }


def sync(api, user, events, device_id="tablet-1"):
    return api.as_user(user).post("/api/v1/sync/", {"device_id": device_id, "events": events}, format="json")


def statuses(response):
    return [r["status"] for r in response.json()["results"]]


def test_a_batch_is_applied_and_answers_with_the_enrollment_state(api, bootcamp):
    b = bootcamp
    response = sync(api, b.installer.user, [event(b.enrollment, b.items[0]), event(b.enrollment, b.items[2])])
    assert response.status_code == 200
    assert statuses(response) == ["applied", "applied"]
    body = response.json()
    assert [e["id"] for e in body["enrollments"]] == [b.enrollment.pk]
    first = body["enrollments"][0]["modules"][0]
    assert [i["checked"] for i in first["items"]] == [True, False, True]
    assert first["due_on"] == "2026-11-04"  # third working day from Monday 2 November
    assert body["enrollments"][0]["progress"] == pytest.approx(2 / 5)


def test_replaying_a_batch_changes_nothing_and_answers_duplicate(api, bootcamp):
    b = bootcamp
    batch = [event(b.enrollment, b.items[0]), event(b.enrollment, b.items[2], "item.checked")]
    sync(api, b.installer.user, batch)
    again = sync(api, b.installer.user, batch)
    assert statuses(again) == ["duplicate", "duplicate"]
    assert CheckoffEvent.objects.count() == 2


def test_same_id_other_content_is_a_conflict_and_stores_nothing(api, bootcamp):
    b = bootcamp
    original = event(b.enrollment, b.items[0])
    sync(api, b.installer.user, [original])
    altered = {**original, "type": "item.unchecked"}
    response = sync(api, b.installer.user, [altered])
    assert statuses(response) == ["conflict"]
    assert CheckoffEvent.objects.get().type == "item.checked"


def test_an_event_for_another_installers_enrollment_is_rejected_and_the_rest_applied(api, bootcamp):
    b = bootcamp
    response = sync(
        api,
        b.installer.user,
        [
            event(b.enrollment, b.items[0]),
            event(b.other_enrollment, b.items[0]),
            event(b.enrollment, b.items[1]),
        ],
    )
    assert statuses(response) == ["applied", "rejected", "applied"]
    assert response.json()["results"][1]["reason"] == "not yours"
    assert CheckoffEvent.objects.filter(enrollment=b.other_enrollment).count() == 0
    assert [e["id"] for e in response.json()["enrollments"]] == [b.enrollment.pk]


def test_malformed_and_unknown_events_are_rejected_one_by_one(api, bootcamp):
    b = bootcamp
    foreign_item_id = 999999
    response = sync(
        api,
        b.installer.user,
        [
            {"id": "not-a-uuid"},
            {**event(b.enrollment, b.items[0]), "occurred_at": "yesterday"},
            {**event(b.enrollment, b.items[0]), "item": foreign_item_id},
            {**event(b.enrollment, b.items[0]), "type": "item.deleted"},
            event(b.enrollment, b.items[0]),
        ],
    )
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["applied"]
    assert results[0]["reason"].startswith("invalid: id")
    assert "occurred_at" in results[1]["reason"]
    assert results[2]["reason"] == "unknown item"
    assert "type" in results[3]["reason"]


def test_an_implausible_device_time_is_replaced_by_the_receipt_time(api, bootcamp):
    b = bootcamp
    now = timezone.now()
    ahead = event(b.enrollment, b.items[0], occurred_at=now + datetime.timedelta(hours=2))
    behind = event(b.enrollment, b.items[1], occurred_at=now - datetime.timedelta(days=45))
    fine = event(b.enrollment, b.items[2], occurred_at=now - datetime.timedelta(days=2))
    sync(api, b.installer.user, [ahead, behind, fine])
    stored = {str(e.id): e for e in CheckoffEvent.objects.all()}
    for raw in (ahead, behind):
        assert stored[raw["id"]].effective_at == stored[raw["id"]].received_at
        assert stored[raw["id"]].occurred_at != stored[raw["id"]].received_at  # the device's time is kept for the audit
    assert stored[fine["id"]].effective_at == stored[fine["id"]].occurred_at


def test_unchecking_a_signed_off_item_is_rejected(api, bootcamp):
    b = bootcamp
    sync(api, b.installer.user, [event(b.enrollment, b.items[1])])
    services.enrollment_signoff_record(actor=b.lead_a, enrollment=b.enrollment, item=b.items[1], action="sign_off")
    # Made offline before the sign-off arrived on the device; it still must not undo it.
    uncheck = event(
        b.enrollment, b.items[1], "item.unchecked", occurred_at=timezone.now() - datetime.timedelta(hours=1)
    )
    response = sync(api, b.installer.user, [uncheck])
    assert statuses(response) == ["rejected"]
    assert response.json()["results"][0]["reason"] == "item signed off"
    state = ItemState.objects.get(enrollment=b.enrollment, item=b.items[1])
    assert (state.checked, state.signed_off) == (True, True)
    assert not CheckoffEvent.objects.filter(id=uncheck["id"]).exists()


def test_a_batch_over_500_events_answers_400(api, bootcamp):
    b = bootcamp
    response = sync(api, b.installer.user, [event(b.enrollment, b.items[0]) for _ in range(501)])
    assert response.status_code == 400
    assert "events" in response.json()


def test_sync_runs_a_fixed_number_of_queries(api, bootcamp):
    b = bootcamp
    counts = []
    for size in (5, 500):
        batch = [
            event(b.enrollment, b.items[i % 5], "item.checked" if i % 2 else "item.unchecked", device_seq=i)
            for i in range(size)
        ]
        user = type(b.installer.user).objects.get(pk=b.installer.user_id)  # nothing cached between requests
        with CaptureQueriesContext(connection) as context:
            response = sync(api, user, batch)
        assert statuses(response).count("applied") == size
        counts.append(len(context.captured_queries))
    assert counts == [15, 15]


def test_a_tablets_batch_of_ten_runs_the_queries_of_a_single_event(bootcamp):
    """As a tablet sends it (token, no session): the token, then one transaction
    (BEGIN; the installer's lock; stored ids; enrollments; the version's
    modules and items; signed-off states; INSERT; history; photos; UPSERT;
    the sender's role and its visible enrollments; the states; COMMIT),
    whatever the batch's size. The outline is read once, for judging the
    items and for the answer."""
    b = bootcamp
    token = Token.objects.create(user=b.installer.user)
    tablet = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    counts = {}
    for size in (1, 10):
        batch = [event(b.enrollment, b.items[i % 5], device_seq=i) for i in range(size)]
        with CaptureQueriesContext(connection) as context:
            response = tablet.post("/api/v1/sync/", {"device_id": "tablet-1", "events": batch}, format="json")
        assert response.status_code == 200
        assert statuses(response) == ["applied"] * size
        counts[size] = len(context.captured_queries)
    assert counts == {1: 16, 10: 16}


def test_a_copy_differing_only_in_device_seq_is_a_duplicate_in_one_batch_as_across_batches(api, bootcamp):
    b = bootcamp
    original = event(b.enrollment, b.items[0])
    copy = {**original, "device_seq": 2}
    assert statuses(sync(api, b.installer.user, [original, copy])) == ["applied", "duplicate"]
    assert statuses(sync(api, b.installer.user, [copy])) == ["duplicate"]
    assert CheckoffEvent.objects.count() == 1
