"""The every-language walk's reading of pages (tests/e2e/test_every_language.py):
the every-page walk's discovery (test_every_page.Walker) reading each page's
text in one language, and what the comparison takes for data rather than the
product's words: the database's stored text and the API schema's."""

import re
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, TextField
from django.utils import translation
from django.utils.translation import trans_real

from installer_ops.api_reference_views import generated_schema
from installer_ops.demo import DEMO_PASSWORD
from installer_ops.models import AuditEntry, User
from tests.e2e.catalogues import as_shown
from tests.e2e.conftest import log_in
from tests.e2e.test_every_page import LINKS, LOGINS, RENDERED, Walker

WIDTH = 1280
ENGLISH = settings.LANGUAGE_CODE
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
  // The tablet apps' own catalogue's (the admin's scripts ask Django's).
  const appCatalogue = document.querySelector("script[src*='/app/jsi18n/']") !== null;
  const msgids = appCatalogue ? Array.from(new Set(window.__msgids || [])) : [];
  return {lang: document.documentElement.lang, text: Array.from(seen), msgids: msgids};
}"""
# The msgids the tablet apps' scripts ask the jsi18n catalogue for, whether it has them or not.
RECORD_GETTEXT = """window.__msgids = [];
[["gettext", [0]], ["ngettext", [0, 1]], ["pgettext", [1]], ["npgettext", [1, 2]]].forEach(([name, ids]) => {
  let wrapped;
  Object.defineProperty(window, name, {configurable: true, get: () => wrapped, set: (real) => {
    wrapped = function (...args) {
      ids.forEach((i) => typeof args[i] === "string" && window.__msgids.push(args[i]));
      return real.apply(this, args);
    };
  }});
});"""
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
        self.msgids: set[str] = set()

    def open(self, width: int = WIDTH):
        User.objects.filter(username=LOGINS[self.role]).update(language=self.language)
        context = self.browser.new_context(viewport={"width": width, "height": 900}, base_url=self.origin)
        context.add_init_script(RECORD_GETTEXT)
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
            self.msgids |= set(seen["msgids"])
        return page.evaluate(LINKS)


def runtime_of(looked_up: dict[str, tuple]):
    """msgid, language -> the translation in Django's merged catalogue of that
    language (ours and Django's own strings: the admin's, forms'), "" where it
    has none; `looked_up` says of each msgid its context and plural."""

    def translated(msgid: str, language: str) -> str:
        context, singular, plural = looked_up.get(msgid, (None, msgid, None))
        catalog = trans_real.translation(language)._catalog
        key = singular if context is None else f"{context}\x04{singular}"
        if plural is None:
            found = catalog.get(key)
        else:
            found = catalog.get((key, 1 if msgid == plural else 0)) or catalog.get((key, 0))
        return found if isinstance(found, str) else ""

    return translated


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


# Where a msgid is marked: a gettext call's first string (or a plural's second), a template's tag.
MARKED = (
    r"(?:\b_|gettext\w*|ngettext\w*|pgettext\w*|npgettext\w*)\(\s*(?:[\"'][^\"']*[\"']\s*,\s*)?[\"']{}[\"']",
    r"\{{%\s*(?:translate|trans)\s+[\"']{}[\"']",
    r"%\}}{}\{{%",
)


def in_our_source(msgids: set[str]) -> set[str]:
    """The msgids marked in the product's code, templates and scripts (not a
    library's: Django's, the admin's, DRF's)."""
    sources = (
        path
        for app in PRODUCT_APPS
        for path in (settings.BASE_DIR / app).rglob("*")
        if path.suffix in {".py", ".html", ".txt", ".js"} and not {"vendor", "migrations"} & set(path.parts)
    )
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in sources)
    return {m for m in msgids if any(re.search(marked.format(re.escape(m)), text) for marked in MARKED)}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
