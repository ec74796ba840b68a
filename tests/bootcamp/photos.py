"""Evidence photos for tests: small real images, a photo of an item's
current check stored as the tablet's upload would be (evidence_store), and
a world whose items ask for photos (the `camp` fixture of tests/bootcamp/)."""

import datetime
import io
import uuid

from django.utils import timezone
from PIL import Image

from bootcamp import services
from bootcamp.models import CheckoffEvent, ItemState, Program
from bootcamp.services.evidence import StoredEvidence, evidence_store
from installer_ops.roles import Role
from installer_ops.sync import sync_batch_apply
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of


def image_bytes(image_format: str = "JPEG", colour=(128, 128, 128), size=(40, 30)) -> bytes:
    """A real image of `size` in `image_format` (JPEG, PNG, WEBP)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def current_check(enrollment, item) -> CheckoffEvent:
    """The item.checked event the item's state rests on now."""
    state = ItemState.objects.get(enrollment=enrollment, item=item)
    return CheckoffEvent.objects.select_related("enrollment", "item").get(pk=state.checked_event)


def photo_for(enrollment, item, data: bytes | None = None, evidence_id: uuid.UUID | None = None) -> StoredEvidence:
    """The installer's tablet uploads a JPEG of the item's current check."""
    return evidence_store(
        actor=enrollment.installer.user,
        evidence_id=evidence_id or uuid.uuid4(),
        event=current_check(enrollment, item),
        content_type="image/jpeg",
        data=data if data is not None else image_bytes(),
    )


PHOTO_MODULES = [
    {
        "title": "Provisioning",
        "first_day": 1,
        "last_day": 5,
        "items": [
            {"title": "Photograph the serial label", "kind": "task", "needs_evidence": True},
            {"title": "Enrol a node", "kind": "practical", "needs_signoff": True, "needs_evidence": True},
            {"title": "Flash the base image", "kind": "task"},
        ],
    }
]


class EvidenceCamp:
    """Pod A (its lead, the installer, another installer of the pod) in one
    cohort; pod B (its lead, an installer) in another; an executive and an
    administrator. Items: photo only, photo and sign-off, plain."""

    def __init__(self):
        program = Program.objects.create(code="photo-bootcamp", title="Photo bootcamp")
        version = services.program_version_create(actor=None, program=program, working_days=5, modules=PHOTO_MODULES)
        services.program_version_publish(actor=None, version=version)
        self.version = version
        self.photo_item, self.signed_item, self.plain_item = list(version.modules.get().items.order_by("position"))
        self.pod_a, self.pod_b = PodFactory(name="Pod A"), PodFactory(name="Pod B")
        self.lead_a, self.lead_b = lead_of(self.pod_a), lead_of(self.pod_b)
        self.installer = InstallerFactory(pod=self.pod_a, user__name="Ines Installer")
        self.other = InstallerFactory(pod=self.pod_a, user__name="Otto Other")
        self.installer_b = InstallerFactory(pod=self.pod_b, user__name="Bea Elsewhere")
        self.executive = UserFactory(role=Role.EXECUTIVE)
        self.admin = UserFactory(role=Role.ADMIN)
        self.cohort = self.cohort_of(self.pod_a, self.lead_a, "Photo A")
        self.enrollment, self.other_enrollment = services.enrollment_bulk_create(
            actor=None, cohort=self.cohort, installers=[self.installer, self.other]
        )
        (self.enrollment_b,) = services.enrollment_bulk_create(
            actor=None, cohort=self.cohort_of(self.pod_b, self.lead_b, "Photo B"), installers=[self.installer_b]
        )

    def cohort_of(self, pod, lead, name):
        return services.cohort_create(
            actor=None,
            name=name,
            program_version=self.version,
            start_on=datetime.date(2026, 11, 2),
            lead=lead,
            pods=[pod],
            capacity=50,
        )

    def event(self, enrollment, item, type_: str = "item.checked") -> uuid.UUID:
        """The installer's tablet sends one event; its id."""
        event_id = uuid.uuid4()
        outcome = sync_batch_apply(
            actor=enrollment.installer.user,
            device_id="tablet",
            events=[
                {
                    "id": str(event_id),
                    "type": type_,
                    "enrollment": enrollment.pk,
                    "item": item.pk,
                    "occurred_at": timezone.now().isoformat(),
                }
            ],
        )
        assert [r.status for r in outcome.results] == ["applied"], outcome.results
        return event_id
