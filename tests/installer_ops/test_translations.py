"""The translations: every language offered in settings.LANGUAGES has complete
catalogues (each marked string translated, none fuzzy, none missing because the
catalogue was not re-extracted), the compiled .mo files are current, and a
person whose account says German reads German pages and a German tablet app."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from installer_ops.roles import Role
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

LOCALE = Path(settings.BASE_DIR) / "locale"
DOMAINS = ("django", "djangojs")
# The same exclusions as `make messages-extract`: tests and vendored libraries hold no product text.
IGNORE = {
    "django": [".venv", "var", "node_modules", "tests"],
    "djangojs": [".venv", "var", "node_modules", "tests", "static/vendor", "staticfiles"],
}
OFFERED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _string(lines: list[str], keyword: str) -> str | None:
    """The value of `keyword "..."` joined with its continuation lines, still PO-escaped."""
    for index, line in enumerate(lines):
        if line.startswith(keyword + " "):
            parts = [line[len(keyword) + 1 :]]
            for following in lines[index + 1 :]:
                if not following.startswith('"'):
                    break
                parts.append(following)
            return "".join(part.strip()[1:-1] for part in parts)
    return None


def catalogue_problems(path: Path) -> list[str]:
    """Each entry of a .po file that is untranslated (an empty msgstr or plural
    form) or fuzzy, as "fuzzy: …" or "untranslated: …"; obsolete (#~) entries and
    the header do not count."""
    problems = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        msgid = _string(lines, "msgid")
        if not msgid:
            continue
        label = (_string(lines, "msgctxt") + " | " if _string(lines, "msgctxt") else "") + msgid
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            problems.append(f"fuzzy: {label}")
            continue
        keywords = [line.split(" ", 1)[0] for line in lines if line.startswith("msgstr")]
        if any(not _string(lines, keyword) for keyword in keywords):
            problems.append(f"untranslated: {label}")
    return problems


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The offered languages' catalogues as makemessages makes them from today's
    code: a copy of locale/ brought up to date, so a newly marked string that was
    never extracted shows as untranslated too. makemessages writes to the locale/
    directory above each source file, so it runs in a mirror of the project (its
    sources linked, locale/ copied) to leave the committed catalogues alone."""
    root = tmp_path_factory.mktemp("project")
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in {"locale", ".git", *IGNORE["django"]}:
            (root / entry.name).symlink_to(entry)
    for code in OFFERED:
        if (LOCALE / code).is_dir():
            shutil.copytree(LOCALE / code, root / "locale" / code, ignore=shutil.ignore_patterns("*.mo"))
    if OFFERED:
        here = os.getcwd()
        os.chdir(root)
        try:
            with override_settings(LOCALE_PATHS=[root / "locale"]):
                for domain in DOMAINS:
                    call_command(
                        "makemessages",
                        locale=OFFERED,
                        domain=domain,
                        ignore_patterns=IGNORE[domain],
                        symlinks=True,
                        verbosity=0,
                    )
        finally:
            os.chdir(here)
    return root / "locale"


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_offered_language_translates_every_marked_string(extracted, domain):
    assert OFFERED, "settings.LANGUAGES offers English only"
    for code in OFFERED:
        committed = LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
        assert committed.is_file(), f"{code} is offered but has no {committed.relative_to(settings.BASE_DIR)}"
        problems = catalogue_problems(extracted / code / "LC_MESSAGES" / f"{domain}.po")
        assert not problems, f"{code}/{domain}.po (run `make messages-extract`, then translate):\n" + "\n".join(
            problems[:20]
        )


def test_a_missing_or_fuzzy_translation_is_caught(tmp_path):
    """The check above can fail: a copy of the German catalogue with one entry
    blanked and another marked fuzzy reports exactly those two."""
    source = LOCALE / "de" / "LC_MESSAGES" / "django.po"
    text = source.read_text(encoding="utf-8")
    assert catalogue_problems(source) == []
    broken = text.replace('msgstr "Ausgewählte Entwürfe veröffentlichen"', 'msgstr ""', 1)
    broken = broken.replace('\nmsgid "Unknown item."', '\n#, fuzzy\nmsgid "Unknown item."', 1)
    copy = tmp_path / "django.po"
    copy.write_text(broken, encoding="utf-8")
    assert catalogue_problems(copy) == ["untranslated: Publish the selected drafts", "fuzzy: Unknown item."]
    plural = text.replace('msgstr[1] "%(n)s Versionen veröffentlicht."', 'msgstr[1] ""', 1)
    copy.write_text(plural, encoding="utf-8")
    assert catalogue_problems(copy) == ["untranslated: %(n)s version published."]


def test_each_catalogue_is_valid_and_compiled_after_its_last_change():
    """msgfmt accepts every catalogue (placeholders kept, plural forms right), and
    each .mo that Django reads is at least as new as its .po: `make messages`
    (part of `make setup` and `make setup-test`) compiles them."""
    catalogues = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
    assert {po.parent.parent.name for po in catalogues} >= {"de", "es", "fr", "ja"}
    for po in catalogues:
        checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        mo = po.with_suffix(".mo")
        assert mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is missing or stale: `make messages`"


@pytest.fixture
def german(db):
    """One person per role, each with German chosen on their account."""
    pod = PodFactory(code="pod-de", name="Pod DE")
    people = {
        Role.INSTALLER: InstallerFactory(pod=pod, user__language="de").user,
        Role.LEAD: lead_of(pod, language="de"),
        Role.EXECUTIVE: UserFactory(role=Role.EXECUTIVE, language="de"),
        Role.ADMIN: UserFactory(role=Role.ADMIN, language="de"),
    }
    return people


# A couple of main pages per role and text each shows in German.
GERMAN_PAGES = {
    Role.INSTALLER: [("app", "Checkliste"), ("my-record", "Meine Akte")],
    Role.LEAD: [("lead-cohorts", "Neue Kohorte"), ("lead-queue", "Was auf Sie wartet")],
    Role.EXECUTIVE: [("dashboard", "Dashboard"), ("org-overview", "Personalstand")],
    Role.ADMIN: [("audit-log", "Prüfprotokoll filtern"), ("kpi-targets", "Standard der Organisation")],
}


@pytest.mark.parametrize("role", list(Role))
def test_a_person_who_chose_german_reads_german_pages(client, german, role):
    client.force_login(german[role])
    for name, text in GERMAN_PAGES[role]:
        page = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")  # the account's choice beats the browser's
        body = page.content.decode()
        assert page.status_code == 200, name
        assert '<html lang="de">' in body, name
        assert page["Content-Language"] == "de"
        assert text in body, (name, text)
        assert "Abmelden" in body and ">Log out<" not in body, name


def test_the_tablet_catalogue_answers_german_for_a_german_person(client, german):
    client.force_login(german[Role.INSTALLER])
    catalogue = client.get("/app/jsi18n/").content.decode()
    assert "Meine Checkliste" in catalogue
    assert "Wartet auf Synchronisierung" in catalogue


def test_without_an_account_choice_the_browser_language_decides(client, db):
    assert '<html lang="de">' in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9").content.decode()
    assert '<html lang="en">' in english and "Forgot your password?" in english
    person = UserFactory(role=Role.EXECUTIVE, language="")
    client.force_login(person)
    assert '<html lang="de">' in client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in client.get("/dashboard/").content.decode()
