"""The program builder in the browser: a lead adds an item to the default
program as a new version, publishes it, starts a cohort on it and enrols an
installer, whose tablet then shows the new item."""

import json

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from bootcamp import services
from bootcamp.models import CheckoffEvent, Item, ProgramVersion
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.e2e.tablet import PASSWORD, open_app, tap
from tests.factories import InstallerFactory, PodFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NEW_ITEM = "Photograph the rack before leaving the site"
FIRST_MODULE = "Device provisioning and secure enrollment"


def screenshots(page, name: str) -> None:
    """Full page at a phone's, a tablet's and a laptop's width; nothing may
    scroll sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 820, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_lead_publishes_a_new_item_and_the_installers_tablet_shows_it(page, browser, live_server):
    spec = json.loads((settings.BASE_DIR / "fixtures" / "program_default.json").read_text())
    v1 = services.program_load(actor=None, **spec)
    pod = PodFactory(name="Berlin Retail")
    lead = lead_of(pod, password=PASSWORD, name="Lena Lead")
    installer = InstallerFactory(pod=pod, user__name="Nia Tablet", user__password=PASSWORD)

    log_in(page, lead.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs")
    page.get_by_role("table", name="Versions of Field installer bootcamp").get_by_role("link", name="v1").click()
    expect(page.get_by_role("button", name="Add module")).to_have_count(0)  # published: read-only
    page.get_by_role("button", name="Edit as a new draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Field installer bootcamp, version 2")
    expect(page.get_by_role("status")).to_contain_text("Version 2 is a draft copy of version 1")

    # A day range outside the working days is refused under its field.
    page.get_by_label("Module title").fill("Night shift")
    page.get_by_label("First working day").fill("9")
    page.get_by_label("Last working day").fill("12")
    page.get_by_role("button", name="Add module").click()
    expect(page.locator("#id_last_day_error")).to_have_text("The program has 10 working days.")

    page.get_by_role("link", name=f"Add item to {FIRST_MODULE}").click()
    page.get_by_role("button", name="Add item").click()  # empty title: refused by the field
    expect(page.locator("#id_title_error")).to_have_text("This field is required.")
    page.get_by_label("Item title").fill(NEW_ITEM)
    page.get_by_label("Kind").select_option(label="Task")
    page.get_by_label("Instructions").fill("One photo of the closed rack with the node's status light visible.")
    page.get_by_label("Needs a photo as evidence").check()
    page.get_by_role("button", name="Add item").click()
    item = page.get_by_role("listitem", name=NEW_ITEM)
    expect(item).to_contain_text("Photo evidence")

    # Reordering without dragging: one place up, swapped in by htmx.
    draft = ProgramVersion.objects.get(program=v1.program, number=2)
    new_item = Item.objects.get(module__version=draft, title=NEW_ITEM)
    assert (new_item.position, new_item.needs_evidence) == (9, True)
    first_module_items = page.locator(f"#module-{new_item.module_id} .pb-item")
    expect(first_module_items.nth(8)).to_have_id(f"item-{new_item.pk}")
    page.evaluate("window.__marker = 'no reload'")
    item.get_by_role("button", name=f"Move {NEW_ITEM} up").click()
    expect(first_module_items.nth(7)).to_have_id(f"item-{new_item.pk}")
    assert page.evaluate("window.__marker") == "no reload"
    new_item.refresh_from_db()
    assert new_item.position == 8
    page.reload()
    screenshots(page, "program-editor-lead")

    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish version 2?")
    expect(page.get_by_role("main")).to_contain_text("items: 1 added, 0 removed, 0 changed, 0 moved")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 is published")
    draft.refresh_from_db()
    assert draft.is_published

    page.get_by_role("link", name="Compare versions").click()
    expect(page.get_by_label("Compare version")).to_have_value("1")
    expect(page.get_by_label("with version")).to_have_value("2")
    diff = page.get_by_role("region", name="Version 1 beside version 2")
    expect(diff.get_by_role("listitem").filter(has_text=NEW_ITEM)).to_contain_text("Added")
    screenshots(page, "program-diff-lead")

    # A cohort on the new version, with the installer enrolled.
    page.goto("/lead/cohorts/new/")
    page.get_by_label("Name").fill("Berlin January")
    page.get_by_label("Program").select_option(label="Field installer bootcamp (v2)")
    page.get_by_label("Starts on").fill(timezone.localdate().isoformat())
    page.get_by_label("Berlin Retail").check()
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_label("Nia Tablet").check()
    page.get_by_role("button", name="Enrol selected").click()
    expect(page.get_by_role("status")).to_contain_text("1 installer enrolled.")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page.get_by_role("main")).to_contain_text("Berlin January")
    screenshots(page, "program-list-lead")

    tablet = browser.new_context(
        viewport={"width": 1280, "height": 800}, base_url=live_server.url, service_workers="block"
    )
    try:
        tablet_page = tablet.new_page()
        open_app(tablet_page, installer.user.username, wait_for_worker=False)
        expect(tablet_page.get_by_label(NEW_ITEM, exact=True)).to_be_visible()
        tap(tablet_page, new_item)
        expect(tablet_page.get_by_role("status")).to_contain_text("All changes synced")
    finally:
        tablet.close()
    assert CheckoffEvent.objects.filter(item=new_item, actor=installer.user).count() == 1
