"""Dates and times as a lead in Berlin reads them: one format per kind, each
time naming its zone, on pages that fit a phone, a tablet and a laptop."""

import datetime

import pytest
from playwright.sync_api import expect

from onboarding import services as onboarding_services
from tests.bootcamp.fixtures import tablet_check
from tests.e2e.conftest import SCREENSHOTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 820, 1280)
# 14:05 in Berlin (CET in November).
DRILL_AT = datetime.datetime(2026, 11, 18, 13, 5, tzinfo=datetime.UTC)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_lead_reads_dates_and_times_in_their_zone_at_every_width(page, onboarding):
    o = onboarding
    tablet_check(o.b.enrollment, *o.b.items[:2])
    onboarding_services.drill_schedule(actor=o.lead, installer=o.installer, scenario=o.scenario, scheduled_for=DRILL_AT)
    log_in(page, o.lead.username, "pw-for-tests")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"/lead/onboarding/installers/{o.installer.pk}/")
    drill = page.locator("time", has_text="18 Nov 2026, 14:05 CET").first
    expect(drill).to_have_attribute("datetime", "2026-11-18T14:05:00+01:00")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"formats-onboarding-installer-lead-{width}.png", full_page=True)
        assert _no_sideways_scroll(page), f"the onboarding page scrolls sideways at {width}px"

    page.goto("/lead/queue/")
    checked = page.locator("time", has_text=" CET").first
    expect(checked).to_be_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"formats-queue-lead-{width}.png", full_page=True)
        assert _no_sideways_scroll(page), f"the queue scrolls sideways at {width}px"
