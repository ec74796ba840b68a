"""The hiring KPIs as people read them: the dashboard's hiring section (tiles,
the funnel, the table by source against target), each hiring KPI's page, the
KPI API's source scope and the CSV; executives see aggregates only, never a
candidate; the section costs a fixed number of queries."""

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.models import Requisition
from kpis.computation import kpis_compute
from kpis.models import KpiTarget
from kpis.sources import SOURCE_IDS
from onboarding.models import Clearance
from tests.kpis.test_hiring_kpi_edges import candidate
from tests.kpis.test_hiring_kpis import hire_installer

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
HIRING = ["time_to_hire", "candidate_conversion", "hire_clearance_60d", "first_year_retention"]


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def requisition_of(pod):
    return Requisition.objects.create(
        pod=pod, role="installer", opened_on=last_month() - datetime.timedelta(60), fill_by=timezone.localdate()
    )


def hire(requisition, days, source):
    """A hire on the 28th of last month, `days` after applying."""
    at = datetime.datetime.combine(last_month() + datetime.timedelta(27), datetime.time(10), tzinfo=UTC)
    return candidate(requisition, at.date() - datetime.timedelta(days), "hired", at, source)


def applicants(requisition, n, source="agency"):
    path = ["applied", "screen", "practical", "interview", "rejected"]
    return [candidate(requisition, last_month(), "rejected", source=source, history=path) for _ in range(n)]


@pytest.fixture
def hiring_figures(org):
    """Last month: pod A hires three (10, 14 and 24 days after applying; two
    referrals, one agency), rejects two at interview and has one at screen;
    pod B hires one maker (20 days). Two hires reached their 60th day last
    month (one cleared on day 30), two their 365th (one left)."""
    month = last_month()
    reqs = {org.pod_a: requisition_of(org.pod_a), org.pod_b: requisition_of(org.pod_b)}
    hire(reqs[org.pod_a], 10, "referral")
    hire(reqs[org.pod_a], 14, "referral")
    hire(reqs[org.pod_a], 24, "agency")
    hire(reqs[org.pod_b], 20, "maker_community")
    applicants(reqs[org.pod_a], 2)
    candidate(reqs[org.pod_a], month, "screen", source="referral", history=["applied", "screen"])
    day_60 = month + datetime.timedelta(4) - datetime.timedelta(60)
    cleared = hire_installer(org.pod_a, day_60, "referral")
    hire_installer(org.pod_a, day_60, "referral")
    at = datetime.datetime.combine(day_60 + datetime.timedelta(30), datetime.time(9), tzinfo=UTC)
    Clearance.objects.create(installer=cleared, cleared_by=org.admin, cleared_at=at, valid_until=at.date())
    day_365 = month + datetime.timedelta(4) - datetime.timedelta(365)
    hire_installer(org.pod_b, day_365, "agency")
    hire_installer(org.pod_b, day_365, "agency", day_365 + datetime.timedelta(100), voluntary=True)
    KpiTarget.objects.create(kpi="time_to_hire", target=20)
    KpiTarget.objects.create(kpi="time_to_hire", scope="source", scope_id=SOURCE_IDS["agency"], target=40)
    kpis_compute(since=month, until=timezone.localdate(), grains=["month"], kpis=HIRING)
    return org


def json_data(page: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S)
    assert match, f"no {element_id}"
    return json.loads(match.group(1))


def section(page: str, start: str, end: str | None = None) -> str:
    part = page[page.index(start) :]
    return part[: part.index(end)] if end else part


def test_the_hiring_section_shows_tiles_funnel_and_sources_against_target(client, hiring_figures):
    client.force_login(hiring_figures.executive)
    page = client.get("/dashboard/").content.decode()
    hiring = section(page, 'id="hiring"', 'id="cohorts"')
    # Time to hire: the median of 10, 14, 20 and 24 days, the 90th percentile beside it, against 20 days.
    assert "Time to hire (median days)" in hiring and "17.0 days" in hiring
    assert "90th percentile: 22.8 days" in hiring
    assert "target met" in hiring
    assert "Candidate conversion (applied to hired)" in hiring and "57.1 %" in hiring  # 4 of 7
    assert "Provisional: some candidates are still in the pipeline." in hiring
    assert "Hires cleared within 60 days" in hiring and "50.0 %" in hiring
    funnel = json_data(page, "chart-funnel")
    assert funnel["labels"] == ["Applied", "Screen", "Practical", "Interview", "Offer", "Hired"]
    assert funnel["values"] == [7, 7, 6, 6, 4, 4] and funnel["shares"][-1] == 57.1
    assert 'data-chart="chart-funnel"' in hiring and "1 of them is still in the pipeline" in hiring
    sources = section(hiring, 'id="by-source"')
    assert "data-sortable" in sources and sources.count("<tr>") == 7  # a header and six sources
    agency = sources[sources.index(">Agency<") :].split("</tr>")[0]
    referral = sources[sources.index(">Referral<") :].split("</tr>")[0]
    # The agency's 24 days against its own 40; the referrals' 12 against the organisation's 20.
    assert "24.0 days" in agency and "cell-met" in agency
    assert "12.0 days" in referral and "cell-met" in referral
    assert f'href="?scope=source&amp;scope_id={SOURCE_IDS["agency"]}&amp;grain=month">Agency</a>' in sources
    # The breakdown by pod above keeps to the field KPIs; hiring's columns are in its own section.
    pods = section(page, 'id="by-pod"', 'id="hiring"')
    assert "Time to hire" not in pods


def test_executives_never_see_a_candidate(client, hiring_figures, api):
    client.force_login(hiring_figures.executive)
    pages = [client.get("/dashboard/").content.decode(), client.get("/dashboard/?format=csv").content.decode()]
    for kpi in HIRING:
        response = client.get(f"/dashboard/kpis/{kpi}/")
        assert response.status_code == 200
        pages.append(response.content.decode())
    pages.append(api.as_user(hiring_figures.executive).get("/api/v1/kpis/?grain=month").content.decode())
    for text in pages:
        assert "Person " not in text and "@example.com" not in text.replace(hiring_figures.executive.email, "")
    assert "open to the pod's lead and administrators" in pages[3]


def test_leads_and_administrators_read_the_rows_their_policies_allow(client, hiring_figures):
    client.force_login(hiring_figures.admin)
    page = client.get("/dashboard/kpis/candidate_conversion/").content.decode()
    assert "Candidates who applied in the period: 7." in page and "Person " in page
    assert "Interview" in page and "Rejected" in page  # the furthest stage, and the stage now
    hires = client.get("/dashboard/kpis/time_to_hire/").content.decode()
    assert "Candidates hired in the period: 4." in hires
    assert "The median over 4 hired; 90th percentile 22.8 days." in hires
    client.force_login(hiring_figures.lead_b)
    own = client.get("/dashboard/kpis/time_to_hire/").content.decode()
    assert "Candidates hired in the period: 1." in own  # pod B's one hire, not pod A's three
    retention = client.get("/dashboard/kpis/first_year_retention/").content.decode()
    assert "Hires whose 365th day fell in the period: 2." in retention
    client.force_login(hiring_figures.lead_a)
    assert (
        "Hires whose 365th day fell in the period: 0."
        in client.get("/dashboard/kpis/first_year_retention/").content.decode()
    )


def test_a_source_has_its_own_figures_and_pages(client, hiring_figures):
    client.force_login(hiring_figures.executive)
    referral = SOURCE_IDS["referral"]
    page = client.get(f"/dashboard/?scope=source&scope_id={referral}").content.decode()
    assert "<h1>Referral</h1>" in page and "Time to hire" in page and "Compliance audit pass rate" not in page
    assert client.get("/dashboard/?scope=source&scope_id=99").status_code == 404
    detail = client.get(f"/dashboard/kpis/hire_clearance_60d/?scope=source&scope_id={referral}")
    assert detail.status_code == 200 and "50.0 %" in detail.content.decode()
    org_page = client.get("/dashboard/kpis/time_to_hire/").content.decode()
    assert "By hiring source" in org_page and "By cohort" not in org_page
    assert client.get("/dashboard/kpis/time_to_hire/?scope=cohort&scope_id=1").status_code == 404
    assert client.get(f"/dashboard/kpis/mttr/?scope=source&scope_id={referral}").status_code == 404


def test_the_api_names_a_source_by_its_code(api, hiring_figures):
    client = api.as_user(hiring_figures.executive)
    rows = client.get("/api/v1/kpis/?kpi=time_to_hire&scope=source&scope_id=referral&grain=month").json()
    assert [(r["scope_id"], r["value"], r["details"]) for r in rows] == [
        ("referral", 12.0, {"median_days": 12.0, "p90_days": 13.6})
    ]
    makers = client.get("/api/v1/kpis/?kpi=candidate_conversion&scope=source&scope_id=maker-community").json()
    assert makers[0]["details"]["reached"]["hired"] == 1
    for bad in ("3", "maker_community", "job-board"):
        answer = client.get(f"/api/v1/kpis/?scope=source&scope_id={bad}")
        assert answer.status_code == 400 and "scope_id" in answer.json()
    assert client.get("/api/v1/kpis/?scope=pod&scope_id=referral").status_code == 400


def test_the_csv_holds_the_sources_by_code(client, hiring_figures):
    client.force_login(hiring_figures.executive)
    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/?format=csv").content.decode())))
    sources = {
        r["scope_id"]: (r["name"], r["value"]) for r in rows if r["scope"] == "source" and r["kpi"] == "time_to_hire"
    }
    assert sources == {
        "agency": ("Agency", "24.0"),
        "referral": ("Referral", "12.0"),
        "maker-community": ("Maker community", "20.0"),
    }
    assert any(r["kpi"] == "first_year_retention" and r["scope"] == "org" for r in rows)


def test_a_target_may_be_set_per_source_and_only_for_a_real_one(hiring_figures):
    from django.core.exceptions import ValidationError

    from kpis.targets import kpi_target_set

    kpi_target_set(actor=hiring_figures.admin, kpi="first_year_retention", scope="source", scope_id=1, target=0.8)
    with pytest.raises(ValidationError) as refused:
        kpi_target_set(actor=hiring_figures.admin, kpi="first_year_retention", scope="source", scope_id=99, target=0.8)
    assert "scope" in refused.value.message_dict
    with pytest.raises(ValidationError):
        kpi_target_set(actor=hiring_figures.admin, kpi="mttr", scope="source", scope_id=1, target=4)


@pytest.fixture
def no_cache(settings):
    """Counting queries: the running period's figures are computed on every request."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/dashboard/").status_code == 200
    return len(context.captured_queries)


def test_the_hiring_section_costs_fixed_queries_whatever_the_candidates_and_pods(client, org, no_cache):
    from tests.factories import PodFactory

    client.force_login(org.executive)
    counts = []
    for pods in ([org.pod_a], [PodFactory() for _ in range(12)]):
        for pod in pods:
            requisition = requisition_of(pod)
            for days, source in ((5, "referral"), (9, "agency"), (12, "other")):
                hire(requisition, days, source)
            applicants(requisition, 5)
        kpis_compute(since=last_month(), until=timezone.localdate(), grains=["month"])
        counts.append(dashboard_queries(client))
    assert counts[0] == counts[1], counts


def test_the_hiring_section_adds_only_its_running_figures_queries(client, org, no_cache, monkeypatch):
    """Its tiles and funnel come from the snapshots the dashboard reads
    anyway, its sources with the breakdown's (and their names are no query):
    what it adds is the running period of its four KPIs, one statement each
    per span and two spans (on SQLite time to hire reads its percentiles'
    days apart: one more per span)."""
    from kpis import registry, selectors

    requisition = requisition_of(org.pod_a)
    hire(requisition, 5, "referral")
    kpis_compute(since=last_month(), until=timezone.localdate(), grains=["month"])
    client.force_login(org.executive)
    with_hiring = dashboard_queries(client)
    original = selectors.kpis_of
    field_only = [code for code in original("org") if code not in registry.HIRING_KPIS]
    monkeypatch.setattr(selectors, "kpis_of", lambda scope: field_only)
    without = dashboard_queries(client)
    per_span = 5 if connection.vendor == "sqlite" else 4
    assert with_hiring - without == 2 * per_span, (with_hiring, without)


@pytest.mark.parametrize("kpi", HIRING)
def test_a_hiring_kpi_page_costs_the_same_queries_for_few_and_many_rows(client, org, kpi):
    requisition = requisition_of(org.pod_a)
    day_60 = last_month() + datetime.timedelta(4) - datetime.timedelta(60)
    day_365 = last_month() + datetime.timedelta(4) - datetime.timedelta(365)
    client.force_login(org.admin)
    counts = []
    for n in (1, 12):
        for index in range(n):
            hire(requisition, 5 + index, "referral")
            applicants(requisition, 1)
            hire_installer(org.pod_a, day_60, "agency")
            hire_installer(org.pod_a, day_365, "agency", day_365 + datetime.timedelta(40), voluntary=False)
        kpis_compute(since=last_month(), until=timezone.localdate(), grains=["month"], kpis=HIRING)
        client.get(f"/dashboard/kpis/{kpi}/")  # warm the running figures' cache
        with CaptureQueriesContext(connection) as context:
            page = client.get(f"/dashboard/kpis/{kpi}/").content.decode()
        assert "Nothing was counted" not in page
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_candidate_in_the_facts_links_to_their_page_which_the_reader_may_open(client, hiring_figures):
    client.force_login(hiring_figures.lead_a)
    page = client.get("/dashboard/kpis/candidate_conversion/").content.decode()
    links = re.findall(r'href="(/hiring/candidates/\d+/)"', page)
    assert len(links) == 6  # pod A's six applicants of last month, not pod B's
    assert all(client.get(link).status_code == 200 for link in links)


def test_without_candidates_the_hiring_section_says_so_in_plain_words(client, org):
    from kpis.models import Audit

    Audit.objects.create(external_id="A", pod=org.pod_a, audited_on=last_month(), passed=True)
    kpis_compute(since=last_month(), until=timezone.localdate(), grains=["month"])
    client.force_login(org.executive)
    page = client.get("/dashboard/").content.decode()
    hiring = section(page, 'id="hiring"', 'id="cohorts"')
    assert "No hiring figures here yet: they appear after the nightly computation (02:00 UTC)" in hiring
    assert "chart-funnel" not in page and 'id="by-source"' not in page
    pod_page = client.get(f"/dashboard/?scope=pod&scope_id={org.pod_a.pk}").content.decode()
    assert 'id="hiring"' in pod_page  # a pod's dashboard has its hiring section too


def test_a_cohort_has_no_hiring_section(client, bootcamp):
    from kpis.models import Audit
    from tests.factories import UserFactory

    today = timezone.localdate()
    Audit.objects.create(
        external_id="C", pod=bootcamp.pod_a, installer=bootcamp.installer, audited_on=today.replace(day=1), passed=True
    )
    kpis_compute(since=today.replace(day=1), until=today, grains=["month"])
    client.force_login(UserFactory(role="executive"))
    page = client.get(f"/dashboard/?scope=cohort&scope_id={bootcamp.cohort.pk}").content.decode()
    assert "Bootcamp completion rate" in page and 'id="hiring"' not in page and "Time to hire" not in page
