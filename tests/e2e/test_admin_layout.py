"""The administrator's pages as the review of their screenshots asked (issue
16), measured in the browser: the long navigation in one row at 1280 px, the
audit log as compact cards on a tablet and a phone, the Django admin's user
tools whole on a phone, and the library's tables and buttons whole at every
width. Screenshots go to var/screenshots/admin-layout/."""

import pytest
from playwright.sync_api import expect

from installer_ops.audit import audit_record
from installer_ops.roles import Role
from onboarding.demo import load_reference_data
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory, PodFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
SHOTS = SCREENSHOTS / "admin-layout"
TOPS = "(elements) => elements.map((e) => Math.round(e.getBoundingClientRect().top))"
TOP = "(e) => Math.round(e.getBoundingClientRect().top)"


def shoot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)


@pytest.fixture
def admin_page(page):
    UserFactory(role=Role.ADMIN, username="root", name="Ada Admin")
    log_in(page, "root", PASSWORD)
    return page


def test_the_admins_links_share_one_row_under_the_brand_and_the_account(admin_page):
    """At 1280 px the twelfth link, "Admin", wrapped alone onto a third row."""
    page = admin_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/audit/")
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links).to_have_count(13)  # twelve in the menu (with Hiring) and "Admin"
    tops = links.evaluate_all(TOPS)
    assert len(set(tops)) == 1, f"the links sit on {len(set(tops))} rows: {tops}"
    brand = page.locator(".topbar .brand").evaluate(TOP)
    account = page.get_by_role("link", name="Account").evaluate(TOP)
    assert abs(brand - account) < 16, "the account shares the brand's row"
    assert tops[0] > brand + 16, "the links have a row of their own under the brand"
    shoot(page, "header", 1280)


def test_the_audit_log_is_a_compact_card_per_entry_on_a_tablet_and_a_phone(admin_page):
    page = admin_page
    pod = PodFactory(name="Lisbon Retail")
    installer = InstallerFactory(pod=pod, user__name="Rui Ramos")
    audit_record(actor=None, source="page", action="promote", target=installer, changes={"level": (1, 2)})
    page.goto("/audit/")
    row = page.locator(".audit-table tbody tr").first
    cells = row.locator("td")
    for width, per_row in ((820, 4), (390, 2)):
        page.set_viewport_size({"width": width, "height": 900})
        tops = cells.evaluate_all(TOPS)
        # When, By, Through and Action four to a row on a tablet, two on a phone;
        # the record and its changes under them.
        assert len(set(tops[:per_row])) == 1, f"{width}px: {tops}"
        assert tops[4] > tops[3] and tops[5] >= tops[4]
        expect(row).to_contain_text("Installer I → Installer II")
        shoot(page, "audit-log", width)


def test_the_django_admins_user_tools_stay_whole_on_a_phone(admin_page):
    """At 390 px "/ Log out" wrapped alone under "View site / Change password";
    "View site" went where the "Back to Installer Ops" button goes."""
    page = admin_page
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/admin/")
    tools = page.locator("#user-tools")
    expect(tools.get_by_role("link", name="View site")).to_have_count(0)
    password = tools.get_by_role("link", name="Change password").evaluate(TOP)
    log_out = tools.get_by_role("button", name="Log out").evaluate(TOP)
    assert abs(password - log_out) < 6, "Change password and Log out share a line"
    shoot(page, "django-admin", 390)


def test_the_librarys_buttons_and_tables_keep_their_words_whole(admin_page):
    page = admin_page
    load_reference_data()
    page.set_viewport_size({"width": 820, "height": 900})
    page.goto("/library/scenarios/")
    heights = page.get_by_role("button", name="Retire").evaluate_all(
        "(buttons) => buttons.map((b) => b.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 50, f'a "Retire" button ran onto two lines: {heights}'
    shoot(page, "library-scenarios", 820)
    # On a phone a cell's label is inside its row, not cut off by the next one.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/library/documents/")
    cut = page.locator(".library-table td").evaluate_all(
        "(cells) => cells.filter((c) => c.scrollHeight > c.clientHeight + 1).map((c) => c.dataset.label)"
    )
    assert cut == [], f"labels cut off: {cut}"
    shoot(page, "library-documents", 390)
    # The Markdown preview's table keeps "Severity" on one line.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/library/documents/incident-playbook/")
    header = page.locator(".markdown-preview th").first
    expect(header).to_have_text("Severity")
    lines = header.evaluate(
        "(th) => { const r = document.createRange(); r.selectNodeContents(th); return r.getClientRects().length; }"
    )
    assert lines == 1, f'"Severity" takes {lines} lines'
    shoot(page, "library-document", 1280)
