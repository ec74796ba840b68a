"""The tablet's outbox against a failing network and a busy server
(docs/architecture.md, Sync protocol). The service worker is blocked here so that the
test can route the sync requests (Playwright does not route requests a
worker handles); the worker's own behaviour is tested in test_tablet_offline."""

import time

import pytest
from playwright.sync_api import expect

from bootcamp import services
from bootcamp.models import CheckoffEvent, ItemState
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.tablet import Bootcamp, open_app, screenshots, status, tap

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]
SYNC = "**/api/v1/sync/"
NO_BACKGROUND_SYNC = """
  delete window.SyncManager;
  if (window.ServiceWorkerRegistration) delete ServiceWorkerRegistration.prototype.sync;
"""


@pytest.fixture
def tablet(browser, app_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, base_url=app_server.url, service_workers="block"
    )
    context.add_init_script(NO_BACKGROUND_SYNC)
    yield context
    context.close()


def check(page, *items):
    for item in items:
        tap(page, item)


def rows(b):
    return CheckoffEvent.objects.filter(enrollment=b.enrollment, actor=b.installer.user).count()


def wait_for_rows(b, expected: int, timeout: float = 15.0) -> None:
    """The status line can still show the previous sync for a moment: wait
    for the server itself to hold the rows."""
    deadline = time.monotonic() + timeout
    while rows(b) != expected:
        assert time.monotonic() < deadline, f"expected {expected} rows, found {rows(b)}"
        time.sleep(0.1)


def test_events_wait_through_server_errors_and_aborts_then_arrive_once(tablet):
    """Scenario 3."""
    b = Bootcamp()
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    attempts = []

    def failing(route):
        attempts.append(route.request.url)
        if len(attempts) <= 2:
            route.fulfill(status=500, body="boom")
        elif len(attempts) == 3:
            route.abort()
        else:
            route.continue_()

    page.route(SYNC, failing)
    check(page, *b.items[:3])
    expect(status(page)).to_contain_text("3 changes waiting to sync")
    expect(status(page)).to_contain_text("All changes synced", timeout=30_000)
    assert len(attempts) >= 4  # two 500s and an abort were retried with back-off
    assert rows(b) == 3


def test_a_lost_answer_is_retried_and_answered_duplicate(tablet):
    """Scenario 4: the server commits, the answer never arrives."""
    b = Bootcamp()
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    answers = []

    def lose_first_answer(route):
        if not answers:
            answers.append(route.fetch().json())  # reaches the server, which commits...
            route.abort()  # ...but the tablet never hears back
        else:
            response = route.fetch()
            answers.append(response.json())
            route.fulfill(response=response)

    page.route(SYNC, lose_first_answer)
    check(page, b.items[0])
    expect(status(page)).to_contain_text("1 change waiting to sync")
    deadline = time.monotonic() + 30
    while len(answers) < 2:  # route handlers run while Playwright waits
        assert time.monotonic() < deadline, "the tablet never retried"
        page.wait_for_timeout(100)
    expect(status(page)).to_contain_text("All changes synced")
    assert [r["status"] for r in answers[0]["results"]] == ["applied"]
    assert [r["status"] for r in answers[1]["results"]] == ["duplicate"]
    assert rows(b) == 1


def test_a_rejected_change_is_shown_with_its_reason_and_the_rest_sync(tablet):
    """Scenario 5."""
    b = Bootcamp()
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    needs_signoff = b.items[1]
    check(page, needs_signoff)
    wait_for_rows(b, 1)
    expect(status(page)).to_contain_text("All changes synced")
    tablet.set_offline(True)
    services.enrollment_signoff_record(actor=b.lead, enrollment=b.enrollment, item=needs_signoff, action="sign_off")
    tap(page, needs_signoff, checked=False)  # the tablet does not know yet
    check(page, b.items[0], b.items[2])
    expect(status(page)).to_contain_text("3 changes waiting to sync")
    tablet.set_offline(False)
    refused = page.get_by_role("region", name="Changes the server refused")
    expect(refused).to_contain_text(f"Unchecked “{needs_signoff.title}”: item signed off", timeout=20_000)
    expect(status(page)).to_contain_text("All changes synced")
    expect(page.get_by_label(needs_signoff.title, exact=True)).to_be_checked()
    expect(page.get_by_label(needs_signoff.title, exact=True)).to_be_disabled()
    assert ItemState.objects.get(enrollment=b.enrollment, item=needs_signoff).signed_off
    assert rows(b) == 3  # the first check and the two others; the un-check is not stored
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "tablet-checklist-installer-rejected-event.png", full_page=True)
    page.reload()
    expect(refused).to_be_visible()  # kept until dismissed
    refused.get_by_role("button", name=f"Dismiss: {needs_signoff.title}").click()
    expect(refused).to_be_hidden()


CORRUPT_EVENT = """async ([username, itemId, occurredAt]) => {
  // An event as an older or damaged app might have stored it.
  const db = await idb.openDB("installer-ops:" + username);
  const event = (await db.getAll("outbox")).find((e) => e.item === itemId);
  event.occurred_at = occurredAt;
  await db.put("outbox", event);
  db.close();
}"""


def test_an_event_refused_for_a_bad_value_shows_its_reason_and_the_events_after_it_sync(tablet):
    b = Bootcamp()
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    tablet.set_offline(True)
    check(page, *b.items[:3])
    expect(status(page)).to_contain_text("3 changes waiting to sync")
    page.evaluate(CORRUPT_EVENT, [b.installer.user.username, b.items[1].pk, "2026-02-30T10:00:00Z"])
    tablet.set_offline(False)
    refused = page.get_by_role("region", name="Changes the server refused")
    expect(refused).to_contain_text(
        f"“{b.items[1].title}”: invalid: occurred_at is not an ISO 8601 time", timeout=20_000
    )
    expect(status(page)).to_contain_text("All changes synced")
    wait_for_rows(b, 2)
    assert set(CheckoffEvent.objects.values_list("item_id", flat=True)) == {b.items[0].pk, b.items[2].pk}
    expect(page.get_by_label(b.items[1].title, exact=True)).not_to_be_checked()
    expect(page.get_by_label(b.items[2].title, exact=True)).to_be_checked()
    screenshots(page, "tablet-checklist-installer-bad-value-refused")


def fail_sync_four_times(page):
    """Abort the sync calls until four have failed. The app's back-off then
    waits at least 4 s (2^3 s halved by the jitter) before its next try, so a
    sync within 3 s of a trigger is that trigger's doing."""
    failed = []
    page.route(SYNC, lambda route: (failed.append(1), route.abort()))
    return failed


def wait_for_failures(page, failed, count=4):
    deadline = time.monotonic() + 20
    while len(failed) < count:
        assert time.monotonic() < deadline, f"only {len(failed)} sync attempts failed"
        page.wait_for_timeout(50)
    page.unroute(SYNC)


def test_without_background_sync_events_sync_on_online_on_load_and_with_sync_now(tablet):
    """Scenario 6."""
    b = Bootcamp()
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    assert page.evaluate("'SyncManager' in window") is False

    failed = fail_sync_four_times(page)
    check(page, b.items[0])
    expect(status(page)).to_contain_text("1 change waiting to sync")
    wait_for_failures(page, failed)
    tablet.set_offline(True)
    tablet.set_offline(False)  # the `online` event
    expect(status(page)).to_contain_text("All changes synced", timeout=3_000)
    assert rows(b) == 1

    failed = fail_sync_four_times(page)
    check(page, b.items[2])
    expect(status(page)).to_contain_text("1 change waiting to sync")
    wait_for_failures(page, failed)
    page.reload()  # on load
    expect(status(page)).to_contain_text("All changes synced", timeout=3_000)
    assert rows(b) == 2

    failed = fail_sync_four_times(page)
    check(page, b.items[3])
    expect(status(page)).to_contain_text("1 change waiting to sync")
    wait_for_failures(page, failed)
    page.get_by_role("button", name="Sync now").click()
    expect(status(page)).to_contain_text("All changes synced", timeout=3_000)
    assert rows(b) == 3


def test_two_tabs_syncing_at_once_store_one_row_per_event(tablet):
    """Scenario 8. Cross-tab locks are switched off so that both tabs really
    send the same events; the server must still store each once."""
    b = Bootcamp()
    tablet.add_init_script("Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });")
    first, second = tablet.new_page(), tablet.new_page()
    open_app(first, b.installer.user.username, wait_for_worker=False)
    second.goto("/app/")
    expect(status(second)).to_contain_text("All changes synced")
    tablet.route(SYNC, lambda route: route.abort())
    # The tab behind another is hidden: it draws no frames, so a tap would wait for one.
    first.bring_to_front()
    check(first, *b.items[:3])
    expect(status(first)).to_contain_text("3 changes waiting to sync")
    second.reload()
    expect(status(second)).to_contain_text("3 changes waiting to sync")  # one outbox per login, shared by tabs
    sent = []
    tablet.unroute(SYNC)
    tablet.route(SYNC, lambda route: (sent.append(route.request.post_data_json), route.continue_()))
    first.evaluate("document.getElementById('sync-now').click(); 0")
    second.evaluate("document.getElementById('sync-now').click(); 0")
    expect(status(first)).to_contain_text("All changes synced", timeout=20_000)
    expect(status(second)).to_contain_text("All changes synced", timeout=20_000)
    assert rows(b) == 3
    assert sum(len(body["events"]) for body in sent) >= 3


def test_a_lead_reopening_one_item_and_an_offline_check_of_another_both_stand(tablet):
    """Scenario 10: the lead un-checks (rejects) item A online while the
    installer, offline, checks item B."""
    b = Bootcamp()
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    item_a, item_b = b.items[1], b.items[2]
    check(page, item_a)
    wait_for_rows(b, 1)
    expect(status(page)).to_contain_text("All changes synced")
    tablet.set_offline(True)
    services.enrollment_signoff_record(
        actor=b.lead, enrollment=b.enrollment, item=item_a, action="reject", comment="Verify the checksum first"
    )
    check(page, item_b)
    expect(status(page)).to_contain_text("1 change waiting to sync")
    tablet.set_offline(False)
    expect(status(page)).to_contain_text("All changes synced")
    expect(page.get_by_label(item_a.title, exact=True)).not_to_be_checked()
    expect(page.get_by_text("Lead: Verify the checksum first")).to_be_visible()
    expect(page.get_by_label(item_b.title, exact=True)).to_be_checked()
    states = {s.item_id: s.checked for s in ItemState.objects.filter(enrollment=b.enrollment)}
    assert states == {item_a.pk: False, item_b.pk: True}


NO_PERIODIC_SYNC = """
  const setIntervalOfPage = window.setInterval;
  window.setInterval = (fn, ms, ...rest) => (ms === 30000 ? 0 : setIntervalOfPage(fn, ms, ...rest));
"""


def test_a_change_kept_while_a_sync_downloads_is_sent_by_the_next_run_not_the_next_tick(tablet):
    """A tap asks for a sync while one is still downloading the checklist
    (past its last look at the outbox): that sync runs again at once. The
    30 s tick is switched off, so only that rerun can send the change."""
    b = Bootcamp()
    tablet.add_init_script(NO_PERIODIC_SYNC)
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    held = []

    def hold(route):  # the first download waits; any later one goes through
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/v1/enrollments/**", hold)
    page.get_by_role("button", name="Sync now").click()
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "the sync never asked for the checklist"
        page.wait_for_timeout(50)
    tap(page, b.items[0])
    expect(status(page)).to_contain_text("1 change waiting to sync")
    held[0].continue_()
    expect(status(page)).to_contain_text("All changes synced", timeout=5_000)
    wait_for_rows(b, 1, timeout=5)
