"""GET /api/v1/signoffs/pending/: what a lead can sign off now, for the lead's
tablet (bootcamp/signoff_selectors.py)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bootcamp import services
from bootcamp.models import CheckoffEvent, Enrollment, Item
from bootcamp.services.evidence import evidence_store
from tests.bootcamp.fixtures import tablet_check
from tests.bootcamp.test_field_signoffs import png
from tests.factories import InstallerFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/signoffs/pending/"


def pending(api, user):
    response = api.as_user(user).get(URL)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_lead_lists_the_items_they_can_sign_off_now_with_their_photos(api, bootcamp):
    b = bootcamp
    photo_item, plain = b.items[1], b.items[3]
    Item.objects.filter(pk=photo_item.pk).update(needs_evidence=True)
    tablet_check(b.enrollment, b.items[0], photo_item, plain)  # items[0] needs no sign-off
    check = CheckoffEvent.objects.get(enrollment=b.enrollment, item=photo_item)
    tablet_check(b.other_enrollment, photo_item)  # its photo has not arrived: not signable yet
    assert [r["item"]["id"] for r in pending(api, b.lead_a)["results"]] == [plain.pk]
    photo_id = uuid.uuid4()
    evidence_store(actor=b.installer.user, evidence_id=photo_id, event=check, content_type="image/png", data=png())
    body = pending(api, b.lead_a)
    assert body["server_time"]
    rows = body["results"]
    assert [(r["enrollment"], r["item"]["id"]) for r in rows] == [
        (b.enrollment.pk, photo_item.pk),
        (b.enrollment.pk, plain.pk),
    ]
    first = rows[0]
    assert first["installer"] == {"id": b.installer.pk, "name": b.installer.user.name}
    assert first["cohort"] == {"id": b.cohort.pk, "name": "November A"}
    assert first["module"] == {"id": photo_item.module_id, "title": "Device provisioning"}
    assert first["item"] == {
        "id": photo_item.pk,
        "title": photo_item.title,
        "description": photo_item.description,
        "needs_evidence": True,
    }
    assert first["checked_event"] == str(check.pk)
    assert first["checked_at"].replace("Z", "+00:00") == check.effective_at.isoformat()
    assert [e["id"] for e in first["evidence"]] == [str(photo_id)]
    assert first["evidence"][0]["url"].endswith(f"/api/v1/evidence/{photo_id}")
    assert rows[1]["evidence"] == []
    # Signed off, rejected or withdrawn: no longer pending.
    services.enrollment_signoff_record(actor=b.lead_a, enrollment=b.enrollment, item=plain, action="sign_off")
    assert [r["item"]["id"] for r in pending(api, b.lead_a)["results"]] == [photo_item.pk]
    Enrollment.objects.filter(pk=b.enrollment.pk).update(withdrawn_at=timezone.now())
    assert pending(api, b.lead_a)["results"] == []


def test_each_lead_sees_their_pods_admins_all_installers_and_executives_are_refused(api, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[1])
    assert len(pending(api, b.lead_a)["results"]) == 1
    assert pending(api, b.lead_b)["results"] == []  # another pod's lead
    assert len(pending(api, UserFactory(role="admin"))["results"]) == 1
    for user in (b.installer.user, UserFactory(role="executive")):
        response = api.as_user(user).get(URL)
        assert response.status_code == 403
        assert b.installer.user.name not in response.content.decode()
    api.force_authenticate(user=None)
    assert api.get(URL).status_code in (401, 403)


def test_the_pending_list_runs_a_fixed_number_of_queries(api, bootcamp):
    b = bootcamp
    Item.objects.filter(pk=b.items[1].pk).update(needs_evidence=True)
    enrollments = [b.enrollment, b.other_enrollment] + services.enrollment_bulk_create(
        actor=None, cohort=b.cohort, installers=[InstallerFactory(pod=b.pod_a) for _ in range(8)]
    )
    counts = []
    for rows, taking in ((2, enrollments[:1]), (20, enrollments[1:])):
        for enrollment in taking:
            tablet_check(enrollment, b.items[1], b.items[3])
            check = CheckoffEvent.objects.get(enrollment=enrollment, item=b.items[1])
            evidence_store(
                actor=enrollment.installer.user,
                evidence_id=uuid.uuid4(),
                event=check,
                content_type="image/png",
                data=png(),
            )
        lead = type(b.lead_a).objects.get(pk=b.lead_a.pk)
        with CaptureQueriesContext(connection) as context:
            body = pending(api, lead)
        assert len(body["results"]) == rows
        assert all(r["evidence"] for r in body["results"] if r["item"]["needs_evidence"])
        counts.append(len(context.captured_queries))
    assert counts == [3, 3]  # the role, the item states with all they show, the photos
