"""The current runbook and playbook the tablet keeps for reading during
bootcamp, before a kit exists, and "My record" as the tablet keeps it."""

import pytest

from onboarding import services
from onboarding.demo import load_reference_data
from onboarding.models import Document

pytestmark = pytest.mark.django_db


def test_an_installer_without_a_kit_downloads_the_current_runbook_and_playbook(bootcamp, client):
    _, (runbook_v1, playbook_v1) = load_reference_data()
    runbook_v2 = services.document_publish(
        actor=None, document=runbook_v1.document, body="# Newer\n\n<script>alert(1)</script>Check twice."
    )
    client.force_login(bootcamp.installer.user)
    answer = client.get("/api/v1/current-documents/")
    assert answer.status_code == 200
    by_kind = {d["kind"]: d for d in answer.json()}
    assert by_kind["runbook"]["version_id"] == runbook_v2.pk and by_kind["runbook"]["version"] == 2
    assert by_kind["playbook"]["version_id"] == playbook_v1.pk
    assert "<h1>Newer</h1>" in by_kind["runbook"]["html"]
    assert "<script" not in by_kind["runbook"]["html"]  # sanitised as the kit's copies are
    assert by_kind["runbook"]["pdf_url"].endswith("v2.pdf")


def test_no_document_published_is_an_empty_list_and_anonymous_is_refused(bootcamp, client):
    Document.objects.all().delete()
    assert client.get("/api/v1/current-documents/").status_code in (401, 403)
    client.force_login(bootcamp.installer.user)
    assert client.get("/api/v1/current-documents/").json() == []


def test_my_record_holds_the_part_the_tablet_keeps_with_the_contacts(bootcamp, client):
    client.force_login(bootcamp.installer.user)
    page = client.get("/me/").content.decode()
    kept = page[page.index('<div id="my-record">') :]
    assert "Who to call" in kept
    assert bootcamp.lead_a.get_full_name() in kept
    assert bootcamp.installer.employee_id in kept
