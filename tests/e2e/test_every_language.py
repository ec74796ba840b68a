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
panel by panel once they have drawn themselves from the first sync
(tests/e2e/language_walk.py). The marked strings are the catalogues' msgids
and every msgid the server and the tablet scripts were seen translating, so
that a string marked today and not extracted yet is found too. Each run
leaves var/screenshots/every-language/report.json: per language, each msgid
shown untranslated and the pages showing it.
"""

import json
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.e2e.catalogues import Catalogues, distinctive, parse_po
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.language_walk import (
    ENGLISH,
    WIDTH,
    TextWalker,
    in_our_source,
    path_of,
    runtime_of,
    schema_text,
    stored_text,
)
from tests.e2e.test_every_page import (
    LOGINS,
    demo,  # noqa: F401 - the demo organisation fixture
)

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != ENGLISH]
REPORT = SCREENSHOTS / "every-language" / "report.json"

# Leaks found by this walk and not fixed yet, msgid -> cause. They are still written to the
# report; any other untranslated segment fails the test. None is left: the audit log's keys and
# actions (installer_ops/audit_words.py), the API reference's HTTP phrases, Django admin's search
# alt (installer_ops/templates/admin/search_form.html) and django-axes's names in Spanish and
# Japanese (installer_ops/third_party_words.py) were the last.
KNOWN_LEAKS: dict[str, str] = {}


# (context, singular, plural) of a call of each kind of gettext.
CALLS = {
    "gettext": lambda message: (None, message, None),
    "ngettext": lambda singular, plural, number: (None, singular, plural),
    "pgettext": lambda context, message: (context, message, None),
    "npgettext": lambda context, singular, plural, number: (context, singular, plural),
}


@pytest.fixture
def looked_up(monkeypatch) -> dict[str, tuple]:
    """msgid -> (context, singular, plural) of every msgid the server
    translates while the test runs (the live server is a thread of this
    process): gettext and its kin, in Python and templates."""
    seen: dict[str, tuple] = {}
    for name, call in CALLS.items():
        real = getattr(translation._trans, name)

        def recording(*args, _real=real, _call=call):
            context, singular, plural = _call(*args)
            for msgid in (singular, plural):
                if isinstance(msgid, str):
                    seen.setdefault(str(msgid), (context, singular, plural))
            return _real(*args)

        monkeypatch.setattr(translation._trans, name, recording)
    return seen


# Matched without case: a key shows as a label ("Device serial") or inside a sentence ("device serial").
KNOWN_LOWER = {msgid.lower() for msgid in KNOWN_LEAKS}


def compare(english: TextWalker, foreign: TextWalker, urls: list[str], known: tuple, missing: dict) -> list:
    """What `foreign` shows untranslated on each page, as lines; each msgid is
    also noted in missing[kind][language][msgid] with the pages showing it,
    kind "ours" or "third-party" (a library's string). `known`: the
    catalogues, the stored text, the schema's and our msgids."""
    catalogues, stored, schema, ours = known
    problems = []
    for url in urls:
        where = f"{foreign.role} {path_of(url)} [{foreign.language}]"
        if url not in foreign.texts:
            continue  # could not load: in foreign.problems
        if foreign.langs[url] != foreign.language:
            problems.append(f'{where}: <html lang="{foreign.langs[url]}">')
        data = stored | (schema if urlsplit(url).path == reverse("api-docs") else set())
        for segment, msgid in catalogues.untranslated(english.texts[url], foreign.texts[url], foreign.language, data):
            kind = "ours" if msgid in ours else "third-party"
            line = f"{where}: {segment!r}" + ("" if segment == msgid else f" (msgid {msgid!r})")
            if msgid.lower() not in KNOWN_LOWER:
                problems.append(line if kind == "ours" else f"{line} [a library's string]")
            pages = missing.setdefault(kind, {}).setdefault(foreign.language, {}).setdefault(msgid, [])
            pages.append(f"{foreign.role} {path_of(url)}")
    return problems


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_role_in_every_language(browser, live_server, demo, looked_up):  # noqa: F811
    catalogues = Catalogues.load()
    known = (catalogues, stored_text(), schema_text())
    problems, counts, walks, started = [], {}, [], time.monotonic()
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
            problems += foreign.problems
            walks.append((english, foreign, urls))
        counts[role] = len(urls)
    in_scripts = {msgid for _e, foreign, _u in walks for msgid in foreign.msgids}
    catalogues.looked_up = set(looked_up) | in_scripts
    catalogues.runtime = runtime_of(looked_up)
    # Marked in our code, used, and in no .po file yet (makemessages has not seen them), whether shown or not.
    extracted = {msgid for entries in catalogues.languages.values() for msgid in entries}
    unextracted = in_our_source(catalogues.looked_up - extracted)
    missing: dict = {}
    known = (*known, extracted | unextracted)
    for english, foreign, urls in walks:
        problems += compare(english, foreign, urls, known, missing)
    # For whoever tops up the catalogues: per language, each msgid and the pages showing it in English.
    report = {"seconds": round(time.monotonic() - started), "pages": counts, "untranslated": missing.get("ours", {})}
    report["untranslated, a library's"] = missing.get("third-party", {})
    report["looked up"] = {"server": len(looked_up), "tablet scripts": len(in_scripts)}
    report["looked up"]["ours, in no catalogue"] = sorted(m for m in unextracted if distinctive(m))
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
    # A string marked today, in no catalogue yet, is found once the product is seen looking it up.
    english, german = english | {"Consent KPIs"}, german | {"Consent KPIs"}
    assert catalogues.untranslated(english, german, "de", stored) == []
    catalogues = Catalogues.load(tmp_path)
    catalogues.looked_up = {"Consent KPIs"}
    assert catalogues.untranslated(english, german, "de", stored) == [("Consent KPIs", "Consent KPIs")]
