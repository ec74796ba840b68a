# Shared by the onboarding tests (registered in tests/conftest.py).
import datetime

import pytest
from django.utils import timezone

from bootcamp import services as bootcamp_services
from installer_ops.models import Level
from onboarding import services
from onboarding.demo import load_reference_data
from onboarding.models import DrillScenario
from tests.bootcamp.fixtures import tablet_check
from tests.factories import InstallerFactory


def complete_bootcamp(b, enrollment):
    """Check every item of the enrollment and sign off those that need it."""
    items = [item for module in b.version.modules.all() for item in module.items.all()]
    tablet_check(enrollment, *items)
    for item in items:
        if item.needs_signoff:
            bootcamp_services.enrollment_signoff_record(
                actor=b.lead_a, enrollment=enrollment, item=item, action="sign_off"
            )


@pytest.fixture
def onboarding(bootcamp):
    """The bootcamp fixture plus reference data, a senior mentor, and helpers
    to meet each requirement of the gate for `bootcamp.installer`."""

    class Setup:
        pass

    o = Setup()
    o.b = bootcamp
    o.installer = bootcamp.installer
    o.lead = bootcamp.lead_a
    o.profile, (o.runbook_v1, o.playbook_v1) = load_reference_data()
    o.mentor = InstallerFactory(pod=bootcamp.pod_a, level=Level.SENIOR_INSTALLER, user__name="Sam Senior")
    o.scenario = DrillScenario.objects.get(code="node-offline")

    def finish_bootcamp():
        complete_bootcamp(bootcamp, bootcamp.enrollment)

    def issue_kit(serial="NODE-0001", acknowledge=True):
        kit = services.kit_issue(actor=o.lead, installer=o.installer, device_serial=serial, profile=o.profile)
        if acknowledge:
            for version in (kit.runbook_version, kit.playbook_version):
                kit = services.kit_acknowledge(actor=o.installer.user, kit=kit, version=version)
        return kit

    def shadow(days=5, confirm=True, start=0):
        assignment = services.shadow_assign(actor=o.lead, installer=o.installer, mentor=o.mentor)
        for offset in range(start, start + days):
            day = services.shadow_day_record(
                actor=None,
                assignment=assignment,
                day=timezone.localdate() - datetime.timedelta(days=offset + 1),
                site=f"Site {offset}",
            )
            if confirm:
                services.shadow_day_confirm(actor=o.mentor.user, shadow_day=day)
        return assignment

    def drill(passed=True):
        scheduled = services.drill_schedule(
            actor=o.lead, installer=o.installer, scenario=o.scenario, scheduled_for=timezone.now()
        )
        return services.drill_record(
            actor=o.lead, drill=scheduled, passed=passed, minutes_to_recover=22 if passed else None
        )

    o.finish_bootcamp, o.issue_kit, o.shadow, o.drill = finish_bootcamp, issue_kit, shadow, drill
    return o
