"""What a photo changes: the item is done when it arrives (only a photo of
the check the state rests on counts), the enrollment's read shape lists it,
and a lead cannot sign off before it has arrived."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bootcamp import selectors, services
from bootcamp.evidence_selectors import evidence_by_item, evidence_rows_for, evidence_url
from bootcamp.models import CheckoffEvent, ItemState
from bootcamp.services.bulk_signoffs import signoffs_record_bulk
from bootcamp.services.evidence import evidence_store
from installer_ops.exceptions import DomainConflict
from tests.bootcamp.photos import image_bytes, photo_for
from tests.factories import InstallerFactory

pytestmark = pytest.mark.django_db
NOT_ARRIVED = "The photo has not arrived yet: the installer's tablet sends it when it is online."


def shaped_item(camp, enrollment, item) -> dict:
    client = APIClient()
    client.force_authenticate(enrollment.installer.user)
    body = client.get(f"/api/v1/enrollments/{enrollment.pk}/").json()
    return body, next(i for m in body["modules"] for i in m["items"] if i["id"] == item.pk)


def test_the_item_is_done_when_its_photo_arrives(camp):
    camp.event(camp.enrollment, camp.photo_item)
    before, row = shaped_item(camp, camp.enrollment, camp.photo_item)
    assert row["checked"] and row["awaiting_evidence"] and row["evidence"] == []
    assert before["progress"] == 0.0

    stored = photo_for(camp.enrollment, camp.photo_item).evidence
    after, row = shaped_item(camp, camp.enrollment, camp.photo_item)
    assert not row["awaiting_evidence"]
    assert row["evidence"] == [
        {"id": str(stored.pk), "url": evidence_url(stored.pk), "taken_at": row["evidence"][0]["taken_at"]}
    ]
    assert after["progress"] == round(1 / 3, 4)  # one of the three items done
    (progress,) = selectors.enrollments_progress([camp.enrollment])
    assert progress.done == 1


def test_a_photo_of_an_earlier_check_does_not_count_after_an_uncheck_and_a_new_check(camp):
    first = camp.event(camp.enrollment, camp.photo_item)
    old = photo_for(camp.enrollment, camp.photo_item).evidence
    assert ItemState.objects.get(enrollment=camp.enrollment, item=camp.photo_item).evidence_received
    camp.event(camp.enrollment, camp.photo_item, "item.unchecked")
    second = camp.event(camp.enrollment, camp.photo_item)

    state = ItemState.objects.get(enrollment=camp.enrollment, item=camp.photo_item)
    assert state.checked_event == second != first and not state.evidence_received
    body, row = shaped_item(camp, camp.enrollment, camp.photo_item)
    assert row["awaiting_evidence"] and row["evidence"] == [] and row["checked_event"] == str(second)
    assert body["progress"] == 0.0
    # A late upload for the first check is stored, and still does not count.
    evidence_store(
        actor=camp.installer.user,
        evidence_id=uuid.uuid4(),
        event=CheckoffEvent.objects.get(pk=first),
        content_type="image/jpeg",
        data=image_bytes(colour=(3, 3, 3)),
    )
    assert not ItemState.objects.get(enrollment=camp.enrollment, item=camp.photo_item).evidence_received
    new = photo_for(camp.enrollment, camp.photo_item).evidence
    body, row = shaped_item(camp, camp.enrollment, camp.photo_item)
    assert [p["id"] for p in row["evidence"]] == [str(new.pk)] and str(old.pk) not in str(body)
    assert body["progress"] == round(1 / 3, 4)


def test_a_rejection_clears_the_photo_and_the_next_check_needs_a_new_one(camp):
    camp.event(camp.enrollment, camp.signed_item)
    photo_for(camp.enrollment, camp.signed_item)
    services.enrollment_signoff_record(
        actor=camp.lead_a, enrollment=camp.enrollment, item=camp.signed_item, action="reject", comment="Blurred"
    )
    camp.event(camp.enrollment, camp.signed_item)
    state = ItemState.objects.get(enrollment=camp.enrollment, item=camp.signed_item)
    assert state.checked and not state.evidence_received
    with pytest.raises(DomainConflict, match="photo has not arrived"):
        services.enrollment_signoff_record(
            actor=camp.lead_a, enrollment=camp.enrollment, item=camp.signed_item, action="sign_off"
        )


# --- sign-off waits for the photo ------------------------------------------------------------


def test_a_sign_off_is_refused_until_the_photo_arrives_and_a_rejection_is_not(camp):
    camp.event(camp.enrollment, camp.signed_item)
    with pytest.raises(DomainConflict) as refused:
        services.enrollment_signoff_record(
            actor=camp.lead_a, enrollment=camp.enrollment, item=camp.signed_item, action="sign_off"
        )
    assert refused.value.message == NOT_ARRIVED
    assert not CheckoffEvent.objects.filter(type="item.signed_off").exists()

    photo_for(camp.enrollment, camp.signed_item)
    services.enrollment_signoff_record(
        actor=camp.lead_a, enrollment=camp.enrollment, item=camp.signed_item, action="sign_off"
    )
    state = ItemState.objects.get(enrollment=camp.enrollment, item=camp.signed_item)
    assert state.signed_off and state.evidence_received  # the sign-off keeps the check and its photo

    camp.event(camp.other_enrollment, camp.signed_item)  # no photo: the lead may still send it back
    services.enrollment_signoff_record(
        actor=camp.lead_a, enrollment=camp.other_enrollment, item=camp.signed_item, action="reject", comment="Retake"
    )
    assert not ItemState.objects.get(enrollment=camp.other_enrollment, item=camp.signed_item).checked


def test_the_sign_off_api_answers_409_with_the_reason(camp):
    camp.event(camp.enrollment, camp.signed_item)
    client = APIClient()
    client.force_authenticate(camp.lead_a)
    response = client.post(
        f"/api/v1/enrollments/{camp.enrollment.pk}/signoffs/", {"item": camp.signed_item.pk, "action": "sign_off"}
    )
    assert response.status_code == 409 and response.json()["detail"] == NOT_ARRIVED


def test_a_bulk_sign_off_refuses_the_items_whose_photo_has_not_arrived_and_signs_the_rest(camp):
    camp.event(camp.enrollment, camp.signed_item)
    camp.event(camp.other_enrollment, camp.signed_item)
    photo_for(camp.other_enrollment, camp.signed_item)
    outcome = signoffs_record_bulk(
        actor=camp.lead_a,
        items=[(camp.enrollment, camp.signed_item), (camp.other_enrollment, camp.signed_item)],
    )
    assert [e.enrollment_id for e in outcome.signed] == [camp.other_enrollment.pk]
    assert [(r.enrollment.pk, r.reason) for r in outcome.refused] == [(camp.enrollment.pk, NOT_ARRIVED)]


# --- reads: one query for the photos -----------------------------------------------------------


def test_evidence_rows_for_reads_one_query_and_none_for_no_events(camp, django_assert_num_queries):
    first = camp.event(camp.enrollment, camp.photo_item)
    second = camp.event(camp.enrollment, camp.signed_item)
    a = photo_for(camp.enrollment, camp.photo_item).evidence
    b1 = photo_for(camp.enrollment, camp.signed_item).evidence
    b2 = photo_for(camp.enrollment, camp.signed_item, data=image_bytes(colour=(9, 9, 9))).evidence
    with django_assert_num_queries(1):
        rows = evidence_rows_for([first, str(second), uuid.uuid4()])
    assert {event: [r["id"] for r in found] for event, found in rows.items()} == {
        first: [str(a.pk)],
        second: [str(p.pk) for p in sorted([b1, b2], key=lambda e: (e.taken_at, e.pk))],
    }
    assert rows[first][0]["url"] == f"/api/v1/evidence/{a.pk}"
    with django_assert_num_queries(0):
        assert evidence_rows_for([]) == {}
    states = ItemState.objects.filter(enrollment=camp.enrollment)
    assert set(evidence_by_item(states)) == {camp.photo_item.pk, camp.signed_item.pk}


def test_the_enrollment_list_reads_the_same_queries_for_few_and_many_photos(camp):
    admin = APIClient()
    admin.force_authenticate(camp.admin)
    counts = []
    for n in (1, 8):
        installers = [InstallerFactory(pod=camp.pod_a) for _ in range(n)]
        for enrollment in services.enrollment_bulk_create(actor=None, cohort=camp.cohort, installers=installers):
            camp.event(enrollment, camp.photo_item)
            camp.event(enrollment, camp.signed_item)
            photo_for(enrollment, camp.photo_item)
        with CaptureQueriesContext(connection) as context:
            body = admin.get("/api/v1/enrollments/?page_size=100").json()
        counts.append(len(context.captured_queries))
        photos = [p for e in body["results"] for m in e["modules"] for i in m["items"] for p in i["evidence"]]
        assert len(photos) == (1 if n == 1 else 9)
    assert counts[0] == counts[1], counts
