"""Bad input to the field-data importer: every door (the importer itself,
the command, the admin upload, the field-data API) refuses each bad value
with its file, line and column (the API: its row and column), writes
nothing and never crashes."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from installer_ops.models import Geography, Installer, Pod, Promotion, User, Vertical
from kpis.importing import ImportRefused, field_data_import
from kpis.models import Audit, Incident, Install, KpiJob, Node, Visit
from tests.factories import PodFactory, UserFactory

pytestmark = pytest.mark.django_db

TABLES = (Vertical, Geography, Pod, User, Installer, Promotion, Node, Install, Visit, Incident, Audit, KpiJob)

# One valid row per file, each referring to the others.
BASE = {
    "pods.csv": {"code": "p-1", "name": "Pod One", "vertical": "Retail", "geography": "Europe"},
    "installers.csv": {
        "employee_id": "E-1",
        "name": "Ada Lovelace",
        "pod_code": "p-1",
        "level": "installer-2",
        "hired_on": "2024-01-08",
        "left_on": "",
        "left_voluntarily": "",
    },
    "promotions.csv": {
        "employee_id": "E-1",
        "from_level": "installer-1",
        "to_level": "installer-2",
        "effective_on": "2024-07-01",
    },
    "nodes.csv": {
        "serial": "N-1",
        "site": "Store",
        "pod_code": "p-1",
        "installed_by": "E-1",
        "installed_on": "2024-09-12",
    },
    "installs.csv": {"install_id": "I-1", "site": "Store", "pod_code": "p-1", "installer": "E-1"},
    "visits.csv": {"install_id": "I-1", "visited_at": "2024-09-12T09:30:00Z", "outcome": "success"},
    "incidents.csv": {
        "incident_id": "INC-1",
        "node_serial": "N-1",
        "severity": "sev2",
        "opened_at": "2024-10-01T08:00:00Z",
        "resolved_at": "2024-10-01T11:30:00Z",
    },
    "audits.csv": {
        "audit_id": "A-1",
        "pod_code": "p-1",
        "installer": "E-1",
        "audited_on": "2024-10-15",
        "passed": "true",
        "findings": "",
    },
}


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def files_with(file: str | None = None, /, **cells) -> dict[str, str]:
    """The base files, with `cells` replaced in the one row of `name`."""
    return {n: to_csv([{**row, **(cells if n == file else {})}]) for n, row in BASE.items()}


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in TABLES)


def refused(files) -> list:
    """The importer's errors for `files`, checking that nothing was written."""
    before = counts()
    with pytest.raises(ImportRefused) as refusal:
        field_data_import(actor=None, files=files)
    assert counts() == before
    return refusal.value.errors


def where(errors) -> set[tuple[str, int, str]]:
    return {(e.file, e.line, e.column) for e in errors}


def test_the_base_files_import():
    report = field_data_import(actor=None, files=files_with())
    assert report.created["visits"] == 1 and report.created["audits"] == 1


# 1. One instant written with two offsets ----------------------------------------------------


def test_visits_at_one_instant_with_different_offsets_are_duplicates_within_a_file():
    files = files_with()
    files["visits.csv"] = to_csv(
        [
            {"install_id": "I-1", "visited_at": "2026-05-01T10:00:00+02:00", "outcome": "success"},
            {"install_id": "I-1", "visited_at": "2026-05-01T08:00:00Z", "outcome": "failed"},
        ]
    )
    errors = refused(files)
    assert where(errors) == {("visits.csv", 3, "visited_at")}
    assert "first on line 2" in errors[0].reason


def test_a_stored_visit_given_again_with_another_offset_is_the_same_visit():
    field_data_import(actor=None, files=files_with("visits.csv", visited_at="2026-05-01T08:00:00Z"))
    report = field_data_import(
        actor=None, files={"visits.csv": to_csv([{**BASE["visits.csv"], "visited_at": "2026-05-01T10:00:00+02:00"}])}
    )
    assert (report.created["visits"], report.unchanged["visits"]) == (0, 1)
    report = field_data_import(
        actor=None,
        files={
            "visits.csv": to_csv(
                [{**BASE["visits.csv"], "visited_at": "2026-05-01T06:00:00-02:00", "outcome": "partial"}]
            )
        },
    )
    assert report.updated["visits"] == 1
    assert list(Visit.objects.values_list("visited_at", "outcome")) == [
        (datetime.datetime(2026, 5, 1, 8, tzinfo=datetime.UTC), "partial")
    ]


# 2. A field longer than the csv module's limit ------------------------------------------------


def test_a_field_longer_than_the_csv_limit_is_an_error_of_its_line():
    files = files_with()
    too_long = "x" * (csv.field_size_limit() + 1)
    files["audits.csv"] = to_csv([BASE["audits.csv"], {**BASE["audits.csv"], "audit_id": "A-2", "findings": too_long}])
    errors = refused(files)
    assert where(errors) == {("audits.csv", 3, "-")}
    assert str(csv.field_size_limit()) in errors[0].reason


def test_the_command_reports_a_field_over_the_csv_limit(tmp_path, capsys):
    (tmp_path / "pods.csv").write_text("code,name,vertical,geography\np-1," + "n" * 200_000 + ",Retail,Europe\n")
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_field_data", str(tmp_path))
    assert f"{tmp_path / 'pods.csv'}:2: -:" in capsys.readouterr().err


# 3. NUL characters ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "column"), [(name, column) for name in BASE for column in BASE[name]])
def test_a_nul_character_in_any_cell_is_an_error_of_its_line_and_column(name, column):
    value = BASE[name][column] or "x"
    errors = refused(files_with(name, **{column: value[:1] + "\x00" + value[1:]}))
    assert (name, 2, column) in where(errors)
    assert any("NUL" in e.reason for e in errors)
    assert not any("\x00" in str(e) for e in errors)  # never echoed


def test_a_nul_character_in_the_header_is_an_error_of_line_1():
    files = files_with()
    files["nodes.csv"] = files["nodes.csv"].replace("site", "si\x00te", 1)
    errors = refused(files)
    assert ("nodes.csv", 1) in {(e.file, e.line) for e in errors}
    assert any("NUL" in e.reason for e in errors)
    assert not any("\x00" in str(e) for e in errors)
    extra = files_with()
    extra["audits.csv"] = extra["audits.csv"].replace("findings", "findings,no\x00te", 1)
    assert ("audits.csv", 1) in {(e.file, e.line) for e in refused(extra)}


# 4. Text longer than its column -----------------------------------------------------------------

ALONE = {
    "pods.csv": ["pods.csv"],
    "installers.csv": ["pods.csv", "installers.csv"],
    "nodes.csv": ["pods.csv", "installers.csv", "nodes.csv"],
    "installs.csv": ["pods.csv", "installers.csv", "installs.csv"],
    "incidents.csv": ["pods.csv", "installers.csv", "nodes.csv", "incidents.csv"],
    "audits.csv": ["pods.csv", "installers.csv", "audits.csv"],
}
OWN_TEXT = [
    ("pods.csv", "code", Pod, "code"),
    ("pods.csv", "name", Pod, "name"),
    ("pods.csv", "vertical", Vertical, "name"),
    ("pods.csv", "geography", Geography, "name"),
    ("installers.csv", "employee_id", Installer, "employee_id"),
    ("installers.csv", "name", User, "name"),
    ("nodes.csv", "serial", Node, "serial"),
    ("nodes.csv", "site", Node, "site"),
    ("installs.csv", "install_id", Install, "external_id"),
    ("installs.csv", "site", Install, "site"),
    ("incidents.csv", "incident_id", Incident, "external_id"),
    ("audits.csv", "audit_id", Audit, "external_id"),
]


@pytest.mark.parametrize(("name", "column", "model", "field"), OWN_TEXT, ids=[f"{n}-{c}" for n, c, *_ in OWN_TEXT])
def test_text_longer_than_its_column_is_an_error_of_its_line_and_column(name, column, model, field):
    max_length = model._meta.get_field(field).max_length
    errors = refused(files_with(name, **{column: "a" * (max_length + 1)}))
    assert (name, 2, column) in where(errors)
    assert any(f"at most {max_length} characters" in e.reason for e in errors)
    # Exactly the column's length is fine, with only the files that do not refer to the changed id.
    if name == "pods.csv" and column in ("vertical", "geography"):
        # A new one is created with its name as code, which must fit: this one exists already.
        model.objects.create(code="long", name="a" * max_length)
    files = files_with(name, **{column: "a" * max_length})
    field_data_import(actor=None, files={n: files[n] for n in ALONE[name]})


def test_a_vertical_or_geography_that_makes_no_code_is_an_error():
    errors = refused(files_with("pods.csv", vertical="日本", geography="!!!"))
    assert {("pods.csv", 2, "vertical"), ("pods.csv", 2, "geography")} <= where(errors)
    # By name or code, an existing one is matched whatever its letters.
    Vertical.objects.create(code="jp", name="日本")
    field_data_import(actor=None, files=files_with("pods.csv", vertical="日本"))


# 5. Not UTF-8 ----------------------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_an_error_naming_the_file_and_line():
    files = {name: text.encode() for name, text in files_with().items()}
    files["audits.csv"] = files["audits.csv"] + "A-2,p-1,,2024-10-16,no,Café\n".encode("latin-1")
    errors = refused(files)
    assert where(errors) == {("audits.csv", 3, "-")}
    assert "UTF-8" in errors[0].reason
    with_bom = {name: b"\xef\xbb\xbf" + text.encode() for name, text in files_with().items()}
    assert field_data_import(actor=None, files=with_bom).created["pods"] == 1


def test_the_command_refuses_a_file_that_is_not_utf8(tmp_path, capsys):
    (tmp_path / "pods.csv").write_bytes(b"code,name,vertical,geography\np-1,K\xf6ln,Retail,Europe\n")
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_field_data", str(tmp_path))
    err = capsys.readouterr().err
    assert f"{tmp_path / 'pods.csv'}:2: -:" in err and "UTF-8" in err
    (tmp_path / "pods.csv").write_bytes(b"\xef\xbb\xbfcode,name,vertical,geography\np-1,K\xc3\xb6ln,Retail,Europe\n")
    call_command("import_field_data", str(tmp_path))
    assert Pod.objects.get(code="p-1").name == "Köln"


def test_the_command_names_a_file_it_cannot_read(tmp_path):
    (tmp_path / "pods.csv").mkdir()
    with pytest.raises(CommandError, match="pods.csv"):
        call_command("import_field_data", str(tmp_path))


def test_the_admin_upload_lists_a_file_that_is_not_utf8_with_its_line(client):
    PodFactory(code="berlin")
    client.force_login(UserFactory(role="admin"))
    data = b"serial,site,pod_code,installed_by,installed_on\nN-1,M\xfcnchen,berlin,,2025-01-02\n"
    response = client.post("/admin/kpis/node/import/", {"nodes.csv": SimpleUploadedFile("nodes.csv", data)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "UTF-8" in page and "<td>nodes.csv</td><td>2</td>" in page
    assert not Node.objects.exists()


# Line numbers --------------------------------------------------------------------------------


def test_line_numbers_count_physical_lines_and_other_line_ends():
    text = (
        "serial,site,pod_code,installed_by,installed_on\r\n"
        "\r\n"
        'N-1,"Store\nback door",p-1,,2024-09-12\r\n'
        "N-2,Store,nowhere,,2024-09-12\r"
        "N-3,Store,p-1,,2024-09-12\n"
    )
    errors = refused({**files_with(), "nodes.csv": text})
    assert where(errors) == {("nodes.csv", 5, "pod_code")}


# Refusals while writing --------------------------------------------------------------------------


def test_an_empty_file_or_one_without_its_header_is_refused():
    errors = refused({"nodes.csv": "", "audits.csv": b"\xef\xbb\xbf"})
    assert ("nodes.csv", 1, "serial") in where(errors) and ("audits.csv", 1, "audit_id") in where(errors)


def test_a_service_refusing_a_pod_or_an_installer_is_an_error_of_its_row(monkeypatch):
    """The validation checks what the services do; should a service still
    refuse, the refusal names the row and nothing is written."""
    from django.core.exceptions import ValidationError

    from installer_ops import services

    field_data_import(actor=None, files=files_with())

    def refuse(**kwargs):
        raise ValidationError({"name": "Refused by the service."})

    monkeypatch.setattr(services, "pod_create", refuse)
    monkeypatch.setattr(services, "installer_update", refuse)
    files = files_with("pods.csv", code="p-2")
    files["installers.csv"] = to_csv([{**BASE["installers.csv"], "name": "Ada King"}])
    errors = refused(files)
    assert where(errors) == {("pods.csv", 2, "code")}  # the installers are not reached once a pod is refused
    errors = refused({"installers.csv": files["installers.csv"]})
    assert [str(e) for e in errors] == ["installers.csv:2: name: Refused by the service."]
