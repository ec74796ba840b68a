import datetime

import pytest

from kpis.models import Audit, KpiJob, KpiSnapshot
from kpis.periods import kpi_zone
from tests.factories import PodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audits():
    pod = PodFactory()
    for index, passed in enumerate([True, True, False]):
        Audit.objects.create(external_id=f"A{index}", pod=pod, audited_on=datetime.date(2025, 3, 10), passed=passed)
    return pod


def test_recompute_answers_202_with_a_job_whose_progress_can_be_read(api, audits, django_capture_on_commit_callbacks):
    executive = UserFactory(role="executive")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(executive).post(
            "/api/v1/kpis/recompute/",
            {"since": "2025-03-01", "until": "2025-03-31", "grains": ["month"]},
            format="json",
        )
    assert response.status_code == 202
    job = api.as_user(executive).get(response["Location"]).json()
    assert (job["status"], job["progress"]) == ("done", 1.0)
    assert job["written"] == KpiSnapshot.objects.count() > 0
    rows = api.as_user(executive).get("/api/v1/kpis/?kpi=audit_pass_rate&grain=month&scope=org").json()
    assert [(r["period_start"], r["numerator"], r["denominator"], r["scope_id"]) for r in rows] == [
        ("2025-03-01", 2.0, 3.0, None)
    ]
    assert rows[0]["value"] == pytest.approx(2 / 3)
    by_pod = api.as_user(executive).get(f"/api/v1/kpis/?kpi=audit_pass_rate&grain=month&scope=pod&scope_id={audits.pk}")
    assert by_pod.json()[0]["denominator"] == 3.0


def test_bad_kpi_queries_answer_400_and_installers_403(api, audits):
    executive = UserFactory(role="executive")
    bad = api.as_user(executive).get("/api/v1/kpis/?kpi=happiness&grain=fortnight&scope=pod")
    assert bad.status_code == 400 and set(bad.json()) >= {"kpi", "grain"}
    missing_id = api.as_user(executive).get("/api/v1/kpis/?scope=pod")
    assert missing_id.status_code == 400 and "scope_id" in missing_id.json()
    backwards = api.as_user(executive).post(
        "/api/v1/kpis/recompute/", {"since": "2025-04-01", "until": "2025-03-01"}, format="json"
    )
    assert backwards.status_code == 400 and not KpiJob.objects.exists()
    installer = UserFactory(role="installer")
    assert api.as_user(installer).get("/api/v1/kpis/").status_code == 403
    assert api.as_user(installer).post("/api/v1/kpis/recompute/", {}, format="json").status_code == 403


def test_an_import_enqueues_the_recompute_of_its_periods(django_capture_on_commit_callbacks):
    from kpis.importing import field_data_import
    from tests.kpis.test_import import GOOD

    with django_capture_on_commit_callbacks(execute=True):
        report = field_data_import(actor=None, files=GOOD)
    job = KpiJob.objects.get()
    # INC-2 is still open: it is counted at the end of every period up to today.
    today = datetime.datetime.now(kpi_zone()).date()
    assert (job.since, job.until, job.status) == (datetime.date(2024, 9, 12), today, "done")
    # Only the periods holding a touched day are recomputed, each part its
    # own: the first visits', the incidents' (and a day a week across the
    # open incident), the audits'.
    assert job.days["first-visits+consent"] == ["2024-09-12", "2024-09-20"]
    assert job.days["incidents"][:2] == ["2024-09-12", "2024-10-01"] and job.days["incidents"][-1] == today.isoformat()
    assert job.days["people"] == ["2024-10-15", "2024-10-16"]
    assert report.job == job
    assert (
        KpiSnapshot.objects.filter(kpi="mttr", scope="org", grain="month", period_start="2024-10-01").get().value == 3.5
    )


def test_the_kpi_list_runs_a_fixed_number_of_queries_whatever_the_number_of_pods(api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kpis.computation import kpis_compute

    executive = UserFactory(role="executive")
    counts, sizes = [], []
    for extra in (2, 20):
        for n in range(extra):
            pod = PodFactory()
            Audit.objects.create(
                external_id=f"Q{extra}-{n}", pod=pod, audited_on=datetime.date(2025, 3, 10), passed=n % 2 == 0
            )
        kpis_compute(since=datetime.date(2025, 1, 1), until=datetime.date(2025, 3, 31), grains=["month"])
        # A fresh user each time: its role is looked up again, as in a real request.
        fresh = type(executive).objects.get(pk=executive.pk)
        with CaptureQueriesContext(connection) as context:
            response = api.as_user(fresh).get("/api/v1/kpis/?grain=month&scope=org")
        assert response.status_code == 200
        sizes.append(len(response.json()))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1] <= 2, counts  # the role, then the snapshots
    assert sizes[0] == sizes[1] > 0  # the same org rows, with more pods behind them
