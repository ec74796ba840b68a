"""Evidence photos: stored once each, belonging to the item.checked event
they were taken with (docs/architecture.md, Evidence and field sign-off).

The tablet uploads a photo after the server has acknowledged its event, and
retries until it hears an answer, so the same upload may arrive any number
of times, and two copies may race. The photo's id is made by the device:
the same id with the same bytes answers as stored already; the same id with
other bytes is a conflict and changes nothing."""

import dataclasses
import datetime
import hashlib
import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import Installer, User

from ..models import MAX_EVIDENCE_BYTES, CheckoffEvent, EventType, Evidence, EvidenceType
from .events import item_states_refresh

# A check-off holds a few photos at most (a label, a sign, a report); more
# is a device sending the same picture under new ids.
MAX_PHOTOS_PER_EVENT = 5

_PIL_FORMATS = {EvidenceType.JPEG: "JPEG", EvidenceType.PNG: "PNG", EvidenceType.WEBP: "WEBP"}
EXTENSIONS = {EvidenceType.JPEG: "jpg", EvidenceType.PNG: "png", EvidenceType.WEBP: "webp"}


class EvidenceTooLarge(Exception):
    """The body is over MAX_EVIDENCE_BYTES (the API answers 413)."""


class EvidenceNotAnImage(Exception):
    """The body is not an image of an accepted type (the API answers 415)."""


@dataclasses.dataclass
class StoredEvidence:
    evidence: Evidence
    created: bool  # False: this id and these bytes were stored already


def evidence_problem(content_type: str, data: bytes) -> None:
    """Raise when the bytes cannot be a photo: too large, or not the image
    type they claim to be. Pillow reads the header only; nothing is decoded."""
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceTooLarge(_("A photo may be at most %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)})
    if content_type not in _PIL_FORMATS:
        raise EvidenceNotAnImage(_("Send a JPEG, PNG or WebP image."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceNotAnImage(_("The body is not a readable image.")) from None
    if image_format != _PIL_FORMATS[content_type]:
        raise EvidenceNotAnImage(
            _("The body is a %(found)s image, not %(declared)s.") % {"found": image_format, "declared": content_type}
        )


def _same_photo(stored: Evidence, event: CheckoffEvent, sha256: str) -> bool:
    return stored.event_id == event.pk and stored.sha256 == sha256


@transaction.atomic
def evidence_store(
    *,
    actor: User,
    evidence_id: uuid.UUID,
    event: CheckoffEvent,
    content_type: str,
    data: bytes,
    taken_at: datetime.datetime | None = None,
) -> StoredEvidence:
    """Store a photo of `event` (an item.checked event of the actor's, found
    through bootcamp.policies.events_taking_evidence_of), once."""
    if event.actor_id != actor.pk or event.type != EventType.CHECKED:
        # The caller's scope finds only their own check-offs; this is the
        # service's own guard, worded as the API's 404.
        raise CheckoffEvent.DoesNotExist
    evidence_problem(content_type, data)
    sha256 = hashlib.sha256(data).hexdigest()
    # The installer's row lock, as the sync batch takes it: a photo and a
    # batch touching the same item never interleave their state refreshes,
    # and two copies of one upload are stored one after the other.
    Installer.objects.select_for_update().filter(pk=event.enrollment.installer_id).first()
    stored = Evidence.objects.filter(pk=evidence_id).first()
    if stored is not None:
        if _same_photo(stored, event, sha256):
            return StoredEvidence(stored, created=False)
        raise DomainConflict(_("A photo with this id and other content exists."))
    if not event.item.needs_evidence:
        raise ValidationError({"event": _("This item does not ask for a photo.")})
    if event.enrollment.withdrawn_at is not None:
        raise DomainConflict(_("The enrollment is closed."))
    if Evidence.objects.filter(event=event).count() >= MAX_PHOTOS_PER_EVENT:
        raise DomainConflict(_("A check-off holds at most %(n)s photos.") % {"n": MAX_PHOTOS_PER_EVENT})
    evidence = Evidence(
        id=evidence_id,
        event=event,
        enrollment_id=event.enrollment_id,
        item_id=event.item_id,
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        taken_at=taken_at or event.occurred_at,
        uploaded_by=actor,
        received_at=timezone.now(),
    )
    evidence.full_clean(exclude=["file", "event", "enrollment", "item", "uploaded_by"])
    # The file is written first and its row after: a row never names a
    # missing file. If anything after the write fails, the file goes too; the
    # name carries the checksum, so one name never holds two contents.
    name = f"{event.enrollment_id}/{evidence_id}-{sha256[:16]}.{EXTENSIONS[content_type]}"
    evidence.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            evidence.save(force_insert=True)
            item_states_refresh(pairs={(event.enrollment_id, event.item_id)})
            audit_record(
                actor=actor,
                action="evidence.stored",
                target=evidence,
                changes={"event": str(event.pk), "item": event.item_id, "size": len(data), "sha256": sha256},
            )
    except BaseException:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return StoredEvidence(evidence, created=True)
