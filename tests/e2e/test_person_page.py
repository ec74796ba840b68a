"""The person page in the browser: reached from the cohort matrix, leading on
to the enrollment, readable at phone, tablet and laptop widths."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from installer_ops.audit import audit_record
from onboarding.models import Clearance
from tests.bootcamp.fixtures import tablet_check
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 820, 1280)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_from_the_matrix_to_the_person_and_on_to_the_enrollment(page, onboarding):
    o = onboarding
    o.installer.user.email = "a.very.long.address.for.wrapping@installer-ops.example"
    o.installer.user.save()
    tablet_check(o.b.enrollment, *o.b.items[:3])
    o.issue_kit(acknowledge=False)
    o.shadow(days=2, confirm=False)
    o.drill(passed=False)
    Clearance.objects.create(
        installer=o.installer,
        cleared_by=o.lead,
        cleared_at=timezone.now() - datetime.timedelta(days=500),
        valid_until=timezone.localdate() - datetime.timedelta(days=135),
    )
    name = o.installer.name

    log_in(page, o.lead.username, "pw-for-tests")
    page.goto(f"/lead/cohorts/{o.b.cohort.pk}/")
    row = page.get_by_role("table", name="Progress matrix").get_by_role("row", name=name)
    row.get_by_role("link", name=name).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    assert page.url.endswith(f"/org/installers/{o.installer.pk}/")
    expect(page.get_by_role("region", name="Record", exact=True)).to_contain_text(o.installer.employee_id)
    expect(page.get_by_role("table", name="Bootcamp", exact=True)).to_contain_text("2/5")
    expect(page.get_by_role("region", name="Day-1 kit and packet")).to_contain_text("NODE-0001")
    expect(page.get_by_role("table", name="Clearances")).to_contain_text("Expired")
    expect(page.get_by_role("link", name="Offline packet (PDF)").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"person-lead-{width}.png", full_page=True)
        assert _no_sideways_scroll(page), f"the person page scrolls sideways at {width}px"

    page.get_by_role("table", name="Bootcamp").get_by_role("link", name=o.b.cohort.name).click()
    assert page.url.endswith(f"/lead/enrollments/{o.b.enrollment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    # ... and back: the enrollment names the person, and links to them.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=name).click()
    assert page.url.endswith(f"/org/installers/{o.installer.pk}/")


def test_an_administrator_reads_the_history_at_every_width(page, onboarding):
    o = onboarding
    admin = UserFactory(role="admin", username="admin-person")
    for i in range(25):
        audit_record(actor=admin, action="update", target=o.installer, changes={"hiring_source": ("", f"referral {i}")})
    log_in(page, admin.username, "pw-for-tests")
    page.goto(f"/org/installers/{o.installer.pk}/")
    history = page.get_by_role("table", name="History")
    expect(history.get_by_role("row")).to_have_count(21)  # header + 20 on the first page
    expect(history).to_contain_text("Hiring source: — → referral 24")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"person-admin-{width}.png", full_page=True)
        assert _no_sideways_scroll(page), f"the person page scrolls sideways at {width}px"
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(page.get_by_role("table", name="History")).to_contain_text("referral 0")
