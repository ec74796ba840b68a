"""Changes to organisation records, in the admin and through the API, are
logged with who, what and when, and admins (only) can read the log."""

import pytest

from installer_ops.models import AuditEntry, Vertical

pytestmark = pytest.mark.django_db


def test_api_changes_are_logged_with_who_what_and_when(api, org):
    created = api.as_user(org.admin).post("/api/v1/verticals/", {"code": "energy", "name": "Energy"})
    assert created.status_code == 201
    url = f"/api/v1/installers/{org.installer_a1.pk}/promote/"
    promoted = api.as_user(org.lead_a).post(url, {"to_level": "senior-installer", "effective_on": "2026-02-01"})
    assert promoted.status_code == 201
    promotion, creation = AuditEntry.objects.all()  # newest first
    assert (creation.actor, creation.source, creation.action, creation.object_type) == (
        org.admin,
        "api",
        "create",
        "vertical",
    )
    assert creation.changes == {"code": "energy", "name": "Energy"}
    assert (promotion.actor, promotion.action, promotion.object_id) == (org.lead_a, "promote", str(org.installer_a1.pk))
    assert promotion.changes["effective_on"] == "2026-02-01"
    assert promotion.at is not None


def test_a_refused_api_change_logs_nothing(api, org):
    url = f"/api/v1/installers/{org.installer_b1.pk}/promote/"
    assert api.as_user(org.lead_a).post(url, {"to_level": "senior-installer"}).status_code == 404
    assert not AuditEntry.objects.exists()


def test_admin_changes_are_logged_with_each_field_before_and_after(client, org):
    client.force_login(org.admin)
    vertical = Vertical.objects.create(code="retail-x", name="Retail")
    url = f"/admin/installer_ops/vertical/{vertical.pk}/change/"
    response = client.post(url, {"code": "retail-x", "name": "Retail and malls"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.source, entry.action) == (org.admin, "admin", "update")
    assert entry.changes == {"name": ["Retail", "Retail and malls"]}
    response = client.post(f"/admin/installer_ops/vertical/{vertical.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action="delete", object_id=str(vertical.pk), object_repr="Retail and malls"
    ).exists()


def test_only_admins_read_the_log_and_nobody_edits_it(client, org):
    AuditEntry.objects.create(source="api", action="create", object_type="pod", object_id="1", object_repr="Pod A")
    client.force_login(org.admin)
    page = client.get("/admin/installer_ops/auditentry/")
    assert page.status_code == 200 and "Pod A" in page.content.decode()
    assert client.get("/admin/installer_ops/auditentry/add/").status_code == 403
    client.force_login(org.lead_a)
    assert client.get("/admin/installer_ops/auditentry/").status_code == 302  # to the admin login
