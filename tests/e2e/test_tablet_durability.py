"""Nothing shown is ever lost: on a tablet-speed machine (Chromium's CPU
throttled eightfold), items tapped offline and followed at once by a reload,
or by the browser closing, are all still checked afterwards if they were
shown checked, and each reaches the server exactly once.

Before the app drew a tap only after its outbox write had committed, the
browser ticked the box at once: a reload right after the last tap kept two
of three items in two runs out of three, and the lost one never synced.

Each test repeats its scenario ROUNDS times with fresh data (3 in `make
test`; TABLET_DURABILITY_ROUNDS=10 for the ten-in-a-row check)."""

import os

import pytest
from playwright.sync_api import expect

from bootcamp.models import CheckoffEvent
from tests.e2e.tablet import Bootcamp, open_app, persistent_context, screenshots, status

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]
ROUNDS = int(os.environ.get("TABLET_DURABILITY_ROUNDS", "3"))
TAPS = 4
SHOWN_CHECKED = "(ids) => ids.filter((id) => document.getElementById(id)?.checked)"


def throttle(context, page, rate: int = 8) -> None:
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def box_ids(b) -> dict[str, object]:
    return {f"item-{b.enrollment.pk}-{item.pk}": item for item in b.items[:TAPS]}


def tap_quickly(page, b) -> list:
    """Tap every box without waiting for it to show, then read at once which
    boxes show checked: the ones that must survive."""
    ids = box_ids(b)
    for box_id in ids:
        page.locator(f"#{box_id}").click(no_wait_after=True)
    return [ids[box_id] for box_id in page.evaluate(SHOWN_CHECKED, list(ids))]


def assert_each_reached_the_server_once(b, shown) -> None:
    per_item = {item.pk: 0 for item in shown}
    for item_id in CheckoffEvent.objects.filter(enrollment=b.enrollment).values_list("item_id", flat=True):
        if item_id in per_item:
            per_item[item_id] += 1
    assert set(per_item.values()) <= {1}, per_item


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_reload_right_after_the_last_tap_loses_nothing_shown(browser, app_server, round_):
    b = Bootcamp()
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=app_server.url)
    page = context.new_page()
    open_app(page, b.installer.user.username)
    context.route("**/api/v1/sync/", lambda route: route.abort())  # the events wait, as offline
    throttle(context, page)
    shown = tap_quickly(page, b)
    page.reload()
    for item in shown:
        expect(page.get_by_label(item.title, exact=True)).to_be_checked()
    context.unroute("**/api/v1/sync/")
    page.get_by_role("button", name="Sync now").click()
    expect(status(page)).to_contain_text("All changes synced", timeout=30_000)
    for item in shown:
        expect(page.get_by_label(item.title, exact=True)).to_be_checked()
    assert_each_reached_the_server_once(b, shown)
    stored = set(CheckoffEvent.objects.filter(enrollment=b.enrollment).values_list("item_id", flat=True))
    assert {item.pk for item in shown} <= stored
    context.close()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_closing_the_browser_right_after_the_last_tap_loses_nothing_shown(
    playwright_instance, app_server, tmp_path, round_
):
    b = Bootcamp()
    profile = tmp_path / "profile"
    context = persistent_context(playwright_instance, profile, app_server.url)
    page = context.pages[0]
    open_app(page, b.installer.user.username)
    context.route("**/api/v1/sync/", lambda route: route.abort())
    throttle(context, page)
    shown = tap_quickly(page, b)
    context.close()

    context = persistent_context(playwright_instance, profile, app_server.url)
    page = context.pages[0]
    page.goto("/app/")
    expect(status(page)).to_contain_text("All changes synced", timeout=30_000)
    for item in shown:
        expect(page.get_by_label(item.title, exact=True)).to_be_checked()
    assert_each_reached_the_server_once(b, shown)
    context.close()


# Every IndexedDB connection the page opens, so that a test can close them
# under the app as the browser does under memory pressure; and writes to the
# outbox that fail on demand, as they do when the tablet's storage is full.
IDB_HOOKS = """
window.__idbConnections = [];
const openDb = IDBFactory.prototype.open;
IDBFactory.prototype.open = function (...args) {
  const request = openDb.apply(this, args);
  request.addEventListener("success", () => window.__idbConnections.push(request.result));
  return request;
};
window.__failOutboxWrites = null;
const put = IDBObjectStore.prototype.put;
IDBObjectStore.prototype.put = function (...args) {
  if (window.__failOutboxWrites && this.name === "outbox") throw new DOMException("refused", window.__failOutboxWrites);
  return put.apply(this, args);
};
"""


@pytest.fixture
def hooked(browser, app_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=app_server.url)
    context.add_init_script(IDB_HOOKS)
    context.route("**/api/v1/sync/", lambda route: route.abort())  # the events wait, as offline
    yield context
    context.close()


def waiting_count(page) -> int:
    return int(status(page).get_attribute("data-waiting"))


def test_a_connection_closed_under_the_app_is_reopened_and_the_tap_kept(hooked):
    b = Bootcamp()
    page = hooked.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    page.evaluate("window.__idbConnections.forEach((connection) => connection.close())")
    box = page.get_by_label(b.items[0].title, exact=True)
    box.click()
    expect(box).to_be_checked()
    expect(status(page)).to_contain_text("1 change waiting to sync")
    expect(page.get_by_role("alert")).to_be_hidden()
    page.reload()
    expect(page.get_by_label(b.items[0].title, exact=True)).to_be_checked()
    assert waiting_count(page) == 1


def test_a_tap_that_cannot_be_stored_leaves_the_item_as_it_was_and_says_why(hooked):
    b = Bootcamp()
    page = hooked.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    page.evaluate("window.__failOutboxWrites = 'QuotaExceededError'")
    box = page.get_by_label(b.items[0].title, exact=True)
    box.click()
    expect(page.get_by_role("alert")).to_contain_text("no room left to store the change, so nothing was changed")
    expect(box).not_to_be_checked()
    assert waiting_count(page) == 0
    screenshots(page, "tablet-checklist-installer-storage-full")
    page.evaluate("window.__failOutboxWrites = null")
    page.get_by_label(b.items[0].title, exact=True).click()
    expect(page.get_by_label(b.items[0].title, exact=True)).to_be_checked()
    expect(page.get_by_role("alert")).to_be_hidden()
    assert waiting_count(page) == 1
