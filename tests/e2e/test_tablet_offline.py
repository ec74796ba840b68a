"""The tablet app with no network: nothing lost, nothing counted twice."""

import pytest
from playwright.sync_api import expect

from bootcamp.models import CheckoffEvent
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.tablet import Bootcamp, open_app, persistent_context, status, tap

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]


def go_offline(context, app_server):
    app_server.stop()  # the server is gone, whatever the service worker tries
    context.set_offline(True)


def test_offline_check_offs_survive_a_reload_and_wait(browser, app_server):
    """Scenario 1."""
    b = Bootcamp()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_server.url)
    # Record that the app asks for persistent storage (the browser may still say no).
    context.add_init_script(
        "window.__persistAsked = 0; const ask = navigator.storage.persist.bind(navigator.storage);"
        "navigator.storage.persist = () => { window.__persistAsked += 1; return ask(); };"
    )
    page = context.new_page()
    open_app(page, b.installer.user.username)
    assert page.evaluate("window.__persistAsked") == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "tablet-checklist-installer-online.png", full_page=True)
    go_offline(context, app_server)
    for item in b.items[:3]:
        tap(page, item)
    expect(status(page)).to_contain_text("3 changes waiting to sync")
    # Background Sync is asked for where the browser has it (Chromium does).
    tags = page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert tags == ["installer-ops-outbox"]
    page.screenshot(path=SCREENSHOTS / "tablet-checklist-installer-offline-waiting.png", full_page=True)
    page.reload()
    for item in b.items[:3]:
        expect(page.get_by_label(item.title, exact=True)).to_be_checked()
    expect(page.get_by_label(b.items[3].title, exact=True)).not_to_be_checked()
    expect(status(page)).to_contain_text("3 changes waiting to sync")
    assert CheckoffEvent.objects.count() == 0
    context.close()


def test_waiting_changes_reach_the_server_after_a_browser_restart(playwright_instance, app_server, tmp_path):
    """Scenario 2."""
    b = Bootcamp()
    context = persistent_context(playwright_instance, tmp_path / "profile", app_server.url)
    page = context.pages[0]
    open_app(page, b.installer.user.username)
    go_offline(context, app_server)
    for item in b.items[:3]:
        tap(page, item)
    expect(status(page)).to_contain_text("3 changes waiting to sync")
    context.close()
    assert CheckoffEvent.objects.count() == 0

    app_server.start()
    context = persistent_context(playwright_instance, tmp_path / "profile", app_server.url)
    page = context.pages[0]
    page.goto("/app/")
    expect(status(page)).to_contain_text("All changes synced", timeout=20_000)
    assert CheckoffEvent.objects.filter(enrollment=b.enrollment, type="item.checked").count() == 3
    assert {e.item_id for e in CheckoffEvent.objects.all()} == {item.pk for item in b.items[:3]}
    context.close()


def test_offline_cold_start_with_every_request_blocked(playwright_instance, app_server, tmp_path):
    """Scenario 9: after one online visit, the app and the checklist load
    with the server gone, the browser offline and every request aborted."""
    b = Bootcamp()
    context = persistent_context(playwright_instance, tmp_path / "profile", app_server.url)
    open_app(context.pages[0], b.installer.user.username)
    context.close()

    app_server.stop()
    context = persistent_context(playwright_instance, tmp_path / "profile", app_server.url, offline=True)
    blocked = []
    context.route("**/*", lambda route: (blocked.append(route.request.url), route.abort()))
    page = context.pages[0]
    page.goto("/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Berlin November")
    expect(page.get_by_label(b.items[0].title, exact=True)).to_be_visible()
    expect(status(page)).to_contain_text("All changes synced")
    tap(page, b.items[0])
    expect(status(page)).to_contain_text("1 change waiting to sync")
    context.close()


def test_a_new_release_offers_a_reload_and_keeps_the_waiting_events(browser, app_server):
    """Scenario 7."""
    b = Bootcamp()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_server.url)
    page = context.new_page()
    open_app(page, b.installer.user.username)
    assert page.evaluate("caches.keys()") == ["installer-ops-shell-release-1"]

    # Events wait: the sync endpoint is unreachable for now.
    context.route("**/api/v1/sync/", lambda route: route.abort())
    for item in b.items[:2]:
        tap(page, item)
    expect(status(page)).to_contain_text("2 changes waiting to sync")

    app_server.stop()
    app_server.start(release="release-2")  # the new release is deployed
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("A new version of the app is ready.", timeout=20_000)
    expect(status(page)).to_contain_text("2 changes waiting to sync")
    assert CheckoffEvent.objects.count() == 0

    context.unroute("**/api/v1/sync/")
    with page.expect_navigation():
        banner.get_by_role("button", name="Reload").click()
    expect(status(page)).to_contain_text("All changes synced", timeout=20_000)
    assert page.evaluate("caches.keys()") == ["installer-ops-shell-release-2"]
    sw_release = page.evaluate(
        'fetch(\'/app/sw.js\').then((r) => r.text()).then((t) => t.match(/RELEASE = "([^"]+)"/)[1])'
    )
    assert sw_release == "release-2"
    assert CheckoffEvent.objects.filter(enrollment=b.enrollment).count() == 2
    context.close()
