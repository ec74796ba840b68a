import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Audit, Incident, Node
from tests.factories import PodFactory, UserFactory, lead_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration():
    return UserFactory(role="admin", username="ticketing-bot")


def test_bulk_create_then_list_scoped(api, integration):
    mine, theirs = PodFactory(code="mine"), PodFactory(code="theirs")
    rows = [
        {"serial": "N-1", "site": "Store 1", "pod_code": "mine", "installed_by": "", "installed_on": "2025-03-01"},
        {"serial": "N-2", "site": "Store 2", "pod_code": "theirs", "installed_by": "", "installed_on": "2025-03-02"},
    ]
    response = api.as_user(integration).post("/api/v1/nodes/", {"rows": rows}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    again = api.as_user(integration).post("/api/v1/nodes/", {"rows": rows}, format="json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    lead = lead_of(mine)
    assert [n["serial"] for n in api.as_user(lead).get("/api/v1/nodes/").json()["results"]] == ["N-1"]
    node = Node.objects.get(serial="N-2")
    assert api.as_user(lead).get(f"/api/v1/nodes/{node.pk}/").status_code == 404
    assert theirs  # in scope for admins only


def test_one_row_and_its_errors(api, integration):
    PodFactory(code="p1")
    one = {"serial": "N-9", "site": "Depot", "pod_code": "p1", "installed_by": "", "installed_on": "2025-03-01"}
    assert api.as_user(integration).post("/api/v1/nodes/", one, format="json").status_code == 201
    bad = api.as_user(integration).post(
        "/api/v1/incidents/",
        {
            "rows": [
                {
                    "incident_id": "I-1",
                    "node_serial": "N-9",
                    "severity": "sev2",
                    "opened_at": "2025-03-02T10:00:00Z",
                    "resolved_at": "2025-03-02T12:00:00Z",
                },
                {
                    "incident_id": "I-2",
                    "node_serial": "N-404",
                    "severity": "sev2",
                    "opened_at": "not a time",
                    "resolved_at": "",
                },
            ]
        },
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["rows"] == [
        "row 2: node_serial: unknown node “N-404”",
        "row 2: opened_at: “not a time” is not an ISO 8601 time",
    ]
    assert not Incident.objects.exists()
    unknown_field = api.as_user(integration).post("/api/v1/audits/", {"audit_id": "A", "colour": "red"}, format="json")
    assert unknown_field.status_code == 400


def test_only_admins_write_and_only_leads_and_admins_read(api, org):
    payload = {
        "audit_id": "A-1",
        "pod_code": org.pod_a.code,
        "installer": "",
        "audited_on": "2025-01-01",
        "passed": True,
        "findings": "",
    }
    assert api.as_user(org.lead_a).post("/api/v1/audits/", payload, format="json").status_code == 403
    assert api.as_user(org.admin).post("/api/v1/audits/", payload, format="json").status_code == 201
    assert Audit.objects.get().passed is True
    # Rows name installers and findings: personal records, not aggregates.
    assert api.as_user(org.installer_a1.user).get("/api/v1/audits/").status_code == 403
    assert api.as_user(org.executive).get("/api/v1/audits/").status_code == 403
    assert api.as_user(org.executive).get(f"/api/v1/audits/{Audit.objects.get().pk}/").status_code == 403
    assert api.as_user(org.lead_a).get("/api/v1/audits/").json()["count"] == 1
    assert api.as_user(org.lead_b).get("/api/v1/audits/").json()["count"] == 0


def test_field_lists_run_a_fixed_number_of_queries(api, integration):
    pod = PodFactory(code="q")
    counts = []
    for n in (5, 50):
        rows = [
            {"serial": f"S{n}-{i}", "site": "s", "pod_code": "q", "installed_by": "", "installed_on": "2025-01-01"}
            for i in range(n)
        ]
        api.as_user(integration).post("/api/v1/nodes/", {"rows": rows}, format="json")
        with CaptureQueriesContext(connection) as context:
            api.as_user(integration).get("/api/v1/installs/?page_size=100")
            api.as_user(integration).get("/api/v1/nodes/?page_size=100")
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    assert pod
