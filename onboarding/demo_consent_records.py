"""The demo's consent records (seed_demo): for most of the field data's
installs since the consent flows were published, the record the installer's
tablet sent from the site, stored through the sync's own apply
(consent_records.consent_records_apply), up to four weeks of a tablet's
records per call, as a tablet kept offline for weeks sends them.

Most records are complete; some miss a step, the representative's signature
or the representative; after a geography's second edition was published, a
few sites were still recorded against the first (superseded). More sites
have a record, and more of them complete, as the months go by."""

import base64
import datetime
import io
import random
import uuid
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw

from installer_ops.models import Installer

from .consent_photos import consent_photo_store
from .consent_records import EVENT_TYPE, PNG_DATA_URL, consent_records_apply
from .consent_steps import consent_steps
from .models import ConsentRecord, DocumentKind, DocumentVersion

# The customer's site managers who sign, by geography code (a site keeps its representative).
REPRESENTATIVES = {
    "emea": [
        "Katrin Vogel",
        "Stefan Krüger",
        "Anja Lehmann",
        "Matthias Wolf",
        "Élodie Marchand",
        "Julien Lefèvre",
        "Nathalie Girard",
        "Carmen Ruiz Ortega",
        "Javier Molina",
        "Oliver Bennett",
        "Sabine Hoffmann",
    ],
    "na": [
        "Jennifer Morales",
        "Michael Thompson",
        "Ashley Whitaker",
        "Robert Jackson",
        "Danielle Brooks",
        "Kevin O'Brien",
        "Maria Gonzalez",
        "Tyler Simmons",
        "Geneviève Tremblay",
        "Marcus Reed",
    ],
    "apac": [
        "佐藤 美咲",
        "鈴木 健一",
        "高橋 誠",
        "田中 由美",
        "Tan Wei Ming",
        "Lim Hui Min",
        "Nur Aisyah binte Rahman",
        "Rajesh Pillai",
        "Chloe Mitchell",
        "Liam Gallagher-Reid",
    ],
}
FALLBACK_REPRESENTATIVES = ["Alex Morgan", "Sam Taylor", "Jordan Lee"]
STALE_SHARE = 0.3  # of records just after a second edition, from a tablet still on the first
STALE_DAYS = 21  # how long after a new edition a tablet may still show the one before
MINUTES_INTO_THE_VISIT = (15, 80)
# A tablet's records reach the server in one sync every this many days: one
# apply per installer and period keeps the seed fast (an apply costs a few
# queries), and the records' own times count, being within the sync's 30 days
# (bootcamp/state.py, MAX_DEVICE_BEHIND).
SYNC_DAYS = 28


@dataclass(frozen=True)
class DemoInstall:
    install_ref: str
    site: str
    employee_id: str
    first_visit: datetime.datetime


def signature_data_url(name: str) -> str:
    """A scribble in ink on a white strip, the same for the same name."""
    rng = random.Random(zlib.crc32(name.encode("utf-8")))  # noqa: S311 - a drawing, not a secret
    image = Image.new("L", (300, 90), 255)
    draw = ImageDraw.Draw(image)
    x, y = 16, rng.randint(40, 60)
    points = [(x, y)]
    while x < 250:
        x += rng.randint(5, 16)
        y = max(10, min(72, y + rng.randint(-22, 22)))
        points.append((x, y))
    draw.line(points, fill=25, width=2, joint="curve")
    start = rng.randint(20, 60)
    draw.line([(start, 80), (start + rng.randint(120, 200), 76 + rng.randint(-3, 3))], fill=25, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return PNG_DATA_URL + base64.b64encode(out.getvalue()).decode("ascii")


def _flows() -> dict[int, dict[int, dict[str, DocumentVersion]]]:
    """Every consent flow version, by geography id, number and language."""
    flows: dict[int, dict[int, dict[str, DocumentVersion]]] = {}
    for version in DocumentVersion.objects.filter(document__kind=DocumentKind.CONSENT).select_related("document"):
        numbers = flows.setdefault(version.document.geography_id, {})
        numbers.setdefault(version.number, {})[version.language] = version
    return flows


def _representative(geography_code: str, site: str) -> str:
    names = REPRESENTATIVES.get(geography_code, FALLBACK_REPRESENTATIVES)
    return names[zlib.crc32(site.encode("utf-8")) % len(names)]


class _Recorder:
    """Builds the events of the installs, a tablet per installer."""

    def __init__(self, flows, now: datetime.datetime):
        self.rng = random.Random(17)  # noqa: S311 - demo data, the same every time
        self.flows = flows
        self.now = now
        self.since = min(rows[settings.LANGUAGE_CODE].published_at for f in flows.values() for rows in f.values())
        self.devices: dict[int, str] = {}
        self.sequence: dict[int, int] = {}
        self.stale_first: set[int] = set()  # geographies whose first record after a new edition was made
        self.signatures: dict[str, str] = {}
        self.photo_ids = random.Random(29)  # noqa: S311 - demo data, the same every time

    def _number(self, numbers: dict, geography_id: int, at: datetime.datetime) -> int | None:
        """The version the tablet showed at `at`: the current one, or just
        after a new edition now and then the one before it."""
        published = sorted(
            (n, rows[settings.LANGUAGE_CODE].published_at)
            for n, rows in numbers.items()
            if rows[settings.LANGUAGE_CODE].published_at <= at
        )
        if not published:
            return None
        number, since = published[-1]
        just_replaced = number > 1 and at - since < datetime.timedelta(days=STALE_DAYS)
        if just_replaced and (geography_id not in self.stale_first or self.rng.random() < STALE_SHARE):
            self.stale_first.add(geography_id)  # the first site after it always was
            return published[-2][0]
        return number

    def event(self, install: DemoInstall, installer: Installer) -> dict | None:
        rng = self.rng
        at = install.first_visit + datetime.timedelta(minutes=rng.randint(*MINUTES_INTO_THE_VISIT))
        if at > self.now - datetime.timedelta(hours=2) or at.date() < installer.hired_on:
            return None
        if installer.left_on is not None and at.date() >= installer.left_on:
            return None
        numbers = self.flows.get(installer.pod.geography_id)
        number = numbers and self._number(numbers, installer.pod.geography_id, at)
        if not number:
            return None
        progress = (at - self.since) / (self.now - self.since)
        if rng.random() > 0.6 + 0.35 * progress:
            return None  # recorded on paper, or not at all
        rows = numbers[number]
        version = rows.get(installer.user.language) or rows[settings.LANGUAGE_CODE]
        flow_steps = consent_steps(version.body)
        steps = [step.id for step in flow_steps]
        representative = _representative(installer.pod.geography.code, install.site)
        if representative not in self.signatures:
            self.signatures[representative] = signature_data_url(representative)
        signature = self.signatures[representative]
        if rng.random() > 0.8 + 0.15 * progress:
            gap = rng.choice(["step", "step", "signature", "representative"])
            if gap == "step":
                steps.remove(rng.choice(steps[:-1]))
            else:
                signature = ""
                if gap == "representative":
                    representative = ""
        seq = self.sequence.get(installer.pk, 0) + 1
        self.sequence[installer.pk] = seq
        device = self.devices.setdefault(installer.pk, f"tablet-{uuid.UUID(int=rng.getrandbits(128), version=4)}")
        # The photo of each ticked step that asks for one (its own generator:
        # the records' other choices stay those the demo always made).
        photos = [
            {"id": str(uuid.UUID(int=self.photo_ids.getrandbits(128), version=4)), "step": step.id}
            for step in flow_steps
            if step.needs_photo and step.id in steps
        ]
        return {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "type": EVENT_TYPE,
            "photos": photos,
            "device_id": device,
            "device_seq": seq,
            "occurred_at": at.isoformat(),
            "install_id": install.install_ref,
            "flow": version.pk,
            "steps_done": steps,
            "representative": representative,
            "signature": signature,
        }


def seed_consent_records(installs: list[DemoInstall]) -> int:
    """The consent records of the installs (those of a geography with a
    consent flow, made by an installer while employed); how many were stored."""
    flows = _flows()
    if not flows:
        return 0
    now = timezone.now()
    installers = {
        i.employee_id: i
        for i in Installer.objects.filter(
            employee_id__in={i.employee_id for i in installs}, user__isnull=False
        ).select_related("user", "pod__geography")
    }
    recorder = _Recorder(flows, now)
    batches: dict[tuple[int, int], list[dict]] = {}
    for install in sorted(installs, key=lambda i: (i.first_visit, i.install_ref)):
        installer = installers.get(install.employee_id)
        event = installer and recorder.event(install, installer)
        if event:
            batches.setdefault((installer.pk, install.first_visit.toordinal() // SYNC_DAYS), []).append(event)
    by_pk = {i.pk: i for i in installers.values()}
    stored = 0
    for (installer_pk, _days), events in batches.items():
        last = max(datetime.datetime.fromisoformat(e["occurred_at"]) for e in events)
        # The sync after the period's last site, that evening or the next morning.
        received_at = min(last + datetime.timedelta(hours=recorder.rng.randint(2, 20)), now)
        installer = by_pk[installer_pk]
        results = consent_records_apply(
            actor=installer.user, device_id=events[0]["device_id"], events=events, received_at=received_at
        )
        refused = [r for r in results if r.status != "applied"]
        if refused:
            raise RuntimeError(f"The demo's consent records were refused: {refused[:3]}")
        stored += len(results)
        _send_photos(installer, events)
    return stored


def signage_jpeg() -> bytes:
    """A photograph of posted signage, as the tablet sends it (a JPEG)."""
    image = Image.new("RGB", (480, 320), (196, 203, 208))
    draw = ImageDraw.Draw(image)
    draw.rectangle([(120, 60), (360, 260)], fill=(250, 204, 21), outline=(30, 30, 30), width=6)
    draw.ellipse([(200, 100), (280, 160)], outline=(30, 30, 30), width=8)  # the camera symbol
    draw.rectangle([(170, 180), (310, 196)], fill=(30, 30, 30))
    draw.rectangle([(190, 210), (290, 222)], fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


def _send_photos(installer: Installer, events: list[dict]) -> None:
    """Each declared photo, uploaded as the tablet does once its record is stored."""
    declared = [(event, photo) for event in events for photo in event["photos"]]
    if not declared:
        return
    data = signage_jpeg()
    records = (
        ConsentRecord.objects.defer("signature_png")
        .select_related("installer")
        .in_bulk([event["id"] for event, _photo in declared])
    )
    for event, photo in declared:
        consent_photo_store(
            actor=installer.user,
            record=records[uuid.UUID(event["id"])],
            photo_id=uuid.UUID(photo["id"]),
            content_type="image/jpeg",
            data=data,
            taken_at=datetime.datetime.fromisoformat(event["occurred_at"]),
        )
