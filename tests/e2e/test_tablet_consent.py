"""Consent at a customer's site on the installer's tablet, offline then
online (docs/architecture.md, Languages and consent flows): the record
waits in the outbox through a reload and is stored once when the network
returns; a replay whose first answer was lost answers duplicate and stores
nothing more; a record made against a version superseded meanwhile is stored
and flagged; the readiness steps list the missing acknowledgement until the
installer acknowledges the current version."""

import pytest
from playwright.sync_api import expect

from onboarding import document_services
from onboarding.models import ConsentPhoto, ConsentRecord
from tests.e2e.tablet import Bootcamp, open_app, photo_payload, status
from tests.e2e.tablet_photos import SYNC, tablet_context
from tests.onboarding.consent_fixtures import FLOW_V1, FLOW_V2, admin

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]

STEPS = [
    "Post the signage at each entrance and photograph it (take the photo the procedure asks for)",
    "Hand over the privacy notice",
    "Verify the redaction on the live view",
    "Agree the region of interest with the customer",
]


def publish_flow(b: Bootcamp):
    actor = admin()
    document = document_services.document_create(
        actor=actor, kind="consent", slug="consent-test", title="Consent at the site", geography=b.pod.geography
    )
    return actor, document, document_services.document_publish(actor=actor, document=document, body=FLOW_V1)


def fill_and_record(page, install_id: str) -> None:
    page.get_by_role("link", name="Consent").click()
    # The panel's one top heading, the flow's title under it.
    expect(page.get_by_role("heading", level=1, name="Customer consent")).to_be_visible()
    expect(page.get_by_role("heading", level=1).filter(visible=True)).to_have_count(1)
    expect(page.get_by_role("heading", level=2, name="Consent at the site")).to_be_visible()
    form = page.get_by_role("form", name="Record consent at a site")
    form.get_by_label("Install id").fill(install_id)
    # A redraw (after every sync) leaves the field being typed in focused: the
    # panel once moved the form to redraw around it, which dropped the focus
    # (and a tablet's keyboard) and could swallow a tap.
    heading = page.locator("#consent > h1").element_handle()
    page.evaluate("() => window.dispatchEvent(new Event('offline'))")  # the app redraws on it
    page.wait_for_function("heading => !heading.isConnected", arg=heading)
    expect(form.get_by_label("Install id")).to_be_focused()
    # The first step asks for a photo: taking it ticks the step.
    form.get_by_label("Take photo: step 1", exact=True).set_input_files(photo_payload())
    expect(form.get_by_role("img", name="Photo of step 1")).to_be_visible()
    expect(form.get_by_label(STEPS[0])).to_be_checked()
    for step in STEPS[1:]:
        form.get_by_label(step).check()
    form.get_by_label("Customer's representative (name)").fill("Greta Vogel")
    pad = form.get_by_role("img", name="Signature of the customer's representative: draw with a finger or stylus")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for x, y in ((0.2, 0.3), (0.35, 0.75), (0.55, 0.25), (0.8, 0.6)):
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=6)
    page.mouse.up()
    form.get_by_role("button", name="Record consent").click()
    expect(form).to_contain_text(f"Consent at {install_id} is recorded on this tablet")


def waiting(page):
    return page.get_by_role("region", name="Waiting to be sent").get_by_role("listitem")


def stored(page):
    return page.get_by_role("region", name="Sent and stored").get_by_role("listitem")


def test_a_consent_recorded_offline_survives_a_reload_and_is_stored_once(browser, app_server):
    b = Bootcamp()
    publish_flow(b)
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=app_server.url)
    page = context.new_page()
    open_app(page, b.installer.user.username)
    app_server.stop()
    context.set_offline(True)

    # A ticked step that asks for a photo is not recorded without it.
    page.get_by_role("link", name="Consent").click()
    form = page.get_by_role("form", name="Record consent at a site")
    form.get_by_label(STEPS[0]).check()
    form.get_by_role("button", name="Record consent").click()
    expect(form.get_by_role("alert")).to_contain_text("the photo of step 1")
    fill_and_record(page, "INS-2001")
    photos = page.get_by_role("region", name="Photos of consent steps").get_by_role("listitem")
    expect(photos).to_have_text(["Step 1 at INS-2001: waiting to be sent"])
    expect(status(page)).to_contain_text("1 change waiting to sync")
    expect(waiting(page)).to_have_count(1)
    expect(waiting(page)).to_contain_text("Install INS-2001")
    page.reload()
    page.get_by_role("link", name="Consent").click()
    expect(waiting(page)).to_contain_text("Install INS-2001")
    expect(photos).to_have_count(1)  # the photo survived the reload too
    assert ConsentRecord.objects.count() == 0

    app_server.start()
    context.set_offline(False)
    page.get_by_role("button", name="Sync now").click()
    expect(stored(page)).to_contain_text("Install INS-2001", timeout=20_000)
    expect(page.get_by_role("region", name="Waiting to be sent")).to_have_count(0)
    record = ConsentRecord.objects.get()
    assert (record.install_ref, record.representative, record.complete, record.superseded) == (
        "INS-2001",
        "Greta Vogel",
        True,
        False,
    )
    assert record.steps_done == [1, 2, 3, 4]
    assert bytes(record.signature_png).startswith(b"\x89PNG")
    # The photo follows its record, and leaves the tablet once stored.
    expect(page.get_by_role("region", name="Photos of consent steps")).to_have_count(0, timeout=20_000)
    photo = ConsentPhoto.objects.get()
    assert (str(photo.pk), photo.step) == (record.photos[0]["id"], 1)
    assert photo.file.read(3) == b"\xff\xd8\xff"  # a JPEG, shrunk on the tablet
    # The first "Sync now" is answered once its run is over; the photo's upload may
    # start during that run (the click also sends photos), so wait for the answer
    # before asking again, or the second click is answered with the first run's.
    expect(page.locator("#sync-result")).to_contain_text("1 change sent")
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#sync-result")).to_contain_text("Nothing to send")
    assert ConsentRecord.objects.count() == 1
    assert ConsentPhoto.objects.count() == 1
    context.close()


def test_a_replay_after_a_lost_answer_answers_duplicate_and_stores_once(browser, app_server):
    b = Bootcamp()
    publish_flow(b)
    context = tablet_context(browser, app_server.url)
    page = context.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    answers = []

    def lose_the_first_answer(route):
        response = route.fetch()  # the server stores it ...
        body = response.json()
        if any(r["status"] in ("applied", "duplicate") for r in body["results"]):
            answers.append([r["status"] for r in body["results"]])
        if len(answers) == 1:
            route.abort("connectionreset")  # ... and the tablet never hears it
        else:
            route.fulfill(response=response)

    page.route(SYNC, lose_the_first_answer)
    fill_and_record(page, "INS-2002")
    expect(stored(page)).to_contain_text("Install INS-2002", timeout=30_000)
    assert answers == [["applied"], ["duplicate"]]
    assert ConsentRecord.objects.count() == 1
    context.close()


def test_a_record_against_a_version_superseded_meanwhile_is_stored_and_flagged(browser, app_server):
    b = Bootcamp()
    actor, document, _v1 = publish_flow(b)
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=app_server.url)
    page = context.new_page()
    open_app(page, b.installer.user.username)
    context.set_offline(True)
    # v2 is published while the tablet, offline, still holds v1 ...
    document_services.document_publish(actor=actor, document=document, body=FLOW_V2)
    fill_and_record(page, "INS-2003")
    context.set_offline(False)
    page.get_by_role("button", name="Sync now").click()
    expect(stored(page)).to_contain_text("Install INS-2003", timeout=20_000)
    record = ConsentRecord.objects.get()
    assert (record.version.number, record.superseded) == (1, True)
    # ... and the next download brings v2 to the tablet.
    page.reload()
    page.get_by_role("link", name="Consent").click()
    expect(page.locator("#consent")).to_contain_text("Version 2", timeout=20_000)
    context.close()


def test_the_readiness_steps_list_the_missing_acknowledgement_until_it_is_given(browser, app_server):
    b = Bootcamp()
    publish_flow(b)
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=app_server.url)
    page = context.new_page()
    open_app(page, b.installer.user.username)
    page.get_by_role("link", name="Readiness").click()
    consent_step = page.locator("#readiness li", has_text="Consent flow")
    expect(consent_step).to_contain_text("Consent at the site v1 is not acknowledged yet")
    page.get_by_role("link", name="Consent").click()
    page.get_by_role("button", name="I have read this procedure").click()
    expect(page.locator("#consent")).to_contain_text("You acknowledged v1 on")
    page.get_by_role("link", name="Readiness").click()
    expect(consent_step).to_contain_text("Consent at the site v1 acknowledged on")
    context.close()


def test_a_refused_step_photo_says_why_and_a_retaken_one_is_stored(browser, app_server):
    b = Bootcamp()
    publish_flow(b)
    context = tablet_context(browser, app_server.url)
    page = context.new_page()
    open_app(page, b.installer.user.username, wait_for_worker=False)
    refusals = []

    def refuse_once(route):
        if refusals:
            route.fallback()
            return
        refusals.append(route.request.url)
        route.fulfill(status=415, json={"detail": "The server could not read this picture."})

    page.route("**/api/v1/consent-records/*/photos/*", refuse_once)
    fill_and_record(page, "INS-2004")
    photos = page.get_by_role("region", name="Photos of consent steps").get_by_role("listitem")
    refused = "Step 1 at INS-2004: refused: The server could not read this picture."
    expect(photos).to_contain_text(refused, timeout=20_000)
    expect(page.locator("#photo-status")).to_contain_text("1 consent photo refused: see the Consent tab.")
    assert ConsentRecord.objects.get().photos[0]["id"] in refusals[0]
    assert ConsentPhoto.objects.count() == 0
    # Taken again: the same id, new bytes, sent afresh and stored once.
    page.get_by_label("Retake photo: step 1", exact=True).set_input_files(photo_payload(name="again.jpg"))
    expect(page.get_by_role("region", name="Photos of consent steps")).to_have_count(0, timeout=20_000)
    photo = ConsentPhoto.objects.get()
    assert str(photo.pk) == ConsentRecord.objects.get().photos[0]["id"]
    context.close()
