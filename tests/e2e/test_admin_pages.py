"""An administrator sets a KPI target, starts a recompute and watches its bar
reach done, and reads the audit log filtered to the change (PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from kpis.models import Audit, KpiJob, KpiTarget
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import PodFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "admin-browser-pass"  # noqa: S105
WIDTHS = (390, 820, 1280)


def shoot(page, name: str) -> None:
    """Full-page screenshots at each width, and no sideways scroll at any."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        page.screenshot(path=SCREENSHOTS / f"{name}-admin-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_targets_recompute_and_audit_log(page):
    if connection.vendor != "postgresql":
        pytest.fail("Run the admin pages' browser test on PostgreSQL (DATABASE_URL).")
    today = timezone.localdate()
    pod = PodFactory(name="Berlin Retail")
    Audit.objects.create(external_id="A1", pod=pod, audited_on=today.replace(day=1), passed=True)
    UserFactory(role="admin", username="root", password=PASSWORD)
    log_in(page, "root", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPI targets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KPI targets")
    card = page.get_by_role("region", name="Compliance audit pass rate")
    form = card.get_by_role("form", name="Set a target for Compliance audit pass rate")
    form.get_by_label("For").select_option(label="Berlin Retail")
    form.get_by_label("Target (%)").fill("120")
    form.get_by_role("button", name="Save target").click()
    card = page.get_by_role("region", name="Compliance audit pass rate")
    expect(card.get_by_text("A rate's target lies between 0 % and 100 %.")).to_be_visible()
    card.get_by_label("Target (%)").fill("92.5")
    card.get_by_role("button", name="Save target").click()
    expect(page.get_by_role("status")).to_contain_text("Target saved")
    row = page.get_by_role("region", name="Compliance audit pass rate").get_by_role("row", name="Berlin Retail")
    expect(row).to_contain_text("92.5 %")
    assert KpiTarget.objects.get().target == pytest.approx(0.925)
    shoot(page, "kpi-targets")

    page.get_by_role("link", name="Recompute KPIs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recompute KPIs")
    page.get_by_label("From").fill(today.replace(day=1).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Start recompute").click()
    progress = page.get_by_role("progressbar", name="Recompute progress")
    expect(progress).to_have_attribute("value", "100")
    expect(page.locator(".job-status")).to_contain_text("Done")
    assert KpiJob.objects.get().status == "done"

    # A job a worker is still running: the bar follows it through htmx polling.
    job = KpiJob.objects.create(since=today - datetime.timedelta(days=30), until=today, grains=["month"])
    KpiJob.objects.filter(pk=job.pk).update(status="running", progress=0.5)
    page.goto(f"/kpis/recompute/?job={job.pk}")
    expect(progress).to_have_attribute("value", "50")
    expect(page.locator(".job-status")).to_contain_text("Running")
    shoot(page, "kpi-recompute")
    KpiJob.objects.filter(pk=job.pk).update(status="done", progress=1.0, written=12, finished_at=timezone.now())
    expect(progress).to_have_attribute("value", "100", timeout=10_000)
    expect(page.locator(".job-status")).to_contain_text("12 snapshots written.")
    expect(page.locator(f"#job-{job.pk}")).not_to_have_attribute("hx-get", f"/kpis/jobs/{job.pk}/progress/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    filters = page.get_by_role("search", name="Filter the audit log")
    filters.get_by_label("Record type").select_option(label="KPI target")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 entry", exact=True)).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("KPI target #")
    expect(table).to_contain_text("Target: 0.925")
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", "/api/v1/audit-log/?object_type=kpitarget&format=csv"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == "audit-log.csv"
    page.goto("/audit/")
    shoot(page, "audit-log")
