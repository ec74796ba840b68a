"""The executive's analytics in the browser: a breakdown sorted by a header
(mouse and keyboard), tooltips carrying the unit, no sideways scroll at
390, 820 and 1280 px on the dashboard and a KPI's page (screenshots of both)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kpis.computation import kpis_compute
from kpis.models import Audit, Install, KpiTarget, Visit
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import PodFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 820, 1280)


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def figures():
    month = last_month()
    rates = {"Amsterdam Retail": (3, 4), "Berlin Retail": (1, 4), "Cologne Logistics": (4, 4)}
    for name, (passed, held) in rates.items():
        pod = PodFactory(name=name)
        for index in range(held):
            Audit.objects.create(external_id=f"{name}-{index}", pod=pod, audited_on=month, passed=index < passed)
        for index in range(4):
            install = Install.objects.create(external_id=f"{name}-I{index}", site="s", pod=pod)
            day = month + datetime.timedelta(days=index)
            at = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
            Visit.objects.create(install=install, visited_at=at, outcome="success" if index else "failed")
    KpiTarget.objects.create(kpi="audit_pass_rate", target=0.8)
    kpis_compute(since=month - datetime.timedelta(days=200), until=timezone.localdate(), grains=["month"])


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_breakdown_sorts_by_a_header_and_tooltips_carry_the_unit(page, figures):
    executive = UserFactory(role="executive", password="exec-browser-pass")
    log_in(page, executive.username, "exec-browser-pass")
    pods = page.get_by_role("region", name="By pod")
    names = pods.locator("tbody th[scope=row] > a:first-child")
    expect(names).to_have_text(["Amsterdam Retail", "Berlin Retail", "Cologne Logistics"])
    header = pods.get_by_role("columnheader", name="Compliance audit pass rate")
    expect(header).to_have_attribute("aria-sort", "none")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(names).to_have_text(["Berlin Retail", "Amsterdam Retail", "Cologne Logistics"])
    header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(names).to_have_text(["Cologne Logistics", "Amsterdam Retail", "Berlin Retail"])
    expect(pods.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "none")
    # Coloured against target, in words too.
    expect(pods.get_by_role("row", name="Berlin Retail")).to_contain_text("target missed")
    # The tooltip of a rate reads in percent with its unit (Chart.js's own callback).
    label = page.evaluate(
        """() => {
        const chart = Chart.getChart(document.querySelector('canvas[data-chart="chart-audit_pass_rate"]'));
        const dataset = chart.data.datasets[0];
        return chart.options.plugins.tooltip.callbacks.label.call(chart.tooltip,
            {dataset: dataset, parsed: {y: 76.364}, raw: 76.364, dataIndex: 0, datasetIndex: 0});
    }"""
    )
    assert label == "Compliance audit pass rate: 76.4 %"
    axis = page.evaluate(
        """() => Chart.getChart(document.querySelector('canvas[data-chart="chart-mttr"]')) === undefined"""
    )
    assert axis  # no facts, no chart
    first_time = page.evaluate(
        """() => Chart.getChart(document.querySelector('canvas[data-chart="chart-first_time_success"]'))
            .data.datasets.map(d => d.label)"""
    )
    assert first_time == ["First-time install success", "Industry average", "Best in class"]


def test_no_sideways_scroll_on_the_dashboard_and_a_kpi_page_at_three_widths(page, figures):
    executive = UserFactory(role="executive", password="exec-browser-pass")
    log_in(page, executive.username, "exec-browser-pass")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {"dashboard-executive": "/dashboard/", "kpi-detail-executive": "/dashboard/kpis/first_time_success/"}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert no_sideways_scroll(page), f"{url} scrolls sideways at {width} px"
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.get_by_role("link", name="Dashboard: Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")


def test_a_lead_reads_the_facts_of_their_pod_on_a_kpi_page(page, figures, org):
    Audit.objects.create(
        external_id="LEAD-A", pod=org.pod_a, installer=org.installer_a1, audited_on=last_month(), passed=True
    )
    kpis_compute(since=last_month(), until=timezone.localdate(), grains=["month"])
    org.lead_a.set_password("lead-browser-pass")
    org.lead_a.save()
    log_in(page, org.lead_a.username, "lead-browser-pass")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/dashboard/kpis/audit_pass_rate/?scope=pod&scope_id={org.pod_a.pk}")
        facts = page.get_by_role("region", name="The facts behind the figure")
        expect(facts.get_by_role("link", name=org.installer_a1.name)).to_be_visible()
        assert no_sideways_scroll(page), f"the lead's KPI page scrolls sideways at {width} px"
        page.screenshot(path=SCREENSHOTS / f"kpi-detail-lead-{width}.png", full_page=True)
