"""The installer's tablet and phone experience (docs/product.md, Offline
tablet): instructions under each item, runbooks during bootcamp and "My
record" offline, an answer to every "Sync now", a log-out that never loses
the outbox, readiness as steps, and no module blamed on the installer when
it only waits for the lead."""

import datetime
import re
import time
import zoneinfo

import pytest
from django.utils import formats, timezone
from playwright.sync_api import expect

from bootcamp.models import CheckoffEvent, Cohort, Item
from bootcamp.selectors import module_due_on
from installer_ops.models import Level
from onboarding import services as onboarding_services
from onboarding.demo import load_reference_data
from tests.bootcamp.fixtures import tablet_check
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.tablet import PASSWORD, Bootcamp, open_app, status, tap
from tests.factories import InstallerFactory, staff_pod

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]
SYNC = "**/api/v1/sync/"
WIDTHS = ((390, 844), (820, 1180), (1280, 800))
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def new_page(browser, app_server, **extra):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_server.url, **extra)
    return context, context.new_page()


def go_offline(context, app_server):
    app_server.stop()
    context.set_offline(True)


def sideways(page) -> int:
    """How far the page scrolls sideways (0: it does not)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def full_screenshots(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def outbox_size(page, username: str) -> int:
    return page.evaluate(
        """(name) => new Promise((resolve, reject) => {
             const open = indexedDB.open("installer-ops:" + name);
             open.onerror = () => reject(open.error);
             open.onsuccess = () => {
               const count = open.result.transaction("outbox").objectStore("outbox").count();
               count.onsuccess = () => { open.result.close(); resolve(count.result); };
             };
           })""",
        username,
    )


def test_each_item_shows_its_instructions_and_whether_it_needs_a_photo(browser, app_server):
    b = Bootcamp()
    flash = next(i for i in b.items if i.description)
    photo = b.items[-1]
    Item.objects.filter(pk=photo.pk).update(needs_evidence=True)
    context, page = new_page(browser, app_server)
    open_app(page, b.installer.user.username, wait_for_worker=False)
    item = page.get_by_role("listitem").filter(has=page.get_by_label(flash.title, exact=True))
    expect(item.get_by_text(flash.description)).to_be_visible()
    photo_item = page.get_by_role("listitem").filter(has=page.get_by_label(photo.title, exact=True))
    expect(photo_item).to_contain_text("Needs a photo")
    full_screenshots(page, "tablet-checklist-instructions-installer")

    # On a phone the instructions fold away under their item, one tap to open.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    item = page.get_by_role("listitem").filter(has=page.get_by_label(flash.title, exact=True))
    expect(item.get_by_text(flash.description)).to_be_hidden()
    item.get_by_text("Instructions").click()
    expect(item.get_by_text(flash.description)).to_be_visible()
    tap(page, b.items[0])  # a redraw keeps what the installer opened
    expect(item.get_by_text(flash.description)).to_be_visible()
    assert sideways(page) == 0
    context.close()


def test_the_current_runbook_is_readable_offline_during_bootcamp(browser, app_server):
    b = Bootcamp()
    _, (runbook, _playbook) = load_reference_data()
    context, page = new_page(browser, app_server)
    open_app(page, b.installer.user.username)
    go_offline(context, app_server)
    page.reload()
    page.get_by_role("link", name="Runbooks").click()
    copy = page.get_by_role("region", name=f"{runbook.document.title} v{runbook.number}")
    expect(copy).to_contain_text(f"Current version {runbook.number}")
    copy.get_by_text("Read", exact=True).click()
    expect(copy.get_by_role("heading", name="1. Before you leave for site")).to_be_visible()
    expect(page.get_by_text("Your own copies arrive with your day-1 kit.")).to_be_visible()
    full_screenshots(page, "tablet-runbooks-bootcamp-installer-offline")
    context.close()


def test_my_record_and_the_contacts_to_call_open_offline(browser, app_server):
    b = Bootcamp()
    context, page = new_page(browser, app_server)
    open_app(page, b.installer.user.username)
    go_offline(context, app_server)
    page.reload()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My record").click()
    record = page.locator("#record")
    expect(record).to_contain_text("Offline: your record as of")
    expect(record.get_by_role("heading", name="Who to call")).to_be_visible()
    expect(record).to_contain_text(b.lead.get_full_name())
    expect(record).to_contain_text(b.installer.employee_id)
    expect(page.get_by_role("link", name="My record")).to_have_attribute("aria-current", "page")
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert sideways(page) == 0, width
    full_screenshots(page, "tablet-my-record-installer-offline")
    context.close()


def test_sync_now_always_says_what_happened(browser, app_server):
    b = Bootcamp()
    context, page = new_page(browser, app_server, service_workers="block")
    open_app(page, b.installer.user.username, wait_for_worker=False)
    result = page.locator("#sync-result")
    page.get_by_role("button", name="Sync now").click()
    expect(result).to_contain_text("Nothing to send; checked at")

    attempts = []
    page.route(SYNC, lambda route: (attempts.append(1), route.abort()))
    for item in b.items[:3]:
        tap(page, item)
    page.get_by_role("button", name="Sync now").click()
    expect(result).to_contain_text("Offline: 3 changes will be sent when connected.")
    full_screenshots(page, "tablet-sync-now-offline-installer")
    # "Sync now" restarts the back-off; after three more failed tries the
    # next is seconds away, so the click below is the one that sends.
    tried = len(attempts)
    deadline = time.monotonic() + 20
    while len(attempts) < tried + 3 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.unroute(SYNC)
    page.get_by_role("button", name="Sync now").click()
    expect(result).to_contain_text("3 changes sent at")
    expect(status(page)).to_contain_text("All changes synced")
    assert CheckoffEvent.objects.filter(enrollment=b.enrollment).count() == 3
    context.close()


def test_log_out_with_unsent_changes_warns_and_keeps_the_outbox(browser, app_server):
    b = Bootcamp()
    username = b.installer.user.username
    context, page = new_page(browser, app_server, service_workers="block")
    open_app(page, username, wait_for_worker=False)
    page.route(SYNC, lambda route: route.abort())
    tap(page, b.items[0])
    expect(status(page)).to_contain_text("1 change waiting to sync")

    page.get_by_role("button", name="Log out", exact=True).click()
    warning = page.get_by_role("alertdialog", name="Changes not sent yet")
    expect(warning).to_contain_text("1 change has not been sent yet")
    full_screenshots(page, "tablet-log-out-warning-installer")
    warning.get_by_role("button", name="Stay logged in").click()
    expect(warning).to_be_hidden()
    assert outbox_size(page, username) == 1

    page.get_by_role("button", name="Log out", exact=True).click()
    with page.expect_navigation():
        warning.get_by_role("button", name="Log out anyway (nothing is lost)").click()
    expect(page.get_by_label("Username")).to_be_visible()  # the login page: the session is over
    assert outbox_size(page, username) == 1
    assert page.evaluate(
        """() => new Promise((resolve) => {
             const open = indexedDB.open("installer-ops:device");
             open.onsuccess = () => {
               const got = open.result.transaction("meta").objectStore("meta").get("username");
               got.onsuccess = () => resolve(got.result === undefined);
             };
           })"""
    ), "the tablet still opens the previous login offline"
    assert CheckoffEvent.objects.count() == 0

    page.unroute(SYNC)
    open_app(page, username, wait_for_worker=False)  # the same person again: the change is sent
    assert CheckoffEvent.objects.filter(enrollment=b.enrollment, item=b.items[0]).count() == 1
    assert outbox_size(page, username) == 0

    # Nothing waiting: log-out is immediate.
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_label("Username")).to_be_visible()
    context.close()


def test_readiness_shows_steps_with_the_next_one_highlighted(browser, app_server):
    b = Bootcamp()
    context, page = new_page(browser, app_server, service_workers="block")
    open_app(page, b.installer.user.username, wait_for_worker=False)
    page.get_by_role("link", name="Readiness").click()
    steps = page.locator(".steps > li")
    expect(steps).to_have_count(6)
    expect(steps).to_contain_text(["Bootcamp", "Day-1 kit", "Shadow week", "Outage drill", "Consent flow", "Cleared"])
    current = page.locator(".steps > li[aria-current='step']")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Bootcamp")
    expect(current).to_contain_text("Next")
    expect(page.get_by_role("heading", name="Next: Bootcamp")).to_be_visible()
    expect(page.get_by_text("Finish your checklist")).to_be_visible()
    expect(page.get_by_text("✗")).to_have_count(0)  # no wall of crosses
    full_screenshots(page, "tablet-readiness-installer")
    context.close()


def test_a_module_waiting_only_for_the_lead_says_so_rather_than_overdue(browser, app_server):
    b = Bootcamp()
    Cohort.objects.filter(pk=b.cohort.pk).update(start_on=timezone.localdate() - datetime.timedelta(days=40))
    tablet_check(b.enrollment, *b.items)  # every item of module 1 checked; some need the lead
    assert any(i.needs_signoff for i in b.items)
    context, page = new_page(browser, app_server, service_workers="block")
    open_app(page, b.installer.user.username, wait_for_worker=False)
    heading = page.locator("section.module").nth(0).get_by_role("heading", level=2)
    expect(heading).to_contain_text("Waiting for your lead's sign-off")
    expect(heading).not_to_contain_text("Overdue")
    second = page.locator("section.module").nth(1).get_by_role("heading", level=2)
    expect(second).to_contain_text("Overdue")  # nothing checked there: the installer's to do
    full_screenshots(page, "tablet-checklist-waiting-for-signoff-installer")
    context.close()


@pytest.mark.parametrize("width", [390, 820, 1280])
def test_no_page_of_the_app_scrolls_sideways(browser, app_server, width):
    b = Bootcamp()
    load_reference_data()
    # Contacts as they are in the field: long addresses, numbers with spaces, every role of the pod.
    staff_pod(b.pod)
    for membership in b.pod.memberships.select_related("user"):
        membership.user.email = f"{membership.user.username}.escalations-on-call@berlin-retail-installs.example.com"
        membership.user.save(update_fields=["email"])
        membership.phone = "+49 30 1234 5678 90"
        membership.save(update_fields=["phone"])
    context, page = new_page(browser, app_server, service_workers="block")
    open_app(page, b.installer.user.username, wait_for_worker=False)
    page.set_viewport_size({"width": width, "height": 800})
    for tab in ("Checklist", "Readiness", "Runbooks"):
        page.get_by_role("link", name=tab, exact=True).click()
        assert sideways(page) == 0, (tab, width)
    page.get_by_role("link", name="Runbooks", exact=True).click()
    for read in page.get_by_text("Read", exact=True).all():
        read.click()
    assert sideways(page) == 0, ("runbooks open", width)
    page.goto("/me/")
    expect(page.get_by_role("heading", name="Who to call")).to_be_visible()
    assert sideways(page) == 0, ("/me/", width)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"my-record-installer-{width}.png", full_page=True)
    context.close()


# A table wider than a phone, with words longer than a narrow column.
WIDE_TABLE = """

## 10. Torque and cabling reference

| Mounting | Fastener | Torque | Cable | Connector | Weatherproofing |
|---|---|---|---|---|---|
| Polemount | Galvanised M8 | 12 Nm | Shielded Cat6A | Ruggedised RJ45 | Self-amalgamating tape |
"""
# Words split over two lines inside the runbook's table cells (hyphenated words may break at the hyphen).
BROKEN_WORDS = """() => {
  const broken = [];
  document.querySelectorAll("#runbooks .document-body td, #runbooks .document-body th").forEach((cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) broken.push(m[0]);
      }
    }
  });
  return broken;
}"""


def test_the_tablet_reads_like_the_pages_from_before_the_first_sync(browser, app_server):
    """Issue 16 leftovers: before the first sync the tablet claims nothing
    ("All changes synced" and "not enrolled" were both guesses); dates and
    times are the pages' ("25 Nov 2026", "14:05 CET", in the person's
    geography's zone, not the device's US "2:05 PM"); a runbook's table
    scrolls in its own frame with whole words; "Read" is drawn as a button."""
    b = Bootcamp()  # the pod's geography is in Europe/Berlin
    _, (runbook, _playbook) = load_reference_data()
    onboarding_services.document_publish(actor=None, document=runbook.document, body=runbook.body + WIDE_TABLE)
    mentor = InstallerFactory(pod=b.pod, level=Level.SENIOR_INSTALLER, user__name="Mo Mentor")
    assignment = onboarding_services.shadow_assign(actor=b.lead, installer=b.installer, mentor=mentor)
    shadow_day = timezone.localdate() - datetime.timedelta(days=1)
    onboarding_services.shadow_day_record(actor=b.lead, assignment=assignment, day=shadow_day, site="Site 1")
    # A device set to New York and US English: the tablet must not take either.
    device = {"timezone_id": "America/New_York", "locale": "en-US"}
    context, page = new_page(browser, app_server, service_workers="block", **device)
    page.set_viewport_size({"width": 390, "height": 844})
    page.route("**/api/v1/enrollments/**", lambda route: route.abort())
    page.goto("/accounts/login/?next=/app/")
    page.get_by_label("Username").fill(b.installer.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(status(page)).to_have_text("Not synced yet.")
    expect(page.locator("#checklist")).to_contain_text("Downloading your checklist…")
    expect(page.locator("#checklist")).not_to_contain_text("not enrolled")

    page.unroute("**/api/v1/enrollments/**")
    page.get_by_role("button", name="Sync now").click()
    zone = timezone.localtime(timezone.now(), BERLIN).tzname()
    expect(status(page)).to_have_text(re.compile(rf"^All changes synced\. Last sync \d\d:\d\d {zone}\.$"))
    due = module_due_on(b.cohort, b.version.modules.get(position=1))
    module = page.locator("section.module").first.get_by_role("heading", level=2)
    expect(module).to_contain_text(f"due {formats.date_format(due, 'DATE_FORMAT')} · 0/")

    page.get_by_role("link", name="Readiness").click()
    expect(page.locator("#readiness")).to_contain_text(
        f"{formats.date_format(shadow_day, 'DATE_FORMAT')} · Site 1 · Mo Mentor"
    )

    page.get_by_role("link", name="Runbooks").click()
    copy = page.get_by_role("region", name=f"{runbook.document.title} v{runbook.number + 1}")
    published = timezone.localtime(runbook.document.versions.order_by("-number").first().published_at, BERLIN)
    expect(copy).to_contain_text(f"Published {formats.date_format(published, 'DATE_FORMAT')}")
    expect(copy).to_contain_text(re.compile(rf"downloaded \d{{1,2}} [A-Z][a-z]{{2}} \d{{4}}, \d\d:\d\d {zone}"))
    read = copy.get_by_text("Read", exact=True)
    looks = read.evaluate(
        """(el) => { const s = getComputedStyle(el);
                     return [s.borderTopStyle, s.borderTopWidth, getComputedStyle(el, "::before").content]; }"""
    )
    assert looks[0] == "solid" and looks[1] != "0px" and looks[2] == '"▸"', looks  # a button that says it opens
    read.click()
    expect(copy.get_by_role("heading", name="10. Torque and cabling reference")).to_be_visible()
    assert page.evaluate(BROKEN_WORDS) == []
    frame = copy.locator(".table-wrap").filter(has_text="Weatherproofing")
    expect(frame).to_have_class(re.compile(r"\bis-scrollable\b"))  # the edge shadow: there is more to the side
    expect(frame).to_have_attribute("tabindex", "0")  # and it scrolls from the keyboard
    assert frame.evaluate("(el) => el.scrollWidth > el.clientWidth")
    assert sideways(page) == 0
    assert axe_violations(page) == []
    full_screenshots(page, "tablet-runbook-table-frame-installer")
    context.close()
