import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bootcamp import services
from bootcamp.models import Enrollment
from installer_ops.models import Stage
from tests.factories import InstallerFactory

pytestmark = pytest.mark.django_db


def test_bulk_enrolment_moves_installers_to_bootcamp(bootcamp):
    b = bootcamp
    newcomers = [InstallerFactory(pod=b.pod_a) for _ in range(3)]
    services.enrollment_bulk_create(actor=None, cohort=b.cohort, installers=newcomers)
    for installer in newcomers:
        installer.refresh_from_db()
        assert installer.stage == Stage.BOOTCAMP
    assert b.cohort.enrollments.count() == 5


def test_bulk_enrolment_is_all_or_nothing_and_lists_every_problem(bootcamp):
    b = bootcamp
    fine = InstallerFactory(pod=b.pod_a)
    foreign = InstallerFactory(pod=b.pod_b, user__name="Bo Foreign")
    cleared = InstallerFactory(pod=b.pod_a, stage=Stage.CLEARED, user__name="Cy Cleared")
    with pytest.raises(ValidationError) as exc:
        services.enrollment_bulk_create(actor=None, cohort=b.cohort, installers=[fine, foreign, cleared, b.installer])
    messages = exc.value.message_dict["installers"]
    assert len(messages) == 3
    assert any("Bo Foreign is not in one of the cohort's pods" in m for m in messages)
    assert any("Cy Cleared is at stage Cleared" in m for m in messages)
    assert any("already has an active enrollment" in m for m in messages)
    fine.refresh_from_db()
    assert fine.stage == Stage.HIRED
    assert not Enrollment.objects.filter(installer=fine).exists()


def test_bulk_enrolment_respects_capacity(bootcamp):
    b = bootcamp
    b.cohort.capacity = 3
    b.cohort.save()
    with pytest.raises(ValidationError, match="1 free places"):
        services.enrollment_bulk_create(
            actor=None, cohort=b.cohort, installers=[InstallerFactory(pod=b.pod_a) for _ in range(2)]
        )


def test_bulk_enrolment_runs_a_fixed_number_of_queries(bootcamp):
    b = bootcamp
    b.cohort.capacity = 50
    b.cohort.save()
    counts = []
    for size in (3, 12):
        installers = [InstallerFactory(pod=b.pod_a) for _ in range(size)]
        with CaptureQueriesContext(connection) as context:
            services.enrollment_bulk_create(actor=None, cohort=b.cohort, installers=installers)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts
