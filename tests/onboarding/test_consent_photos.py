"""A consent step's photo: declared in the `consent.recorded` event, sent
after it to PUT /api/v1/consent-records/{record}/photos/{id}, stored once;
the record is complete only with a photo declared for each step that asks
for one; the lead reads the photo on the record's page and through the API,
another pod's lead and another installer get 404."""

import uuid

import pytest

from installer_ops.models import AuditEntry
from onboarding.models import ConsentPhoto, ConsentRecord
from tests.bootcamp.photos import image_bytes
from tests.factories import PodFactory, lead_of

from .consent_fixtures import consent_event, consent_flow, installer_in, results, sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    from tests.factories import GeographyFactory

    geography = GeographyFactory(code="de", name="Germany")
    _document, version = consent_flow(geography)  # step 1 asks for a photo
    installer = installer_in(geography)
    return version, installer


def put(api, user, record_id, photo_id, data, content_type="image/jpeg", **headers):
    return api.as_user(user).put(
        f"/api/v1/consent-records/{record_id}/photos/{photo_id}", data=data, content_type=content_type, **headers
    )


def recorded(api, site, **fields):
    version, installer = site
    event = consent_event(version, **fields)
    assert results(sync(api, installer.user, [event])) == [("applied", "")]
    return event


def test_a_declared_photo_is_stored_once_and_a_retry_answers_200(api, site):
    _version, installer = site
    event = recorded(api, site)
    [photo] = event["photos"]
    assert photo["step"] == 1
    record = ConsentRecord.objects.get()
    assert record.complete and record.photos == [{"id": photo["id"], "step": 1}]
    data = image_bytes()
    first = put(api, installer.user, event["id"], photo["id"], data, HTTP_X_TAKEN_AT="2026-11-20T10:00:00Z")
    assert first.status_code == 201, first.content
    assert first.json()["step"] == 1 and first.json()["record"] == event["id"]
    again = put(api, installer.user, event["id"], photo["id"], data)
    assert again.status_code == 200
    stored = ConsentPhoto.objects.get()
    assert stored.step == 1 and stored.size == len(data) and stored.file.read() == data
    assert stored.taken_at.isoformat() == "2026-11-20T10:00:00+00:00"
    assert AuditEntry.objects.filter(action="consent photo stored").count() == 1


def test_other_bytes_under_the_same_id_are_a_conflict(api, site):
    _version, installer = site
    event = recorded(api, site)
    photo_id = event["photos"][0]["id"]
    assert put(api, installer.user, event["id"], photo_id, image_bytes()).status_code == 201
    other = put(api, installer.user, event["id"], photo_id, image_bytes(colour=(1, 2, 3)))
    assert other.status_code == 409
    assert ConsentPhoto.objects.count() == 1


def test_an_undeclared_photo_or_someone_elses_record_answers_404(api, site):
    version, installer = site
    event = recorded(api, site)
    undeclared = put(api, installer.user, event["id"], uuid.uuid4(), image_bytes())
    assert undeclared.status_code == 404
    assert "declares no photo" in undeclared.json()["detail"]
    colleague = installer_in(installer.pod.geography)
    assert put(api, colleague.user, event["id"], event["photos"][0]["id"], image_bytes()).status_code == 404
    assert put(api, installer.user, uuid.uuid4(), event["photos"][0]["id"], image_bytes()).status_code == 404
    assert ConsentPhoto.objects.count() == 0


def test_not_an_image_or_too_large_is_refused_and_nothing_is_stored(api, site):
    _version, installer = site
    event = recorded(api, site)
    photo_id = event["photos"][0]["id"]
    assert put(api, installer.user, event["id"], photo_id, b"not a picture").status_code == 415
    assert put(api, installer.user, event["id"], photo_id, image_bytes("PNG")).status_code == 415  # sent as JPEG
    assert put(api, installer.user, event["id"], photo_id, image_bytes(), HTTP_X_TAKEN_AT="soon").status_code == 400
    big = put(api, installer.user, event["id"], photo_id, b"\xff" * (5 * 1024 * 1024 + 1))
    assert big.status_code == 413
    assert ConsentPhoto.objects.count() == 0


def test_a_photo_step_ticked_without_its_photo_leaves_the_record_incomplete(api, site):
    recorded(api, site, photos=[])
    record = ConsentRecord.objects.get()
    assert record.steps_done == [1, 2, 3, 4] and not record.complete


def test_an_event_of_the_app_before_step_photos_is_complete_without_them(api, site):
    """Queued offline across the update, by an app that asked for no photo."""
    version, installer = site
    event = consent_event(version)
    del event["photos"]
    assert results(sync(api, installer.user, [event])) == [("applied", "")]
    assert ConsentRecord.objects.get().complete


@pytest.mark.parametrize(
    ("photos", "reason"),
    [
        ([{"id": "x", "step": 1}], "invalid: photos id must be a UUID"),
        ([{"id": str(uuid.uuid4()), "step": 0}], "invalid: photos step must be a step id"),
        ("one", "invalid: photos must be a list of at most 50 photos"),
        ([{"id": str(uuid.uuid4())}], 'invalid: photos must hold objects {"id": uuid, "step": step id}'),
        ([{"id": str(uuid.uuid4()), "step": 2}], "photo of a step that asks for none"),
    ],
)
def test_bad_photo_declarations_are_rejected_with_their_reason(api, site, photos, reason):
    version, installer = site
    event = consent_event(version, photos=photos)
    assert results(sync(api, installer.user, [event])) == [("rejected", reason)]
    assert ConsentRecord.objects.count() == 0


def test_a_photo_of_an_unticked_step_and_a_repeated_id_are_rejected(api, site):
    version, installer = site
    photo_id = str(uuid.uuid4())
    unticked = consent_event(version, steps=[2, 3], photos=[{"id": photo_id, "step": 1}])
    repeated = consent_event(version, photos=[{"id": photo_id, "step": 1}, {"id": photo_id, "step": 1}])
    assert results(sync(api, installer.user, [unticked, repeated])) == [
        ("rejected", "photo of a step not ticked"),
        ("rejected", "invalid: photos must not repeat a photo id or a step"),
    ]


def test_a_replay_with_other_photos_is_a_conflict(api, site):
    version, installer = site
    event = recorded(api, site)
    other = {**event, "photos": [{"id": str(uuid.uuid4()), "step": 1}]}
    assert results(sync(api, installer.user, [other])) == [
        ("conflict", "an event with this id and other content exists")
    ]
    assert results(sync(api, installer.user, [event])) == [("duplicate", "")]


def test_the_lead_sees_the_photo_and_another_pods_lead_does_not(api, client, site):
    _version, installer = site
    event = recorded(api, site)
    photo_id = event["photos"][0]["id"]
    data = image_bytes()
    put(api, installer.user, event["id"], photo_id, data)
    lead = lead_of(installer.pod)
    url = f"/api/v1/consent-records/{event['id']}/photos/{photo_id}"
    client.force_login(lead)
    answer = client.get(url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == data
    assert answer["Content-Type"] == "image/jpeg"
    [row] = client.get("/api/v1/consent-records/").json()["results"]
    assert row["photos"] == [{"id": photo_id, "step": 1, "stored": True, "url": url}]
    page = client.get(f"/lead/onboarding/consent/{event['id']}/").content.decode()
    assert f'src="{url}"' in page and 'alt="Photo of step 1"' in page
    client.force_login(lead_of(PodFactory()))
    assert client.get(url).status_code == 404


def test_a_photo_not_yet_sent_says_so_on_the_record_page(api, client, site):
    _version, installer = site
    event = recorded(api, site)
    client.force_login(lead_of(installer.pod))
    page = client.get(f"/lead/onboarding/consent/{event['id']}/").content.decode()
    assert "The photo has not arrived" in page
    [row] = client.get("/api/v1/consent-records/").json()["results"]
    assert row["photos"][0]["stored"] is False
