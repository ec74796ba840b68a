import pytest
from django.utils import formats, timezone
from playwright.sync_api import expect

from onboarding.models import Clearance
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.e2e.tablet import PASSWORD, open_app, status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_lead_records_the_missing_drill_and_clears_from_the_board(page, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit()
    o.shadow()
    name = o.installer.name
    log_in(page, o.lead.username, "pw-for-tests")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    drill_column = page.get_by_role("region", name="Drill")
    card = drill_column.get_by_role("listitem", name=name)
    expect(card).to_contain_text("Outage drill passed: No drill run yet.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "onboarding-board-lead-before-clearance.png", full_page=True)

    expect(card.get_by_role("link", name=name)).to_have_attribute("href", f"/org/installers/{o.installer.pk}/")
    card.get_by_role("link", name="Onboarding steps").click()
    page.get_by_label("Scenario").select_option(label="Node offline")
    page.get_by_label("When").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule drill").click()
    expect(page.get_by_role("status")).to_contain_text("Drill scheduled.")
    result = page.get_by_role("form", name="Record the result of Node offline")
    result.get_by_label("Passed").check()
    result.get_by_label("Time to recover (minutes)").fill("18")
    result.get_by_role("button", name="Record result").click()
    expect(page.get_by_role("status")).to_contain_text("Drill recorded: Passed (attempt 1).")

    page.get_by_role("link", name="Onboarding").first.click()
    ready = page.get_by_role("region", name="Ready").get_by_role("listitem", name=name)
    ready.get_by_role("button", name=f"Clear {name}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{name} is cleared for independent deployment")
    expect(page.get_by_role("region", name="Cleared").get_by_role("listitem", name=name)).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "onboarding-board-lead-after-clearance.png", full_page=True)
    assert Clearance.objects.get().installer == o.installer


def test_the_installer_reads_the_runbook_on_the_tablet_offline(browser, app_server, onboarding):
    o = onboarding
    o.issue_kit(acknowledge=False)
    o.installer.user.set_password(PASSWORD)
    o.installer.user.save()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_server.url)
    page = context.new_page()
    open_app(page, o.installer.user.username)
    page.get_by_role("link", name="Runbooks").click()
    copy = page.get_by_role("region", name=f"Field installation runbook v{o.runbook_v1.number}")
    copy.get_by_role("button", name=f"I have read version {o.runbook_v1.number}").click()
    expect(copy).to_contain_text(f"You acknowledged version {o.runbook_v1.number}.")

    app_server.stop()
    context.set_offline(True)
    page.reload()
    expect(status(page)).to_contain_text("Offline")
    page.get_by_role("link", name="Runbooks").click()
    copy = page.get_by_role("region", name=f"Field installation runbook v{o.runbook_v1.number}")
    copy.get_by_text("Read", exact=True).click()
    expect(copy.get_by_role("heading", name="1. Before you leave for site")).to_be_visible()
    expect(copy).to_contain_text("They must match character for character.")
    page.get_by_role("link", name="Readiness").click()
    expect(page.get_by_role("heading", name="Ready to deploy alone?")).to_be_visible()
    kit_step = page.get_by_role("listitem").filter(has_text="Day-1 kit")
    expect(kit_step).not_to_contain_text("Done")  # the playbook is not acknowledged yet
    expect(kit_step).to_contain_text("not acknowledged")
    page.screenshot(path=SCREENSHOTS / "tablet-runbook-installer-offline.png", full_page=False)
    context.close()


def test_a_mentor_confirms_shadow_days_on_their_own_login(browser, app_server, onboarding):
    o = onboarding
    o.shadow(days=2, confirm=False)
    o.mentor.user.set_password(PASSWORD)
    o.mentor.user.save()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_server.url)
    page = context.new_page()
    open_app(page, o.mentor.user.username, wait_for_worker=False)
    page.get_by_role("link", name="Readiness").click()
    day = o.installer.shadowing.get().days.order_by("day").first()
    # The day as the pages write it ("22 Nov 2026"), not as the API sends it.
    confirm = page.get_by_role("button", name=f"Confirm {o.installer.name} on {formats.date_format(day.day)}")
    confirm.click()
    expect(confirm).to_have_count(0)
    day.refresh_from_db()
    assert day.confirmed_at is not None
    assert o.installer.shadowing.get().days.filter(confirmed_at__isnull=True).count() == 1
    context.close()
