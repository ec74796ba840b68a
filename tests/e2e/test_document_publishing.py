"""An administrator publishes a runbook version from the library's editor
(typing Markdown and watching the live preview) and the onboarding board
flags the kit holding the older copy for reprint. Also the library's pages
at phone, tablet and laptop widths, without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from installer_ops.roles import Role
from onboarding import library_services, services
from onboarding.demo import load_reference_data
from onboarding.models import Day1Kit, DocumentVersion, DrillScenario
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
WIDTHS = (390, 820, 1280)


@pytest.fixture
def seeded(db):
    """The reference documents, a kit holding runbook v1 and an administrator."""
    profile, (runbook_v1, _playbook_v1) = load_reference_data()
    pod = PodFactory(name="Lisbon Retail")
    installer = InstallerFactory(pod=pod, user__name="Rui Ramos")
    kit = services.kit_issue(actor=lead_of(pod), installer=installer, device_serial="NODE-LIS-1", profile=profile)
    admin = UserFactory(role=Role.ADMIN, name="Ada Admin")
    return {"admin": admin, "kit": kit, "runbook_v1": runbook_v1, "installer": installer}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def shoot(page, name: str) -> None:
    """Full-page screenshots at each width, each checked for sideways scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert no_sideways_scroll(page), f"{name} scrolls sideways at {width}px"
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_an_administrator_publishes_from_the_editor_and_the_board_flags_the_kit(page, seeded):
    log_in(page, seeded["admin"].username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    row = page.get_by_role("row").filter(has_text="Field installation runbook")
    expect(row).to_contain_text("v1")
    expect(row.get_by_role("cell").last).to_have_text("0")
    shoot(page, "library-documents-admin")

    row.get_by_role("link", name="Field installation runbook").click()
    editor = page.get_by_label("Body (Markdown)")
    expect(editor).to_have_value(seeded["runbook_v1"].body)
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("heading", name="1. Before you leave for site")).to_be_visible()

    # Typing: after a pause the server renders the preview (htmx), sanitised like the print view.
    editor.fill("# Field installation runbook\n\n## 1. Before you leave\n\n")
    editor.press("End")
    editor.type("- Check the **uplink** first\n- <script>bad()</script>Charge the tablet\n")
    expect(preview.get_by_role("heading", name="1. Before you leave", exact=True)).to_be_visible()
    expect(preview.locator("strong")).to_have_text("uplink")
    expect(preview.get_by_role("listitem")).to_have_count(2)
    expect(preview).not_to_contain_text("bad()")
    expect(preview.get_by_role("heading", name="1. Before you leave for site")).to_have_count(0)
    assert DocumentVersion.objects.filter(document__slug="field-runbook").count() == 1  # a preview publishes nothing
    shoot(page, "library-editor-admin")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Version 2 published. 1 kit holds an older copy and is flagged for reprint."
    )
    history = page.get_by_role("region", name="Version history")
    expect(history.get_by_role("link", name="Print view of v2")).to_be_visible()
    expect(history.get_by_role("link", name="Print view of v1")).to_be_visible()
    v2 = DocumentVersion.objects.get(document__slug="field-runbook", number=2)
    assert v2.body.startswith("# Field installation runbook\n\n## 1. Before you leave\n")
    assert Day1Kit.objects.get(pk=seeded["kit"].pk).reprint_needed_since == v2.published_at

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    reprints = page.get_by_role("region", name="1 kit needs a reprint")
    expect(reprints).to_contain_text("Rui Ramos")
    expect(reprints).to_contain_text("device NODE-LIS-1, runbook v1")
    page.screenshot(path=SCREENSHOTS / "onboarding-board-admin-after-publish.png", full_page=True)

    # The history links the print view of the new version, which shows what
    # was typed (fetched rather than opened: the print view carries its own
    # <style> for the PDF, which this page fixture's CSP watch would report).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    row = page.get_by_role("row").filter(has_text="Field installation runbook")
    expect(row).to_contain_text("v2")
    expect(row.get_by_role("cell").last).to_have_text("1")  # the kit still holds v1 until it is reprinted
    shoot(page, "library-documents-after-publish-admin")
    row.get_by_role("link", name="Field installation runbook").click()
    link = page.get_by_role("region", name="Version history").get_by_role("link", name="Print view of v2")
    printed = page.request.get(link.get_attribute("href"))
    assert printed.ok and "<h2>1. Before you leave</h2>" in printed.text()


def test_the_editor_previews_without_javascript(browser, live_server, seeded):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    log_in(page, seeded["admin"].username, PASSWORD)
    page.goto("/library/documents/incident-playbook/")
    page.get_by_label("Body (Markdown)").fill("# Playbook\n\n1. Stop the uplink\n")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview").get_by_role("heading", name="Playbook")).to_be_visible()
    expect(page.get_by_label("Body (Markdown)")).to_have_value("# Playbook\n\n1. Stop the uplink\n")
    assert DocumentVersion.objects.filter(document__slug="incident-playbook").count() == 1
    context.close()


def test_scenarios_and_profiles_pages_at_every_width(page, seeded):
    admin = seeded["admin"]
    services.drill_schedule(
        actor=admin,
        installer=seeded["installer"],
        scenario=DrillScenario.objects.get(code="node-offline"),
        scheduled_for=seeded["kit"].issued_at,
    )
    library_services.drill_scenario_set_active(
        actor=admin, scenario=DrillScenario.objects.get(code="storage-failure"), active=False
    )
    log_in(page, admin.username, PASSWORD)
    page.goto("/library/")
    page.get_by_role("navigation", name="Library").get_by_role("link", name="Drill scenarios").click()
    offline = page.get_by_role("row").filter(has_text="Node offline")
    expect(offline).to_contain_text("Active")
    expect(page.get_by_role("row").filter(has_text="Storage failure")).to_contain_text("Retired")
    shoot(page, "library-scenarios-admin")

    page.get_by_role("link", name="Add scenario").click()
    page.get_by_label("Code").fill("dns-outage")
    page.get_by_label("Title").fill("DNS outage")
    page.get_by_label("Description").fill("The site resolver stops answering.")
    page.get_by_label("Recovery target (minutes)").fill("0")
    page.get_by_role("button", name="Add scenario").click()
    expect(page.get_by_text("Ensure this value is greater than or equal to 1.")).to_be_visible()
    page.get_by_label("Recovery target (minutes)").fill("25")
    page.get_by_role("button", name="Add scenario").click()
    expect(page.get_by_role("status")).to_contain_text("Scenario DNS outage added.")
    page.get_by_role("button", name="Retire DNS outage").click()
    expect(page.get_by_role("status")).to_contain_text("DNS outage is retired.")

    page.get_by_role("link", name="Node offline").click()
    expect(page.get_by_text("1 drill was scheduled or run with this scenario")).to_be_visible()
    shoot(page, "library-scenario-frozen-admin")

    page.get_by_role("navigation", name="Library").get_by_role("link", name="Configuration profiles").click()
    # Wait for the new page: measuring the old one while it unloads reads no document.
    expect(page.get_by_role("heading", level=1, name="Configuration profiles")).to_be_visible()
    shoot(page, "library-profiles-admin")
    page.get_by_role("link", name="edge-node-standard").click()
    content = page.get_by_label("Canonical configuration")
    content.fill(content.input_value() + "telemetry.interval_seconds = 60\n")
    page.get_by_role("button", name="Save new version").click()
    expect(page.get_by_role("status")).to_contain_text("edge-node-standard v2 saved")
    expect(page.get_by_role("region", name="Versions").get_by_role("row")).to_have_count(3)
    shoot(page, "library-profile-admin")
    assert Day1Kit.objects.get(pk=seeded["kit"].pk).profile.version == 1
