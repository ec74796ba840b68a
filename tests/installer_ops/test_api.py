import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from installer_ops.models import Geography, Installer, Promotion, Stage
from tests.factories import InstallerFactory, PodFactory, UserFactory, staff_pod

pytestmark = pytest.mark.django_db


def ids(response):
    return sorted(row["id"] for row in response.json()["results"])


# --- scoping -----------------------------------------------------------------


def test_installer_sees_only_their_own_installer_record(api, org):
    client = api.as_user(org.installer_a1.user)
    assert ids(client.get("/api/v1/installers/")) == [org.installer_a1.pk]
    assert client.get(f"/api/v1/installers/{org.installer_a2.pk}/").status_code == 404
    assert client.get(f"/api/v1/installers/{org.installer_a1.pk}/").status_code == 200


def test_lead_sees_the_installers_of_their_pods_only(api, org):
    client = api.as_user(org.lead_a)
    assert ids(client.get("/api/v1/installers/")) == sorted([org.installer_a1.pk, org.installer_a2.pk])
    assert client.get(f"/api/v1/installers/{org.installer_b1.pk}/").status_code == 404


def test_a_pod_outside_the_leads_scope_answers_404(api, org):
    client = api.as_user(org.lead_a)
    assert client.get(f"/api/v1/pods/{org.pod_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/pods/{org.pod_a.pk}/").status_code == 200
    assert ids(client.get("/api/v1/pods/")) == [org.pod_a.pk]


def test_a_lead_who_hands_over_their_pod_loses_sight_of_it(api, org):
    from installer_ops import services

    new_lead = UserFactory()
    services.pod_role_assign(
        actor=None,
        pod=org.pod_a,
        role="installer_lead",
        user=new_lead,
        started_on=org.pod_a.memberships.get().started_on,
    )
    assert api.as_user(org.lead_a).get(f"/api/v1/pods/{org.pod_a.pk}/").status_code == 404


def test_executive_sees_every_pod_and_no_installer_record(api, org):
    client = api.as_user(org.executive)
    assert ids(client.get("/api/v1/pods/")) == sorted([org.pod_a.pk, org.pod_b.pk])
    assert client.get("/api/v1/installers/").json()["count"] == 0
    assert client.get(f"/api/v1/installers/{org.installer_a1.pk}/").status_code == 404


def test_admin_sees_everyone(api, org):
    assert api.as_user(org.admin).get("/api/v1/installers/").json()["count"] == 4


def test_anonymous_requests_are_refused(api, org):
    assert api.get("/api/v1/installers/").status_code in (401, 403)
    assert api.get("/api/v1/me/").status_code in (401, 403)


def test_token_login_and_me(api, org):
    org.lead_a.set_password("s3cret-pass-word")
    org.lead_a.save()
    response = api.post("/api/v1/auth/token/", {"username": "lead-a", "password": "s3cret-pass-word"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=org.lead_a).key == token
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert (me["username"], me["role"], me["installer"]) == ("lead-a", "lead", None)


def test_token_login_with_a_wrong_password_is_a_400(api, org):
    response = api.post("/api/v1/auth/token/", {"username": "lead-a", "password": "nope"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_me_of_an_installer_carries_their_record(api, org):
    me = api.as_user(org.installer_a1.user).get("/api/v1/me/").json()
    assert me["role"] == "installer"
    assert me["installer"]["employee_id"] == org.installer_a1.employee_id
    assert me["installer"]["level"] == "installer-1"


def test_me_names_the_zone_the_person_reads_times_in(api, org):
    """The tablet app shows times as the pages do ("14:05 CET"): it needs the
    person's zone (their geography's) and its abbreviations, which the
    browser's Intl does not give ("GMT+1")."""
    Geography.objects.filter(pk=org.pod_a.geography_id).update(time_zone="America/Chicago")
    me = api.as_user(org.installer_a1.user).get("/api/v1/me/").json()
    assert me["time_zone"] == {"name": "America/Chicago", "abbreviations": {"-05:00": "CDT", "-06:00": "CST"}}
    me = api.as_user(org.executive).get("/api/v1/me/").json()  # belongs nowhere: the product's zone
    assert me["time_zone"] == {"name": "UTC", "abbreviations": {"+00:00": "UTC"}}


# --- writes and invalid input -------------------------------------------------


def hire_payload(pod, **overrides):
    return {"employee_id": "FI-9001", "name": "Noor Haddad", "pod": pod.pk, "hired_on": "2026-01-12", **overrides}


def test_lead_hires_into_their_pod(api, org):
    response = api.as_user(org.lead_a).post("/api/v1/installers/", hire_payload(org.pod_a, level="installer-2"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["stage"], body["level"], body["pod"]) == ("hired", "installer-2", org.pod_a.pk)


def test_hiring_with_missing_fields_answers_400_with_field_messages(api, org):
    response = api.as_user(org.lead_a).post("/api/v1/installers/", {"name": ""})
    assert response.status_code == 400
    assert set(response.json()) >= {"employee_id", "name", "pod", "hired_on"}


def test_hiring_into_an_unknown_or_foreign_pod_answers_400(api, org):
    client = api.as_user(org.lead_a)
    for pod_id in (999999, org.pod_b.pk):
        response = client.post("/api/v1/installers/", {**hire_payload(org.pod_a), "pod": pod_id})
        assert response.status_code == 400
        assert "pod" in response.json()
    assert not Installer.objects.filter(employee_id="FI-9001").exists()


def test_hiring_with_a_bad_level_or_date_answers_400(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/installers/", hire_payload(org.pod_a, level="wizard", hired_on="12/01/2026")
    )
    assert response.status_code == 400
    assert set(response.json()) == {"level", "hired_on"}


def test_duplicate_employee_id_answers_400_from_the_service(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/installers/", hire_payload(org.pod_a, employee_id=org.installer_a1.employee_id)
    )
    assert response.status_code == 400
    assert "employee_id" in response.json()


def test_promotion_through_the_api(api, org):
    url = f"/api/v1/installers/{org.installer_a1.pk}/promote/"
    response = api.as_user(org.lead_a).post(url, {"to_level": "senior-installer", "effective_on": "2026-02-01"})
    assert response.status_code == 201, response.json()
    assert response.json()["from_level"] == "installer-1"
    assert response.json()["recorded_by"] == org.lead_a.get_full_name()


def test_a_downward_promotion_answers_400_and_writes_nothing(api, org):
    org.installer_a1.level = 3
    org.installer_a1.save()
    url = f"/api/v1/installers/{org.installer_a1.pk}/promote/"
    response = api.as_user(org.lead_a).post(url, {"to_level": "installer-2", "effective_on": "2026-02-01"})
    assert response.status_code == 400
    assert "to_level" in response.json()
    assert not Promotion.objects.exists()


def test_separating_twice_answers_400(api, org):
    url = f"/api/v1/installers/{org.installer_a1.pk}/separate/"
    client = api.as_user(org.lead_a)
    assert client.post(url, {"left_on": "2026-03-01", "voluntary": True}).status_code == 200
    response = client.post(url, {"left_on": "2026-03-02", "voluntary": True})
    assert response.status_code == 400
    assert "left_on" in response.json()


def test_installer_cannot_promote_themselves_and_lead_cannot_promote_outside(api, org):
    body = {"to_level": "installer-2", "effective_on": "2026-02-01"}
    mine = api.as_user(org.installer_a1.user).post(f"/api/v1/installers/{org.installer_a1.pk}/promote/", body)
    assert mine.status_code == 403
    foreign = api.as_user(org.lead_a).post(f"/api/v1/installers/{org.installer_b1.pk}/promote/", body)
    assert foreign.status_code == 404
    assert not Promotion.objects.exists()


def test_only_admins_create_reference_data(api, org):
    payload = {"code": "latam", "name": "Latin America", "time_zone": "America/Bogota", "locale": "es-CO"}
    assert api.as_user(org.lead_a).post("/api/v1/geographies/", payload).status_code == 403
    response = api.as_user(org.admin).post("/api/v1/geographies/", payload)
    assert response.status_code == 201, response.json()


def test_a_geography_with_an_unknown_time_zone_answers_400(api, org):
    payload = {"code": "mars", "name": "Mars", "time_zone": "Mars/Olympus", "locale": "en"}
    response = api.as_user(org.admin).post("/api/v1/geographies/", payload)
    assert response.status_code == 400
    assert "time_zone" in response.json()


def test_pod_role_assignment_and_staffed_state(api, org):
    client = api.as_user(org.admin)
    assert client.get(f"/api/v1/pods/{org.pod_a.pk}/").json()["staffed"] is False
    for role in ("product_liaison", "reliability_engineer"):
        response = client.post(
            f"/api/v1/pods/{org.pod_a.pk}/roles/",
            {"role": role, "user": UserFactory().pk, "started_on": "2026-01-01", "phone": "+49 30 1234"},
        )
        assert response.status_code == 201, response.json()
    body = client.get(f"/api/v1/pods/{org.pod_a.pk}/").json()
    assert (body["staffed"], body["missing_roles"], len(body["contacts"])) == (True, [], 3)
    assert client.get("/api/v1/pods/?staffed=false").json()["count"] == 1


def test_pod_role_assignment_with_bad_input_answers_400(api, org):
    response = api.as_user(org.admin).post(
        f"/api/v1/pods/{org.pod_a.pk}/roles/", {"role": "captain", "user": 999999, "started_on": "soon"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"role", "user", "started_on"}


def test_filters_on_installers(api, org):
    org.installer_a2.stage = Stage.BOOTCAMP
    org.installer_a2.save()
    client = api.as_user(org.admin)
    assert ids(client.get("/api/v1/installers/?stage=bootcamp")) == [org.installer_a2.pk]
    assert client.get(f"/api/v1/installers/?pod={org.pod_b.pk}").json()["count"] == 2
    assert client.get("/api/v1/installers/?level=installer-1").json()["count"] == 4
    assert client.get("/api/v1/installers/?level=nonsense").status_code == 400


def test_the_level_filter_is_a_code_in_the_schema_as_in_behaviour(api, org):
    """The schema typed `level` an integer (the model's field) while the
    filter takes a code: a client following the schema sent 1 and got a 400."""
    schema = api.as_user(org.admin).get("/api/schema/?format=json").json()
    (level,) = [p for p in schema["paths"]["/api/v1/installers/"]["get"]["parameters"] if p["name"] == "level"]
    assert level["schema"]["type"] == "string"
    assert set(level["schema"]["enum"]) == {"installer-1", "installer-2", "senior-installer", "installer-lead"}
    client = api.as_user(org.admin)
    assert client.get("/api/v1/installers/", {"level": "installer-1"}).json()["count"] == 4
    for wrong in ("1", "Installer I", "bogus\x00"):
        response = client.get("/api/v1/installers/", {"level": wrong})
        assert response.status_code == 400, wrong
        assert response.json()["level"] == [
            f"“{wrong}” is not a level; use one of: installer-1, installer-2, senior-installer, installer-lead."
        ]


def test_schema_and_docs_are_served(api, org):
    schema = api.as_user(org.admin).get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/installers/{id}/promote/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    # Our own page, made from that schema (tests/installer_ops/test_api_reference.py), with no CDN.
    assert b'id="op-installers_promote_create"' in docs.content
    assert b"cdn." not in docs.content


# --- query counts -------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize(
    ("url", "expected"),
    # installers: count + page; pods: count + page + active role holders.
    [("/api/v1/installers/", 2), ("/api/v1/pods/", 3)],
)
def test_list_endpoints_run_a_fixed_number_of_queries(api, url, expected):
    admin = UserFactory(role="admin")
    client = api.as_user(admin)
    counts = []
    for target in (5, 50):
        while InstallerFactory._meta.model.objects.count() < target:
            pod = PodFactory()
            staff_pod(pod)
            InstallerFactory(pod=pod)
        queries, rows = count_queries(client, f"{url}?page_size=100")
        counts.append(queries)
        assert rows >= target if "installers" in url else rows > 0
    assert counts == [expected, expected]
