import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bootcamp import services
from bootcamp.models import Cohort, Enrollment, ProgramVersion
from installer_ops.models import Stage
from tests.factories import InstallerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_cohorts_are_scoped_by_role(api, bootcamp):
    b = bootcamp
    assert [c["id"] for c in api.as_user(b.lead_a).get("/api/v1/cohorts/").json()["results"]] == [b.cohort.pk]
    assert api.as_user(b.lead_b).get("/api/v1/cohorts/").json()["count"] == 0
    assert api.as_user(b.lead_b).get(f"/api/v1/cohorts/{b.cohort.pk}/").status_code == 404
    assert api.as_user(b.installer.user).get("/api/v1/cohorts/").json()["count"] == 1
    body = api.as_user(UserFactory(role="executive")).get(f"/api/v1/cohorts/{b.cohort.pk}/").json()
    assert (body["enrolled"], body["status"], body["ends_on"]) == (2, "running", "2026-11-13")


def test_lead_creates_a_cohort_for_their_pods_only(api, bootcamp):
    b = bootcamp
    payload = {"name": "December", "program_version": b.version.pk, "start_on": "2026-12-07", "pods": [b.pod_a.pk]}
    response = api.as_user(b.lead_a).post("/api/v1/cohorts/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["status"], response.json()["lead"], response.json()["capacity"]) == (
        "planned",
        b.lead_a.pk,
        12,
    )
    foreign = api.as_user(b.lead_a).post("/api/v1/cohorts/", {**payload, "pods": [b.pod_b.pk]}, format="json")
    assert foreign.status_code == 400 and "pods" in foreign.json()
    empty = api.as_user(b.lead_a).post("/api/v1/cohorts/", {"name": ""}, format="json")
    assert empty.status_code == 400
    assert set(empty.json()) == {"name", "program_version", "start_on", "pods"}
    assert api.as_user(b.installer.user).post("/api/v1/cohorts/", payload, format="json").status_code == 403
    assert Cohort.objects.count() == 2


def test_bulk_enrolment_through_the_api_is_all_or_nothing(api, bootcamp):
    b = bootcamp
    one, two = InstallerFactory(pod=b.pod_a), InstallerFactory(pod=b.pod_a)
    url = f"/api/v1/cohorts/{b.cohort.pk}/enrollments/"
    bad = api.as_user(b.lead_a).post(url, {"installers": [one.pk, b.installer.pk]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["installers"] == [f"{b.installer.name} already has an active enrollment."]
    foreign = api.as_user(b.lead_a).post(url, {"installers": [one.pk, InstallerFactory(pod=b.pod_b).pk]}, format="json")
    assert foreign.status_code == 400 and "installers" in foreign.json()
    assert not Enrollment.objects.filter(installer=one).exists()
    good = api.as_user(b.lead_a).post(url, {"installers": [one.pk, two.pk]}, format="json")
    assert good.status_code == 201
    assert [e["installer"] for e in good.json()] == [one.pk, two.pk]
    one.refresh_from_db()
    assert one.stage == Stage.BOOTCAMP


def test_enrollment_reads_as_the_architecture_says(api, bootcamp):
    b = bootcamp
    body = api.as_user(b.installer.user).get(f"/api/v1/enrollments/{b.enrollment.pk}/").json()
    assert set(body) == {"id", "installer", "cohort", "progress", "modules"}
    assert set(body["modules"][0]) == {"id", "title", "due_on", "complete", "waiting_for_signoff", "items"}
    assert set(body["modules"][0]["items"][0]) >= {"id", "title", "needs_signoff", "checked", "signed_off"}
    assert api.as_user(b.installer.user).get(f"/api/v1/enrollments/{b.other_enrollment.pk}/").status_code == 404
    assert api.as_user(b.lead_b).get(f"/api/v1/enrollments/{b.enrollment.pk}/").status_code == 404


def test_enrollment_and_cohort_lists_run_a_fixed_number_of_queries(api, bootcamp):
    b = bootcamp
    b.cohort.capacity = 100
    b.cohort.save()
    admin = UserFactory(role="admin")
    counts = {"enrollments": [], "cohorts": []}
    for extra in (0, 30):
        if extra:
            services.enrollment_bulk_create(
                actor=None, cohort=b.cohort, installers=[InstallerFactory(pod=b.pod_a) for _ in range(extra)]
            )
        for name in counts:
            with CaptureQueriesContext(connection) as context:
                assert api.as_user(admin).get(f"/api/v1/{name}/").status_code == 200
            counts[name].append(len(context.captured_queries))
    assert counts["enrollments"][0] == counts["enrollments"][1], counts
    assert counts["cohorts"][0] == counts["cohorts"][1], counts


def test_a_program_edit_through_the_api_makes_a_new_version(api, bootcamp):
    b = bootcamp
    program_id = b.version.program_id
    spec = {
        "working_days": 10,
        "publish": True,
        "modules": [
            {
                "title": "Only module",
                "first_day": 1,
                "last_day": 10,
                "items": [{"title": "Do it", "needs_signoff": True}],
            }
        ],
    }
    # Leads and administrators author programs; installers and executives do not.
    url = f"/api/v1/programs/{program_id}/versions/"
    assert api.as_user(b.installer.user).post(url, spec, format="json").status_code == 403
    assert api.as_user(UserFactory(role="executive")).post(url, spec, format="json").status_code == 403
    response = api.as_user(b.lead_a).post(f"/api/v1/programs/{program_id}/versions/", spec, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2 and response.json()["published_at"]
    bad = api.as_user(UserFactory(role="admin")).post(
        f"/api/v1/programs/{program_id}/versions/", {"working_days": 0, "modules": [{"title": "x"}]}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"working_days", "modules"}
    assert ProgramVersion.objects.count() == 2
    listing = api.as_user(b.installer.user).get("/api/v1/programs/").json()["results"][0]
    assert [v["number"] for v in listing["versions"]] == [2, 1]
