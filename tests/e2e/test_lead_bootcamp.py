import json

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from bootcamp import services
from bootcamp.models import CheckoffEvent, Enrollment
from tests.bootcamp.fixtures import tablet_check
from tests.bootcamp.photos import photo_for
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory, PodFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-browser-test-pass"  # noqa: S105


def test_lead_runs_a_cohort_in_the_browser(page):
    spec = json.loads((settings.BASE_DIR / "fixtures" / "program_default.json").read_text())
    version = services.program_load(actor=None, **spec)
    pod = PodFactory(name="Berlin Retail")
    lead = lead_of(pod, password=PASSWORD, name="Lena Lead")
    names = ["Amara Okafor", "Jonas Becker", "Priya Raman"]
    for name in names:
        InstallerFactory(pod=pod, user__name=name)
    InstallerFactory(pod=pod, user__name="Not Chosen")

    log_in(page, lead.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Berlin December")
    page.get_by_label("Program").select_option(label=f"Field installer bootcamp (v{version.number})")
    page.get_by_label("Starts on").fill(timezone.localdate().isoformat())
    page.get_by_label("Berlin Retail").check()
    page.get_by_role("button", name="Create cohort").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enrol installers in Berlin December")
    for name in names:
        page.get_by_label(name).check()
    page.get_by_role("button", name="Enrol selected").click()
    expect(page.get_by_role("status")).to_contain_text("3 installers enrolled.")
    matrix = page.get_by_role("table", name="Progress matrix")
    expect(matrix.get_by_role("row")).to_have_count(4)  # header + 3

    # Amara's tablet checks off the first two items of module 1.
    enrollment = Enrollment.objects.get(installer__user__name="Amara Okafor")
    items = list(version.modules.get(position=1).items.order_by("position"))[:2]
    tablet_check(enrollment, *items)
    photo_for(enrollment, items[0])  # the first item asks for a photo: its upload has arrived
    page.reload()
    row = matrix.get_by_role("row", name="Amara Okafor")
    expect(row).to_contain_text("1 to sign off")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "progress-matrix-lead.png", full_page=True)

    # The name opens the person page; each cell opens the enrollment at its module.
    expect(row.get_by_role("link", name="Amara Okafor")).to_have_attribute(
        "href", f"/org/installers/{enrollment.installer_id}/"
    )
    row.get_by_role("cell").nth(1).get_by_role("link").click()
    card = page.get_by_role("listitem", name=items[1].title)
    expect(card).to_contain_text("Awaiting sign-off")
    url_before = page.url
    page.evaluate("window.__marker = 'no reload'")
    card.get_by_role("button", name="Sign off").click()
    expect(card).to_contain_text("Signed off")
    assert page.evaluate("window.__marker") == "no reload"  # htmx swapped the card, the page stayed
    assert page.url == url_before
    assert CheckoffEvent.objects.filter(type="item.signed_off", actor=lead).count() == 1

    page.get_by_role("link", name="Berlin December").click()
    row = page.get_by_role("table", name="Progress matrix").get_by_role("row", name="Amara Okafor")
    expect(row).not_to_contain_text("to sign off")
    expect(row.get_by_role("cell").nth(1)).to_contain_text("25%")  # module 1: 2 of 8 items done
    page.get_by_role("link", name="Cohorts").first.click()
    expect(page.get_by_role("heading", level=1, name="Cohorts")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "cohort-list-lead.png", full_page=True)
