import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from installer_ops.models import Installer, Promotion, Stage
from tests.factories import InstallerFactory, PodFactory
from tests.navigation_expected import EXPECTED_NAVIGATION

pytestmark = pytest.mark.django_db


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.mark.parametrize(
    ("who", "landing", "labels"),
    [
        ("installer_a1", "/app/", None),
        ("lead_a", "/lead/", EXPECTED_NAVIGATION["lead"]),
        ("executive", "/dashboard/", EXPECTED_NAVIGATION["executive"]),
        ("admin", "/dashboard/", EXPECTED_NAVIGATION["admin"]),
    ],
)
def test_each_role_lands_on_its_page_with_its_navigation(client, org, who, landing, labels):
    person = getattr(org, who)
    client.force_login(getattr(person, "user", person))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == landing
    # The installer lands on the tablet app, whose shell has its own two-link navigation.
    assert nav_labels(response.content.decode()) == (labels or ["My checklist", "My record"])


def test_login_page_logs_in_and_redirects_home(org):
    org.lead_a.set_password("a-long-pass-phrase")
    org.lead_a.save()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    bad = client.post("/accounts/login/", {"username": "lead-a", "password": "wrong", "csrfmiddlewaretoken": token})
    assert "did not match" in bad.content.decode()
    good = client.post(
        "/accounts/login/", {"username": "lead-a", "password": "a-long-pass-phrase", "csrfmiddlewaretoken": token}
    )
    assert good.status_code == 302


def test_session_writes_without_a_csrf_token_are_refused(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.lead_a)
    response = client.post(
        f"/org/installers/{org.installer_a1.pk}/promote/", {"to_level": 2, "effective_on": "2026-01-01"}
    )
    assert response.status_code == 403
    api = client.post(f"/api/v1/installers/{org.installer_a1.pk}/promote/", {"to_level": "installer-2"})
    assert api.status_code == 403
    assert not Promotion.objects.exists()


def test_anonymous_pages_redirect_to_login(client):
    response = client.get("/org/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pages_outside_the_role_answer_403(client, org):
    client.force_login(org.installer_a1.user)
    assert client.get("/org/").status_code == 403
    client.force_login(org.executive)
    assert client.get("/org/installers/").status_code == 403
    assert client.get("/me/").status_code == 403


def test_lead_sees_their_pods_and_gets_404_elsewhere(client, org):
    client.force_login(org.lead_a)
    overview = client.get("/org/").content.decode()
    assert "Pod A" in overview and "Pod B" not in overview
    assert client.get(f"/org/pods/{org.pod_b.pk}/").status_code == 404
    assert client.get(f"/org/installers/{org.installer_b1.pk}/").status_code == 404
    assert client.get(f"/org/pods/{org.pod_a.pk}/").status_code == 200


def test_executive_sees_pods_but_not_people(client, org):
    client.force_login(org.executive)
    page = client.get(f"/org/pods/{org.pod_a.pk}/").content.decode()
    assert "Role holders" in page
    assert org.installer_a1.user.name not in page


def test_unstaffed_pods_are_shown(client, org):
    client.force_login(org.admin)
    page = client.get("/org/").content.decode()
    assert "2 pods are not staffed" in page
    assert "product liaison" in page


def test_hire_form_creates_an_installer_and_shows_errors(client, org):
    client.force_login(org.lead_a)
    bad = client.post("/org/installers/new/", {"name": "", "pod": org.pod_b.pk})
    assert bad.status_code == 200
    assert "This field is required." in bad.content.decode()
    assert "Select a valid choice" in bad.content.decode()
    good = client.post(
        "/org/installers/new/",
        {"name": "Ines Duarte", "employee_id": "FI-7001", "pod": org.pod_a.pk, "level": 1, "hired_on": "2026-01-05"},
    )
    installer = Installer.objects.get(employee_id="FI-7001")
    assert good["Location"] == f"/org/installers/{installer.pk}/"
    duplicate = client.post(
        "/org/installers/new/",
        {"name": "Ines Again", "employee_id": "FI-7001", "pod": org.pod_a.pk, "level": 1, "hired_on": "2026-01-05"},
    )
    assert "exists already" in duplicate.content.decode()


def test_promote_and_separate_forms(client, org):
    client.force_login(org.lead_a)
    url = f"/org/installers/{org.installer_a1.pk}/"
    downward = client.post(url + "promote/", {"to_level": 1, "effective_on": "2026-01-05"})
    assert downward.status_code == 400
    assert "A promotion goes to a level above" in downward.content.decode()
    assert client.post(url + "promote/", {"to_level": 2, "effective_on": "2026-01-05"}).status_code == 302
    assert client.post(url + "separate/", {"left_on": "2026-02-01", "voluntary": "true"}).status_code == 302
    org.installer_a1.refresh_from_db()
    assert (org.installer_a1.level, org.installer_a1.stage, org.installer_a1.left_voluntarily) == (2, Stage.LEFT, True)
    page = client.get(url).content.decode()
    assert "Record a promotion" not in page  # nothing more to record for someone who left


def test_installer_list_filters_and_paginates(client, org):
    for _ in range(55):
        InstallerFactory(pod=org.pod_a)
    client.force_login(org.lead_a)
    first = client.get("/org/installers/").content.decode()
    assert "57 installers" in first and "Page 1 of 2" in first
    found = client.get("/org/installers/", {"q": org.installer_a1.employee_id}).content.decode()
    assert "1 installer" in found


def test_my_record_shows_the_installers_own_record_and_contacts(client, org):
    client.force_login(org.installer_a1.user)
    page = client.get("/me/").content.decode()
    assert org.installer_a1.employee_id in page
    assert org.lead_a.name in page


@pytest.mark.parametrize("url", ["/org/", "/org/installers/"])
def test_list_pages_run_a_fixed_number_of_queries(client, org, url):
    client.force_login(org.admin)
    counts = []
    for extra in (0, 45):
        for _ in range(extra):
            pod = PodFactory()
            InstallerFactory(pod=pod)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts
