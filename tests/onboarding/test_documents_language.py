"""Documents in the reader's language: the packet is the installer's (their
account's language, for the page's words and every copy where translated,
the geography's consent flow included); the print view takes ?language=."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onboarding import document_services, printing, services
from onboarding.models import ConfigProfile, DocumentVersion
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
        actor=actor,
        document=documents["runbook"],
        body="# Feld-Runbook\n\nDeutscher Text.\n",
        language="de",
        title="Runbook für den Einsatz",
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


def test_a_translation_carries_its_own_title_and_readers_see_it(german_installer, api):
    html = printing.packet_html(german_installer)
    assert "Runbook für den Einsatz" in html  # the German runbook's title
    assert "Incident playbook" in html  # untranslated: the document's title
    runbook = DocumentVersion.objects.get(document__slug="runbook", language="de")
    assert runbook.shown_title == "Runbook für den Einsatz" and str(runbook) == "Runbook für den Einsatz v1 (de)"
    english = DocumentVersion.objects.get(document__slug="runbook", language="en")
    assert english.shown_title == "Field runbook"
    page = printing.document_html(runbook, for_pdf=False)
    assert "<title>Runbook für den Einsatz v1</title>" in page
    assert '<h1 class="doc-title">Runbook für den Einsatz</h1>' in page
    copies = {c["title"] for c in printing.kit_copies(german_installer.kit, "de")}
    assert copies == {"Runbook für den Einsatz", "Incident playbook"}


def test_a_title_is_a_translations_and_never_changes():
    actor = admin()
    document = document_services.document_create(actor=actor, kind="runbook", slug="rb", title="Runbook")
    document_services.document_publish(actor=actor, document=document, body="English.\n")
    with pytest.raises(ValidationError) as english:
        document_services.document_publish(actor=actor, document=document, body="Other.\n", title="Mein Titel")
    assert "title" in english.value.message_dict
    first = document_services.document_publish(
        actor=actor, document=document, body="Deutsch.\n", language="de", title="  Mein Runbook  "
    )
    assert first.title == "Mein Runbook"
    again = document_services.document_publish(
        actor=actor, document=document, body="Deutsch.\n", language="de", title="Mein Runbook"
    )
    assert again.pk == first.pk
    with pytest.raises(ValidationError):
        document_services.document_publish(
            actor=actor, document=document, body="Deutsch.\n", language="de", title="Ein anderer Titel"
        )
    with pytest.raises(ValidationError) as long:
        document_services.document_publish(
            actor=actor, document=document, body="Français.\n", language="fr", title="x" * 201
        )
    assert "title" in long.value.message_dict
    assert DocumentVersion.objects.filter(document=document).count() == 2
