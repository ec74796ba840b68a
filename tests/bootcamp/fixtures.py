# Shared by the bootcamp and integration tests (registered in tests/conftest.py).
import datetime
import uuid

import pytest
from django.utils import timezone

from bootcamp import services
from bootcamp.models import Program
from installer_ops.sync import sync_batch_apply
from tests.factories import InstallerFactory, PodFactory, lead_of

MODULES = [
    {
        "title": "Device provisioning",
        "first_day": 1,
        "last_day": 3,
        "items": [
            {"title": "Flash the base image", "kind": "task"},
            {"title": "Enrol a node with its certificate", "kind": "practical", "needs_signoff": True},
            {"title": "Secure enrolment quiz", "kind": "knowledge_check"},
        ],
    },
    {
        "title": "On-device testing",
        "first_day": 4,
        "last_day": 6,
        "items": [
            {"title": "Verify face redaction", "kind": "practical", "needs_signoff": True},
            {"title": "Set a region of interest", "kind": "task"},
        ],
    },
]


@pytest.fixture
def bootcamp(db):
    """A published two-module program, a cohort in pod A with two enrolled
    installers, and an installer of pod B enrolled elsewhere."""

    class B:
        pass

    b = B()
    program = Program.objects.create(code="field-bootcamp", title="Field bootcamp")
    b.version = services.program_version_create(actor=None, program=program, working_days=10, modules=MODULES)
    services.program_version_publish(actor=None, version=b.version)
    b.pod_a, b.pod_b = PodFactory(), PodFactory()
    b.lead_a = lead_of(b.pod_a)
    b.lead_b = lead_of(b.pod_b)
    b.cohort = services.cohort_create(
        actor=None,
        name="November A",
        program_version=b.version,
        start_on=datetime.date(2026, 11, 2),
        lead=b.lead_a,
        pods=[b.pod_a],
        capacity=10,
    )
    b.installer, b.other = InstallerFactory(pod=b.pod_a), InstallerFactory(pod=b.pod_a)
    b.enrollment, b.other_enrollment = services.enrollment_bulk_create(
        actor=None, cohort=b.cohort, installers=[b.installer, b.other]
    )
    b.items = list(b.version.modules.first().items.all()) + list(b.version.modules.last().items.all())
    return b


def tablet_check(enrollment, *items, device_id: str = "tablet"):
    """The installer's tablet checks these items off now, through the sync service."""
    return sync_batch_apply(
        actor=enrollment.installer.user,
        device_id=device_id,
        events=[
            {
                "id": str(uuid.uuid4()),
                "type": "item.checked",
                "enrollment": enrollment.pk,
                "item": item.pk,
                "occurred_at": timezone.now().isoformat(),
            }
            for item in items
        ],
    )
