import pytest
from playwright.sync_api import expect

from installer_ops.roles import Role
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of
from tests.navigation_expected import EXPECTED_NAVIGATION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-browser-test-pass"  # noqa: S105


@pytest.mark.parametrize(
    ("role", "heading", "links"),
    [
        (Role.INSTALLER, "Hello, Nia Installer", EXPECTED_NAVIGATION["installer"]),
        (Role.LEAD, "Cohorts", EXPECTED_NAVIGATION["lead"]),
        (Role.EXECUTIVE, "Organisation", EXPECTED_NAVIGATION["executive"]),
        (Role.ADMIN, "Organisation", EXPECTED_NAVIGATION["admin"]),
    ],
)
def test_each_role_logs_in_and_sees_its_navigation(page, role, heading, links):
    pod = PodFactory(name="Berlin Retail")
    if role == Role.INSTALLER:
        user = InstallerFactory(pod=pod, user__name="Nia Installer", user__password=PASSWORD).user
    elif role == Role.LEAD:
        user = lead_of(pod, password=PASSWORD)
    else:
        user = UserFactory(role=role, password=PASSWORD)
    log_in(page, user.username, PASSWORD)
    if role == Role.INSTALLER:
        page.goto("/me/")  # the installer lands on the tablet app; their record is one link away
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(links)
    if role == Role.LEAD:
        nav.get_by_role("link", name="Pods").click()
        expect(page.get_by_role("table").get_by_role("link", name="Berlin Retail")).to_be_visible()
        expect(page.get_by_role("region", name="1 pod is not staffed")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "org-overview-lead.png", full_page=True)


def test_a_wrong_password_is_said_plainly(page):
    user = UserFactory(role=Role.LEAD, password=PASSWORD)
    log_in(page, user.username, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("did not match")
