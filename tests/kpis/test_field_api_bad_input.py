"""Bad input to the field-data API's create endpoints (through the
importer): a value that is a list or an object, an unknown key, a row that
is not an object, text the database cannot hold, a date outside the window:
a 400 naming the row and the column, nothing written, never a 500."""

import json

import pytest

from kpis.models import Audit, Incident, Visit
from tests.factories import PodFactory, UserFactory
from tests.kpis.test_import_bad_input import BASE, counts

pytestmark = pytest.mark.django_db

API_ROWS = {
    "nodes": BASE["nodes.csv"] | {"installed_by": ""},
    "installs": BASE["installs.csv"] | {"installer": ""},
    "visits": BASE["visits.csv"],
    "incidents": BASE["incidents.csv"],
    "audits": BASE["audits.csv"] | {"installer": ""},
}


@pytest.fixture
def admin_api(api):
    PodFactory(code="p-1")
    return api.as_user(UserFactory(role="admin"))


def post(client, endpoint, body):
    # Sent as JSON text: the test client's renderer refuses lone surrogates itself.
    return client.post(f"/api/v1/{endpoint}/", data=json.dumps(body), content_type="application/json")


def seed(client):
    for endpoint in ("nodes", "installs"):
        assert post(client, endpoint, API_ROWS[endpoint]).status_code == 201


@pytest.mark.parametrize("endpoint", list(API_ROWS))
@pytest.mark.parametrize("bad", [["N-1"], {"a": 1}, [], {}], ids=["list", "object", "empty-list", "empty-object"])
def test_the_api_refuses_a_list_or_an_object_where_text_is_expected(admin_api, endpoint, bad):
    seed(admin_api)
    before = counts()
    column = next(iter(API_ROWS[endpoint]))
    rows = [API_ROWS[endpoint], {**API_ROWS[endpoint], column: bad}]
    response = post(admin_api, endpoint, {"rows": rows})
    assert response.status_code == 400
    assert response.json()["rows"] == [f"row 2: {column}: must be text, a number, true/false or null"]
    assert counts() == before


def test_the_api_converts_numbers_and_booleans_to_text(admin_api):
    seed(admin_api)
    row = {**API_ROWS["incidents"], "incident_id": 12345, "severity": 2}
    assert post(admin_api, "incidents", row).status_code == 201
    assert Incident.objects.get(external_id="12345").severity == "sev2"
    audit = {**API_ROWS["audits"], "audit_id": 7.5, "passed": False, "findings": None}
    assert post(admin_api, "audits", audit).status_code == 201
    assert Audit.objects.get(external_id="7.5").passed is False


def test_the_api_names_unknown_keys_and_rows_that_are_not_objects(admin_api):
    seed(admin_api)
    before = counts()
    unknown = post(admin_api, "audits", {**API_ROWS["audits"], "colour": "red"})
    assert unknown.status_code == 400
    assert unknown.json()["rows"][0].startswith("row 1: colour: unknown column; expected one of: audit_id,")
    not_objects = post(admin_api, "audits", {"rows": [API_ROWS["audits"], "A-2", 3, None, [1]]})
    assert not_objects.status_code == 400
    assert not_objects.json()["rows"] == [f"row {n}: must be an object" for n in (2, 3, 4, 5)]
    for body in ({"rows": "A-1"}, {"rows": {"audit_id": "A-1"}}, {"rows": []}, [API_ROWS["audits"]], "A-1", 5):
        response = post(admin_api, "audits", body)
        assert response.status_code == 400, body
        assert "rows" in response.json(), body
    assert counts() == before


def test_the_api_refuses_keys_that_are_not_strings():
    from rest_framework.exceptions import ValidationError

    from kpis.field_apis import rows_as_text

    with pytest.raises(ValidationError) as refusal:
        rows_as_text("audits.csv", [{1: "x", "audit_id": "A"}])
    assert refusal.value.detail["rows"] == [
        "row 1: 1: unknown column; expected one of: " + ", ".join([*BASE["audits.csv"], "consent_record"])
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("N-\ud800", "must be valid Unicode text"),
        ("N-\x00", "must not contain NUL characters"),
        ("N-" + "9" * 64, "must be at most 64 characters"),
        (10**70, "must be at most 64 characters"),
    ],
)
def test_the_api_refuses_text_that_cannot_be_stored_with_its_row(admin_api, value, reason):
    before = counts()
    response = post(admin_api, "nodes", {"rows": [API_ROWS["nodes"], {**API_ROWS["nodes"], "serial": value}]})
    assert response.status_code == 400
    assert response.json()["rows"] == [f"row 2: serial: {reason}"]
    assert counts() == before


def test_api_rows_keep_their_numbers_when_a_value_spans_lines(admin_api):
    seed(admin_api)
    rows = [
        {**API_ROWS["audits"], "audit_id": "A-1", "findings": "first\nsecond\r\nthird\rfourth"},
        {**API_ROWS["audits"], "audit_id": "A-2", "audited_on": "1999-01-01"},
    ]
    response = post(admin_api, "audits", {"rows": rows})
    assert response.status_code == 400
    assert response.json()["rows"][0].startswith("row 2: audited_on: “1999-01-01” must lie between 2000-01-01 and ")
    assert post(admin_api, "audits", {"rows": rows[:1]}).status_code == 201
    assert Audit.objects.get().findings == "first\nsecond\r\nthird\rfourth"


def test_the_api_refuses_a_date_outside_the_window_with_its_row(admin_api):
    seed(admin_api)
    response = post(admin_api, "visits", {**API_ROWS["visits"], "visited_at": "9999-12-31T23:00:00-02:00"})
    assert response.status_code == 400
    assert response.json()["rows"][0].startswith("row 1: visited_at: ")
    assert not Visit.objects.exists()
