"""Evidence photos on the installer's tablet (docs/architecture.md, Sync
protocol: evidence photos): taken offline with the check-off, kept through
reloads and a browser restart, sent once the check-off is acknowledged,
exactly once whatever the network does, retried with back-off, refused with
a reason the installer reads, and never lost to a full storage.

The routing tests block the service worker (Playwright does not route the
requests a worker handles); the offline test keeps it, so that the app opens
with no network at all. Photos are real JPEGs made with Pillow."""

import time
import uuid

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from bootcamp.models import CheckoffEvent, Evidence, Item, ItemState
from tests.bootcamp.fixtures import tablet_check
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.tablet import Bootcamp, open_app, persistent_context, photo_input, photo_payload, status, tap

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]
SYNC = "**/api/v1/sync/"
EVIDENCE = "**/api/v1/evidence/*"
# A short back-off for the tests (photos.js reads it), and every retry it plans.
PHOTO_HOOKS = """
window.InstallerPhotosSettings = { baseMs: 400, capMs: 5000 };
window.__photoRetries = [];
window.addEventListener("installer-ops:photo-retry", (event) => window.__photoRetries.push(event.detail));
"""
PHOTOS_IN_IDB = """async (username) => {
  const db = await idb.openDB("installer-ops:" + username);
  const photos = await db.getAll("photos");
  const outbox = await db.getAll("outbox");
  db.close();
  return { photos: photos.map((p) => ({ id: p.id, state: p.state, attempts: p.attempts, hasBlob: !!p.blob,
                                        event_id: p.event_id, reason: p.reason })),
           outbox: outbox.length };
}"""


@pytest.fixture
def tablet(browser, app_server):
    context = browser.new_context(
        viewport={"width": 820, "height": 1180}, base_url=app_server.url, service_workers="block"
    )
    context.add_init_script(PHOTO_HOOKS)
    yield context
    context.close()


def photo_rows(page, item):
    return page.get_by_role("list", name=f"Photos of “{item.title}”").get_by_role("listitem")


def stored_on_tablet(page, b) -> dict:
    return page.evaluate(PHOTOS_IN_IDB, b.installer.user.username)


def evidence_puts(context) -> list:
    """The status of every photo upload that got an answer from the server."""
    answers = []

    def seen(response):
        if response.request.method == "PUT" and "/api/v1/evidence/" in response.url:
            answers.append(response.status)

    context.on("response", seen)
    return answers


def test_a_photo_taken_offline_survives_a_reload_and_a_restart_and_is_sent_once(
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


def test_an_upload_whose_answer_is_lost_is_sent_again_and_stored_once(tablet):
    """(b) The server stores the photo, the connection drops before the
    tablet hears: the retry is answered 200 and the photo shows sent."""
    b = Bootcamp(photos=True)
    item = b.items[0]
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    answers = []

    def lose_the_first_answer(route):
        response = route.fetch()  # reaches the server, which stores it
        answers.append(response.status)
        if len(answers) == 1:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    tablet.route(EVIDENCE, lose_the_first_answer)
    tap(page, item)
    expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=20_000)
    assert answers == [201, 200]
    assert Evidence.objects.filter(enrollment=b.enrollment).count() == 1
    assert [r["attempts"] for r in page.evaluate("window.__photoRetries")] == [1]


def test_an_upload_reset_before_it_reaches_the_server_is_sent_again_and_stored_once(tablet):
    """(b) The connection is reset before the request reaches the server."""
    b = Bootcamp(photos=True)
    item = b.items[0]
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    seen_by_server = []

    def reset_the_first(route):
        seen_by_server.append(Evidence.objects.count())
        if len(seen_by_server) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    tablet.route(EVIDENCE, reset_the_first)
    tap(page, item)
    expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=20_000)
    assert seen_by_server == [0, 0]  # nothing stored before the retry
    assert Evidence.objects.filter(enrollment=b.enrollment).count() == 1


def test_a_server_error_is_retried_with_a_growing_back_off(tablet):
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


def test_a_full_storage_is_reported_and_nothing_is_lost(playwright_instance, app_server, tmp_path):
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


def test_a_cancelled_capture_checks_nothing(tablet):
    b = Bootcamp(photos=True)
    item = b.items[0]
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    box = page.get_by_label(item.title, exact=True)
    with page.expect_file_chooser() as chooser:
        box.click()  # checking an item that needs a photo opens the camera
    assert chooser.value.element.get_attribute("aria-label") == f"Take photo: {item.title}"
    chooser.value.set_files([])  # the installer backs out of the camera
    expect(page.locator("#photo-status")).to_contain_text(f"No photo taken: “{item.title}” is not changed.")
    expect(box).not_to_be_checked()
    assert stored_on_tablet(page, b) == {"photos": [], "outbox": 0}
    expect(status(page)).to_contain_text("All changes synced")


def test_a_check_off_without_its_photo_takes_one_later(tablet):
    """Checked on another device: the item offers "Add photo", attached to
    the check-off the server holds, and is done once the photo is in."""
    b = Bootcamp(photos=True)
    item = b.items[0]
    tablet_check(b.enrollment, item)
    event = CheckoffEvent.objects.get(enrollment=b.enrollment, item=item)
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    expect(page.get_by_label(item.title, exact=True)).to_be_checked()
    photo_input(page, item, "Add photo").set_input_files(photo_payload())
    expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=20_000)
    assert Evidence.objects.get().event_id == event.pk
    expect(photo_input(page, item, "Add photo")).to_have_count(0)
    state = ItemState.objects.get(enrollment=b.enrollment, item=item)
    assert state.checked and state.evidence_received


def test_a_refused_photo_says_why_until_dismissed_and_can_be_retaken(tablet):
    b = Bootcamp(photos=True)
    item = b.items[0]
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    refused = []

    def refuse_the_first(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=415, json={"detail": "The body is a PNG image, not image/jpeg."})
        else:
            route.continue_()

    tablet.route(EVIDENCE, refuse_the_first)
    tap(page, item)
    row = photo_rows(page, item)
    expect(row).to_contain_text("Photo refused: The body is a PNG image, not image/jpeg.", timeout=20_000)
    expect(page.locator("#photo-status")).to_contain_text("1 photo refused")
    # Refused is final: no retry of the same photo.
    assert page.evaluate("window.__photoRetries") == []
    photo_input(page, item, "Retake photo").set_input_files(photo_payload(name="again.jpg"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Photo sent", timeout=20_000)
    assert Evidence.objects.filter(enrollment=b.enrollment).count() == 1
    assert str(Evidence.objects.get().pk) not in refused[0]


def test_a_photo_of_a_refused_check_off_is_refused_with_its_reason(tablet):
    b = Bootcamp(photos=True)
    item = b.items[0]
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    tablet.route(SYNC, lambda route: route.abort())
    puts = []
    tablet.on("request", lambda r: r.method == "PUT" and "/api/v1/evidence/" in r.url and puts.append(r.url))
    tap(page, item)
    for _ in range(2):  # each sync ends by looking for photos to send
        page.get_by_role("button", name="Sync now").click()
        expect(page.locator("#sync-result")).to_contain_text("Offline: 1 change will be sent when connected.")
    assert puts == []  # never before its check-off is acknowledged
    assert [p["state"] for p in stored_on_tablet(page, b)["photos"]] == ["waiting"]
    # The event is corrupted on the tablet: the server rejects it as invalid.
    page.evaluate(
        """async (username) => {
          const db = await idb.openDB("installer-ops:" + username);
          const [event] = await db.getAll("outbox");
          event.occurred_at = "2026-02-30T10:00:00Z";
          await db.put("outbox", event);
          db.close();
        }""",
        b.installer.user.username,
    )
    tablet.unroute(SYNC)
    page.get_by_role("button", name="Sync now").click()
    row = photo_rows(page, item)
    expect(row).to_contain_text("Photo refused: invalid: occurred_at is not an ISO 8601 time", timeout=20_000)
    row.get_by_role("button", name=f"Dismiss the refused photo of “{item.title}”").click()
    expect(row).to_have_count(0)
    assert Evidence.objects.count() == 0
    assert stored_on_tablet(page, b)["photos"] == []


def test_two_tabs_send_a_photo_once(tablet):
    b = Bootcamp(photos=True)
    item = b.items[0]
    first = tablet.new_page()
    open_app(first, b.installer.user.username, wait_for_worker=False)
    second = tablet.new_page()
    second.goto("/app/")
    expect(status(second)).to_contain_text("Last sync")
    puts = evidence_puts(tablet)
    tablet.route(SYNC, lambda route: route.abort())
    tap(first, item)
    tablet.unroute(SYNC)
    for page in (first, second):
        page.get_by_role("button", name="Sync now").click()
    for page in (first, second):
        page.get_by_role("button", name="Sync now").click()
        expect(photo_rows(page, item)).to_contain_text("Photo sent", timeout=20_000)
    assert puts == [201]
    assert Evidence.objects.count() == 1


V1_DATABASE = """async ([username, event]) => {
  const db = await idb.openDB("installer-ops:" + username, 1, {
    upgrade(db) {
      db.createObjectStore("outbox", { keyPath: "id" }).createIndex("seq", "device_seq");
      db.createObjectStore("rejected", { keyPath: "id" });
      db.createObjectStore("meta");
    },
  });
  await db.put("outbox", event);
  await db.put("meta", 1, "seq");
  await db.put("meta", event.device_id, "deviceId");
  db.close();
}"""


def test_the_database_upgrade_keeps_the_waiting_events(tablet):
    """A tablet on the release before photos has events waiting in a
    version-1 database: the new release adds the photos store and sends them."""
    b = Bootcamp(photos=True)
    page = tablet.new_page()
    page.route("**/app/", lambda route: route.fulfill(status=200, content_type="text/html", body="<!doctype html>"))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(b.installer.user.username)
    page.get_by_label("Password").fill("a-tablet-test-pass")
    page.get_by_role("button", name="Log in").click()
    page.add_script_tag(url="/static/vendor/idb/idb.umd.js")
    event_id = str(uuid.uuid4())
    page.evaluate(
        V1_DATABASE,
        [
            b.installer.user.username,
            {
                "id": event_id,
                "device_id": "tablet-old",
                "device_seq": 1,
                "type": "item.checked",
                "enrollment": b.enrollment.pk,
                "item": b.items[3].pk,
                "occurred_at": timezone.now().isoformat(),
            },
        ],
    )
    page.unroute("**/app/")
    page.goto("/app/")
    expect(status(page)).to_contain_text("All changes synced", timeout=20_000)
    expect(status(page)).to_contain_text("Last sync")
    assert CheckoffEvent.objects.filter(pk=event_id).exists()
    stores = page.evaluate(
        """async (username) => {
          const db = await idb.openDB("installer-ops:" + username);
          const names = [...db.objectStoreNames];
          const indexes = [...db.transaction("photos").store.indexNames];
          const version = db.version;
          db.close();
          return { names, indexes, version };
        }""",
        b.installer.user.username,
    )
    assert stores == {"names": ["meta", "outbox", "photos", "rejected"], "indexes": ["event"], "version": 2}


MODULE_RECT = """() => {
  const rect = document.querySelector("section.module").getBoundingClientRect();
  return [rect.top + window.scrollY, rect.height];
}"""


def test_the_photo_states_read_at_phone_and_tablet_widths(tablet):
    """Sent, refused, sending and waiting side by side, in words and an icon,
    at 390 and 820 px: no sideways scroll, no axe violation; screenshots
    under var/screenshots/tablet-photo-states-*.png."""
    b = Bootcamp(photos=True)
    sent, refused, sending, waiting, to_take = b.items[0], b.items[2], b.items[3], b.items[4], b.items[5]
    Item.objects.filter(pk__in=[i.pk for i in (refused, sending, waiting, to_take)]).update(needs_evidence=True)
    for item in (refused, sending, waiting, to_take):
        item.needs_evidence = True
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    held = []

    def answer_by_item(route):
        item_id = CheckoffEvent.objects.get(pk=route.request.headers["x-event-id"]).item_id
        if item_id == refused.pk:
            route.fulfill(status=415, json={"detail": "The body is a PNG image, not image/jpeg."})
        elif item_id == sending.pk:
            held.append(route)  # answered after the screenshots
        else:
            route.continue_()

    tablet.route(EVIDENCE, answer_by_item)
    tap(page, sent)
    expect(photo_rows(page, sent)).to_contain_text("Photo sent", timeout=20_000)
    tap(page, refused)
    expect(photo_rows(page, refused)).to_contain_text("Photo refused", timeout=20_000)
    tap(page, sending)
    expect(photo_rows(page, sending)).to_contain_text("Sending photo…", timeout=20_000)
    tablet.route(SYNC, lambda route: route.abort())
    tap(page, waiting)
    expect(photo_rows(page, waiting)).to_contain_text("Photo waiting to send")
    expect(photo_input(page, refused, "Retake photo")).to_have_count(1)
    expect(photo_input(page, to_take)).to_have_count(1)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (820, 1180)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        # The app redraws the checklist as photos move on: clip the page to the module, not the element.
        top, height = page.evaluate(MODULE_RECT)
        clip = {"x": 0, "y": top - 90, "width": width, "height": min(height + 90, 2400)}
        page.screenshot(path=SCREENSHOTS / f"tablet-photo-states-{width}.png", full_page=True, clip=clip)
        assert not axe_violations(page), describe(axe_violations(page))
    held[0].continue_()
    expect(photo_rows(page, sending)).to_contain_text("Photo sent", timeout=20_000)
