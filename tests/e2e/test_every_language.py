"""Every page each role reaches from its navigation, in each language of
settings.LANGUAGES, without text left in English.

The pages are the every-page walk's (tests/e2e/test_every_page.py: the
role's navigation and one level down, found in English at 1280 px). Each
other language then loads each page once, with the person's own language
set on the account (the browser stays en-US: the account's choice wins), and
its visible text (lines of innerText, text nodes, the title and the labels
read out: aria-label, title, placeholder, alt, a button's value) is compared
with the English page's (tests/e2e/catalogues.py): a segment shown the same
in both that is a marked string translated otherwise in that language is
reported. <html lang> must say the language. The tablet apps (/app/) are read
panel by panel once they have drawn themselves from the first sync.
"""

import json
import time
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import CharField, TextField
from django.urls import reverse
from django.utils import translation

from installer_ops.api_reference_views import generated_schema
from installer_ops.demo import DEMO_PASSWORD
from installer_ops.models import AuditEntry, User
from tests.e2e.catalogues import Catalogues, as_shown, parse_po
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.e2e.test_every_page import (
    LINKS,
    LOGINS,
    RENDERED,
    Walker,
    demo,  # noqa: F401 - the demo organisation fixture
)

WIDTH = 1280
ENGLISH = settings.LANGUAGE_CODE
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != ENGLISH]
REPORT = SCREENSHOTS / "every-language" / "report.json"
PRODUCT_APPS = {"installer_ops", "bootcamp", "onboarding", "hiring", "kpis"}
MACHINE_NAMES = {AuditEntry: ("action", "object_type")}

# What a reader sees or hears of a page: one string per line of innerText and
# per text node, the title, and the attributes read out in place of text.
# Not the product's words: code and machine names (code, pre, kbd, samp, what
# says translate="no"), what people type (textarea), a document's own text
# (Markdown rendered: runbooks, consent flows) and what says it is in another
# language (lang). Stored text is told apart later (stored_text).
TEXT = """() => {
  const data = "code, pre, kbd, samp, textarea, [contenteditable], [translate=no], .document-body, .markdown-preview";
  const ours = (el) => el.closest(data) === null
    && (el.closest("[lang]") === null || el.closest("[lang]").lang === document.documentElement.lang);
  const seen = new Set();
  const add = (text) => { const s = (text || "").replace(/\\s+/g, " ").trim(); if (s) seen.add(s); };
  // An option of a shown list, the inside of a shown closed disclosure: there for the reader to open.
  const opens = (el, selector) => el.closest(selector) !== null && el.closest(selector).checkVisibility();
  const shown = (el) => el.checkVisibility() || opens(el, "select")
    || (opens(el, "details:not([open])") && el.closest("[hidden]") === null);
  // innerText without those: hidden for the moment of reading it (a style property set from a script: CSP allows it).
  const others = Array.from(document.body.querySelectorAll(data + ", [lang]"))
    .filter((el) => el.matches(data) || el.lang !== document.documentElement.lang);
  const displays = others.map((el) => el.style.getPropertyValue("display"));
  others.forEach((el) => el.style.setProperty("display", "none"));
  document.body.innerText.split("\\n").forEach(add);
  others.forEach((el, i) => el.style.setProperty("display", displays[i]));
  add(document.title);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest("script, style, noscript, template") && ours(parent) && shown(parent)) add(node.data);
  }
  document.querySelectorAll("[aria-label], [title], [placeholder], [alt], input[type=submit], input[type=button]")
    .forEach((el) => {
      if (!ours(el) || (!shown(el) && !el.matches("nav, main, section, [role=region], [role=navigation]"))) return;
      ["aria-label", "title", "placeholder", "alt"].forEach((name) => add(el.getAttribute(name)));
      if (el.matches("input[type=submit], input[type=button]")) add(el.value);
    });
  return {lang: document.documentElement.lang, text: Array.from(seen)};
}"""
# The installer's tablet draws its panels from what the first sync brought.
PANELS = ("checklist", "readiness", "runbooks", "consent")
SYNCED = """() => { const status = document.getElementById("sync-status");
  return status !== null && status.dataset.waiting !== undefined && !document.querySelector("[data-loading]"); }"""


class TextWalker(Walker):
    """The every-page walk's discovery, reading each page's text in one
    language (no checks, screenshots or axe here: test_every_page does those)."""

    def __init__(self, browser, live_server, role: str, language: str):
        super().__init__(browser, live_server, role)
        self.language = language
        self.texts: dict[str, set[str]] = {}
        self.langs: dict[str, str] = {}

    def open(self, width: int = WIDTH):
        User.objects.filter(username=LOGINS[self.role]).update(language=self.language)
        context = self.browser.new_context(viewport={"width": width, "height": 900}, base_url=self.origin)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, LOGINS[self.role], DEMO_PASSWORD)
        return context, page

    def visit(self, page, url: str, width: int = WIDTH) -> list[dict] | None:
        try:
            response = page.goto(url, wait_until="load")
        except Exception as error:  # noqa: BLE001 - a download or a refused navigation: not a page
            if "Download is starting" in str(error):
                return None
            self.problems.append(f"{self.role} {self.language} {url}: could not load ({error})")
            return []
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return None
        page.wait_for_function(RENDERED, timeout=10_000)
        self.texts[url] = set()
        if page.locator("#sync-status").count():
            page.wait_for_function(SYNCED, timeout=10_000)
            page.wait_for_load_state("networkidle")
        for panel in PANELS if page.locator("[data-panel=readiness]").count() else ("",):
            if panel:
                page.evaluate("(panel) => { window.location.hash = '#' + panel; }", panel)
                page.wait_for_function("(p) => !document.getElementById(p).hidden", arg=panel)
            seen = page.evaluate(TEXT)
            self.texts[url] |= set(seen["text"])
            self.langs[url] = seen["lang"]
        return page.evaluate(LINKS)


def stored_text() -> set[str]:
    """Every text the database holds (names, titles, documents, …) as shown:
    data, whatever words it has. Not a choice's stored value (its label is
    shown) nor the audit log's action and record type (machine names the
    page should label)."""
    texts = set()
    for model in apps.get_models():
        if model._meta.app_label not in PRODUCT_APPS:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, CharField | TextField) and not f.choices and f.name not in MACHINE_NAMES.get(model, ())
        ]
        for row in model._base_manager.values_list(*names) if names else ():
            texts.update(as_shown(value) for value in row if value)
    return texts


def schema_text() -> set[str]:
    """The OpenAPI schema's words (operation descriptions, names of fields,
    tags and components): the API reference shows them as the API has them."""
    texts = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            texts.update(as_shown(key) for key in node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            texts.update(as_shown(line) for line in node.split("\n\n"))

    with translation.override(ENGLISH):
        walk(generated_schema())
    return texts


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def compare(english: TextWalker, foreign: TextWalker, urls: list[str], known: tuple, missing: dict) -> list:
    """What `foreign` shows untranslated on each page, as lines; each msgid is
    also noted in missing[language][msgid] with the pages showing it. `known`:
    the catalogues, the stored text and the schema's."""
    catalogues, stored, schema = known
    problems = []
    for url in urls:
        where = f"{foreign.role} {path_of(url)} [{foreign.language}]"
        if url not in foreign.texts:
            continue  # could not load: in foreign.problems
        if foreign.langs[url] != foreign.language:
            problems.append(f'{where}: <html lang="{foreign.langs[url]}">')
        data = stored | (schema if urlsplit(url).path == reverse("api-docs") else set())
        for segment, msgid in catalogues.untranslated(english.texts[url], foreign.texts[url], foreign.language, data):
            problems.append(f"{where}: {segment!r}" + ("" if segment == msgid else f" (msgid {msgid!r})"))
            missing.setdefault(foreign.language, {}).setdefault(msgid, []).append(f"{foreign.role} {path_of(url)}")
    return problems


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_in_every_language(browser, live_server, demo):  # noqa: F811
    known = (Catalogues.load(), stored_text(), schema_text())
    problems, counts, missing, started = [], {}, {}, time.monotonic()
    for role in LOGINS:
        english = TextWalker(browser, live_server, role, ENGLISH)
        context, page = english.open()
        urls = english.discover(page, WIDTH)
        context.close()
        problems += english.problems
        for language in LANGUAGES:
            foreign = TextWalker(browser, live_server, role, language)
            context, page = foreign.open()
            for url in urls:
                foreign.visit(page, url)
            context.close()
            problems += foreign.problems + compare(english, foreign, urls, known, missing)
        counts[role] = len(urls)
    # For whoever tops up the catalogues: per language, each msgid and the pages showing it in English.
    report = {"seconds": round(time.monotonic() - started), "pages": counts, "untranslated": missing}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    assert all(count >= 3 for count in counts.values()), counts
    assert not problems, f"{len(problems)} untranslated on {counts} pages in {LANGUAGES}:\n" + "\n".join(problems)


GERMAN = """msgid ""
msgstr ""
"Language: de\\n"

msgid "Save changes"
msgstr "Änderungen speichern"

msgid "Status"
msgstr "Status"

#, python-format
msgid "Cohort %(name)s starts %(date)s"
msgstr "Kohorte %(name)s beginnt am %(date)s"

#, python-format
msgid "Last sync %(time)s."
msgstr "Letzte Synchronisierung %(time)s."

#, fuzzy
msgid "Consent records"
msgstr "Einwilligungen"

msgid "Retail"
msgstr "Einzelhandel"

msgid "Incident playbook"
msgstr "Störfall-Playbook"

#, python-format
msgid "%(done)s of %(total)s"
msgstr "%(done)s von %(total)s"
"""


def test_a_marked_string_left_in_english_is_reported_and_data_is_not(tmp_path):
    """The comparison can fail: of a German page that shows the English one's
    data (a name holding a marked word, another "of"), a word German spells
    the same, a translated sentence and four marked strings left in English
    (plain, a count, interpolated in a line of two sentences, and a fuzzy
    entry's), exactly the four are reported."""
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "de" / "LC_MESSAGES" / "django.po").write_text(GERMAN, encoding="utf-8")
    assert parse_po(tmp_path / "de" / "LC_MESSAGES" / "django.po")["Consent records"] == ""  # fuzzy: not used
    catalogues = Catalogues.load(tmp_path)
    english = {
        "Save changes",
        "Status",
        "Anna Weber",
        "Berlin Retail",
        "Isle of Man",
        "INS-2001",
        "3 of 5",
        "Cohort Berlin starts 3 Nov",
        "All synced. Last sync 14:05 CET.",
        "Consent records",
        "Incident playbook v1",
    }
    german = {
        "Save changes",
        "Status",
        "Anna Weber",
        "Berlin Retail",
        "Isle of Man",
        "INS-2001",
        "3 of 5",
        "Kohorte Berlin beginnt am 3 Nov",
        "All synced. Last sync 14:05 CET.",
        "Consent records",
        "Incident playbook v1",
    }
    # A document's title is data, though the same words are a marked string elsewhere.
    stored = {"Incident playbook", "Anna Weber"}
    assert ("Incident playbook v1", "Incident playbook") in catalogues.untranslated(english, german, "de")
    assert catalogues.untranslated(english, german, "de", stored) == [
        ("3 of 5", "%(done)s of %(total)s"),
        ("Consent records", "Consent records"),
        ("Last sync 14:05 CET.", "Last sync %(time)s."),
        ("Save changes", "Save changes"),
    ]
    # Translated, the same page has nothing to report.
    german = (german - {"Save changes", "3 of 5", "Consent records", "All synced. Last sync 14:05 CET."}) | {
        "Änderungen speichern",
        "3 von 5",
        "Einwilligungen",
        "Alles synchronisiert. Letzte Synchronisierung 14:05 CET.",
    }
    assert catalogues.untranslated(english, german, "de", stored) == []
