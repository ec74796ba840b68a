"""Dates and times as a lead in Berlin reads them: one format per kind, each
time naming its zone, on pages that fit a phone, a tablet and a laptop."""

import datetime
import zoneinfo

import pytest
from django.utils import formats, timezone
from playwright.sync_api import expect

from installer_ops.time_zones import zone_abbreviations
from onboarding import services as onboarding_services
from tests.bootcamp.fixtures import tablet_check
from tests.e2e.conftest import ROOT, SCREENSHOTS, log_in

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


FORMATS_JS = ROOT / "installer_ops/static/installer_ops/app/formats.js"
# Winter and summer time, an instant on another calendar day in some zones, and calendar dates.
INSTANTS = [
    datetime.datetime(2026, 11, 18, 13, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 7, 4, 23, 30, tzinfo=datetime.UTC),
    datetime.datetime(2027, 3, 28, 0, 59, tzinfo=datetime.UTC),
    datetime.datetime(2026, 1, 1, 4, 0, tzinfo=datetime.UTC),
]
DATES = [datetime.date(2026, 11, 25), datetime.date(2027, 2, 1), datetime.date(2026, 9, 9)]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Chicago", "Asia/Singapore", "UTC"])
def test_the_tablet_formats_as_the_pages_do_in_the_persons_zone(browser, client, zone):
    """The tablet app (formats.js) prints a date, a time and a date-time as
    the pages do (the format module through the JavaScript catalog, the
    person's zone and its abbreviation from /api/v1/me/), on a device set to
    another zone and US English."""
    catalog = client.get("/app/jsi18n/").content.decode()
    context = browser.new_context(timezone_id="Pacific/Auckland", locale="en-US")
    page = context.new_page()
    try:
        page.set_content('<!doctype html><html lang="en"><head><title>formats</title></head><body></body></html>')
        page.add_script_tag(content=catalog)
        page.add_script_tag(content=FORMATS_JS.read_text(encoding="utf-8"))
        page.evaluate(
            "(zone) => InstallerFormats.setZone(zone)", {"name": zone, "abbreviations": zone_abbreviations(zone)}
        )
        shown = page.evaluate(
            """([instants, dates]) => { const F = InstallerFormats; return [
                 instants.map((v) => [F.dateTime(v), F.time(v), F.date(v)]), dates.map((v) => F.date(v)),
               ]; }""",
            [[moment.isoformat() for moment in INSTANTS], [day.isoformat() for day in DATES]],
        )
    finally:
        context.close()
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        pages = [
            [
                formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"),
                formats.date_format(timezone.localtime(moment), "TIME_FORMAT"),
                formats.date_format(timezone.localtime(moment), "DATE_FORMAT"),
            ]
            for moment in INSTANTS
        ]
    assert shown == [pages, [formats.date_format(day, "DATE_FORMAT") for day in DATES]]
