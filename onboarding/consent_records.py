"""Consent recorded at a customer's site: the `consent.recorded` events an
installer's tablet queues offline and sends through the sync endpoint
(installer_ops/sync.py; registered in onboarding/apps.py), with the same
guarantees as check-offs: one row per event id, a replay with the same
content answers `duplicate`, one with other content `conflict`, a bad event
is rejected with its reason and never fails the others.

A record is kept whatever it holds, because it is what happened at the site:
it is `complete` when every step of its flow version is ticked (a step
that asks for a photo with its photo declared: the photo itself follows the
record, onboarding/consent_photos.py), the customer's representative is
named and has signed; it is `superseded` when a
newer version of the flow had been published before it was recorded (the
installer worked from an outdated copy). Only complete records of the version
current when they were made count for the consent completion KPI."""

import base64
import binascii
import datetime
import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from bootcamp.state import effective_time
from installer_ops import values
from installer_ops.models import Installer, User
from installer_ops.sync import KindOutcome, SyncResult

from .consent_steps import MAX_STEPS, consent_steps
from .models import ConsentRecord, DocumentKind, DocumentVersion
from .signals import consent_recorded

EVENT_TYPE = "consent.recorded"
MAX_SIGNATURE_BYTES = 200 * 1024  # the decoded PNG (docs/architecture.md, Languages and consent flows)
MAX_REPRESENTATIVE_LENGTH = 200
MAX_INSTALL_ID_LENGTH = 64
PNG_DATA_URL = "data:image/png;base64,"


@dataclass(frozen=True)
class IncomingConsent:
    id: uuid.UUID
    install_ref: str
    version_id: int
    steps_done: tuple[int, ...]
    photos: tuple[tuple[str, int], ...]  # (photo id, step), by step
    # False for an event without the `photos` key: made by a tablet app from
    # before step photos, queued offline across the update, which asked for none.
    photos_declared: bool
    representative: str
    signature: bytes
    signature_sha256: str
    occurred_at: datetime.datetime
    device_id: str
    device_seq: int | None


def _signature(raw) -> tuple[bytes, str | None]:
    """The PNG of a data URL, or why it is not one we keep. Blank: no signature."""
    if raw in (None, ""):
        return b"", None
    if not isinstance(raw, str) or not raw.startswith(PNG_DATA_URL):
        return b"", "must be a PNG data URL (data:image/png;base64,...)"
    encoded = raw[len(PNG_DATA_URL) :]
    if len(encoded) > (MAX_SIGNATURE_BYTES * 4) // 3 + 4:
        return b"", f"must be at most {MAX_SIGNATURE_BYTES // 1024} KB"
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return b"", "is not valid base64"
    if len(png) > MAX_SIGNATURE_BYTES:
        return b"", f"must be at most {MAX_SIGNATURE_BYTES // 1024} KB"
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG":
                return b"", "must be a PNG image"
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return b"", "is not a readable PNG image"
    return png, None


def _photos(raw) -> tuple[tuple[tuple[str, int], ...], str | None]:
    """The declared photos ([{"id": uuid, "step": n}], at most one per step), or why not."""
    if raw is None:
        return (), None
    if not isinstance(raw, list) or len(raw) > MAX_STEPS:
        return (), f"must be a list of at most {MAX_STEPS} photos"
    photos = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != {"id", "step"}:
            return (), 'must hold objects {"id": uuid, "step": step id}'
        try:
            photo_id = str(uuid.UUID(str(entry["id"])))
        except ValueError:
            return (), "id must be a UUID"
        if values.integer_problem(entry["step"], minimum=1, maximum=1000):
            return (), "step must be a step id"
        photos.append((photo_id, entry["step"]))
    if len({p for p, _ in photos}) != len(photos) or len({s for _, s in photos}) != len(photos):
        return (), "must not repeat a photo id or a step"
    return tuple(sorted(photos, key=lambda p: p[1])), None


def parse_consent(raw, device_id: str) -> IncomingConsent | SyncResult:
    """One `consent.recorded` event, or the reason it cannot be read."""
    event_id = uuid.UUID(str(raw["id"]))  # the sync envelope checked it
    problems = []
    install_ref = raw.get("install_id")
    if problem := values.text_problem(install_ref, max_length=MAX_INSTALL_ID_LENGTH):
        problems.append(f"install_id {problem}")
    elif not install_ref.strip():
        problems.append("install_id must not be blank")
    version_id = raw.get("flow")
    if problem := values.integer_problem(version_id, minimum=1, maximum=values.BIGINT_MAX):
        problems.append(f"flow {problem}")
    steps = raw.get("steps_done")
    if not isinstance(steps, list) or any(values.integer_problem(s, minimum=1, maximum=1000) for s in steps):
        problems.append("steps_done must be a list of step ids")
    elif len(set(steps)) != len(steps):
        problems.append("steps_done must not repeat a step")
    photos, problem = _photos(raw.get("photos"))
    if problem:
        problems.append(f"photos {problem}")
    representative = raw.get("representative") if raw.get("representative") is not None else ""
    if problem := values.text_problem(representative, max_length=MAX_REPRESENTATIVE_LENGTH):
        problems.append(f"representative {problem}")
    signature, problem = _signature(raw.get("signature"))
    if problem:
        problems.append(f"signature {problem}")
    occurred_at = None
    if not isinstance(raw.get("occurred_at"), str):
        problems.append("occurred_at must be an ISO 8601 time")
    else:
        occurred_at, problem = values.parse_iso_datetime(raw["occurred_at"])
        if problem := problem or values.device_time_problem(occurred_at):
            problems.append(f"occurred_at {problem}")
    seq = raw.get("device_seq")
    if seq is not None and (problem := values.integer_problem(seq, minimum=0, maximum=values.INT_MAX)):
        problems.append(f"device_seq {problem}")
    event_device = raw.get("device_id", device_id)
    if problem := values.text_problem(event_device, max_length=64):
        problems.append(f"device_id {problem}")
    if problems:
        return SyncResult(str(event_id), "rejected", "invalid: " + "; ".join(str(p) for p in problems))
    return IncomingConsent(
        id=event_id,
        install_ref=install_ref.strip(),
        version_id=version_id,
        steps_done=tuple(sorted(steps)),
        photos=photos,
        photos_declared="photos" in raw,
        representative=representative.strip(),
        signature=signature,
        signature_sha256=hashlib.sha256(signature).hexdigest() if signature else "",
        occurred_at=occurred_at,
        device_id=event_device,
        device_seq=seq,
    )


def _same_content(previous, incoming: IncomingConsent) -> bool:
    return (
        previous.install_ref == incoming.install_ref
        and previous.version_id == incoming.version_id
        and tuple(previous.steps_done) == incoming.steps_done
        and _declared(previous) == incoming.photos
        and previous.representative == incoming.representative
        and previous.signature_sha256 == incoming.signature_sha256
        and previous.occurred_at == incoming.occurred_at
    )


def _declared(previous) -> tuple[tuple[str, int], ...]:
    if isinstance(previous, IncomingConsent):
        return previous.photos
    return tuple((p["id"], p["step"]) for p in previous.photos)


def _photo_problem(entry: IncomingConsent, steps: list) -> str | None:
    """A declared photo must be of a ticked step that asks for one."""
    asks = {step.id for step in steps if step.needs_photo}
    for _photo, step in entry.photos:
        if step not in asks:
            return "photo of a step that asks for none"
        if step not in entry.steps_done:
            return "photo of a step not ticked"
    return None


def _complete(entry: IncomingConsent, steps: list) -> bool:
    """Every step ticked, each photo step with its photo declared (an event
    of the tablet app before step photos declares none, and is not asked
    to), the representative named and their signature drawn."""
    photographed = {step for _photo, step in entry.photos}
    return (
        len(entry.steps_done) == len(steps)
        and (not entry.photos_declared or all(step.id in photographed for step in steps if step.needs_photo))
        and bool(entry.representative)
        and bool(entry.signature)
    )


def _newer_versions(versions: dict[int, DocumentVersion]) -> dict[int, list[datetime.datetime]]:
    """For each document of these versions: when each of its source-language
    versions was published, by number (one query)."""
    published: dict[int, dict[int, datetime.datetime]] = {}
    rows = DocumentVersion.objects.filter(
        document_id__in={v.document_id for v in versions.values()}, language=settings.LANGUAGE_CODE
    ).values_list("document_id", "number", "published_at")
    for document_id, number, published_at in rows:
        published.setdefault(document_id, {})[number] = published_at
    return published


def superseded_when(version: DocumentVersion, at: datetime.datetime, published: dict) -> bool:
    """Whether a newer version of `version`'s flow had been published by `at`."""
    return any(
        number > version.number and published_at <= at
        for number, published_at in published.get(version.document_id, {}).items()
    )


@transaction.atomic(savepoint=False)  # inside the sync batch's transaction
def consent_records_apply(
    *, actor: User, device_id: str, events: list, received_at: datetime.datetime
) -> list[SyncResult]:
    """Store a batch's consent.recorded events of an installer's device: one
    result per event, in the order sent; a fixed number of queries."""
    # The installer's row lock, as for check-offs: a replay racing its
    # original (two tabs) stores one row.
    installer = Installer.objects.select_for_update().select_related("pod").filter(user=actor).first()
    parsed = [parse_consent(raw, device_id) for raw in events]
    incoming = [p for p in parsed if isinstance(p, IncomingConsent)]
    stored = ConsentRecord.objects.defer("signature_png").in_bulk([e.id for e in incoming])
    versions = DocumentVersion.objects.select_related("document").in_bulk({e.version_id for e in incoming})
    published = _newer_versions(versions) if versions else {}

    results: list[SyncResult] = []
    accepted: dict[uuid.UUID, IncomingConsent] = {}
    to_store: list[ConsentRecord] = []
    for entry in parsed:
        if isinstance(entry, SyncResult):
            results.append(entry)
            continue
        previous = stored.get(entry.id) or accepted.get(entry.id)
        if previous is not None:
            # Another person's record under this id is never theirs to replay.
            same = _same_content(previous, entry) and (
                not isinstance(previous, ConsentRecord)
                or (installer is not None and previous.installer_id == installer.pk)
            )
            results.append(
                SyncResult(str(entry.id), "duplicate")
                if same
                else SyncResult(str(entry.id), "conflict", "an event with this id and other content exists")
            )
            continue
        version = versions.get(entry.version_id)
        reason = None
        if installer is None:
            reason = "not yours"
        elif version is None or version.document.kind != DocumentKind.CONSENT:
            reason = "unknown flow"
        elif version.document.geography_id != installer.pod.geography_id:
            reason = "flow of another geography"
        else:
            steps = consent_steps(version.body)
            if not set(entry.steps_done) <= {step.id for step in steps}:
                reason = "unknown step"
            else:
                reason = _photo_problem(entry, steps)
        if reason:
            results.append(SyncResult(str(entry.id), "rejected", reason))
            continue
        effective_at = effective_time(entry.occurred_at, received_at)
        accepted[entry.id] = entry
        to_store.append(
            ConsentRecord(
                id=entry.id,
                installer=installer,
                version=version,
                install_ref=entry.install_ref,
                steps_done=list(entry.steps_done),
                photos=[{"id": photo_id, "step": step} for photo_id, step in entry.photos],
                representative=entry.representative,
                signature_png=entry.signature,
                signature_sha256=entry.signature_sha256,
                complete=_complete(entry, steps),
                superseded=superseded_when(version, effective_at, published),
                device_id=entry.device_id,
                device_seq=entry.device_seq,
                occurred_at=entry.occurred_at,
                received_at=received_at,
                effective_at=effective_at,
            )
        )
        results.append(SyncResult(str(entry.id), "applied"))
    if to_store:
        ConsentRecord.objects.bulk_create(to_store)
        consent_recorded.send(sender=ConsentRecord, install_refs={record.install_ref for record in to_store})
    return results


class ConsentEvents:
    """The sync registry's kind for `consent.recorded` (installer_ops/sync.py)."""

    def apply(self, *, actor, device_id, events, received_at) -> KindOutcome:
        results = consent_records_apply(actor=actor, device_id=device_id, events=events, received_at=received_at)
        return KindOutcome(results=results)


def register() -> None:
    from installer_ops import sync

    sync.register([EVENT_TYPE], ConsentEvents())
