"""Consent flows and records for the page, API and authorization tests: a
flow published for a geography, and records stored the way the tablet's
`consent.recorded` events are (onboarding/consent_records.py)."""

import base64
import datetime
import io
import uuid

from django.utils import timezone
from PIL import Image, ImageDraw

from onboarding import document_services
from onboarding.consent_photos import consent_photo_store
from onboarding.consent_records import consent_records_apply
from onboarding.consent_steps import consent_steps
from onboarding.models import ConsentRecord

FLOW_BODY = (
    "# Consent at the customer's site\n\n"
    "Read the privacy notice to the representative.\n\n"
    "- [ ] Post the signage at each entrance\n"
    "- [photo] Photograph the posted signage\n"
    "- [ ] Agree the region of interest\n"
)


def signature_png() -> bytes:
    image = Image.new("RGB", (120, 40), "white")
    ImageDraw.Draw(image).line([(5, 30), (40, 8), (80, 32), (115, 10)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def publish_flow(geography, *, slug: str = "consent-flow", body: str = FLOW_BODY, title: str = "Site consent"):
    """A consent flow for `geography` and its version 1 (English)."""
    document = document_services.document_create(
        actor=None, kind="consent", slug=slug, title=title, geography=geography
    )
    return document_services.document_publish(actor=None, document=document, body=body)


def record_consent(
    installer,
    version,
    *,
    install_ref: str = "INS-1",
    steps=(1, 2, 3),
    representative: str = "Rita Representative",
    signed: bool = True,
    occurred_at: datetime.datetime | None = None,
    photos: list[dict] | None = None,
) -> ConsentRecord:
    """One record of `installer` at `install_ref`, applied as the sync endpoint
    applies it; by default with a photo declared for each ticked step that asks for one."""
    event_id = uuid.uuid4()
    if photos is None:
        asks = {step.id for step in consent_steps(version.body) if step.needs_photo}
        photos = [{"id": str(uuid.uuid4()), "step": step} for step in steps if step in asks]
    event = {
        "id": str(event_id),
        "type": "consent.recorded",
        "install_id": install_ref,
        "flow": version.pk,
        "steps_done": list(steps),
        "photos": photos,
        "representative": representative,
        "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode() if signed else "",
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
    }
    [result] = consent_records_apply(
        actor=installer.user, device_id="TAB-1", events=[event], received_at=timezone.now()
    )
    assert result.status == "applied", result
    return ConsentRecord.objects.get(pk=event_id)


def store_photo(record: ConsentRecord, size=(40, 30)):
    """The record's first declared photo, uploaded as the tablet does (a JPEG of `size`)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (128, 128, 128)).save(buffer, format="JPEG")
    return consent_photo_store(
        actor=record.installer.user,
        record=record,
        photo_id=uuid.UUID(record.photos[0]["id"]),
        content_type="image/jpeg",
        data=buffer.getvalue(),
    ).photo
