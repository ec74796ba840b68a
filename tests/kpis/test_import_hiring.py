"""candidates.csv and scorecards.csv through the field-data importer: the
rows go through hiring's services (history, audit, rules), all or nothing,
and importing the same files again changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from hiring.models import Candidate, CandidateStage, Scorecard
from installer_ops.audit import audit_source
from installer_ops.models import AuditEntry
from kpis.importing import ImportRefused, field_data_import
from tests.kpis.hiring_files import counts, hiring_org_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def hiring_org(org):
    return hiring_org_of(org)


def stages(candidate) -> list[tuple[str, str]]:
    return list(candidate.stage_changes.order_by("at", "id").values_list("from_stage", "to_stage"))


def test_a_good_import_goes_through_the_hiring_services(hiring_org):
    o = hiring_org
    report = field_data_import(actor=o.admin, files=o.files())
    assert (report.created["candidates"], report.created["scorecards"]) == (3, 3)
    ana, ivan, rita = (
        Candidate.objects.get(email=e) for e in ("ana@example.com", "ivan@example.com", "rita@example.com")
    )
    assert (ana.stage, ivan.stage, rita.stage) == ("applied", "interview", "rejected")
    assert (ana.source, ivan.source, ivan.applied_on.isoformat()) == (
        "maker_community",
        "technical_college",
        o.applied_on,
    )
    assert stages(ivan) == [("", "applied"), ("applied", "screen"), ("screen", "practical"), ("practical", "interview")]
    # Rejected in one step with the file's reason, after the scorecard was written.
    assert stages(rita) == [("", "applied"), ("applied", "rejected")]
    assert rita.stage_changes.get(to_stage="rejected").reason == "Skipped the certificate check in the practical."
    assert set(ivan.interviewers.values_list("username", flat=True)) == {"ivo", "admin"}
    card = Scorecard.objects.get(candidate=ivan, task__slug="device-provisioning")
    assert (card.interviewer, card.scores, card.recommendation) == (
        o.interviewer,
        {"field_problem_solving": 3, "customer_empathy": 4, "security_hygiene": 3},
        "yes",
    )
    assert Scorecard.objects.filter(candidate=rita).count() == 1
    # Audited by the services, as the importing administrator.
    actions = list(AuditEntry.objects.filter(object_type="candidate").values_list("action", "actor"))
    assert actions.count(("create", o.admin.pk)) == 3 and actions.count(("score", o.admin.pk)) == 3
    assert actions.count(("move stage", o.admin.pk)) == 4
    # The period of the applications is recomputed once the import commits.
    assert report.touched == (ivan.applied_on, ivan.applied_on) and report.jobs


def test_importing_the_same_files_again_changes_nothing(hiring_org):
    o = hiring_org
    field_data_import(actor=None, files=o.files())
    before = counts()
    report = field_data_import(actor=None, files=o.files())
    assert (report.created["candidates"], report.updated["candidates"], report.unchanged["candidates"]) == (0, 0, 3)
    assert (report.created["scorecards"], report.unchanged["scorecards"]) == (0, 3)
    # Only the run's own audit entry is new.
    assert counts()[:4] == before[:4] and counts()[4] == before[4] + 1


def test_a_later_file_moves_candidates_forward_and_an_older_one_changes_nothing(hiring_org):
    o = hiring_org
    field_data_import(actor=None, files=o.files(scorecards=[]))
    ana = {**o.candidates[0], "stage": "practical", "interviewers": "ivo"}
    report = field_data_import(actor=None, files=o.files([ana], []))
    assert (report.updated["candidates"], report.unchanged["candidates"]) == (1, 0)
    candidate = Candidate.objects.get(email="ana@example.com")
    assert candidate.stage == "practical" and list(candidate.interviewers.all()) == [o.interviewer]
    # The file is older than what the app knows: kept as it is.
    report = field_data_import(actor=None, files=o.files([{**ana, "stage": "screen"}], []))
    assert report.unchanged["candidates"] == 1
    assert Candidate.objects.get(email="ana@example.com").stage == "practical"


def test_scorecards_of_recorded_candidates_need_no_candidates_file(hiring_org):
    o = hiring_org
    field_data_import(actor=None, files=o.files(scorecards=[]))
    report = field_data_import(
        actor=None, files={"scorecards.csv": o.files(scorecards=o.scorecards[:2])["scorecards.csv"]}
    )
    assert report.created["scorecards"] == 2
    assert report.created.get("candidates", 0) == 0


def test_a_refusal_by_a_service_while_writing_rolls_everything_back(hiring_org, monkeypatch):
    from kpis import import_hiring_writes

    o = hiring_org
    submit = import_hiring_writes.hiring_services.scorecard_submit
    calls = []

    def refuse_the_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValidationError({"notes": "refused for the test"})
        return submit(**kwargs)

    monkeypatch.setattr(import_hiring_writes.hiring_services, "scorecard_submit", refuse_the_second)
    before = counts()
    with pytest.raises(ImportRefused) as refusal:
        field_data_import(actor=None, files=o.files())
    assert [(e.file, e.line, e.column, e.reason) for e in refusal.value.errors] == [
        ("scorecards.csv", 3, "notes", "refused for the test")
    ]
    assert counts() == before


def test_the_command_imports_hiring_files_and_reports_errors_by_file_line_and_column(hiring_org, tmp_path, capsys):
    o = hiring_org
    for name, text in o.files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    call_command("import_field_data", str(tmp_path))
    assert "candidates: 3 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert AuditEntry.objects.filter(object_type="candidate", action="create", source="import").count() == 3
    (tmp_path / "scorecards.csv").write_text(
        o.files(scorecards=[{**o.scorecards[0], "customer_empathy": "5"}])["scorecards.csv"], encoding="utf-8"
    )
    with pytest.raises(CommandError, match="1 error; nothing was imported"):
        call_command("import_field_data", str(tmp_path))
    assert f"{tmp_path / 'scorecards.csv'}:2: customer_empathy: “5” is not a score from 1 to 4" in (
        capsys.readouterr().err
    )


def test_the_admin_upload_offers_the_hiring_files(hiring_org, client):
    o = hiring_org
    client.force_login(o.admin)
    page = client.get("/admin/kpis/node/import/").content.decode()
    assert 'name="candidates.csv"' in page and 'name="scorecards.csv"' in page
    files = o.files()
    bad = {**o.candidates[0], "source": "newspaper"}
    response = client.post(
        "/admin/kpis/node/import/",
        {
            "candidates.csv": SimpleUploadedFile("candidates.csv", o.files([bad], [])["candidates.csv"].encode()),
        },
    )
    assert response.status_code == 400 and "“newspaper” is not one of" in response.content.decode()
    assert not Candidate.objects.exists()
    response = client.post(
        "/admin/kpis/node/import/",
        {name: SimpleUploadedFile(name, text.encode()) for name, text in files.items()},
    )
    assert response.status_code == 302
    assert Candidate.objects.count() == 3
    assert AuditEntry.objects.filter(object_type="candidate", action="create", source="admin").count() == 3


def test_only_administrators_and_the_system_import_candidates(hiring_org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied), audit_source("page"):
        field_data_import(actor=hiring_org.lead_a, files=hiring_org.files())
    assert not Candidate.objects.exists()


def test_rejected_candidates_keep_their_stage_when_imported_again(hiring_org):
    o = hiring_org
    field_data_import(actor=None, files=o.files())
    report = field_data_import(actor=None, files=o.files([o.candidates[2]], []))
    assert report.unchanged["candidates"] == 1
    assert Candidate.objects.get(email="rita@example.com").stage == CandidateStage.REJECTED
