"""Hiring in the browser: a lead opens a requisition and adds a candidate,
moves them through the stages with the board's buttons, two interviewers
score the practical task (a second scorecard of one task is refused under
the field), the hire is refused while the failure-scenario interview is
missing and then made, and the new installer is in the pod and enrolled in
a cohort through the enrollment page. Each page at 390, 820 and 1280 px:
no sideways scroll, no serious axe violation."""

import datetime
import json

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from bootcamp import services as bootcamp_services
from bootcamp.models import Enrollment
from hiring.models import Candidate, CandidateStage, Scorecard
from installer_ops.models import Installer
from installer_ops.roles import Role
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import PodFactory, UserFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-hiring-test-pass"  # noqa: S105
NAME = "Mara Maker"


def check(page, name: str) -> None:
    """At a phone's, a tablet's and a laptop's width: nothing scrolls
    sideways, axe finds nothing serious; a full-page screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A click that navigates can return before the new document exists: read it once loaded.
    page.wait_for_load_state("load")
    for width in (390, 820, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
        page.screenshot(path=SCREENSHOTS / f"hiring-{name}-{width}.png", full_page=True)
    assert describe(axe_violations(page)) == [], name


def score(page, task: str, scores: tuple[int, int, int], recommendation: str) -> None:
    page.get_by_role("group", name="Task").get_by_label(task).check()
    for dimension, value in zip(("Field problem-solving", "Customer empathy", "Security hygiene"), scores, strict=True):
        page.get_by_role("group", name=dimension).get_by_role("radio", name=f"{value}:").check()
    page.get_by_role("group", name="Recommendation").get_by_label(recommendation, exact=True).check()
    page.get_by_label("Notes").fill("Verified the image checksum before enrolling; explained each step.")
    page.get_by_role("button", name="Save the scorecard").click()


def move(page, stage: str) -> None:
    page.get_by_role("button", name=f"Move {NAME} to {stage}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{NAME} moved to {stage}.")
    expect(page.get_by_role("region", name=stage).get_by_role("link", name=NAME, exact=True)).to_be_visible()


def test_a_lead_hires_a_scored_candidate_who_is_then_enrolled(page, browser, live_server):
    pod = PodFactory(name="Berlin Retail")
    lead = lead_of(pod, password=PASSWORD, name="Lena Lead")
    interviewer = UserFactory(role=Role.LEAD, password=PASSWORD, name="Ivo Interviewer")
    spec = json.loads((settings.BASE_DIR / "fixtures" / "program_default.json").read_text())
    version = bootcamp_services.program_load(actor=None, **spec)
    cohort = bootcamp_services.cohort_create(
        actor=lead, name="Berlin spring", program_version=version, start_on=timezone.localdate(), pods=[pod], capacity=8
    )

    log_in(page, lead.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hiring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiring")
    page.get_by_role("link", name="Open a requisition").click()
    page.get_by_label("Role").select_option(label="Installer")
    page.get_by_label("Fill by").fill((timezone.localdate() + datetime.timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Open the requisition").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Installer, Berlin Retail")

    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Email").fill("mara.maker@example.com")
    page.get_by_label("Source").select_option(label="Maker community")
    page.get_by_label("Ivo Interviewer").check()
    page.get_by_role("button", name="Add the candidate").click()
    expect(page.get_by_role("status")).to_contain_text(f"{NAME} added at Applied.")
    card = page.get_by_role("region", name="Applied").get_by_role("listitem", name=NAME)
    expect(card).to_contain_text("Maker community")
    expect(card).to_contain_text("in Applied since today")

    # Leaving needs a reason: refused under the field, nothing moved.
    card.get_by_text("Reject or withdraw").click()
    card.get_by_role("button", name=f"Record the outcome for {NAME}").click()
    expect(page.locator(".board-card .error")).to_have_text("Give a reason.")
    move(page, "Screen")
    move(page, "Practical")
    check(page, "board")

    # The lead scores the practical task ...
    page.get_by_role("region", name="Practical").get_by_role("link", name=f"Write a scorecard for {NAME}").click()
    page.wait_for_url("**/scorecard/")
    check(page, "scorecard")
    score(page, "Provisioning a device", (3, 3, 3), "Yes")
    expect(page.get_by_role("status")).to_contain_text("Scorecard of Mara Maker on “Provisioning a device” saved.")

    # ... and so does the interviewer, who sees their own scorecard only; a second one of the task is refused.
    other = browser.new_context(viewport={"width": 820, "height": 900}, base_url=live_server.url)
    try:
        ivo = other.new_page()
        log_in(ivo, interviewer.username, PASSWORD)
        ivo.get_by_role("navigation", name="Main").get_by_role("link", name="Hiring").click()
        interviews = ivo.get_by_role("region", name="Candidates you interview")
        interviews.get_by_role("link", name=f"Write a scorecard for {NAME}").click()
        score(ivo, "Provisioning a device", (4, 3, 3), "Strong yes")
        expect(ivo.get_by_role("table", name="Scorecards side by side")).not_to_contain_text("Lena Lead")
        ivo.get_by_role("link", name="Write a scorecard").click()
        score(ivo, "Provisioning a device", (2, 2, 2), "No")
        expect(ivo.locator("#id_task_error")).to_contain_text(
            "has scored Mara Maker on “Provisioning a device” already"
        )
    finally:
        other.close()
    candidate = Candidate.objects.get(name=NAME)
    assert Scorecard.objects.filter(candidate=candidate).count() == 2

    page.goto(f"/hiring/requisitions/{candidate.requisition_id}/")
    move(page, "Interview")
    move(page, "Offer")
    page.get_by_role("link", name=f"Hire… {NAME}").click()
    grid = page.get_by_role("table", name="Scorecards side by side")
    expect(grid.get_by_role("columnheader", name="Provisioning a device")).to_be_visible()
    expect(grid.get_by_role("columnheader", name="Ivo Interviewer")).to_be_visible()

    # Refused: the failure-scenario interview is a minimum.
    page.get_by_label("Employee id").fill("E-4711")
    page.get_by_role("button", name=f"Hire {NAME}").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(f"{NAME} cannot be hired yet.")
    expect(refusal).to_contain_text("Failure-scenario interview: No scorecard of the failure-scenario interview yet.")
    check(page, "candidate-refused")
    assert not Installer.objects.filter(employee_id="E-4711").exists()

    page.get_by_role("link", name="Write a scorecard").first.click()
    score(page, "Failure-scenario interview", (3, 3, 4), "Yes")
    page.get_by_label("Employee id").fill("E-4711")
    page.get_by_role("button", name=f"Hire {NAME}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{NAME} is hired: an installer of Berlin Retail")
    check(page, "candidate-hired")
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.HIRED
    installer = Installer.objects.get(employee_id="E-4711")
    assert (installer.pod, installer.hiring_source) == (pod, "maker_community")

    page.get_by_role("link", name=f"{NAME}'s installer record (E-4711)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    page.go_back()
    page.get_by_role("link", name="Enrol them in a cohort").click()
    page.get_by_role("link", name="Berlin spring").click()
    page.get_by_role("link", name="Enrol installers").first.click()
    page.get_by_label(NAME).check()
    page.get_by_role("button", name="Enrol selected").click()
    expect(page.get_by_role("status")).to_contain_text("1 installer enrolled.")
    assert Enrollment.objects.filter(cohort=cohort, installer=installer).exists()
