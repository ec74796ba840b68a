"""The KPI targets page: administrators set, change and remove targets through
kpis/targets.py (policy, value range by unit, audit); executives read them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bootcamp.models import Cohort, Program, ProgramVersion
from installer_ops.models import AuditEntry
from kpis.models import KpiCode, KpiTarget, Scope
from kpis.selectors import dashboard
from kpis.targets import kpi_target_set

pytestmark = pytest.mark.django_db
URL = "/kpis/targets/"


def a_cohort(lead) -> Cohort:
    """A cohort as a row (the rules of planning one are not the point here)."""
    program = Program.objects.create(code="field-bootcamp", title="Field bootcamp")
    version = ProgramVersion.objects.create(program=program, number=1, published_at=timezone.now())
    return Cohort.objects.create(name="November A", program_version=version, start_on="2026-11-02", lead=lead)


def post_target(client, kpi, scope, target):
    return client.post(URL, {"kpi": kpi, f"{kpi}-scope": scope, f"{kpi}-target": target})


def test_an_administrator_sees_every_kpi_with_its_unit_and_no_target_yet(client, org):
    client.force_login(org.admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for label in KpiCode.labels:
        assert str(label) in html
    assert html.count("Save target") == len(KpiCode.values)
    assert "Target (hours)" in html and "Target (days)" in html and "Target (%)" in html


def test_setting_an_org_default_in_percent_stores_a_fraction_and_audits_it(client, org):
    client.force_login(org.admin)
    response = post_target(client, "audit_pass_rate", "org", "85")
    assert response.status_code == 302
    target = KpiTarget.objects.get()
    assert (target.kpi, target.scope, target.scope_id, target.target) == ("audit_pass_rate", "org", 0, 0.85)
    entry = AuditEntry.objects.get(object_type="kpitarget")
    assert (entry.actor, entry.action, entry.source) == (org.admin, "create", "page")
    page = client.get(URL).content.decode()
    assert "85.0 %" in page
    # The dashboard compares against it.
    data = dashboard(scope=Scope.ORG, scope_id=0, grain="month", today=timezone.localdate())
    assert {t.kpi: t.target for t in data.tiles}["audit_pass_rate"] == 0.85


def test_a_pod_override_is_changed_and_then_removed(client, org):
    client.force_login(org.admin)
    assert post_target(client, "mttr", f"pod:{org.pod_a.pk}", "4").status_code == 302
    assert post_target(client, "mttr", f"pod:{org.pod_a.pk}", "6.5").status_code == 302
    target = KpiTarget.objects.get()
    assert (target.scope, target.scope_id, target.target) == ("pod", org.pod_a.pk, 6.5)
    update = AuditEntry.objects.get(action="update")
    assert update.changes == {"target": [4.0, 6.5]}
    page = client.get(URL).content.decode()
    assert "Pod A" in page and "6.5 h" in page
    response = client.post(f"/kpis/targets/{target.pk}/remove/")
    assert response.status_code == 302
    assert not KpiTarget.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_type="kpitarget").exists()


@pytest.mark.parametrize(
    ("kpi", "value", "message"),
    [
        ("audit_pass_rate", "150", "between 0 % and 100 %"),
        ("churn", "-1", "between 0 % and 100 %"),
        ("mttr", "-0.5", "between 0 and 87600 h"),
        ("days_to_clearance", "99999", "between 0 and 3650 d"),
        ("mttr", "nan", "Enter a number"),
        ("mttr", "abc", "Enter a number"),
    ],
)
def test_a_value_outside_the_units_range_is_an_error_under_the_field(client, org, kpi, value, message):
    client.force_login(org.admin)
    response = post_target(client, kpi, "org", value)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{kpi}-target_error"' in html
    assert message in html
    assert not KpiTarget.objects.exists()


def test_a_scope_the_kpi_has_no_figures_for_or_an_unknown_id_is_refused(client, org):
    client.force_login(org.admin)
    cohort = a_cohort(org.lead_a)
    # MTTR follows nodes: there is no cohort MTTR, so no cohort choice either.
    response = post_target(client, "mttr", f"cohort:{cohort.pk}", "3")
    assert response.status_code == 400
    assert 'id="id_mttr-scope_error"' in response.content.decode()
    assert post_target(client, "mttr", "pod:999999999", "3").status_code == 400
    assert post_target(client, "not_a_kpi", "org", "3").status_code == 400
    assert post_target(client, "bootcamp_completion", f"cohort:{cohort.pk}", "90").status_code == 302
    assert KpiTarget.objects.get().scope == "cohort"


def test_the_service_applies_the_same_rules_whatever_the_door(org):
    cohort = a_cohort(org.lead_a)
    with pytest.raises(ValidationError) as refused:
        kpi_target_set(actor=org.admin, kpi="mttr", scope="cohort", scope_id=cohort.pk, target=3)
    assert "scope" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        kpi_target_set(actor=org.admin, kpi="churn", scope="org", target=1.5)
    assert "target" in refused.value.error_dict
    with pytest.raises(PermissionDenied):
        kpi_target_set(actor=org.executive, kpi="churn", scope="org", target=0.1)
    with pytest.raises(PermissionDenied):
        kpi_target_set(actor=org.lead_a, kpi="churn", scope="org", target=0.1)
    assert not KpiTarget.objects.exists()


def test_executives_read_the_targets_and_may_not_change_them(client, org):
    target = kpi_target_set(actor=org.admin, kpi="churn", scope="org", target=0.05)
    client.force_login(org.executive)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "5.0 %" in html and "Save target" not in html and "Remove" not in html
    assert post_target(client, "churn", "org", "10").status_code == 403
    assert client.post(f"/kpis/targets/{target.pk}/remove/").status_code == 403
    assert KpiTarget.objects.get().target == 0.05


@pytest.mark.parametrize("who", ["lead_a", "installer_a1"])
def test_leads_and_installers_get_a_403(client, org, who):
    user = getattr(org, who)
    client.force_login(user if who == "lead_a" else user.user)
    assert client.get(URL).status_code == 403


def test_the_admin_saves_targets_through_the_service(client, org):
    client.force_login(org.admin)
    response = client.post(
        "/admin/kpis/kpitarget/add/", {"kpi": "churn", "scope": "org", "scope_id": "0", "target": "2"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "between 0 % and 100 %" in response.content.decode()
    response = client.post(
        "/admin/kpis/kpitarget/add/", {"kpi": "churn", "scope": "org", "scope_id": "0", "target": "0.1"}
    )
    assert response.status_code == 302
    assert KpiTarget.objects.get().target == 0.1
    assert AuditEntry.objects.filter(object_type="kpitarget", action="create", source="admin").count() == 1
