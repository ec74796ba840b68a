"""One action, one audit entry, whatever the door: the services write the
entry in their own transaction with the actor and the door's name; no entry
ever holds a password (or anything named token or secret)."""

import json
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from installer_ops.models import AuditEntry, Installer, Level
from tests.factories import PodFactory, lead_of

pytestmark = pytest.mark.django_db
TYPED_PASSWORD = "Typed-in-clear-7731"  # noqa: S105 - what must never reach the log


def no_secret_values():
    dumped = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert TYPED_PASSWORD not in dumped


def test_a_promotion_through_the_page_is_one_entry_with_its_actor(client, org):
    client.force_login(org.lead_a)
    response = client.post(
        f"/org/installers/{org.installer_a1.pk}/promote/", {"to_level": Level.INSTALLER_2, "effective_on": "2026-02-01"}
    )
    assert response.status_code in (200, 302)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.source, entry.action, entry.object_id) == (
        org.lead_a,
        "page",
        "promote",
        str(org.installer_a1.pk),
    )
    assert entry.changes == {"level": [Level.INSTALLER_1, Level.INSTALLER_2], "effective_on": "2026-02-01"}


def test_a_separation_through_the_page_is_one_entry(client, org):
    client.force_login(org.lead_a)
    client.post(f"/org/installers/{org.installer_a2.pk}/separate/", {"left_on": "2026-03-01", "voluntary": "true"})
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.source, entry.action) == (org.lead_a, "page", "separate")
    assert entry.changes == {"stage": ["hired", "left"], "left_on": "2026-03-01", "left_voluntarily": True}


def test_a_hire_through_the_page_is_one_entry(client, org):
    client.force_login(org.lead_a)
    response = client.post(
        "/org/installers/new/",
        {
            "employee_id": "E-900",
            "name": "Nia New",
            "pod": org.pod_a.pk,
            "hired_on": "2026-03-02",
            "level": Level.INSTALLER_1,
            "hiring_source": "referral",
            "email": "nia@example.com",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.source, entry.action, entry.object_type) == (org.lead_a, "page", "hire", "installer")
    assert entry.changes["login"] == "e-900" and entry.changes["pod"] == org.pod_a.pk


def test_a_hire_through_the_api_is_audited_by_the_service(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/installers/",
        {
            "employee_id": "E-901",
            "name": "Ola Api",
            "pod": org.pod_b.pk,
            "hired_on": "2026-03-02",
            "password": TYPED_PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    hire = AuditEntry.objects.get()
    assert (hire.actor, hire.source, hire.action) == (org.admin, "api", "hire")
    no_secret_values()


def test_creating_a_user_in_the_admin_records_the_password_as_changed_only(client, org):
    client.force_login(org.admin)
    response = client.post(
        "/admin/installer_ops/user/add/",
        {"username": "newbie", "password1": TYPED_PASSWORD, "password2": TYPED_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_type="user", action="create")
    assert (entry.actor, entry.source) == (org.admin, "admin")
    assert {entry.changes.get("password1"), entry.changes.get("password2")} == {"(changed)"}
    no_secret_values()


def write_files(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")


def test_an_import_of_field_rows_is_one_entry_per_door(client, api, org):
    """The same import through its three doors: one entry each, with the door and the actor."""
    nodes = "serial,site,pod_code,installed_by,installed_on\n{serial},Store,{pod},,2025-01-02\n"
    with tempfile.TemporaryDirectory() as tmp:
        write_files(Path(tmp), {"nodes.csv": nodes.format(serial="N-CMD", pod=org.pod_a.code)})
        call_command("import_field_data", tmp)
    client.force_login(org.admin)
    upload = client.post(
        "/admin/kpis/node/import/",
        {"nodes.csv": SimpleUploadedFile("nodes.csv", nodes.format(serial="N-ADM", pod=org.pod_a.code).encode())},
    )
    assert upload.status_code == 302
    row = {
        "serial": "N-API",
        "site": "Store",
        "pod_code": org.pod_a.code,
        "installed_by": "",
        "installed_on": "2025-01-02",
    }
    assert api.as_user(org.admin).post("/api/v1/nodes/", row, format="json").status_code == 201
    runs = list(AuditEntry.objects.order_by("id").values_list("source", "actor", "action", "changes"))
    assert [(source, actor, action) for source, actor, action, _ in runs] == [
        ("import", None, "import"),
        ("admin", org.admin.pk, "import"),
        ("api", org.admin.pk, "import"),
    ]
    assert all(changes["created"] == {"nodes": 1} for *_, changes in runs)


def test_an_import_by_command_is_one_run_entry_plus_the_people_it_changed():
    PodFactory(code="berlin")
    with tempfile.TemporaryDirectory() as tmp:
        write_files(
            Path(tmp),
            {
                "installers.csv": "employee_id,name,pod_code,level,hired_on,left_on,left_voluntarily\n"
                "E-1,Ada Lovelace,berlin,installer-1,2024-01-08,,\n",
                "nodes.csv": "serial,site,pod_code,installed_by,installed_on\nN-1,Store,berlin,E-1,2025-01-02\n",
            },
        )
        call_command("import_field_data", tmp)
    run = AuditEntry.objects.get(action="import")
    assert (run.source, run.actor, run.object_type) == ("import", None, "field data import")
    assert run.changes["created"] == {"installers": 1, "nodes": 1}
    hire = AuditEntry.objects.get(action="hire")
    assert hire.source == "import"


def test_a_reimport_with_a_changed_name_and_pod_updates_and_audits_them():
    from kpis.importing import field_data_import

    old, new = PodFactory(code="old-pod"), PodFactory(code="new-pod")
    row = (
        "employee_id,name,pod_code,level,hired_on,left_on,left_voluntarily\nE-7,{name},{pod},installer-1,2024-01-08,,\n"
    )
    field_data_import(actor=None, files={"installers.csv": row.format(name="Bo Bauer", pod=old.code)})
    report = field_data_import(actor=None, files={"installers.csv": row.format(name="Bo Baur-Lee", pod=new.code)})
    assert report.updated["installers"] == 1 and report.unchanged["installers"] == 0
    installer = Installer.objects.get(employee_id="E-7")
    assert (installer.name, installer.pod) == ("Bo Baur-Lee", new)
    update = AuditEntry.objects.get(action="update", object_type="installer")
    assert update.changes == {"pod": [old.pk, new.pk], "name": ["Bo Bauer", "Bo Baur-Lee"]}
    # The same file again changes nothing and says so.
    again = field_data_import(actor=None, files={"installers.csv": row.format(name="Bo Baur-Lee", pod=new.code)})
    assert (again.updated["installers"], again.unchanged["installers"]) == (0, 1)


def test_a_pod_renamed_by_an_import_goes_through_the_service():
    from kpis.importing import field_data_import

    pods = "code,name,vertical,geography\nmunich,{name},Retail,Europe\n"
    field_data_import(actor=None, files={"pods.csv": pods.format(name="Munich")})
    report = field_data_import(actor=None, files={"pods.csv": pods.format(name="Munich Retail")})
    assert report.updated["pods"] == 1
    entry = AuditEntry.objects.get(action="update", object_type="pod")
    assert entry.changes == {"name": ["Munich", "Munich Retail"]}


def test_a_job_is_audited_as_a_job(bootcamp):
    """The daily stage job moves a finished installer on, audited as the system's job."""
    from onboarding.tasks import advance_completed_bootcamps
    from tests.onboarding.fixtures import complete_bootcamp

    complete_bootcamp(bootcamp, bootcamp.enrollment)
    AuditEntry.objects.all().delete()
    advance_completed_bootcamps.delay()
    entry = AuditEntry.objects.get(action="advance stage", object_id=str(bootcamp.installer.pk))
    assert (entry.source, entry.actor, entry.changes) == ("job", None, {"stage": ["bootcamp", "onboarding"]})


def test_a_refused_change_leaves_no_entry(api, org):
    other_lead = lead_of(PodFactory())
    url = f"/api/v1/installers/{org.installer_a1.pk}/promote/"
    assert (
        api.as_user(other_lead).post(url, {"to_level": "installer-2", "effective_on": "2026-02-01"}).status_code == 404
    )
    invalid = api.as_user(org.lead_a).post(url, {"to_level": "installer-1", "effective_on": "2026-02-01"})
    assert invalid.status_code == 400
    assert not AuditEntry.objects.exists()
