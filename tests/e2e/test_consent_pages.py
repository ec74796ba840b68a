"""The consent pages in the browser: the lead's consent records and a record
with its signature (an image served by the API, allowed by the Content
Security Policy), and the library's consent flow with its steps under the
preview and a version in two languages; at phone, tablet and laptop widths
without sideways scroll or a serious axe finding."""

import pytest
from playwright.sync_api import expect

from onboarding import document_services
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import UserFactory
from tests.onboarding.consent_data import publish_flow, record_consent, store_photo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 820, 1280)


def check_widths(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        found = axe_violations(page)
        assert not found, f"{name} at {width}px: {describe(found)}"
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_lead_reads_the_consent_records_and_a_signature(page, onboarding):
    o = onboarding
    flow = publish_flow(o.installer.pod.geography)
    record_consent(o.installer, flow, install_ref="INS-PARTIAL", steps=[1], representative="", signed=False)
    record = record_consent(
        o.installer, flow, install_ref="INS-2026-000417", representative="Maria da Conceição Albuquerque"
    )
    store_photo(record, size=(320, 200))
    log_in(page, o.lead.username, "pw-for-tests")
    page.goto("/lead/onboarding/")
    page.get_by_role("link", name="Consent records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent records")
    expect(page.get_by_role("row").filter(has_text="INS-PARTIAL")).to_contain_text("1 of 3")
    check_widths(page, "consent-records")

    page.get_by_role("link", name="INS-2026-000417").click()
    assert page.url.endswith(f"/lead/onboarding/consent/{record.pk}/")
    signature = page.get_by_role("img", name="Signature of Maria da Conceição Albuquerque")
    expect(signature).to_be_visible()
    # Visible comes before loaded: wait until the browser has finished with the
    # image (complete is also true after a failed load), then ask whether it decoded.
    expect(signature).to_have_js_property("complete", True)
    assert signature.evaluate("img => img.naturalWidth") > 0, "the signature did not load"
    expect(page.get_by_role("heading", name="Steps: 3 of 3 done")).to_be_visible()
    # The step's photo, sent by the tablet after its record.
    photo = page.get_by_role("img", name="Photo of step 2")
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") == 320, "the step's photo did not load"
    check_widths(page, "consent-record")


def test_an_administrator_writes_a_consent_flow_and_its_translation(page, onboarding):
    o = onboarding
    flow = publish_flow(o.installer.pod.geography)
    document_services.document_publish(
        actor=None,
        document=flow.document,
        language="de",
        body="# Einwilligung\n\n- [ ] Schilder aufhängen\n- [photo] Schilder fotografieren\n- [ ] Bereich\n",
    )
    UserFactory(role="admin", username="consent-admin", password="pw-for-tests")  # noqa: S106
    log_in(page, "consent-admin", "pw-for-tests")
    page.goto("/library/")
    expect(page.get_by_role("row").filter(has_text="Site consent")).to_contain_text("Consent flow")
    check_widths(page, "library-consent-list")
    page.get_by_role("link", name="Site consent").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("The tablet lists 3 steps")
    history = page.get_by_role("region", name="Version history")
    expect(history.get_by_role("link", name="Print view of v1 (German)")).to_be_visible()
    check_widths(page, "library-consent-flow")
