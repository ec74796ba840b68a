import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kpis.computation import kpis_compute
from kpis.models import Audit, KpiCode
from kpis.registry import HIRING_KPIS
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import PodFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_executive_sees_every_tile_drills_to_a_pod_and_downloads_the_csv(page, bootcamp):
    today = timezone.localdate()
    # The last complete month: the headlines' period.
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    pod = PodFactory(name="Berlin Retail")
    Audit.objects.create(external_id="A1", pod=pod, audited_on=month, passed=True)
    Audit.objects.create(
        external_id="A2",
        pod=bootcamp.pod_a,
        installer=bootcamp.installer,
        audited_on=month,
        passed=False,
    )
    kpis_compute(since=month, until=today, grains=["month", "quarter"])
    executive = UserFactory(role="executive", password="exec-browser-pass")
    log_in(page, executive.username, "exec-browser-pass")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")
    for kpi in KpiCode:
        if kpi not in HIRING_KPIS:  # no candidates here: the hiring section says so instead
            expect(page.get_by_role("region", name=kpi.label)).to_be_visible()
    expect(page.get_by_role("region", name="Hiring", exact=True)).to_contain_text("No hiring figures here yet")
    # Chart.js drew on the canvases (the vendored library loaded, no CDN); a KPI without figures draws none.
    tile = page.get_by_role("region", name="Compliance audit pass rate")
    expect(tile.get_by_role("img", name="Trend of Compliance audit pass rate")).to_be_visible()
    drawn = page.evaluate("Object.keys(Chart.instances).length")
    assert drawn == page.locator("canvas[data-chart]").count() and 1 <= drawn < len(KpiCode.values)
    expect(page.get_by_role("region", name="Mean time to recover (hours)")).to_contain_text("no trend to draw yet")
    # The cohort comparison: the bootcamp fixture's cohort failed its one audit.
    comparison = page.get_by_role("region", name="Cohort comparison")
    cohort_row = comparison.get_by_role("row", name=bootcamp.cohort.name)
    expect(cohort_row).to_contain_text("0.0 %")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard-executive.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == "kpis-org-0-month.csv"
    page.get_by_role("region", name="By pod").get_by_role("link", name="Berlin Retail", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Berlin Retail")
    expect(page.get_by_role("region", name="Compliance audit pass rate")).to_contain_text("100.0 %")
    page.go_back()
    page.get_by_role("region", name="Cohort comparison").get_by_role("link", name=bootcamp.cohort.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bootcamp.cohort.name)
    expect(page.get_by_role("region", name="Bootcamp completion rate")).to_be_visible()
    expect(page.get_by_role("region", name="Installer churn")).to_have_count(0)
