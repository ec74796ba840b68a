import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kpis.models import Node
from tests.factories import PodFactory, UserFactory

pytestmark = pytest.mark.django_db


def upload(client, **files):
    return client.post(
        "/admin/kpis/node/import/",
        {
            name.replace("_", "."): SimpleUploadedFile(name.replace("_", "."), text.encode())
            for name, text in files.items()
        },
    )


def test_the_admin_upload_imports_and_lists_errors(client):
    PodFactory(code="berlin")
    client.force_login(UserFactory(role="admin"))
    assert "Import field data (CSV)" in client.get("/admin/kpis/node/").content.decode()
    good = upload(client, nodes_csv="serial,site,pod_code,installed_by,installed_on\nN-1,Store,berlin,,2025-01-02\n")
    assert good.status_code == 302
    assert Node.objects.filter(serial="N-1").exists()
    bad = upload(client, nodes_csv="serial,site,pod_code,installed_by,installed_on\nN-2,Store,nowhere,,2025-13-02\n")
    page = bad.content.decode()
    assert bad.status_code == 400 and "2 errors; nothing was imported." in page
    assert "unknown pod “nowhere”" in page and "installed_on" in page
    assert not Node.objects.filter(serial="N-2").exists()
    empty = client.post("/admin/kpis/node/import/", {})
    assert "Choose at least one file." in empty.content.decode()


def test_only_admins_reach_the_upload(client):
    client.force_login(UserFactory(role="lead"))
    assert client.get("/admin/kpis/node/import/").status_code == 302  # to the admin login
