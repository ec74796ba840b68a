"""The photos of a consent record's steps: stored once each, after their
record (docs/architecture.md, Languages and consent flows).

The record declares each photo's id and step when it is sent
(`consent.recorded`, onboarding/consent_records.py); the tablet uploads the
photo once the server has acknowledged the record, and retries until it
hears an answer, as it does for a check-off's evidence photo. The same id
with the same bytes answers as stored already; with other bytes it is a
conflict; an id the record does not declare is unknown."""

import dataclasses
import datetime
import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bootcamp.services.evidence import EXTENSIONS, evidence_problem
from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import Installer, User

from . import policies
from .models import ConsentPhoto, ConsentRecord


@dataclasses.dataclass
class StoredConsentPhoto:
    photo: ConsentPhoto
    created: bool  # False: this id and these bytes were stored already


class PhotoNotDeclared(Exception):
    """The record declares no photo with this id (the API answers 404)."""


def declared_step(record: ConsentRecord, photo_id: uuid.UUID) -> int | None:
    return next((p["step"] for p in record.photos if p["id"] == str(photo_id)), None)


@transaction.atomic
def consent_photo_store(
    *,
    actor: User,
    record: ConsentRecord,
    photo_id: uuid.UUID,
    content_type: str,
    data: bytes,
    taken_at: datetime.datetime | None = None,
) -> StoredConsentPhoto:
    """Store the photo `photo_id` that `record` (the actor's own) declares, once."""
    if not policies.can_add_consent_photo(actor, record):
        raise ConsentRecord.DoesNotExist  # the caller's scope finds only their own; worded as the API's 404
    step = declared_step(record, photo_id)
    if step is None:
        raise PhotoNotDeclared(_("This consent record declares no photo with this id."))
    evidence_problem(content_type, data)
    sha256 = hashlib.sha256(data).hexdigest()
    # The installer's row lock, as the sync batch takes it: two copies of one
    # upload are stored one after the other.
    Installer.objects.select_for_update().filter(pk=record.installer_id).first()
    stored = ConsentPhoto.objects.filter(pk=photo_id).first()
    if stored is not None:
        if stored.record_id == record.pk and stored.sha256 == sha256:
            return StoredConsentPhoto(stored, created=False)
        raise DomainConflict(_("A photo with this id and other content exists."))
    photo = ConsentPhoto(
        id=photo_id,
        record=record,
        step=step,
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        taken_at=taken_at or record.occurred_at,
        uploaded_by=actor,
        received_at=timezone.now(),
    )
    photo.full_clean(exclude=["file", "record", "uploaded_by"])
    # The file first, its row after, the file removed if the row fails: a row
    # never names a missing file, and the name's checksum keeps one content per name.
    name = f"consent/{record.pk}/{photo_id}-{sha256[:16]}.{EXTENSIONS[content_type]}"
    photo.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            photo.save(force_insert=True)
            audit_record(
                actor=actor,
                action="consent photo stored",
                target=photo,
                changes={"record": str(record.pk), "step": step, "size": len(data), "sha256": sha256},
            )
    except BaseException:
        photo.file.storage.delete(photo.file.name)
        raise
    return StoredConsentPhoto(photo, created=True)
