"""Evidence photos on the installer's tablet reach the server exactly once
whatever the network and the storage do (docs/architecture.md, Sync
protocol: evidence photos): kept through reloads and a browser restart,
sent once the check-off is acknowledged, retried with back-off, never lost
to a full storage, and sent by one tab at a time.

The four acceptance scenarios of the photos, each offline then online:
(a) test_a_photo_taken_offline_survives_a_reload_and_a_browser_restart_and_is_uploaded_once,
(b) test_an_upload_cut_half_way_is_retried_and_stored_once,
(c) test_a_server_error_on_upload_is_retried_with_back_off,
(d) test_a_full_storage_quota_is_reported_and_nothing_is_lost.
Taking, showing and refusing photos: test_tablet_photo_capture.py.

The routing tests block the service worker (Playwright does not route the
requests a worker handles); the offline test keeps it, so that the app opens
with no network at all. Photos are real JPEGs made with Pillow."""

import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from bootcamp.models import CheckoffEvent, Evidence, Item, ItemState
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.cutting_proxy import CuttingProxy
from tests.e2e.tablet import Bootcamp, open_app, persistent_context, photo_input, photo_payload, status, tap
from tests.e2e.tablet_photos import (
    EVIDENCE,
    PHOTO_HOOKS,
    SYNC,
    evidence_puts,
    photo_rows,
    stored_on_tablet,
    tablet_context,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]


@pytest.fixture
def tablet(browser, app_server):
    context = tablet_context(browser, app_server.url)
    yield context
    context.close()


def test_a_photo_taken_offline_survives_a_reload_and_a_browser_restart_and_is_uploaded_once(
    playwright_instance, app_server, tmp_path
):
    """(a) The network is gone (server stopped, browser offline); the photo
    waits with its check-off through a reload and a browser restart, then
    reaches the server exactly once."""
    b = Bootcamp(photos=True)
    item = b.items[0]
    profile = tmp_path / "profile"
    context = persistent_context(playwright_instance, profile, app_server.url)
    page = context.pages[0]
    open_app(page, b.installer.user.username)
    app_server.stop()
    context.set_offline(True)

    tap(page, item)  # takes a photo with "Take photo"
    expect(status(page)).to_contain_text("1 change waiting to sync")
    expect(photo_rows(page, item)).to_have_count(1)
    expect(photo_rows(page, item)).to_contain_text("Photo waiting: offline")
    expect(photo_rows(page, item).get_by_role("img")).to_be_visible()
    expect(page.locator("#photo-status")).to_contain_text("1 photo waiting to send.")
    page.reload()
    expect(page.get_by_label(item.title, exact=True)).to_be_checked()
    expect(photo_rows(page, item)).to_contain_text("Photo waiting")
    stored = stored_on_tablet(page, b)
    assert [(p["state"], p["attempts"], p["hasBlob"]) for p in stored["photos"]] == [("waiting", 0, True)]
    context.close()
    assert CheckoffEvent.objects.count() == 0

    app_server.start()
    context = persistent_context(playwright_instance, profile, app_server.url)
    puts = evidence_puts(context)
    page = context.pages[0]
    page.goto("/app/")
    expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=30_000)
    expect(page.locator("#photo-status")).to_contain_text(f"Photo of “{item.title}” sent.")
    event = CheckoffEvent.objects.get(enrollment=b.enrollment, item=item)
    evidence = Evidence.objects.get()
    assert (evidence.event_id, evidence.content_type) == (event.pk, "image/jpeg")
    with evidence.file.open("rb") as handle, Image.open(handle) as image:
        assert max(image.size) == 1600  # shrunk from 2400 px in the browser
    assert ItemState.objects.get(enrollment=b.enrollment, item=item).evidence_received
    # Sent: the bytes left the tablet, a small record stays to say so.
    stored = stored_on_tablet(page, b)
    assert [(p["state"], p["hasBlob"], p["id"]) for p in stored["photos"]] == [("stored", False, str(evidence.pk))]
    page.reload()
    expect(photo_rows(page, item)).to_contain_text("Photo sent")
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#sync-result")).to_contain_text("Nothing to send")
    assert puts == [201]  # exactly one upload reached the server
    assert Evidence.objects.count() == 1
    context.close()


def answered(proxy, count: int) -> list[tuple]:
    """What the proxy did to each upload and the server's answer, once `count`
    have been answered (the server answers a cut upload to no one: the test
    waits for it rather than for a time)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seen = [(record["action"], record.get("answer")) for record in proxy.seen]
        if len(seen) == count and all(answer for _action, answer in seen):
            return seen
        time.sleep(0.05)
    return [(record["action"], record.get("answer")) for record in proxy.seen]


def test_an_upload_cut_half_way_is_retried_and_stored_once(browser, app_server):
    """(b) The connection drops half-way through the upload: the server reads
    half the photo (and refuses it, 400), the tablet hears nothing and
    retries. The next upload arrives whole and is stored, but its answer is
    lost: the tablet retries again, is answered 200, and shows the photo
    sent. One photo on the server, byte for byte the one the tablet sent."""
    b = Bootcamp(photos=True)
    item = b.items[0]
    proxy = CuttingProxy(app_server.port)
    context = tablet_context(browser, proxy.url)
    try:
        page = context.new_page()
        open_app(page, b.installer.user.username, wait_for_worker=False)
        proxy.plan = ["cut", "lose the answer"]
        tap(page, item)
        expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=20_000)
        assert answered(proxy, 3) == [("cut", 400), ("lose the answer", 201), ("pass", 200)]
        cut = proxy.seen[0]
        assert 0 < cut["forwarded"] < cut["length"]
        photo = (cut["length"], cut["sha256"])
        assert {(r["length"], r["sha256"]) for r in proxy.seen} == {photo}  # the same photo each time
        evidence = Evidence.objects.get()
        assert (evidence.enrollment_id, (evidence.size, evidence.sha256)) == (b.enrollment.pk, photo)
        assert [r["attempts"] for r in page.evaluate("window.__photoRetries")] == [1, 2]
        stored = stored_on_tablet(page, b)
        assert [(p["state"], p["hasBlob"]) for p in stored["photos"]] == [("stored", False)]
    finally:
        context.close()
        proxy.close()


def test_a_server_error_on_upload_is_retried_with_back_off(tablet):
    """(c) Two 503s, then the server answers: each retry waits longer than
    the one before (photos.js plans base x 2^(n-1), with jitter in [1/2, 1])."""
    b = Bootcamp(photos=True)
    item = b.items[0]
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    arrivals = []

    def busy_twice(route):
        arrivals.append(time.monotonic())
        if len(arrivals) <= 2:
            route.fulfill(status=503, content_type="text/plain", body="busy")
        else:
            route.continue_()

    tablet.route(EVIDENCE, busy_twice)
    tap(page, item)
    expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=20_000)
    retries = page.evaluate("window.__photoRetries")
    assert [r["attempts"] for r in retries] == [1, 2]
    first, second = (r["delay"] / 1000 for r in retries)
    assert 0.2 <= first <= 0.4 <= second <= 0.8, retries
    assert second > first
    # Each retry waited at least what was planned (timers never fire early).
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert len(gaps) == 2
    assert gaps[0] >= first - 0.02 and gaps[1] >= second - 0.02, (gaps, retries)
    stored = stored_on_tablet(page, b)
    assert [(p["state"], p["attempts"]) for p in stored["photos"]] == [("stored", 2)]
    assert Evidence.objects.filter(enrollment=b.enrollment).count() == 1


def noise_photo() -> dict:
    """A photo that stays large after shrinking (random pixels barely compress)."""
    import io
    import os

    image = Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return {"name": "noise.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_a_full_storage_quota_is_reported_and_nothing_is_lost(playwright_instance, app_server, tmp_path):
    """(d) A check-off and a photo wait on the tablet; the browser restarts
    with the origin's quota cut to what is stored plus 400 kB (Chromium
    applies Storage.overrideQuotaForOrigin to storage opened after it). A
    photo that does not fit is refused when written, and one the estimate
    says will not fit is refused before: the installer is told, nothing is
    checked, what waited is intact, and it is all sent afterwards."""
    b = Bootcamp(photos=True)
    photo_item, plain, second = b.items[0], b.items[3], b.items[2]
    Item.objects.filter(pk=second.pk).update(needs_evidence=True)
    second.needs_evidence = True
    profile = tmp_path / "profile"
    context = persistent_context(playwright_instance, profile, app_server.url, service_workers="block")
    context.add_init_script(PHOTO_HOOKS)
    page = context.pages[0]
    open_app(page, b.installer.user.username, wait_for_worker=False)
    context.route(SYNC, lambda route: route.abort())  # the events wait, as offline
    tap(page, plain)
    tap(page, photo_item)
    expect(status(page)).to_contain_text("2 changes waiting to sync")
    before = stored_on_tablet(page, b)
    assert (before["outbox"], [p["state"] for p in before["photos"]]) == (2, ["waiting"])
    usage = page.evaluate("navigator.storage.estimate().then((e) => e.usage)")
    context.close()

    context = persistent_context(playwright_instance, profile, app_server.url, service_workers="block")
    context.add_init_script(PHOTO_HOOKS)
    context.route(SYNC, lambda route: route.abort())
    page = context.pages[0]
    cdp = context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": app_server.url, "quotaSize": usage + 400_000})
    page.goto("/app/")
    expect(page.get_by_label(photo_item.title, exact=True)).to_be_checked()
    alert = page.locator("#save-problem")

    photo_input(page, second).set_input_files(noise_photo())  # about 1.4 MB once shrunk: over the quota
    expect(alert).to_contain_text("The tablet is out of space: send waiting photos before taking more.")
    expect(page.get_by_label(second.title, exact=True)).not_to_be_checked()
    expect(status(page)).to_contain_text("2 changes waiting to sync")
    assert stored_on_tablet(page, b) == before  # the failed write left no trace and took nothing away
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "tablet-photo-out-of-space-1280.png")

    # Chromium's estimate() does not report the overridden quota: say it as a nearly full tablet would.
    page.evaluate("navigator.storage.estimate = () => Promise.resolve({ quota: 5e8, usage: 5e8 - 1e6 })")
    page.evaluate("document.getElementById('save-problem').hidden = true")
    photo_input(page, second).set_input_files(photo_payload())
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("The tablet is out of space")
    expect(page.get_by_label(second.title, exact=True)).not_to_be_checked()
    assert stored_on_tablet(page, b) == before
    # Known to be short of space, the tablet does not even open the camera.
    page.evaluate("document.getElementById('save-problem').hidden = true")
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.get_by_label(second.title, exact=True).click()
    expect(alert).to_contain_text("The tablet is out of space")
    expect(page.get_by_label(second.title, exact=True)).not_to_be_checked()
    assert choosers == []

    page.reload()
    for item in (plain, photo_item):
        expect(page.get_by_label(item.title, exact=True)).to_be_checked()
    expect(photo_rows(page, photo_item)).to_contain_text("Photo waiting")
    context.unroute(SYNC)
    page.get_by_role("button", name="Sync now").click()
    expect(status(page)).to_contain_text("All changes synced", timeout=20_000)
    expect(photo_rows(page, photo_item)).to_contain_text("Photo sent", timeout=20_000)
    assert set(CheckoffEvent.objects.filter(enrollment=b.enrollment).values_list("item_id", flat=True)) == {
        plain.pk,
        photo_item.pk,
    }
    assert Evidence.objects.filter(enrollment=b.enrollment, item=photo_item).count() == 1
    context.close()


def test_two_tabs_send_a_photo_once_and_both_show_it_sent(tablet):
    """The first tab's upload is held in flight while the second tab syncs:
    the second does not send it too (the Web Lock, the photo's state). The
    second shows it sending, then sent, as soon as the first does: the first
    tells it (BroadcastChannel), well before the second's own 30 s sync."""
    b = Bootcamp(photos=True)
    item = b.items[0]
    first = tablet.new_page()
    open_app(first, b.installer.user.username, wait_for_worker=False)
    second = tablet.new_page()
    second.goto("/app/")
    expect(status(second)).to_contain_text("Last sync")
    held, puts = [], []
    # Held from the start: a sync of either tab may send the check-off as
    # soon as the sync route is lifted, and its photo right after.
    tablet.route(EVIDENCE, lambda route: (puts.append(route.request.url), held.append(route)))
    tablet.route(SYNC, lambda route: route.abort())
    tap(first, item)
    tablet.unroute(SYNC)
    first.get_by_role("button", name="Sync now").click()
    for page in (first, second):
        expect(photo_rows(page, item)).to_contain_text("Sending photo…", timeout=10_000)
    second.get_by_role("button", name="Sync now").click()
    expect(second.locator("#sync-result")).to_contain_text("Nothing to send")
    expect(photo_rows(second, item)).to_contain_text("Sending photo…")
    assert len(puts) == 1
    held[0].continue_()
    for page in (first, second):
        expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=10_000)
    assert len(puts) == 1
    assert Evidence.objects.count() == 1
