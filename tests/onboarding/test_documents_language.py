"""Documents in the reader's language: the packet is the installer's (their
account's language, for the page's words and every copy where translated,
the geography's consent flow included); the print view takes ?language=."""

import pytest
from django.utils import timezone

from onboarding import document_services, printing, services
from onboarding.models import ConfigProfile
from tests.factories import GeographyFactory

from .consent_fixtures import FLOW_V1_DE, admin, consent_flow, installer_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_installer():
    actor = admin()
    geography = GeographyFactory(code="de", name="Germany")
    documents = {}
    for kind, title in (("runbook", "Field runbook"), ("playbook", "Incident playbook")):
        document = document_services.document_create(actor=actor, kind=kind, slug=kind, title=title)
        document_services.document_publish(actor=actor, document=document, body=f"# {title}\n\nEnglish text.\n")
        documents[kind] = document
    document_services.document_publish(
        actor=actor, document=documents["runbook"], body="# Feld-Runbook\n\nDeutscher Text.\n", language="de"
    )
    flow_document, _v1 = consent_flow(geography, actor=actor)
    document_services.document_publish(actor=actor, document=flow_document, body=FLOW_V1_DE, language="de")
    installer = installer_in(geography)
    installer.user.language = "de"
    installer.user.save()
    profile = ConfigProfile.objects.create(
        name="node", version=1, content="x", sha256="0" * 64, created_at=timezone.now()
    )
    services.kit_issue(actor=actor, installer=installer, device_serial="SN-1", profile=profile)
    return installer


def test_the_packet_is_in_the_installers_language_with_english_where_untranslated(german_installer):
    html = printing.packet_html(german_installer)
    assert "Offline-Paket" in html  # the page's own words
    assert "Deutscher Text." in html  # the runbook's German translation
    assert "English text." in html  # the playbook has none: English
    assert "Datenschutzhinweis übergeben" in html  # the geography's consent flow, in German
    assert "☐" in html  # its steps as boxes to tick
    assert 'lang="de"' in html and 'lang="en"' in html


def test_the_print_view_takes_the_language_asked_for(client, german_installer):
    client.force_login(german_installer.user)
    german = client.get("/runbooks/runbook/v1/")
    assert "Deutscher Text." in german.content.decode()
    english = client.get("/runbooks/runbook/v1/?language=en")
    assert "English text." in english.content.decode()
    # A language with no translation falls back to English.
    assert "English text." in client.get("/runbooks/runbook/v1/?language=ja").content.decode()
