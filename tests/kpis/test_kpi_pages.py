"""The KPI pages as rendered: units, sortable breakdowns coloured against
target, the industry benchmark with its source, the KPI page's scopes and
facts, plain-language empty states, and the way to and from pod pages."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from kpis.computation import kpis_compute
from kpis.models import Audit, Install, KpiTarget, Visit

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def audit(pod, day, passed, key, installer=None):
    Audit.objects.create(external_id=key, pod=pod, installer=installer, audited_on=day, passed=passed)


def first_visit(pod, installer, key, at, outcome="success"):
    install = Install.objects.create(external_id=key, site="s", pod=pod, installer=installer)
    Visit.objects.create(install=install, visited_at=at, outcome=outcome)


@pytest.fixture
def figures(org):
    """Last month: pod A passes 9 of 10 audits, pod B 1 of 2; installs first visited by each pod's installer."""
    month = last_month()
    for index in range(10):
        audit(org.pod_a, month, index < 9, f"AUDIT-FACT-{index}", org.installer_a1)
    audit(org.pod_b, month, True, "B0", org.installer_b1)
    audit(org.pod_b, month, False, "B1", org.installer_b1)
    at = datetime.datetime.combine(month, datetime.time(10), tzinfo=UTC)
    first_visit(org.pod_a, org.installer_a1, "INS-A", at)
    first_visit(org.pod_b, org.installer_b1, "INS-B", at, outcome="failed")
    KpiTarget.objects.create(kpi="audit_pass_rate", target=0.9)
    KpiTarget.objects.create(kpi="audit_pass_rate", scope="geography", scope_id=org.pod_a.geography_id, target=0.5)
    kpis_compute(since=month, until=timezone.localdate(), grains=["month"])
    return org


def chart_of(page: str, kpi: str) -> dict:
    match = re.search(rf'<script id="chart-{kpi}" type="application/json">(.*?)</script>', page, re.S)
    assert match, f"no chart data for {kpi}"
    return json.loads(match.group(1))


def test_the_dashboard_gives_every_figure_its_unit(client, figures):
    client.force_login(figures.executive)
    page = client.get("/dashboard/").content.decode()
    assert "83.3 %" in page  # 10 of 12 audits last month: the headline
    chart = chart_of(page, "audit_pass_rate")
    assert (chart["unit"], chart["axis"]) == ("%", "Percent")
    assert chart["values"][-1] == 83.3  # shown as percent, rounded: no "0.8333" or "76.364" anywhere
    assert " down " not in page  # changes read "−3.0 pts", never "down 0.0 pts"
    assert "compute_kpis" not in page


def test_breakdowns_are_sortable_and_coloured_against_each_scopes_target(client, figures):
    client.force_login(figures.executive)
    page = client.get("/dashboard/").content.decode()
    pods = page[page.index('id="by-pod"') :]
    assert "data-sortable" in pods
    assert '<th scope="col" aria-sort="ascending"><button type="button" class="sort">Name' in pods
    assert pods.count('aria-sort="none"') >= 9
    row_a = pods[pods.index(">Pod A<") : pods.index(">Pod B<")]
    row_b = pods[pods.index(">Pod B<") :].split("</tr>")[0]
    # Pod A: 90 % against the organisation's 90 %; pod B: 50 % against 90 % (its geography's 50 % is not its own).
    assert 'data-sort-value="0.9"' in row_a and "cell-met" in row_a and "target met" in row_a
    assert "cell-missed" in row_b and "target missed" in row_b
    geographies = page[page.index('id="by-geography"') : page.index('id="by-vertical"')]
    assert "cell-met" in geographies  # pod A's geography held to its own 50 %


def test_near_target_is_its_own_class_and_words():
    from kpis.figures import NEAR, target_status

    assert target_status("audit_pass_rate", 0.87, 0.9) == NEAR
    assert target_status("mttr", 4.1, 4.0) == NEAR
    assert target_status("mttr", 5.0, 4.0) == "missed"


def test_first_time_success_shows_the_industry_benchmark_with_its_source(client, figures):
    client.force_login(figures.executive)
    page = client.get("/dashboard/").content.decode()
    lines = chart_of(page, "first_time_success")["lines"]
    assert [(line["label"], line["value"]) for line in lines] == [("Industry average", 77.0), ("Best in class", 88.0)]
    assert "Aquant, 2026" in page
    detail = client.get("/dashboard/kpis/first_time_success/").content.decode()
    assert "Aquant, 2026" in detail and "Industry benchmark" in detail
    assert "Installs whose first visit succeeded" in detail  # the definition in words


def test_headlines_link_to_the_kpi_page(client, figures):
    client.force_login(figures.executive)
    page = client.get(f"/dashboard/?scope=pod&scope_id={figures.pod_a.pk}").content.decode()
    assert f'href="/dashboard/kpis/audit_pass_rate/?scope=pod&amp;scope_id={figures.pod_a.pk}&amp;grain=month"' in page


def test_an_executive_reads_the_kpi_page_without_any_installers_rows(client, figures):
    client.force_login(figures.executive)
    response = client.get("/dashboard/kpis/audit_pass_rate/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "By pod" in page and "Pod A" in page and "By cohort" in page
    assert figures.installer_a1.name not in page and "AUDIT-FACT-" not in page
    assert "open to the pod's lead and administrators" in page


def test_a_lead_reads_the_facts_of_their_pod_and_another_pods_page_is_404(client, figures):
    client.force_login(figures.lead_a)
    own = client.get(f"/dashboard/kpis/audit_pass_rate/?scope=pod&scope_id={figures.pod_a.pk}").content.decode()
    assert "Audits held in the period: 10." in own and figures.installer_a1.name in own
    assert client.get(f"/dashboard/kpis/audit_pass_rate/?scope=pod&scope_id={figures.pod_b.pk}").status_code == 404
    # At the organisation's level a lead sees the aggregate, and only their own pods' rows and breakdown.
    org_page = client.get("/dashboard/kpis/first_time_success/").content.decode()
    assert "INS-A" in org_page and "INS-B" not in org_page and figures.installer_b1.name not in org_page
    assert ">Pod B<" not in org_page


def test_an_administrator_reads_every_pods_facts_paged(client, figures):
    client.force_login(figures.admin)
    page = client.get("/dashboard/kpis/audit_pass_rate/").content.decode()
    assert "Audits held in the period: 12." in page and "Page 1 of 1" not in page
    assert client.get("/dashboard/kpis/nonsense/").status_code == 404
    assert client.get("/dashboard/kpis/churn/?scope=cohort&scope_id=1").status_code == 404  # no cohort figure
    assert client.get("/dashboard/kpis/mttr/?period=2026-02-30").status_code == 400
    future = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    assert client.get(f"/dashboard/kpis/mttr/?period={future}").status_code == 404


def test_the_facts_page_costs_the_same_queries_for_few_and_many_rows(client, figures, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(figures.admin)
    url = "/dashboard/kpis/audit_pass_rate/"
    client.get(url)  # warm the running figures' cache
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(30):
        audit(figures.pod_a, last_month(), True, f"MORE{index}", figures.installer_a2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_cohort_without_figures_says_when_they_come_in_plain_words(client, bootcamp, org):
    client.force_login(org.executive)
    page = client.get(f"/dashboard/?scope=cohort&scope_id={bootcamp.cohort.pk}").content.decode()
    assert "No figures for this cohort yet: they appear after the nightly computation (02:00 UTC)" in page
    assert "once its installers have check-offs" in page
    assert "compute_kpis" not in page and "<canvas" not in page
    client.force_login(org.admin)
    page = client.get(f"/dashboard/?scope=cohort&scope_id={bootcamp.cohort.pk}").content.decode()
    assert 'href="/kpis/recompute/"' in page


def test_a_kpi_without_figures_draws_no_empty_chart(client, figures):
    client.force_login(figures.executive)
    page = client.get("/dashboard/").content.decode()
    assert 'data-chart="chart-audit_pass_rate"' in page
    assert 'data-chart="chart-mttr"' not in page and "no trend to draw yet" in page


def test_pod_rows_lead_to_the_pod_page_and_back(client, figures):
    client.force_login(figures.executive)
    page = client.get("/dashboard/").content.decode()
    assert f'href="/org/pods/{figures.pod_a.pk}/"' in page
    pod_page = client.get(f"/org/pods/{figures.pod_a.pk}/").content.decode()
    assert f'href="/dashboard/?scope=pod&amp;scope_id={figures.pod_a.pk}"' in pod_page
    client.force_login(figures.lead_a)  # leads have no dashboard: no dead link
    assert "/dashboard/?scope=pod" not in client.get(f"/org/pods/{figures.pod_a.pk}/").content.decode()


@pytest.mark.parametrize(
    ("kpi", "change", "improving", "arrow", "word"),
    [
        ("mttr", -7.0, True, "▼", "better"),
        ("mttr", 2.0, False, "▲", "worse"),
        ("first_time_success", -0.03, False, "▼", "worse"),
    ],
)
def test_the_arrow_shows_the_direction_and_the_colour_whether_it_is_better(kpi, change, improving, arrow, word):
    """A falling MTTR is better: it reads "▼ −7.0 h" in the good colour, never "▲ −7.0 h"."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    tile = SimpleNamespace(
        kpi=kpi, label="KPI", value=10.0, change=change, improving=improving, target=None, status=None,
        lower_is_better=kpi == "mttr", running=None,
    )  # fmt: skip
    html = render_to_string("kpis/_tile.html", {"tile": tile, "period_name": "Oct", "before_name": "Sep"})
    change_line = html.split('class="change ')[1].split("</p>")[0]
    assert change_line.startswith("good" if improving else "bad")
    assert f'<span aria-hidden="true">{arrow} </span>' in change_line and f"({word})" in change_line
