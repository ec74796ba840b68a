"""Reads of the consent record pages (/lead/onboarding/consent/) and of the
person page's consent section: the records a person may see
(document_selectors.consent_records_visible_to), filtered, each with the
number of steps of its flow version, and one record's steps as ticked. A
fixed number of queries whatever the rows; the signature's bytes are never
read here (the image is served by GET /api/v1/consent-records/{id}/signature.png)."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from installer_ops.models import Installer

from .consent_steps import consent_steps
from .document_selectors import consent_records_visible_to
from .models import ConsentRecord

STATUSES = ("complete", "incomplete", "superseded")
LATEST_ON_PERSON_PAGE = 5


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


@dataclass
class ConsentRow:
    record: ConsentRecord
    steps_total: int
    language: str

    @property
    def steps_done(self) -> int:
        return len(self.record.steps_done)


def consent_rows(records) -> list[ConsentRow]:
    """Each record with its version's number of steps and language name (no query:
    the versions come with the records)."""
    totals: dict[int, int] = {}
    rows = []
    for record in records:
        if record.version_id not in totals:
            totals[record.version_id] = len(consent_steps(record.version.body))
        rows.append(ConsentRow(record, totals[record.version_id], language_name(record.version.language)))
    return rows


def consent_records_for_page(
    actor, *, install: str = "", installer: Installer | None = None, status: str = ""
) -> QuerySet[ConsentRecord]:
    """The records `actor` may see, newest first: of one install (its id as
    recorded), of one installer, complete, incomplete or superseded."""
    records = consent_records_visible_to(actor).select_related("installer__user").order_by("-effective_at", "pk")
    if install:
        records = records.filter(install_ref=install)
    if installer is not None:
        records = records.filter(installer=installer)
    if status == "complete":
        records = records.filter(complete=True)
    elif status == "incomplete":
        records = records.filter(complete=False)
    elif status == "superseded":
        records = records.filter(superseded=True)
    return records


def latest_consent_records(installer: Installer) -> list[ConsentRow]:
    """The installer's newest records, for the person page (which scoped the installer; 1 query)."""
    records = (
        ConsentRecord.objects.filter(installer=installer)
        .defer("signature_png")
        .select_related("version__document")
        .order_by("-effective_at", "pk")[:LATEST_ON_PERSON_PAGE]
    )
    return consent_rows(records)


@dataclass
class StepLine:
    id: int
    text: str
    needs_photo: bool
    done: bool
    photo_id: str | None = None  # the photo the record declared for this step
    photo_stored: bool = False  # False while the tablet has not sent it yet


@dataclass
class ConsentRecordPage:
    record: ConsentRecord
    steps: list[StepLine]
    language: str

    @property
    def steps_done(self) -> int:
        return sum(step.done for step in self.steps)


def consent_record_of(actor, record_id: uuid.UUID) -> ConsentRecordPage | None:
    """One record `actor` may see, with its flow version's steps (texts in
    the language shown on the tablet) ticked or not, and each declared photo
    stored or not yet; None otherwise (2 queries)."""
    record = (
        consent_records_visible_to(actor)
        .select_related("installer__user", "installer__pod")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        return None
    done = set(record.steps_done)
    declared = {p["step"]: p["id"] for p in record.photos}
    stored = {str(pk) for pk in record.photo_files.values_list("pk", flat=True)}
    steps = [
        StepLine(
            step.id,
            step.text,
            step.needs_photo,
            step.id in done,
            photo_id=declared.get(step.id),
            photo_stored=declared.get(step.id) in stored,
        )
        for step in consent_steps(record.version.body)
    ]
    return ConsentRecordPage(record, steps, language_name(record.version.language))
