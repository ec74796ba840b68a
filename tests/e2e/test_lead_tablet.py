"""The lead's field app (/app/ for a lead; docs/architecture.md, Sync
protocol): pending sign-offs kept offline with their photos, sign-offs and
rejections queued in the same outbox as the installer's check-offs, the
server's refusals said in plain words, and a shared tablet that never opens
one person's shell for another."""

import datetime
import io
import re
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from bootcamp.models import CheckoffEvent, Item, ItemState
from bootcamp.services.evidence import evidence_store
from installer_ops.sync import sync_batch_apply
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS, AppServer, watch_csp
from tests.e2e.network import NetworkSwitch
from tests.e2e.tablet import PASSWORD, Bootcamp, open_app, status

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]
WIDTHS = ((390, 844), (820, 1180), (1280, 800))


def installer_sync(b, item, event_type: str = "item.checked") -> str:
    """The installer's tablet sends one check-off (or un-check) through the sync service."""
    event_id = str(uuid.uuid4())
    outcome = sync_batch_apply(
        actor=b.installer.user,
        device_id="tablet-nia",
        events=[
            {
                "id": event_id,
                "type": event_type,
                "enrollment": b.enrollment.pk,
                "item": item.pk,
                "occurred_at": timezone.now().isoformat(),
            }
        ],
    )
    assert outcome.results[0].status == "applied", outcome.results[0]
    return event_id


def signable(b) -> list[Item]:
    """The first module's items that need the lead's sign-off."""
    items = [item for item in b.items if item.needs_signoff]
    assert len(items) >= 2
    return items


def photo_bytes() -> bytes:
    image = Image.new("RGB", (480, 320), (31, 90, 122))
    ImageDraw.Draw(image).rectangle((40, 40, 440, 280), outline=(255, 255, 255), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def with_photo(b, item) -> None:
    """The item asks for a photo; the installer checks it off and the photo arrives."""
    Item.objects.filter(pk=item.pk).update(needs_evidence=True)
    event_id = installer_sync(b, item)
    evidence_store(
        actor=b.installer.user,
        evidence_id=uuid.uuid4(),
        event=CheckoffEvent.objects.get(pk=event_id),
        content_type="image/jpeg",
        data=photo_bytes(),
        taken_at=timezone.now() - datetime.timedelta(minutes=5),
    )


@pytest.fixture(scope="module")
def network(django_db_setup):
    """One app server for the module, reached through a switch that takes
    the network away and gives it back: starting a server per test and per
    reconnection was most of this module's time."""
    if connection.vendor != "postgresql":
        pytest.fail("The tablet tests share the test database with a server process: run them on PostgreSQL.")
    server = AppServer()
    server.start()
    switch = NetworkSwitch(server.port)
    switch.on()
    yield switch
    switch.off()
    server.stop()


@pytest.fixture
def tablet(browser, network, transactional_db):
    """A fresh browser profile (no service worker, no outbox yet) online;
    closed before the database is emptied, and no CSP violation allowed."""
    network.on()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=network.url)
    page = context.new_page()
    csp = watch_csp(page)
    yield context, page
    context.close()
    assert not csp, csp


def log_in(page, username: str) -> None:
    page.set_default_timeout(20_000)
    page.goto("/accounts/login/?next=/app/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_lead_app(page, username: str) -> None:
    """Log in, open the field app, wait until the list is downloaded and the
    service worker controls the page (so the shell is cached)."""
    log_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-offs")
    expect(status(page)).to_contain_text("All changes synced")
    expect(status(page)).to_contain_text("Last sync")
    expect(page.locator("#list-age")).to_contain_text("fetched")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def one_checked_item(tablet) -> tuple[Bootcamp, Item]:
    """The installer has checked one item that needs the lead's sign-off;
    the lead's app is open, with the list downloaded."""
    b = Bootcamp()
    item = signable(b)[0]
    installer_sync(b, item)
    open_lead_app(tablet[1], b.lead.username)
    return b, item


def card(page, item):
    return page.get_by_role("article", name=item.title, exact=True)


def go_offline(context, network):
    network.off()  # the server is gone, whatever the service worker tries
    context.set_offline(True)


def go_online(context, network):
    network.on()
    context.set_offline(False)


def test_the_lead_signs_off_offline_and_the_sign_off_is_applied_when_online(tablet, network):
    """(a) Offline, the lead signs off; a reload keeps it waiting; online, the
    server applies it and the entry leaves the list with a confirmation."""
    b = Bootcamp()
    first, second = signable(b)[:2]
    installer_sync(b, first)
    installer_sync(b, second)
    context, page = tablet
    open_lead_app(page, b.lead.username)
    group = page.get_by_role("region", name="Nia Tablet")
    expect(group).to_contain_text("Berlin November · 2 items")
    expect(card(page, first)).to_contain_text(first.description[:40])  # the instructions travel with the item

    go_offline(context, network)
    card(page, first).get_by_role("button", name="Sign off").click()
    expect(card(page, first)).to_contain_text("Waiting to send")
    expect(card(page, first)).to_contain_text("You signed this off.")
    expect(card(page, first).get_by_role("button", name="Sign off")).to_have_count(0)
    expect(status(page)).to_contain_text("1 change waiting to sync")
    expect(status(page)).to_contain_text("Offline")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-offs")
    expect(card(page, first)).to_contain_text("Waiting to send")
    expect(card(page, second).get_by_role("button", name="Sign off")).to_be_visible()
    # Offline too, times read as on the pages, in the lead's zone (Berlin): not the device's US form.
    expect(page.locator("#list-age")).to_have_text(re.compile(r"fetched \d{2}:\d{2} CES?T\.$"))
    expect(card(page, second)).to_contain_text(re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} CES?T"))
    expect(status(page)).to_contain_text("1 change waiting to sync")
    assert not CheckoffEvent.objects.filter(type="item.signed_off").exists()

    go_online(context, network)
    expect(status(page)).to_contain_text("All changes synced", timeout=20_000)
    expect(card(page, first)).to_have_count(0)
    expect(page.locator("#signoff-done")).to_contain_text(f"Signed off: “{first.title}” for Nia Tablet.")
    expect(card(page, second)).to_be_visible()
    state = ItemState.objects.get(enrollment=b.enrollment, item=first)
    assert state.checked and state.signed_off
    event = CheckoffEvent.objects.get(type="item.signed_off")
    assert (event.actor_id, event.item_id) == (b.lead.pk, first.pk)
    assert event.device_id.startswith("tablet-")


def test_the_leads_offline_sign_off_of_an_item_the_installer_unchecked_is_refused_with_its_reason_shown(
    tablet, network
):
    """(b) The installer un-checks the item while the lead, offline, signs it
    off: back online the server refuses, the lead's tablet says why, nothing
    is signed off."""
    b, item = one_checked_item(tablet)
    context, page = tablet

    go_offline(context, network)
    card(page, item).get_by_role("button", name="Sign off").click()
    expect(card(page, item)).to_contain_text("Waiting to send")
    installer_sync(b, item, "item.unchecked")  # the installer's own tablet, meanwhile

    go_online(context, network)
    refused = page.get_by_role("region", name="Sign-offs the server refused")
    expect(refused).to_contain_text(
        f"Sign-off of “{item.title}” (Nia Tablet): "
        "The installer un-checked this item after you loaded it: nothing was signed off.",
        timeout=20_000,
    )
    expect(card(page, item)).to_have_count(0)  # no longer waiting for a sign-off
    expect(page.get_by_text("Nothing is waiting for your sign-off.")).to_be_visible()
    expect(status(page)).to_contain_text("All changes synced")
    assert not CheckoffEvent.objects.filter(type="item.signed_off").exists()
    state = ItemState.objects.get(enrollment=b.enrollment, item=item)
    assert not state.checked and not state.signed_off

    page.reload()  # it stays until dismissed
    expect(refused).to_contain_text("nothing was signed off")
    refused.get_by_role("button", name=f"Dismiss: {item.title}").click()
    expect(refused).to_be_hidden()


def test_a_rejection_with_a_comment_made_offline_reopens_the_item(tablet, network):
    """(c) By keyboard: a rejection needs a comment (the form says so), waits
    offline and, once sent, reopens the item with that comment."""
    b, item = one_checked_item(tablet)
    context, page = tablet
    go_offline(context, network)

    entry = card(page, item)
    entry.get_by_text("Reject…").focus()
    page.keyboard.press("Enter")  # opens the rejection form
    comment = entry.get_by_label("What to redo (required)")
    expect(comment).to_be_visible()
    entry.get_by_role("button", name="Reject", exact=True).focus()
    page.keyboard.press("Enter")
    expect(entry.get_by_role("alert")).to_have_text("Write what to redo: a rejection needs a comment.")
    expect(comment).to_be_focused()
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(status(page)).to_contain_text("All changes synced")  # nothing was queued

    page.keyboard.type("The checksum was read from the box, not from the flashed image. Redo it on the node.")
    page.keyboard.press("Tab")
    expect(entry.get_by_role("button", name="Reject", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(entry).to_contain_text("Waiting to send")
    expect(entry).to_contain_text("You rejected this: “The checksum was read from the box")
    expect(status(page)).to_contain_text("1 change waiting to sync")
    expect(entry).to_be_focused()  # the keyboard stays on the entry it acted on
    assert not CheckoffEvent.objects.filter(type="item.rejected").exists()

    go_online(context, network)
    expect(status(page)).to_contain_text("All changes synced", timeout=20_000)
    expect(page.locator("#signoff-done")).to_contain_text(f"Rejected: “{item.title}” is reopened for Nia Tablet.")
    expect(card(page, item)).to_have_count(0)
    state = ItemState.objects.get(enrollment=b.enrollment, item=item)
    assert not state.checked and not state.signed_off
    assert state.rejection_comment.startswith("The checksum was read from the box")
    event = CheckoffEvent.objects.get(type="item.rejected")
    assert event.actor_id == b.lead.pk and event.comment == state.rejection_comment


def shell_keys(page) -> list[str]:
    return page.evaluate(
        """async () => {
             const names = (await caches.keys()).filter((n) => n.startsWith("installer-ops-shell-"));
             const cache = await caches.open(names[0]);
             return (await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search)
               .filter((u) => u.startsWith("/app/?shell="));
           }"""
    )


def test_a_shared_tablet_never_opens_the_installers_shell_for_the_lead(tablet, network):
    """(d) One tablet, one browser profile: the installer's shell, cached by
    the service worker, is not what the lead gets after switching logins, with
    or without logging out first, nor the other way round, online or offline."""
    b = Bootcamp()
    installer_sync(b, signable(b)[0])
    context, page = tablet
    open_app(page, b.installer.user.username)  # the installer's checklist: the shell is cached
    expect(page).to_have_title("My checklist · Installer Ops")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible()

    open_lead_app(page, b.lead.username)
    expect(page).to_have_title("Sign-offs · Installer Ops")
    expect(page.locator("#checklist")).to_have_count(0)
    expect(card(page, signable(b)[0])).to_be_visible()
    assert sorted(shell_keys(page)) == ["/app/?shell=installer", "/app/?shell=lead"]

    # The lead's session ends without a log-out (it expired): the installer logs in, and gets their own shell.
    context.clear_cookies()
    open_app(page, b.installer.user.username)
    expect(page).to_have_title("My checklist · Installer Ops")
    expect(page.get_by_role("heading", name="Sign-offs")).to_have_count(0)
    # Offline, the last login's shell opens: the installer's, never the lead's.
    go_offline(context, network)
    page.reload()
    expect(page).to_have_title("My checklist · Installer Ops")
    expect(page.get_by_role("heading", level=1)).to_have_text("Berlin November")

    # And back: the lead after the installer's session, then offline.
    go_online(context, network)
    context.clear_cookies()
    open_lead_app(page, b.lead.username)
    go_offline(context, network)
    page.reload()
    expect(page).to_have_title("Sign-offs · Installer Ops")
    expect(card(page, signable(b)[0])).to_be_visible()


def test_photos_open_offline_and_the_app_fits_every_width(tablet, network):
    """The evidence photos are kept for reading offline; the app works at
    phone, tablet and laptop widths with no sideways scroll and no axe-core
    (WCAG 2.2 AA) violation. Screenshots under var/screenshots/."""
    b = Bootcamp()
    first, second = signable(b)[:2]
    with_photo(b, first)
    installer_sync(b, second)
    context, page = tablet
    open_lead_app(page, b.lead.username)
    photo = card(page, first).get_by_role("img")
    expect(photo).to_have_attribute("alt", re.compile(rf"^Photo 1 of 1 for “{re.escape(first.title)}”, taken \S"))
    page.wait_for_function(
        "() => caches.open('installer-ops-evidence').then((c) => c.keys()).then((k) => k.length === 2)"
    )  # the photo and whose photos they are

    go_offline(context, network)
    page.reload()
    expect(card(page, first).get_by_role("img")).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('.evidence-photo img');"
        " return i !== null && i.complete && i.naturalWidth > 0; }"
    )
    card(page, second).get_by_role("button", name="Sign off").click()
    expect(card(page, second)).to_contain_text("Waiting to send")
    card(page, first).get_by_text("Reject…").click()
    card(page, first).get_by_role("button", name="Reject", exact=True).click()
    expect(card(page, first).get_by_role("alert")).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"lead-field-app-{width}.png", full_page=True)
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if sideways > 0:
            problems.append(f"{width}px scrolls sideways by {sideways}px")
        problems += [f"{width}px {line}" for line in describe(axe_violations(page))]
    assert not problems, problems


def test_a_decision_the_tablet_cannot_store_is_not_shown_and_loses_nothing_typed(tablet, network):
    """Durable before shown: when the outbox write fails (storage full), the
    entry stays as it was, an alert says why, and the comment typed stays."""
    _, item = one_checked_item(tablet)
    _, page = tablet
    page.evaluate(
        "() => { InstallerOutbox.record = () => Promise.reject("
        "new DOMException('The quota has been exceeded.', 'QuotaExceededError')); }"
    )
    entry = card(page, item)
    entry.get_by_role("button", name="Sign off").click()
    expect(page.locator("#save-problem")).to_contain_text("This tablet has no room left to store the change")
    expect(entry).not_to_contain_text("Waiting to send")
    entry.get_by_text("Reject…").click()
    entry.get_by_label("What to redo (required)").fill("Photograph the label, not the box.")
    entry.get_by_role("button", name="Reject", exact=True).click()
    expect(entry.get_by_label("What to redo (required)")).to_have_value("Photograph the label, not the box.")
    expect(entry.get_by_role("button", name="Sign off")).to_be_enabled()
    expect(status(page)).to_contain_text("All changes synced")
    entry.get_by_role("button", name="Sign off").click()  # still answers: nothing is stuck busy
    expect(page.locator("#save-problem")).to_be_visible()
    assert not CheckoffEvent.objects.filter(type__in=["item.signed_off", "item.rejected"]).exists()
