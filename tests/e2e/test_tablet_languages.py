"""The installer's tablet in German and Japanese at tablet width (820 px):
each panel (checklist, readiness, runbooks, consent) drawn in the person's
language, the consent flow in its translation, nothing wider than the
screen. Leaves var/screenshots/tablet-<panel>-installer-<language>-820.png
(docs/screenshots/ keeps them, quantized: tests/e2e/screenshots.py)."""

import pytest
from playwright.sync_api import expect

from installer_ops.models import Geography
from onboarding import document_services
from onboarding.demo import load_reference_data
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.e2e.tablet import PASSWORD, Bootcamp
from tests.onboarding.consent_fixtures import FLOW_V1, FLOW_V1_DE, admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FLOW_V1_JA = """# お客様先での同意

録画を始める前に、すべての現場でこの手順に従ってください。

- [photo] 各入口に掲示物を貼り、写真を撮る
- [ ] プライバシー通知を手渡す
- [ ] ライブ映像のマスキングを確認する
- [ ] 撮影範囲をお客様と合意する
"""
TRANSLATED = {
    "de": (FLOW_V1_DE, "Datenschutzhinweis übergeben", "Einsatzbereitschaft"),
    "ja": (FLOW_V1_JA, "プライバシー通知を手渡す", None),
}
PANELS = ("checklist", "readiness", "runbooks", "consent")
SYNCED = """() => { const status = document.getElementById("sync-status");
  return status !== null && status.dataset.waiting !== undefined && !document.querySelector("[data-loading]"); }"""
# Boxes of text (not inline) whose words are wider than they are: clipped, or sticking out.
OVERFLOWING = """(panel) => Array.from(document.querySelectorAll(`#${panel} *, .tabs *, .sync-bar *, header *`))
  .filter((el) => el.checkVisibility() && el.children.length === 0 && el.textContent.trim()
    && getComputedStyle(el).display !== "inline" && el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.textContent.trim().slice(0, 60))"""


def a_german_installer_with_everything_to_show(language: str) -> Bootcamp:
    """A cohort on the default program in a pod in Berlin, the reference
    runbooks, and the geography's consent flow in English and `language`."""
    b = Bootcamp()
    Geography.objects.filter(pk=b.pod.geography_id).update(code="de-berlin", name="Berlin", locale="de-DE")
    b.pod.geography.refresh_from_db()
    load_reference_data()
    actor = admin()
    document = document_services.document_create(
        actor=actor, kind="consent", slug="consent-de", title="Consent in Germany", geography=b.pod.geography
    )
    document_services.document_publish(actor=actor, document=document, body=FLOW_V1)
    body, _step, _tab = TRANSLATED[language]
    document_services.document_publish(actor=actor, document=document, body=body, language=language)
    b.installer.user.language = language
    b.installer.user.save(update_fields=["language"])
    return b


@pytest.mark.parametrize("language", list(TRANSLATED))
def test_the_installers_tablet_reads_in_german_and_japanese(browser, live_server, language):
    b = a_german_installer_with_everything_to_show(language)
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, b.installer.user.username, PASSWORD)
    page.goto("/app/")
    page.wait_for_function(SYNCED)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == language
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    clipped = {}
    for panel in PANELS:
        page.locator(f"[data-tab={panel}]").click()
        expect(page.locator(f"#{panel}")).to_be_visible()
        expect(page.locator(f"#{panel}")).not_to_be_empty()
        if panel == "consent":
            expect(page.locator("#consent")).to_contain_text(TRANSLATED[language][1])
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (panel, width)
        clipped[panel] = page.evaluate(OVERFLOWING, panel)
        page.screenshot(path=SCREENSHOTS / f"tablet-{panel}-installer-{language}-820.png", full_page=True)
    tab = TRANSLATED[language][2]
    if tab:
        expect(page.locator("[data-tab=readiness]")).to_have_text(tab)
    context.close()
    assert not any(clipped.values()), clipped
