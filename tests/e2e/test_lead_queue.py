"""The lead's queue in the browser: five sign-offs in one go, and the page at
a phone's, a tablet's and a laptop's width."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from bootcamp import services as bootcamp_services
from bootcamp.models import ItemState, Program
from installer_ops.models import AuditEntry, Level
from onboarding.demo import load_reference_data
from onboarding.models import Clearance, Day1Kit, DrillScenario, OutageDrill, ShadowAssignment, ShadowDay
from tests.bootcamp.fixtures import tablet_check
from tests.bootcamp.photos import photo_for
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory, PodFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-browser-test-pass"  # noqa: S105
NAMES = ["Amara Okafor", "Jonas Becker", "Priya Raman"]
MODULES = [
    {
        "title": "Device provisioning and secure enrollment",
        "first_day": 1,
        "last_day": 3,
        "items": [
            {"title": "Flash the base image", "kind": "task"},
            {
                "title": "Enrol a node with its device certificate",
                "kind": "practical",
                "needs_signoff": True,
                "needs_evidence": True,
            },
            {"title": "Verify face redaction on a live stream", "kind": "practical", "needs_signoff": True},
        ],
    }
]


def a_lead_with_a_full_queue():
    program = Program.objects.create(code="field-bootcamp", title="Field installer bootcamp")
    version = bootcamp_services.program_version_create(actor=None, program=program, working_days=10, modules=MODULES)
    bootcamp_services.program_version_publish(actor=None, version=version)
    version.refresh_from_db()
    items = list(version.modules.get().items.order_by("position"))
    pod = PodFactory(name="Berlin Retail")
    lead = lead_of(pod, password=PASSWORD, name="Lena Lead")
    installers = [InstallerFactory(pod=pod, user__name=name) for name in NAMES]
    cohort = bootcamp_services.cohort_create(
        actor=None,
        name="Berlin December",
        program_version=version,
        start_on=timezone.localdate(),
        lead=lead,
        pods=[pod],
        capacity=12,
    )
    enrollments = bootcamp_services.enrollment_bulk_create(actor=None, cohort=cohort, installers=installers)
    for enrollment in enrollments:
        tablet_check(enrollment, items[1], items[2])
        photo_for(enrollment, items[1])  # the enrolment needs a photo: its upload has arrived

    # One of each onboarding task, for the screenshots.
    profile, (runbook, playbook) = load_reference_data()
    now = timezone.now()
    mentor = InstallerFactory(pod=pod, level=Level.SENIOR_INSTALLER, user__name="Sam Senior")
    onboarding = InstallerFactory(pod=pod, user__name="Noor Haddad")
    assignment = ShadowAssignment.objects.create(installer=onboarding, mentor=mentor, assigned_by=lead)
    ShadowDay.objects.create(assignment=assignment, day=timezone.localdate(), site="Kaufhaus Mitte, loading bay")
    OutageDrill.objects.create(
        installer=onboarding,
        scenario=DrillScenario.objects.get(code="node-offline"),
        scheduled_for=now - datetime.timedelta(days=1),
        run_by=lead,
    )
    Day1Kit.objects.create(
        installer=onboarding,
        device_serial="NODE-0042",
        profile=profile,
        runbook_version=runbook,
        playbook_version=playbook,
        issued_by=lead,
        issued_at=now,
        reprint_needed_since=now,
    )
    Clearance.objects.create(
        installer=mentor, cleared_by=lead, cleared_at=now, valid_until=timezone.localdate() + datetime.timedelta(days=9)
    )
    return lead, items, enrollments


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_lead_signs_off_five_items_in_one_go_from_the_queue(page):
    assert connection.vendor == "postgresql", "run the browser tests on PostgreSQL"
    lead, items, enrollments = a_lead_with_a_full_queue()
    log_in(page, lead.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your queue")
    signoffs = page.get_by_role("region", name="Sign-offs awaiting you")
    expect(signoffs.get_by_role("checkbox", name="Sign off", exact=False)).to_have_count(6)
    expect(signoffs.get_by_role("heading", name="Sign-offs awaiting you")).to_contain_text("6")
    # Each enrolment's photo as a thumbnail that loads, linking to the full photo.
    photos = signoffs.get_by_role("link", name=f"Photo of “{items[1].title}” taken", exact=False)
    expect(photos).to_have_count(3)
    photo = photos.first.get_by_role("img")
    expect(photo).to_have_attribute("src", photos.first.get_attribute("href"))
    # Wait for the load to finish (complete), then ask whether the image decoded.
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0, "the photo did not load"
    expect(page.get_by_role("region", name="Drills to run")).to_contain_text("Overdue")
    expect(signoffs.get_by_role("link", name="Amara Okafor")).to_have_attribute(
        "href", f"/org/installers/{enrollments[0].installer_id}/"
    )

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 820, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert no_sideways_scroll(page), f"sideways scroll at {width} px"
        page.screenshot(path=SCREENSHOTS / f"lead-queue-lead-{width}.png", full_page=True)

    # Amara's group at once, Jonas's two one by one, and one of Priya's: five.
    signoffs.get_by_role("checkbox", name="Select all of Amara Okafor").check()
    for item in items[1:]:
        signoffs.get_by_role("checkbox", name=f"Sign off “{item.title}” for Jonas Becker").check()
    signoffs.get_by_role("checkbox", name=f"Sign off “{items[2].title}” for Priya Raman").check()
    expect(signoffs.get_by_role("checkbox", name="Select all of Jonas Becker")).to_be_checked()
    signoffs.get_by_role("button", name="Sign off selected").click()

    expect(page.get_by_role("status")).to_contain_text("5 items signed off.")
    signoffs = page.get_by_role("region", name="Sign-offs awaiting you")
    remaining = signoffs.get_by_role("checkbox", name="Sign off", exact=False)
    expect(remaining).to_have_count(1)
    expect(remaining).to_have_accessible_name(f"Sign off “{items[1].title}” for Priya Raman")
    expect(signoffs.get_by_role("heading", name="Sign-offs awaiting you")).to_contain_text("1")
    page.screenshot(path=SCREENSHOTS / "lead-queue-lead-after-bulk.png", full_page=True)

    assert ItemState.objects.filter(signed_off=True).count() == 5
    assert AuditEntry.objects.filter(action="sign_off", actor=lead).count() == 5
