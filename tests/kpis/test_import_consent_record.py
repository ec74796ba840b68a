"""audits.csv's optional consent_record column: the consent record (its UUID)
of the audited site. Stored and shown by the API; a file or a body without
the column leaves the stored links as they are; a value that is not a UUID
or names no record is refused with its file, line and column (the API: row
and column), and nothing is written."""

import uuid

import pytest

from kpis.field_apis import rows_as_text
from kpis.importing import field_data_import
from kpis.models import Audit
from tests.factories import UserFactory
from tests.kpis.test_consent_kpi import flow_version, record
from tests.kpis.test_field_api_bad_input import post
from tests.kpis.test_import_bad_input import BASE, files_with, refused, to_csv, where

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent():
    """A consent record of the installer E-1 of pod p-1 (as the base files name them), imported first."""
    field_data_import(actor=None, files=files_with())
    audit = Audit.objects.get(external_id="A-1")
    installer = audit.installer
    return record(installer, flow_version(audit.pod.geography), "I-1")


def audits(*rows: dict) -> str:
    return to_csv([{**BASE["audits.csv"], **row} for row in rows])


def test_an_audit_names_its_consent_record_and_a_second_import_changes_nothing(consent):
    files = {"audits.csv": audits({"consent_record": str(consent.pk)}, {"audit_id": "A-2", "consent_record": ""})}
    report = field_data_import(actor=None, files=files)
    assert (report.updated["audits"], report.created["audits"]) == (1, 1)
    assert Audit.objects.get(external_id="A-1").consent_record == consent
    assert Audit.objects.get(external_id="A-2").consent_record is None
    assert list(consent.audits.all()) == [Audit.objects.get(external_id="A-1")]
    # The same again, with the UUID in capitals and without hyphens: the same record.
    again = audits({"consent_record": consent.pk.hex.upper()}, {"audit_id": "A-2", "consent_record": ""})
    report = field_data_import(actor=None, files={"audits.csv": again})
    assert (report.unchanged["audits"], report.updated["audits"]) == (2, 0)


def test_a_file_without_the_column_leaves_the_link_and_an_empty_cell_removes_it(consent):
    field_data_import(actor=None, files={"audits.csv": audits({"consent_record": str(consent.pk)})})
    report = field_data_import(actor=None, files={"audits.csv": audits({"passed": "false"})})
    audit = Audit.objects.get(external_id="A-1")
    assert report.updated["audits"] == 1 and (audit.passed, audit.consent_record_id) == (False, consent.pk)
    report = field_data_import(actor=None, files={"audits.csv": audits({"passed": "false", "consent_record": ""})})
    assert report.updated["audits"] == 1 and Audit.objects.get(external_id="A-1").consent_record is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("not-a-uuid", "“not-a-uuid” is not a UUID"),
        ("12345678-1234-1234-1234-12345678", "is not a UUID"),
        ("{12345678-1234-1234-1234-123456789abc}", "is not a UUID"),
        ("12345678-1234-1234-1234-123456789abc", "unknown consent record “12345678-1234-1234-1234-123456789abc”"),
        ("x" * 500, "is not a UUID"),
        ("a\x00b", "NUL"),
    ],
)
def test_a_bad_consent_record_is_an_error_of_its_line_and_column(consent, value, reason):
    files = {"audits.csv": audits({"consent_record": str(consent.pk)}, {"audit_id": "A-2", "consent_record": value})}
    errors = refused(files)
    assert where(errors) == {("audits.csv", 3, "consent_record")}
    assert reason in errors[0].reason and "\x00" not in str(errors[0])
    assert Audit.objects.get(external_id="A-1").consent_record is None


def test_the_record_of_an_audit_cannot_be_deleted(consent):
    from django.db.models import ProtectedError

    field_data_import(actor=None, files={"audits.csv": audits({"consent_record": str(consent.pk)})})
    with pytest.raises(ProtectedError):
        consent.delete()


def test_the_api_takes_and_shows_the_consent_record(api, consent):
    client = api.as_user(UserFactory(role="admin"))
    row = {**BASE["audits.csv"], "audit_id": "A-API", "consent_record": str(consent.pk)}
    assert post(client, "audits", row).status_code == 201
    listed = {a["audit_id"]: a for a in client.get("/api/v1/audits/").json()["results"]}
    assert listed["A-API"]["consent_record"] == str(consent.pk) and listed["A-1"]["consent_record"] is None
    # null removes the link; an unknown record names the row and the column.
    assert post(client, "audits", {**row, "consent_record": None, "passed": "no"}).status_code == 201
    assert Audit.objects.get(external_id="A-API").consent_record is None
    unknown = uuid.uuid4()
    bad = post(client, "audits", {"rows": [row, {**row, "audit_id": "A-X", "consent_record": str(unknown)}]})
    assert bad.status_code == 400
    assert bad.json()["rows"] == [f"row 2: consent_record: unknown consent record “{unknown}”"]
    assert not Audit.objects.filter(external_id="A-X").exists()


def test_the_api_leaves_the_link_when_no_row_names_the_column(api, consent):
    client = api.as_user(UserFactory(role="admin"))
    field_data_import(actor=None, files={"audits.csv": audits({"consent_record": str(consent.pk)})})
    assert post(client, "audits", {**BASE["audits.csv"], "passed": "no"}).status_code == 201
    assert Audit.objects.get(external_id="A-1").consent_record == consent
    text, _starts = rows_as_text("audits.csv", [BASE["audits.csv"]])
    assert text.splitlines()[0] == ",".join(BASE["audits.csv"])  # the optional column is not sent
