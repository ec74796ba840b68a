import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bootcamp import services
from kpis.computation import kpis_compute
from kpis.models import Audit, KpiTarget
from tests.factories import PodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_cache(settings):
    """Counting queries: the running period's figures are computed on every request."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def last_month() -> datetime.date:
    """The last complete month: the headlines' period."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def audit_everywhere(pods, month_start):
    for pod in pods:
        for index, passed in enumerate([True, False, True]):
            Audit.objects.create(
                external_id=f"{pod.code}-{index}-{month_start}",
                pod=pod,
                audited_on=month_start + datetime.timedelta(days=index),
                passed=passed,
            )


def test_the_dashboard_shows_tiles_targets_and_breakdown(client):
    today = timezone.localdate()
    pods = [PodFactory(), PodFactory()]
    audit_everywhere(pods, last_month())
    KpiTarget.objects.create(kpi="audit_pass_rate", target=0.9)
    kpis_compute(since=last_month(), until=today, grains=["month"])
    client.force_login(UserFactory(role="executive"))
    page = client.get("/dashboard/").content.decode()
    assert "Compliance audit pass rate" in page and "66.7 %" in page and "Target: 90.0 %" in page
    assert "target missed" in page
    assert pods[0].name in page and "By geography" in page
    drill = client.get(f"/dashboard/?scope=pod&scope_id={pods[0].pk}").content.decode()
    assert f"<h1>{pods[0].name}</h1>" in drill and "By pod" not in drill


def test_the_csv_holds_what_is_shown(client):
    today = timezone.localdate()
    pods = [PodFactory()]
    audit_everywhere(pods, last_month())
    kpis_compute(since=last_month(), until=today, grains=["month"])
    client.force_login(UserFactory(role="executive"))
    response = client.get("/dashboard/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    org = [r for r in rows if r["kpi"] == "audit_pass_rate" and r["scope"] == "org"]
    assert len(org) == 1 and (org[0]["numerator"], org[0]["denominator"]) == ("2.0", "3.0")
    assert any(r["scope"] == "pod" and r["name"] == pods[0].name for r in rows)


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_number_of_pods(client, no_cache):
    today = timezone.localdate()
    client.force_login(UserFactory(role="executive"))
    counts = []
    for extra in (2, 20):
        pods = [PodFactory() for _ in range(extra)]
        audit_everywhere(pods, today.replace(day=1))
        kpis_compute(since=today.replace(day=1), until=today, grains=["month"])
        with CaptureQueriesContext(connection) as context:
            assert client.get("/dashboard/").status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_dashboard_is_for_executives_and_unknown_scopes_are_404(client, org):
    client.force_login(org.lead_a)
    assert client.get("/dashboard/").status_code == 403
    client.force_login(org.executive)
    assert client.get("/dashboard/?scope=pod&scope_id=999999").status_code == 404
    assert client.get("/dashboard/?grain=fortnight").status_code == 404


def test_an_empty_dashboard_says_so_instead_of_failing(client):
    client.force_login(UserFactory(role="executive"))
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "No figures here yet: they appear after the nightly computation" in page.content.decode()


def test_cohorts_are_compared_and_a_cohort_has_its_own_page(client, bootcamp):
    today = timezone.localdate()
    for index, passed in enumerate([True, False]):
        Audit.objects.create(
            external_id=f"C{index}",
            pod=bootcamp.pod_a,
            installer=bootcamp.installer,
            audited_on=today.replace(day=1),
            passed=passed,
        )
    kpis_compute(since=today.replace(day=1), until=today, grains=["month", "quarter"])
    client.force_login(UserFactory(role="executive"))
    page = client.get("/dashboard/").content.decode()
    assert "Cohort comparison" in page and bootcamp.cohort.name in page and "50.0 %" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/?format=csv").content.decode())))
    cohort = [r for r in rows if r["scope"] == "cohort" and r["kpi"] == "audit_pass_rate"]
    assert [(r["name"], r["grain"], r["numerator"], r["denominator"]) for r in cohort] == [
        (bootcamp.cohort.name, "all quarters", "1.0", "2.0")
    ]
    own = client.get(f"/dashboard/?scope=cohort&scope_id={bootcamp.cohort.pk}").content.decode()
    assert f"<h1>{bootcamp.cohort.name}</h1>" in own
    assert "Bootcamp completion rate" in own and "Installer churn" not in own


def test_the_cohort_comparison_costs_the_same_queries_for_one_cohort_and_ten(client, bootcamp, no_cache):
    client.force_login(UserFactory(role="executive"))
    counts = []
    for extra in (0, 9):
        for index in range(extra):
            services.cohort_create(
                actor=None,
                name=f"Extra {index}",
                program_version=bootcamp.version,
                start_on=datetime.date(2026, 1, 5),
                lead=bootcamp.lead_a,
                pods=[bootcamp.pod_a],
                capacity=5,
            )
        kpis_compute(since=datetime.date(2026, 1, 1), until=datetime.date(2026, 3, 31), grains=["quarter"])
        with CaptureQueriesContext(connection) as context:
            assert client.get("/dashboard/?grain=quarter").status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts
