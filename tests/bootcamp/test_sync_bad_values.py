"""A bad value in a sync batch rejects that event with a reason and never
the batch; a wrong (but representable) device clock is ordered by the
receipt time, and whatever is stored reads back on every page."""

import datetime
import uuid

import pytest
from django.utils import timezone

from bootcamp.models import CheckoffEvent, ItemState
from installer_ops import values

from .test_sync import event, statuses, sync

pytestmark = pytest.mark.django_db


def raw_event(b, checklist_item, /, **overrides):
    body = event(b.enrollment, checklist_item)
    body.update(overrides)
    return body


BAD_VALUES = [
    ({"occurred_at": "2026-02-30T10:00:00+00:00"}, "occurred_at is not an ISO 8601 time"),
    ({"occurred_at": "2026-11-02T25:00:00+00:00"}, "occurred_at is not an ISO 8601 time"),
    ({"occurred_at": "2026-11-02T10:00:00+25:00"}, "occurred_at is not an ISO 8601 time"),
    ({"occurred_at": "2026-11-02T10:00:00+14:30"}, "occurred_at has an offset beyond ±14:00"),
    ({"occurred_at": "0001-01-01T05:00:00+14:00"}, "occurred_at is out of range"),
    ({"occurred_at": "9999-12-31T23:00:00-05:00"}, "occurred_at is out of range"),
    ({"occurred_at": 1700000000}, "occurred_at must be an ISO 8601 time"),
    ({"enrollment": 2**63}, "enrollment must lie between 1 and"),
    ({"item": -1}, "item must lie between 1 and"),
    ({"item": "3"}, "item must be an integer"),
    ({"device_seq": 2**31}, "device_seq must lie between 0 and 2147483647"),
    ({"device_seq": 1.5}, "device_seq must be an integer"),
    ({"device_id": "tab\x00let"}, "device_id must not contain NUL characters"),
    ({"device_id": "t" * 65}, "device_id must be at most 64 characters"),
    ({"device_id": ["tablet"]}, "device_id must be a string"),
]


@pytest.mark.parametrize(("override", "reason"), BAD_VALUES, ids=[str(i) for i in range(len(BAD_VALUES))])
def test_a_bad_value_rejects_its_event_and_the_others_apply(api, bootcamp, override, reason):
    b = bootcamp
    good_before, good_after = event(b.enrollment, b.items[0]), event(b.enrollment, b.items[2])
    bad = raw_event(b, b.items[1], **override)
    response = sync(api, b.installer.user, [good_before, bad, good_after])
    assert response.status_code == 200
    assert statuses(response) == ["applied", "rejected", "applied"]
    assert reason in response.json()["results"][1]["reason"]
    assert set(CheckoffEvent.objects.values_list("id", flat=True)) == {
        uuid.UUID(good_before["id"]),
        uuid.UUID(good_after["id"]),
    }


def test_a_nul_in_the_batch_device_id_is_a_400_naming_the_field(api, bootcamp):
    b = bootcamp
    response = sync(api, b.installer.user, [event(b.enrollment, b.items[0])], device_id="tab\x00let")
    assert response.status_code == 400
    assert "device_id" in response.json()
    assert CheckoffEvent.objects.count() == 0


@pytest.mark.parametrize(
    "device_time",
    ["0001-06-01T00:00:00+00:00", "1990-03-01T08:00:00+01:00", "9999-06-01T00:00:00-12:00", "2040-01-01T00:00:00Z"],
)
def test_a_wrong_device_clock_is_ordered_by_receipt_and_every_page_reads_it_back(api, client, bootcamp, device_time):
    b = bootcamp
    response = sync(api, b.installer.user, [raw_event(b, b.items[1], occurred_at=device_time)])
    assert statuses(response) == ["applied"]
    stored = CheckoffEvent.objects.get()
    assert abs(stored.effective_at - stored.received_at) < datetime.timedelta(seconds=1)
    assert ItemState.objects.get(enrollment=b.enrollment, item=b.items[1]).checked

    client.force_login(b.lead_a)
    page = client.get(f"/lead/enrollments/{b.enrollment.pk}/")
    assert page.status_code == 200
    signoff = client.post(
        f"/lead/enrollments/{b.enrollment.pk}/items/{b.items[1].pk}/signoff/",
        {"action": "sign_off"},
        headers={"HX-Request": "true"},
    )
    assert signoff.status_code == 200
    assert client.get(f"/lead/cohorts/{b.cohort.pk}/").status_code == 200
    assert client.get(f"/lead/cohorts/{b.cohort.pk}/progress.csv").status_code == 200
    assert api.as_user(b.lead_a).get(f"/api/v1/enrollments/{b.enrollment.pk}/").status_code == 200


def test_the_database_refuses_an_unrepresentable_device_time(bootcamp):
    """The check constraint holds what the parser refuses, whatever door a row comes through."""
    from django.db import IntegrityError, transaction

    b = bootcamp
    now = timezone.now()
    row = CheckoffEvent(
        enrollment=b.enrollment,
        item=b.items[0],
        type="item.checked",
        actor=b.installer.user,
        device_id="t",
        occurred_at=values.DEVICE_TIME_MAX + datetime.timedelta(hours=1),
        received_at=now,
        effective_at=now,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save(force_insert=True)


@pytest.mark.parametrize("junk", [None, "junk", 7, ["a"], {"id": None}])
def test_an_event_that_is_not_an_object_is_rejected_alone(api, bootcamp, junk):
    b = bootcamp
    response = sync(api, b.installer.user, [junk, event(b.enrollment, b.items[0])])
    assert response.status_code == 200
    assert statuses(response) == ["rejected", "applied"]
    assert "id is not a UUID" in response.json()["results"][0]["reason"]
