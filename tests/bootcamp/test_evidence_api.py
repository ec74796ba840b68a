"""PUT and GET /api/v1/evidence/{uuid} (docs/architecture.md, Evidence and
field sign-off): every answer of the upload, and who may read a photo back."""

import io
import os
import uuid

import pytest
from django.test import override_settings
from PIL import Image
from rest_framework.test import APIClient

from bootcamp.models import MAX_EVIDENCE_BYTES, Evidence
from installer_ops.models import AuditEntry
from tests.bootcamp.photos import image_bytes

pytestmark = pytest.mark.django_db
KEYS = {"id", "url", "taken_at", "event", "size"}


def url(evidence_id) -> str:
    return f"/api/v1/evidence/{evidence_id}"


def put(client, evidence_id, event_id, data: bytes, content_type: str = "image/jpeg", **extra):
    headers = {"HTTP_X_EVENT_ID": str(event_id)} if event_id is not None else {}
    return client.put(url(evidence_id), data=data, content_type=content_type, **headers, **extra)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def checked(camp):
    """The installer checked the photo-and-sign-off item: (client, event id)."""
    return as_user(camp.installer.user), camp.event(camp.enrollment, camp.signed_item)


def test_a_photo_is_stored_once_201_then_200_for_the_same_bytes(camp, checked):
    client, event_id = checked
    photo_id, jpeg = uuid.uuid4(), image_bytes()
    first = put(client, photo_id, event_id, jpeg, HTTP_X_TAKEN_AT="2026-11-03T09:15:00+01:00")
    assert first.status_code == 201, first.content
    body = first.json()
    assert set(body) == KEYS
    assert body["id"] == str(photo_id) and body["event"] == str(event_id) and body["size"] == len(jpeg)
    assert body["url"] == url(photo_id)
    assert body["taken_at"].startswith("2026-11-03T08:15:00")
    again = put(client, photo_id, event_id, jpeg)
    assert again.status_code == 200 and again.json() == body
    stored = Evidence.objects.get()
    assert stored.file.read() == jpeg and stored.uploaded_by == camp.installer.user
    entry = AuditEntry.objects.get(action="evidence.stored")
    assert entry.source == "api" and entry.object_id == str(photo_id)


def test_the_same_id_with_other_bytes_is_a_409_and_changes_nothing(checked):
    client, event_id = checked
    photo_id = uuid.uuid4()
    assert put(client, photo_id, event_id, image_bytes()).status_code == 201
    response = put(client, photo_id, event_id, image_bytes(colour=(10, 200, 10)))
    assert response.status_code == 409 and "other content" in response.json()["detail"]
    assert Evidence.objects.count() == 1


def test_more_than_five_photos_of_one_check_is_a_409(checked):
    client, event_id = checked
    for n in range(5):
        assert put(client, uuid.uuid4(), event_id, image_bytes(colour=(n, n, n))).status_code == 201
    response = put(client, uuid.uuid4(), event_id, image_bytes(colour=(9, 9, 9)))
    assert response.status_code == 409 and "at most 5" in response.json()["detail"]


def test_a_withdrawn_enrollment_takes_no_photo(camp, checked):
    client, event_id = checked
    camp.enrollment.withdrawn_at = camp.enrollment.enrolled_at
    camp.enrollment.save(update_fields=["withdrawn_at"])
    response = put(client, uuid.uuid4(), event_id, image_bytes())
    assert response.status_code == 409 and response.json() == {"detail": "The enrollment is closed."}


def test_a_declared_length_over_5_mb_is_a_413_before_the_body_is_read(checked):
    client, event_id = checked
    response = put(client, uuid.uuid4(), event_id, image_bytes(), CONTENT_LENGTH=str(MAX_EVIDENCE_BYTES + 1))
    assert response.status_code == 413 and "5 MB" in response.json()["detail"]
    assert not Evidence.objects.exists()


def chunked(data: bytes) -> dict:
    """A body sent without Content-Length (chunked), as gunicorn hands it on."""
    return {"CONTENT_LENGTH": "", "wsgi.input": io.BytesIO(data), "wsgi.input_terminated": True}


def test_a_chunked_body_over_5_mb_is_a_413_and_one_within_is_stored(checked):
    client, event_id = checked
    over = image_bytes() + b"\0" * MAX_EVIDENCE_BYTES
    response = put(client, uuid.uuid4(), event_id, b"x", **chunked(over))
    assert response.status_code == 413 and "5 MB" in response.json()["detail"]
    jpeg = image_bytes()
    response = put(client, uuid.uuid4(), event_id, b"x", **chunked(jpeg))
    assert response.status_code == 201 and response.json()["size"] == len(jpeg)


def test_a_body_cut_short_of_its_length_is_a_400_and_the_whole_retry_is_stored(checked):
    """The connection dropped half-way through the upload: the stream ends
    before Content-Length. The first half of a JPEG passes Pillow's header
    check, so it must not be stored, or the tablet's retry would be a 409."""
    client, event_id = checked
    photo_id, jpeg = uuid.uuid4(), image_bytes(size=(400, 300))
    half = jpeg[: len(jpeg) // 2]
    cut = {"CONTENT_LENGTH": str(len(jpeg)), "wsgi.input": io.BytesIO(half)}
    response = put(client, photo_id, event_id, b"x", **cut)
    assert response.status_code == 400
    assert response.json() == {"body": [f"The photo arrived incomplete ({len(half)} of {len(jpeg)} bytes)."]}
    assert not Evidence.objects.exists()
    assert put(client, photo_id, event_id, jpeg).status_code == 201
    assert Evidence.objects.get().file.read() == jpeg


def noise_png(megabytes: float) -> bytes:
    """A PNG of random pixels (it hardly compresses) of about this size."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_621_440)
def test_a_photo_over_djangos_2_5_mb_form_limit_but_within_5_mb_is_stored(checked):
    client, event_id = checked
    png = noise_png(3.5)
    assert 2_621_440 < len(png) <= MAX_EVIDENCE_BYTES
    response = put(client, uuid.uuid4(), event_id, png, content_type="image/png")
    assert response.status_code == 201, response.content
    assert Evidence.objects.get().file.read() == png


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"not an image at all", "image/jpeg"),
        (image_bytes("PNG"), "image/jpeg"),  # PNG bytes labelled JPEG
        (image_bytes(), "text/plain"),
        (image_bytes(), "image/gif"),
        (b"", "image/jpeg"),
    ],
    ids=["text", "png-as-jpeg", "text-plain", "gif-type", "empty"],
)
def test_what_is_not_the_image_it_claims_is_a_415(checked, data, content_type):
    client, event_id = checked
    response = put(client, uuid.uuid4(), event_id, data, content_type=content_type)
    assert response.status_code == 415 and response.json()["detail"]
    assert not Evidence.objects.exists()


def test_a_check_that_is_not_the_callers_or_not_a_check_is_a_404(camp):
    theirs = camp.event(camp.other_enrollment, camp.signed_item)
    camp.event(camp.enrollment, camp.signed_item)
    unchecked = camp.event(camp.enrollment, camp.signed_item, "item.unchecked")
    client = as_user(camp.installer.user)
    for event_id in (theirs, uuid.uuid4(), unchecked):
        response = put(client, uuid.uuid4(), event_id, image_bytes())
        assert response.status_code == 404, event_id
        assert set(response.json()) == {"detail"}
    # The lead of the pod may not attach photos to the installer's check either.
    assert put(as_user(camp.lead_a), uuid.uuid4(), theirs, image_bytes()).status_code == 404
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({}, "X-Event-Id"),
        ({"HTTP_X_EVENT_ID": "not-a-uuid"}, "X-Event-Id"),
        ({"HTTP_X_EVENT_ID": "1" * 200}, "X-Event-Id"),
        ({"HTTP_X_TAKEN_AT": "yesterday"}, "X-Taken-At"),
        ({"HTTP_X_TAKEN_AT": "2026-02-30T10:00:00Z"}, "X-Taken-At"),
        ({"HTTP_X_TAKEN_AT": "2026-11-03T10:00:00+25:00"}, "X-Taken-At"),
    ],
)
def test_bad_headers_are_a_400_naming_them(checked, headers, field):
    client, event_id = checked
    if "HTTP_X_EVENT_ID" not in headers and field == "X-Taken-At":
        headers = {**headers, "HTTP_X_EVENT_ID": str(event_id)}
    response = client.put(url(uuid.uuid4()), data=image_bytes(), content_type="image/jpeg", **headers)
    assert response.status_code == 400 and field in response.json()
    assert not Evidence.objects.exists()


def test_a_photo_of_an_item_that_asks_for_none_is_a_400(camp):
    event_id = camp.event(camp.enrollment, camp.plain_item)
    response = put(as_user(camp.installer.user), uuid.uuid4(), event_id, image_bytes())
    assert response.status_code == 400 and response.json() == {"event": ["This item does not ask for a photo."]}


def test_a_session_upload_needs_the_csrf_token_and_a_token_upload_does_not(camp, client):
    event_id = camp.event(camp.enrollment, camp.photo_item)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(camp.installer.user)
    assert put(browser, uuid.uuid4(), event_id, image_bytes()).status_code == 403
    browser.get("/app/")  # the shell sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert put(browser, uuid.uuid4(), event_id, image_bytes(), HTTP_X_CSRFTOKEN=token).status_code == 201
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=camp.installer.user).key
    tablet = APIClient(enforce_csrf_checks=True)
    response = put(tablet, uuid.uuid4(), event_id, image_bytes(colour=(1, 2, 3)), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201
    assert put(APIClient(), uuid.uuid4(), event_id, image_bytes()).status_code == 403  # nobody signed in


# --- reading a photo back ------------------------------------------------------------------


@pytest.fixture
def stored(camp, checked):
    client, event_id = checked
    photo_id, jpeg = uuid.uuid4(), image_bytes(colour=(200, 100, 50))
    assert put(client, photo_id, event_id, jpeg).status_code == 201
    return photo_id, jpeg


@pytest.mark.parametrize("who", ["installer", "lead_a", "admin"])
def test_the_installer_their_lead_and_an_admin_get_the_photo(camp, stored, who):
    photo_id, jpeg = stored
    user = camp.installer.user if who == "installer" else getattr(camp, who)
    response = as_user(user).get(url(photo_id))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == jpeg
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(jpeg))
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["lead_b", "executive", "other", "installer_b"])
def test_anyone_else_gets_a_404_as_for_an_unknown_photo(camp, stored, who):
    photo_id, _jpeg = stored
    user = getattr(camp, who)
    user = getattr(user, "user", user)
    response = as_user(user).get(url(photo_id))
    unknown = as_user(user).get(url(uuid.uuid4()))
    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()


def test_nobody_signed_in_gets_nothing(stored):
    photo_id, _jpeg = stored
    response = APIClient().get(url(photo_id))
    assert response.status_code == 403 and not response.get("Content-Type", "").startswith("image/")
