"""Taking, showing and refusing evidence photos on the installer's tablet
(docs/architecture.md, Sync protocol: evidence photos): a cancelled camera
checks nothing, a check made elsewhere takes its photo later, a photo waits
for its check-off and is refused with it, the photo states read at phone
and tablet widths, a refused photo is retaken, and the IndexedDB upgrade
keeps what waited. Delivery (offline, cut uploads, 5xx, quota, two tabs):
test_tablet_photos.py."""

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bootcamp.models import CheckoffEvent, Evidence, Item, ItemState
from tests.bootcamp.fixtures import tablet_check
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.tablet import Bootcamp, open_app, photo_input, photo_payload, status, tap
from tests.e2e.tablet_photos import EVIDENCE, SYNC, photo_rows, stored_on_tablet, tablet_context

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]


@pytest.fixture
def tablet(browser, app_server):
    context = tablet_context(browser, app_server.url)
    yield context
    context.close()


def test_a_cancelled_capture_checks_nothing_and_a_check_made_elsewhere_takes_its_photo_later(tablet):
    """Backing out of the camera records nothing. An item checked on another
    device offers "Add photo", attached to the check-off the server holds,
    and is done once the photo is in."""
    b = Bootcamp(photos=True)
    elsewhere, item = b.items[0], b.items[2]
    Item.objects.filter(pk=item.pk).update(needs_evidence=True)
    item.needs_evidence = True
    tablet_check(b.enrollment, elsewhere)
    event = CheckoffEvent.objects.get(enrollment=b.enrollment, item=elsewhere)
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

    expect(page.get_by_label(elsewhere.title, exact=True)).to_be_checked()
    photo_input(page, elsewhere, "Add photo").set_input_files(photo_payload())
    expect(photo_rows(page, elsewhere)).to_contain_text("Photo sent", timeout=20_000)
    assert Evidence.objects.get().event_id == event.pk
    expect(photo_input(page, elsewhere, "Add photo")).to_have_count(0)
    state = ItemState.objects.get(enrollment=b.enrollment, item=elsewhere)
    assert state.checked and state.evidence_received
    assert CheckoffEvent.objects.filter(enrollment=b.enrollment).count() == 1


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
    # Under the app's sync lock, so that no sync that read it before carries
    # it, unchanged, past the moment the route lets syncs through.
    page.evaluate(
        """async (username) => navigator.locks.request("installer-ops-sync:" + username, async () => {
          const db = await idb.openDB("installer-ops:" + username);
          const [event] = await db.getAll("outbox");
          event.occurred_at = "2026-02-30T10:00:00Z";
          await db.put("outbox", event);
          db.close();
        })""",
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


def test_the_photo_states_read_at_phone_and_tablet_widths_and_a_refused_one_is_retaken(tablet):
    """Sent, refused, sending and waiting side by side, in words and an icon,
    at 390 and 820 px: no sideways scroll, no axe violation; screenshots
    under var/screenshots/tablet-photo-states-*.png. The refused photo (415)
    says why, is not retried, and "Retake photo" replaces it with one that
    is sent."""
    b = Bootcamp(photos=True)
    sent, refused, sending, waiting, to_take = b.items[0], b.items[2], b.items[3], b.items[4], b.items[5]
    Item.objects.filter(pk__in=[i.pk for i in (refused, sending, waiting, to_take)]).update(needs_evidence=True)
    for item in (refused, sending, waiting, to_take):
        item.needs_evidence = True
    page = tablet.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    # The photos go one at a time, each answered before the next is taken:
    # the first is stored, the second refused, the third held until after the
    # screenshots, the retake stored. (By order, not by looking the event up:
    # a handler runs in Playwright's event loop, where the ORM would open a
    # connection of its own that nothing closes.)
    plan, held, routed = ["store", "refuse", "hold"], [], {}

    def answer_by_item(route):
        action = plan.pop(0) if plan else "store"
        routed.setdefault(action, []).append((route.request.headers["x-event-id"], route.request.url))
        if action == "refuse":
            route.fulfill(status=415, json={"detail": "The body is a PNG image, not image/jpeg."})
        elif action == "hold":
            held.append(route)
        else:
            route.continue_()

    tablet.route(EVIDENCE, answer_by_item)
    tap(page, sent)
    expect(photo_rows(page, sent)).to_contain_text("Photo sent", timeout=20_000)
    tap(page, refused)
    expect(photo_rows(page, refused)).to_contain_text(
        "Photo refused: The body is a PNG image, not image/jpeg.", timeout=20_000
    )
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

    expect(page.locator("#photo-status")).to_contain_text("1 photo refused")
    assert page.evaluate("window.__photoRetries") == []  # refused is final: never retried
    photo_input(page, refused, "Retake photo").set_input_files(photo_payload(name="again.jpg"))
    row = photo_rows(page, refused)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Photo sent", timeout=20_000)
    retaken = Evidence.objects.get(enrollment=b.enrollment, item=refused)
    ((refused_event, refused_url),) = routed["refuse"]
    assert (str(retaken.event_id), str(retaken.pk) in refused_url) == (refused_event, False)
    assert CheckoffEvent.objects.get(pk=routed["hold"][0][0]).item_id == sending.pk
    assert Evidence.objects.filter(enrollment=b.enrollment).count() == 3  # sent, sending, retaken
