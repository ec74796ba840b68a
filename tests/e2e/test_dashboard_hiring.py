"""The dashboard's hiring section in the browser: the funnel drawn by
Chart.js (data through json_script, no inline script: the page fixture fails
on any CSP violation), the table by source sorted by a header, axe-core with
no serious or critical finding and no sideways page scroll at 390, 820 and
1280 px, on the dashboard and a hiring KPI's page (screenshots of both)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.kpis.test_hiring_dashboard import hiring_figures  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 820, 1280)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_funnel_is_drawn_and_the_sources_sort(page, hiring_figures):  # noqa: F811
    log_in(page, hiring_figures.executive.username, "pw-for-tests")
    hiring = page.get_by_role("region", name="Hiring", exact=True)
    funnel = hiring.get_by_role("region", name="Candidate funnel")
    bars = funnel.get_by_role("img", name="Candidate funnel: candidates reaching each stage, from applied to hired")
    expect(bars).to_be_visible()
    expect(funnel.get_by_role("row", name="Hired")).to_contain_text("57.1 %")
    chart = page.evaluate(
        """() => {
        const chart = Chart.getChart(document.querySelector('canvas[data-chart="chart-funnel"]'));
        return {type: chart.config.type, values: chart.data.datasets[0].data,
                tooltip: chart.options.plugins.tooltip.callbacks.label.call(chart.tooltip,
                    {parsed: {x: 4}, dataIndex: 5, datasetIndex: 0})};
    }"""
    )
    assert chart == {"type": "bar", "values": [7, 7, 6, 6, 4, 4], "tooltip": "4 (57.1 % of those who applied)"}
    sources = hiring.get_by_role("region", name="By hiring source")
    names = sources.locator("tbody th[scope=row] > a:first-child")
    header = sources.get_by_role("columnheader", name="Time to hire (median days)")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    # 12, 20 and 24 days; sources without a hire last.
    expect(names.nth(0)).to_have_text("Referral")
    expect(names.nth(1)).to_have_text("Maker community")
    expect(names.nth(2)).to_have_text("Agency")
    expect(sources.get_by_role("row", name="Agency")).to_contain_text("target met")
    sources.get_by_role("link", name="Referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_hiring_section_fits_and_passes_axe_at_every_width(page, hiring_figures, width):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, hiring_figures.executive.username, "pw-for-tests")
    page.set_viewport_size({"width": width, "height": 900})
    for url, shot in (("/dashboard/", "dashboard-hiring"), ("/dashboard/kpis/time_to_hire/", "kpi-time-to-hire")):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert no_sideways_scroll(page), f"{url} scrolls sideways at {width} px"
        violations = axe_violations(page)
        assert not violations, "\n".join(describe(violations))
        target = page.locator("section.hiring") if shot == "dashboard-hiring" else page.locator("main")
        target.screenshot(path=SCREENSHOTS / f"hkpis-{shot}-{width}.png")


@pytest.mark.parametrize("width", (390, 1280))
def test_an_administrator_reads_the_candidates_behind_the_conversion(page, hiring_figures, width):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, hiring_figures.admin.username, "pw-for-tests")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/dashboard/kpis/candidate_conversion/")
    # .first: at 390 px the table's scrolling frame is a region of the same name too.
    facts = page.get_by_role("region", name="The facts behind the figure").first
    expect(facts).to_contain_text("Candidates who applied in the period: 7.")
    expect(facts.get_by_role("columnheader", name="Furthest stage")).to_be_visible()
    assert no_sideways_scroll(page), f"the KPI page scrolls sideways at {width} px"
    violations = axe_violations(page)
    assert not violations, "\n".join(describe(violations))
    facts.screenshot(path=SCREENSHOTS / f"hkpis-conversion-facts-{width}.png")
