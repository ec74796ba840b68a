"""The lead's field app shell (/app/ for a lead): chosen by role, the same
for every lead, and marked so the service worker keeps it apart from the
installer's on a shared tablet (installer_ops/tablet.py, sw.js)."""

import json

import pytest
from django.urls import reverse

from installer_ops.tablet import SHELL_ROLE_HEADER, shell_urls
from tests.factories import InstallerFactory, PodFactory, lead_of

pytestmark = pytest.mark.django_db


def test_a_lead_gets_the_lead_shell_and_an_installer_the_checklist(client, org):
    client.force_login(org.lead_a)
    lead = client.get("/app/")
    assert lead.status_code == 200
    assert lead[SHELL_ROLE_HEADER] == "lead"
    assert lead.cookies["csrftoken"].value  # what the outbox sends back: the cached shell carries none
    html = lead.content.decode()
    assert "installer_ops/app/lead_app.js" in html and 'data-shell="lead"' in html
    assert "installer_ops/app/app.js" not in html  # never the installer's checklist
    assert "installer_ops/app/sync_loop.js" in html  # the sync loop both apps share

    client.force_login(org.installer_a1.user)
    installer = client.get("/app/")
    assert installer[SHELL_ROLE_HEADER] == "installer"
    assert "installer_ops/app/lead_app.js" not in installer.content.decode()
    assert "installer_ops/app/sync_loop.js" in installer.content.decode()


def test_the_lead_shell_is_the_same_for_every_lead_and_names_no_one(client):
    """The service worker caches it once per role on a tablet, so it must carry no one's data."""
    pages = []
    for name in ("Lena Lead", "Omar Other"):
        pod = PodFactory()
        lead = lead_of(pod, name=name)
        InstallerFactory(pod=pod, user__name=f"Installer of {name}")
        client.force_login(lead)
        response = client.get("/app/")
        assert name not in response.content.decode()
        assert f"Installer of {name}" not in response.content.decode()
        pages.append(response.content)
    assert pages[0] == pages[1]


def test_the_lead_shell_shows_the_leads_navigation_with_the_field_app_current(client, org):
    client.force_login(org.lead_a)
    html = client.get("/app/").content.decode()
    assert '<a href="/app/" aria-current="page">Field app</a>' in html
    assert f'<a href="{reverse("lead-queue")}">Queue</a>' in html  # the rest of the lead's menu, online


def test_the_field_app_is_in_the_leads_menu_only(client, org):
    client.force_login(org.lead_a)
    assert '<a href="/app/"' in client.get("/lead/").content.decode()
    client.force_login(org.admin)
    assert '<a href="/app/"' not in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize("who", ["executive", "admin"])
def test_other_roles_have_no_field_app(client, org, who):
    client.force_login(getattr(org, who))
    response = client.get("/app/")
    assert response.status_code == 403
    assert SHELL_ROLE_HEADER not in response


def test_the_worker_keeps_each_roles_shell_and_the_lead_app_is_precached(client, settings):
    settings.APP_RELEASE = "r7"
    worker = client.get("/app/sw.js").content.decode()
    shell = json.loads(worker.split("var SHELL = ")[1].split(";\n")[0])
    for path in ("sync_loop.js", "lead_app.js", "lead_view.js", "lead_photos.js", "lead.css"):
        assert f"/static/installer_ops/app/{path}" in shell
    assert shell == shell_urls()
    assert f'var ROLE_HEADER = "{SHELL_ROLE_HEADER}";' in worker
    assert 'var EVIDENCE_CACHE = "installer-ops-evidence";' in worker
