"""The lead's pages at tablet width and in use: the cohort list keeps its
Overdue and Awaiting columns in view at 820 px, the onboarding board keeps
"Cleared" on screen, a sign-off updates the counts and says so, the clear
action says what is missing, and the new-cohort form sends once."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bootcamp import services as bootcamp_services
from bootcamp.models import Cohort
from installer_ops.models import Stage
from onboarding.models import Clearance
from tests.bootcamp.fixtures import tablet_check
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
WIDTHS = (390, 820, 1280)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def _shoot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-lead-{width}.png"
    # Under var/ only: a test run must leave the repository as it found it
    # (docs/screenshots holds the every-page walk's pictures).
    page.screenshot(path=path, full_page=True)


@pytest.fixture
def lead_world(onboarding):
    o = onboarding
    for n, start in enumerate((datetime.date(2026, 9, 7), datetime.date(2026, 10, 5))):
        bootcamp_services.cohort_create(
            actor=None,
            name=f"Autumn {n + 1} with a rather long cohort name",
            program_version=o.b.version,
            start_on=start,
            lead=o.lead,
            pods=[o.b.pod_a],
            capacity=12,
        )
    tablet_check(o.b.enrollment, o.b.items[0], o.b.items[1], o.b.items[3])
    for n in range(3):
        cleared = InstallerFactory(pod=o.b.pod_a, stage=Stage.CLEARED, user__name=f"Cleared Person {n}")
        Clearance.objects.create(
            installer=cleared,
            cleared_by=o.lead,
            cleared_at=timezone.now() - datetime.timedelta(days=2 + 40 * n),
            valid_until=timezone.localdate() + datetime.timedelta(days=300),
        )
    for n in range(4):
        InstallerFactory(pod=o.b.pod_a, stage=Stage.ONBOARDING, user__name=f"Newcomer {n}")
    return o


def test_the_cohort_list_and_the_board_fit_a_tablet_and_a_phone(browser, live_server, lead_world):
    o = lead_world
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
        page = context.new_page()
        log_in(page, o.lead.username, PASSWORD)
        page.goto("/lead/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")
        assert _no_sideways_scroll(page), f"cohort list scrolls sideways at {width} px"
        if width >= 820:
            for header in ("Overdue", "Awaiting sign-off"):
                cell = page.get_by_role("columnheader", name=header)
                expect(cell).to_be_visible()
                assert _inside_viewport(page, cell), f"{header} is off-screen at {width} px"
            frame = page.locator(".cohort-table")
            assert frame.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table scrolls inside its frame"
        else:
            # A card: each cell is labelled by its column (CSS attr(data-label)).
            card = page.get_by_role("row", name=o.b.cohort.name)
            expect(card).to_have_accessible_name(re.compile(r"Overdue \d+ Awaiting sign-off \d+"))
            assert _inside_viewport(page, card)
        _shoot(page, "cohort-list", width)

        page.goto("/lead/onboarding/")
        cleared = page.get_by_role("region", name="Cleared")
        expect(cleared).to_be_visible()
        assert _no_sideways_scroll(page), f"board scrolls sideways at {width} px"
        assert _inside_viewport(page, cleared), f"Cleared is off-screen at {width} px"
        expect(cleared.get_by_role("link", name="Show all (2 earlier)")).to_be_visible()
        _shoot(page, "onboarding-board", width)

        page.goto(f"/lead/onboarding/installers/{o.installer.pk}/")
        assert _no_sideways_scroll(page)
        _shoot(page, "onboarding-installer", width)
        page.goto(f"/lead/enrollments/{o.b.enrollment.pk}/")
        assert _no_sideways_scroll(page)
        _shoot(page, "enrollment", width)
        context.close()


def test_a_sign_off_updates_the_counts_and_says_so(page, lead_world):
    o = lead_world
    log_in(page, o.lead.username, PASSWORD)
    page.goto(f"/lead/enrollments/{o.b.enrollment.pk}/")
    totals = page.locator("#enrollment-totals")
    expect(totals).to_contain_text("1 of 5 done")
    card = page.get_by_role("listitem", name=o.b.items[1].title)
    card.get_by_role("button", name="Sign off").click()
    expect(page.get_by_role("status")).to_have_text(f"Signed off: {o.b.items[1].title}")
    expect(totals).to_contain_text("2 of 5 done")
    expect(page.get_by_role("heading", name=o.b.version.modules.first().title)).to_contain_text("2 of 3 done")

    card = page.get_by_role("listitem", name=o.b.items[1].title)
    card.get_by_text("Reopen (reject)…").click()
    card.get_by_label("What to redo").fill("Redo it on a lit site")
    card.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("status")).to_have_text(f"Rejected: {o.b.items[1].title}")
    expect(totals).to_contain_text("1 of 5 done")


def test_the_clear_action_is_disabled_and_says_what_is_missing(page, lead_world):
    o = lead_world
    log_in(page, o.lead.username, PASSWORD)
    page.goto(f"/lead/onboarding/installers/{o.installer.pk}/")
    button = page.get_by_role("button", name="Clear for independent deployment")
    expect(button).to_be_disabled()
    expect(page.locator("#clear-unmet")).to_contain_text("4 requirements are not met yet")


def test_the_new_cohort_form_sends_once(page, lead_world):
    o = lead_world
    log_in(page, o.lead.username, PASSWORD)
    page.goto("/lead/cohorts/new/")
    page.get_by_label("Name").fill("Winter")
    page.get_by_label("Program").select_option(label=f"Field bootcamp (v{o.b.version.number})")
    page.get_by_label("Starts on").fill("2026-11-21")
    page.get_by_label(o.b.pod_a.name).check()
    # Two submissions in one tick, as a double click makes: the second is dropped.
    disabled = page.evaluate(
        """async () => {
            const form = document.querySelector("form[data-submit-once]");
            form.requestSubmit();
            form.requestSubmit();
            await new Promise((resolve) => setTimeout(resolve, 0));
            return form.querySelector('button[type="submit"]').disabled;
        }"""
    )
    assert disabled
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrol installers in Winter")
    expect(page.get_by_role("status")).to_contain_text(
        "Starts on a Saturday: the first working day will be Monday 23 Nov."
    )
    assert Cohort.objects.filter(name="Winter").count() == 1
