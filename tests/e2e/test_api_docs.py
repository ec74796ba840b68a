"""The API reference (/api/docs/) in Chromium: the contents lead to an
operation and unfold it, a schema link lands on its component, everything
unfolded is axe-clean and fits 390, 820 and 1280 px, and print shows what
the screen folds. The page is also walked by test_every_page.py."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SIDEWAYS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
SHOTS = SCREENSHOTS / "api-docs"


def in_view(locator) -> bool:
    return locator.evaluate("(e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")


def test_the_contents_lead_to_the_sync_operation_and_a_schema_link_to_its_component(page):
    admin = UserFactory(role="admin", password="admin-browser-pass")
    log_in(page, admin.username, "admin-browser-pass")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API docs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API reference")

    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="POST /api/v1/sync/").click()
    operation = page.get_by_role("article", name="POST /api/v1/sync/")
    expect(page).to_have_url(re.compile(r"#op-sync_create$"))
    # Following the link unfolded the operation: its request fields show.
    for field in ("device_id", "sent_at", "events"):
        expect(operation.locator("li > code", has_text=field)).to_be_visible()
    expect(operation.get_by_text("at most 500 items")).to_be_visible()

    operation.get_by_role("link", name="SyncResponse").click()
    component = page.get_by_role("article", name="SyncResponse")
    expect(page).to_have_url(re.compile(r"#schema-SyncResponse$"))
    assert in_view(component.get_by_role("heading", name="SyncResponse"))
    expect(component.locator("li > code", has_text="results")).to_be_visible()
    # A field that is another component links to it in turn.
    component.get_by_role("link", name="SyncResult").click()
    expect(page.get_by_role("article", name="SyncResult").locator("li > code", has_text="status")).to_be_visible()

    # A folded card opens and closes from the keyboard.
    folded = page.get_by_role("article", name="GET /api/v1/me/").locator("summary")
    folded.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("article", name="GET /api/v1/me/").get_by_role("heading", name="Responses")).to_be_visible()


def test_everything_unfolded_is_axe_clean_and_fits_every_width(page):
    admin = UserFactory(role="admin", password="admin-browser-pass")
    log_in(page, admin.username, "admin-browser-pass")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto("/api/docs/")
    page.get_by_role("button", name="Expand all").click()
    expect(page.locator("details.api-more:not([open])")).to_have_count(0)
    assert describe(axe_violations(page)) == []
    for width in (1280, 820, 390):
        page.set_viewport_size({"width": width, "height": 900})
        scroll_width, inner_width = page.evaluate(SIDEWAYS)
        assert scroll_width <= inner_width, f"{width}px: {scroll_width}px wide"
        for anchor in ("op-installers_list", "op-sync_create", "errors"):
            page.locator(f"#{anchor}").evaluate("(e) => e.scrollIntoView()")
            page.screenshot(path=SHOTS / f"{anchor}-{width}.png")
    page.get_by_role("button", name="Collapse all").click()
    expect(page.locator("details.api-more[open]")).to_have_count(0)


def test_print_shows_what_the_screen_folds(page):
    page.goto("/api/docs/")
    fields = page.get_by_role("article", name="POST /api/v1/sync/").locator("li > code", has_text="device_id")
    expect(fields).to_be_hidden()
    page.emulate_media(media="print")
    expect(fields).to_be_visible()
    expect(page.get_by_role("button", name="Expand all")).to_be_hidden()
