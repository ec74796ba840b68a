"""The library pages: documents with the editor and its preview, drill
scenarios, configuration profiles. Administrators only; bad input is a 400
with the error under its field, never a 500."""

import pytest
from django.test import Client

from installer_ops.models import AuditEntry
from installer_ops.roles import Role
from onboarding import services
from onboarding.demo import load_reference_data
from onboarding.models import ConfigProfile, Day1Kit, Document, DocumentVersion, DrillScenario
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def library(admin):
    """Reference data and one kit holding version 1 of the runbook."""

    class Library:
        pass

    lib = Library()
    lib.profile, (lib.runbook_v1, lib.playbook_v1) = load_reference_data()
    lib.scenario = DrillScenario.objects.get(code="node-offline")
    pod = PodFactory()
    lib.lead = lead_of(pod)
    lib.installer = InstallerFactory(pod=pod)
    lib.kit = services.kit_issue(actor=lib.lead, installer=lib.installer, device_serial="KIT-1", profile=lib.profile)
    return lib


LIST_PAGES = ["/library/", "/library/scenarios/", "/library/profiles/"]


def test_each_list_says_so_when_empty(as_admin):
    for url, text in zip(
        LIST_PAGES + ["/library/new-document/", "/library/scenarios/new/", "/library/profiles/new/"],
        ["No document yet", "No scenario yet", "No configuration profile yet", "Slug", "Code", "Canonical"],
        strict=True,
    ):
        response = as_admin.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


@pytest.mark.parametrize("role", [Role.LEAD, Role.EXECUTIVE, Role.INSTALLER])
def test_everyone_but_administrators_is_refused_every_page(client, library, role):
    user = lead_of(PodFactory()) if role == Role.LEAD else UserFactory(role=role)
    client.force_login(user)
    urls = [
        *LIST_PAGES,
        "/library/new-document/",
        "/library/documents/field-runbook/",
        f"/library/scenarios/{library.scenario.pk}/",
        f"/library/profiles/{library.profile.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Field installation runbook" not in response.content.decode()
    for url, data in [
        ("/library/documents/field-runbook/", {"action": "publish", "body": "# Taken over"}),
        ("/library/documents/field-runbook/preview/", {"body": "# x"}),
        (f"/library/scenarios/{library.scenario.pk}/active/", {"active": "false"}),
        ("/library/new-document/", {"kind": "runbook", "slug": "mine", "title": "Mine"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert DocumentVersion.objects.filter(document__slug="field-runbook").count() == 1
    assert not Document.objects.filter(slug="mine").exists()
    assert DrillScenario.objects.get(pk=library.scenario.pk).active


def test_unknown_records_answer_404(as_admin, library):
    for url in ["/library/documents/nope/", "/library/scenarios/999999/", "/library/profiles/999999/"]:
        assert as_admin.get(url).status_code == 404, url
    assert as_admin.post("/library/documents/nope/preview/", {"body": "x"}).status_code == 404


def test_the_document_list_shows_current_versions_and_kits_holding_older_copies(as_admin, library, admin):
    services.document_publish(actor=admin, document=library.runbook_v1.document, body="# Runbook v2\n")
    body = as_admin.get("/library/").content.decode()
    assert "Field installation runbook" in body and "Incident playbook" in body
    assert 'href="/runbooks/field-runbook/v2/">v2</a>' in body
    assert '<a class="badge warn" href="/lead/onboarding/">1</a>' in body  # the kit holds runbook v1


def test_a_new_document_is_created_and_its_entry_written(as_admin, admin):
    response = as_admin.post("/library/new-document/", {"kind": "playbook", "slug": "sev1-playbook", "title": "SEV-1"})
    document = Document.objects.get(slug="sev1-playbook")
    assert response.status_code == 302 and response["Location"] == "/library/documents/sev1-playbook/"
    assert AuditEntry.objects.filter(action="create", object_type="document", object_id=str(document.pk)).exists()
    page = as_admin.get(response["Location"]).content.decode()
    assert "No version yet" in page


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"kind": "runbook", "slug": "field-runbook", "title": "Again"}, "already exists"),
        ({"kind": "runbook", "slug": "not a slug!", "title": "Bad"}, "letters, numbers, underscores or hyphens"),
        ({"kind": "manual", "slug": "manual", "title": "Bad kind"}, "Select a valid choice"),
        ({"kind": "runbook", "slug": "", "title": "No slug"}, "This field is required"),
        ({"kind": "runbook", "slug": "s" * 81, "title": "Long"}, "at most 80 characters"),
        ({"kind": "runbook", "slug": "nul", "title": "A\x00B"}, "Null characters are not allowed"),
    ],
)
def test_a_bad_new_document_is_a_400_with_the_error_under_its_field(as_admin, library, data, field_error):
    response = as_admin.post("/library/new-document/", data)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert Document.objects.count() == 2


def test_the_editor_starts_from_the_current_body_and_previews_without_javascript(as_admin, library):
    page = as_admin.get("/library/documents/field-runbook/").content.decode()
    assert "1. Before you leave for site" in page  # the current body, in the textarea and in the preview
    assert "/runbooks/field-runbook/v1/" in page  # the version history links the print view
    typed = "## Checks\n\n<script>alert(1)</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    response = as_admin.post("/library/documents/field-runbook/", {"action": "preview", "body": typed})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Checks</h2>" in body and "<td>1</td>" in body
    assert "<script>alert(1)" not in body  # sanitised by the print view's nh3 rules
    assert DocumentVersion.objects.filter(document__slug="field-runbook").count() == 1


def test_the_live_preview_is_a_fragment_rendered_like_the_print_view(as_admin, library):
    response = as_admin.post(
        "/library/documents/field-runbook/preview/",
        {"body": "# Title\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)>"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Title</h1>" in body and "<html" not in body
    assert "javascript:" not in body and "onerror" not in body and "<img" not in body
    assert as_admin.post("/library/documents/field-runbook/preview/", {"body": ""}).status_code == 200
    assert as_admin.get("/library/documents/field-runbook/preview/").status_code == 405
    too_long = as_admin.post("/library/documents/field-runbook/preview/", {"body": "x" * 200_001})
    assert too_long.status_code == 400


def test_publishing_from_the_editor_flags_the_kits_and_says_how_many(as_admin, library, admin):
    response = as_admin.post(
        "/library/documents/field-runbook/",
        {"action": "publish", "body": "# Field runbook\r\n\r\nNew step.\r\n"},
        follow=True,
    )
    assert "Version 2 published. 1 kit holds an older copy and is flagged for reprint." in response.content.decode()
    v2 = DocumentVersion.objects.get(document__slug="field-runbook", number=2)
    assert v2.body == "# Field runbook\n\nNew step.\n"  # the browser's CRLF stored as LF
    assert v2.published_by == admin
    assert Day1Kit.objects.get(pk=library.kit.pk).reprint_needed_since == v2.published_at
    entry = AuditEntry.objects.get(action="publish version", object_id=str(v2.document_id), actor=admin)
    assert entry.changes["kits flagged for reprint"] == 1 and entry.source == "page"
    # The same body again (as the browser sends it) publishes nothing.
    again = as_admin.post(
        "/library/documents/field-runbook/",
        {"action": "publish", "body": "# Field runbook\r\n\r\nNew step.\r\n"},
        follow=True,
    )
    assert "The body is the same as version 2: nothing was published." in again.content.decode()
    assert DocumentVersion.objects.filter(document__slug="field-runbook").count() == 2


@pytest.mark.parametrize("body", ["", "   \r\n  "])
def test_an_empty_body_is_refused_under_the_field(as_admin, library, body):
    response = as_admin.post("/library/documents/field-runbook/", {"action": "publish", "body": body})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert DocumentVersion.objects.filter(document__slug="field-runbook").count() == 1
    assert Day1Kit.objects.get(pk=library.kit.pk).reprint_needed_since is None


def test_scenarios_are_added_edited_and_retired_from_the_pages(as_admin, library):
    data = {"code": "dns-outage", "title": "DNS outage", "description": "No answers.", "recovery_target_minutes": 25}
    assert as_admin.post("/library/scenarios/new/", data).status_code == 302
    scenario = DrillScenario.objects.get(code="dns-outage")
    edit = {"title": "DNS outage at site", "description": "No answers.", "recovery_target_minutes": 20}
    assert as_admin.post(f"/library/scenarios/{scenario.pk}/", edit).status_code == 302
    scenario.refresh_from_db()
    assert scenario.recovery_target_minutes == 20
    assert as_admin.post(f"/library/scenarios/{scenario.pk}/active/", {"active": "false"}).status_code == 302
    scenario.refresh_from_db()
    assert not scenario.active
    listing = as_admin.get("/library/scenarios/").content.decode()
    assert "Retired" in listing and "Restore" in listing
    actions = set(AuditEntry.objects.filter(object_type="drillscenario").values_list("action", flat=True))
    assert actions == {"create", "update", "retire"}
    # A retired scenario is not offered when a lead schedules a drill.
    lead = Client()
    lead.force_login(library.lead)
    page = lead.get(f"/lead/onboarding/installers/{library.installer.pk}/").content.decode()
    assert "Node offline" in page and "DNS outage at site" not in page


def test_a_scenario_with_drills_is_shown_frozen_and_an_edit_is_refused(as_admin, library):
    from django.utils import timezone

    services.drill_schedule(
        actor=library.lead, installer=library.installer, scenario=library.scenario, scheduled_for=timezone.now()
    )
    page = as_admin.get(f"/library/scenarios/{library.scenario.pk}/").content.decode()
    assert "no longer edited" in page and "Save scenario" not in page
    response = as_admin.post(
        f"/library/scenarios/{library.scenario.pk}/",
        {"title": "Rewritten", "description": "d", "recovery_target_minutes": 1},
    )
    assert response.status_code == 400
    assert "retire it and add a new scenario" in response.content.decode()
    assert DrillScenario.objects.get(pk=library.scenario.pk).title == "Node offline"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "node-offline", "title": "T", "description": "D", "recovery_target_minutes": 5}, "already exists"),
        ({"code": "bad code", "title": "T", "description": "D", "recovery_target_minutes": 5}, "letters, numbers"),
        ({"code": "ok", "title": "T", "description": "D", "recovery_target_minutes": 2**31}, "less than or equal"),
        ({"code": "ok", "title": "T", "description": "D", "recovery_target_minutes": 0}, "greater than or equal"),
        ({"code": "ok", "title": "T", "description": "D", "recovery_target_minutes": "ten"}, "whole number"),
        ({"code": "ok", "title": "   ", "description": "D", "recovery_target_minutes": 5}, "required"),
    ],
)
def test_a_bad_scenario_is_a_400_under_its_field(as_admin, library, data, message):
    response = as_admin.post("/library/scenarios/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert DrillScenario.objects.count() == 6


def test_profiles_are_added_and_edited_into_new_versions(as_admin, library):
    response = as_admin.post("/library/profiles/new/", {"name": "lab-node", "content": "a = 1\r\n"})
    lab = ConfigProfile.objects.get(name="lab-node")
    assert response.status_code == 302 and lab.content == "a = 1\n"
    duplicate = as_admin.post("/library/profiles/new/", {"name": "lab-node", "content": "b = 2\n"})
    assert duplicate.status_code == 400 and "edit it instead" in duplicate.content.decode()
    edited = as_admin.post(f"/library/profiles/{library.profile.pk}/", {"content": library.profile.content + "x = 1\n"})
    v2 = ConfigProfile.objects.get(name=library.profile.name, version=2)
    assert edited["Location"] == f"/library/profiles/{v2.pk}/"
    assert Day1Kit.objects.get(pk=library.kit.pk).profile_id == library.profile.pk  # the kit keeps v1
    old = as_admin.get(f"/library/profiles/{library.profile.pk}/").content.decode()
    assert "This is an earlier version" in old and "Save new version" not in old
    refused = as_admin.post(f"/library/profiles/{library.profile.pk}/", {"content": "y = 2\n"})
    assert refused.status_code == 400 and "Version 2 is the latest" in refused.content.decode()
    listing = as_admin.get("/library/profiles/").content.decode()
    assert "lab-node" in listing and "(2 versions)" in listing
    assert AuditEntry.objects.filter(object_type="configprofile", action="create", object_id=str(v2.pk)).exists()
