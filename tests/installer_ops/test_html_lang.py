"""Each HTML document says which language it is written in: every template
that opens <html> takes lang from the active language, and the documents
read outside base.html (the installer's and the lead's tablet shells, the
admin, the 500 page, the printed runbook) say "de" for a German reader."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from installer_ops.roles import Role
from onboarding import printing
from tests.factories import UserFactory
from tests.installer_ops.test_unmarked_text import ROOT, template_files

pytestmark = pytest.mark.django_db

HTML_OPEN = re.compile(r"<html\b[^>]*>", re.IGNORECASE)


def test_every_template_that_opens_html_takes_lang_from_the_active_language():
    opening = {}
    for path in template_files():
        source = path.read_text(encoding="utf-8")
        for tag in HTML_OPEN.findall(source):
            opening[path.relative_to(ROOT).as_posix()] = (tag, "{% get_current_language as LANGUAGE_CODE %}" in source)
    assert {"installer_ops/templates/base.html", "installer_ops/templates/installer_ops/app/shell.html"} <= set(opening)
    wrong = {
        name: tag for name, (tag, current) in opening.items() if 'lang="{{ LANGUAGE_CODE }}"' not in tag or not current
    }
    assert not wrong, wrong


@pytest.mark.parametrize("role", [Role.INSTALLER, Role.LEAD])
def test_the_tablet_shells_say_german_for_a_german_person(client, org, role):
    person = org.installer_a1.user if role == Role.INSTALLER else org.lead_a
    person.language = "de"
    person.save(update_fields=["language"])
    client.force_login(person)
    page = client.get("/app/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert '<html lang="de">' in page.content.decode()


def test_the_admin_says_german_for_a_german_admin(client):
    client.force_login(UserFactory(role=Role.ADMIN, language="de"))
    assert '<html lang="de"' in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_error_page_and_the_printed_runbook_say_the_active_language(onboarding):
    with translation.override("de"):
        assert '<html lang="de">' in render_to_string("500.html")
        assert '<html lang="de">' in printing.document_html(onboarding.runbook_v1, for_pdf=True)
    with translation.override("en"):
        assert '<html lang="en">' in printing.document_html(onboarding.runbook_v1, for_pdf=True)
