"""The error pages, the branded admin and the runbook print view in the
browser: the product's look, no sideways scroll at phone, tablet and laptop
widths, and no Content Security Policy violation (the `page` fixture fails
on any)."""

import subprocess

import pytest
from django.urls import path
from playwright.sync_api import expect

from installer_ops.roles import Role
from installer_ops.urls import handler400, handler403, handler404, handler500  # noqa: F401 - read by Django
from installer_ops.urls import urlpatterns as project_urls
from onboarding import services
from onboarding.demo import load_reference_data
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password
WIDTHS = (390, 820, 1280)


def boom(request):
    raise RuntimeError("a bug")


# The project's routes plus a view that fails, for the 500 page (ROOT_URLCONF below).
urlpatterns = [path("boom/", boom), *project_urls]


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def shoot(page, name: str) -> None:
    """Full-page screenshots at each width, each checked for sideways scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert sideways(page) <= 0, f"{name} scrolls sideways by {sideways(page)}px at {width}px"
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_error_pages_have_the_product_look_and_the_roles_navigation(page, settings):
    settings.ROOT_URLCONF = __name__
    pod = PodFactory(name="Lisbon Retail")
    lead = lead_of(pod, username="lena")
    log_in(page, lead.username, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")

    response = page.goto("/audit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("This page is not open to you")
    expect(nav.get_by_role("link", name="Cohorts")).to_be_visible()
    expect(page.get_by_role("link", name="Go to your start page")).to_be_visible()
    # The product's stylesheet applies: the top bar in the brand colour.
    assert page.locator(".topbar").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 93, 122)"
    shoot(page, "error-403-lead")

    base = page.url.split("/audit/")[0]
    page.goto("/lead/cohorts/999999/", referer=f"{base}/lead/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(nav.get_by_role("link", name="Queue")).to_be_visible()
    page.get_by_role("link", name="Go back").click()
    expect(page).to_have_url(f"{base}/lead/")
    page.goto("/no-such-page/")
    shoot(page, "error-404-lead")

    response = page.goto("/boom/")
    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong on our side")
    assert page.locator(".topbar").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 93, 122)"
    page.get_by_role("link", name="Go to your start page").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Something went wrong on our side")
    page.goto("/boom/")
    shoot(page, "error-500")


def test_the_admin_is_branded_and_a_wide_changelist_scrolls_inside_its_frame(page):
    UserFactory(role=Role.ADMIN, username="root", name="Ada Admin")
    pod = PodFactory(name="Lisbon Retail and Small Business Installations")
    for n in range(6):
        InstallerFactory(pod=pod, user__name=f"Installer with a rather long name {n}")
    log_in(page, "root", PASSWORD)
    page.goto("/admin/")
    expect(page.get_by_role("link", name="Installer Ops administration")).to_be_visible()
    expect(page).to_have_title("Site administration | Installer Ops administration")
    assert page.locator("#header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 93, 122)"
    shoot(page, "admin-index")
    page.get_by_role("link", name="← Back to Installer Ops").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.goto("/admin/installer_ops/installer/")
    results = page.locator("#changelist .results")
    for width, least in ((390, 300), (820, 700), (1280, 600)):
        page.set_viewport_size({"width": width, "height": 900})
        # Below 1100px the table has the page's width to itself (the app list
        # and the filters beside it left it some 250px at 820); at 1280 they
        # stay beside it.
        frame = results.evaluate("e => e.clientWidth")
        assert frame >= least, f"the changelist gets {frame}px of {width}"
        assert sideways(page) <= 0
    page.set_viewport_size({"width": 390, "height": 900})
    frame = results.evaluate("e => [e.clientWidth, e.scrollWidth]")
    assert frame[1] > frame[0], "at phone width the table scrolls inside its frame"
    shoot(page, "admin-changelist")


def test_the_print_view_is_styled_under_the_csp_and_an_old_version_points_to_the_current(page, tmp_path):
    profile, (runbook_v1, _playbook) = load_reference_data()
    pod = PodFactory(name="Lisbon Retail")
    installer = InstallerFactory(pod=pod, user__username="rui")
    services.kit_issue(actor=lead_of(pod), installer=installer, device_serial="NODE-1", profile=profile)
    log_in(page, "rui", PASSWORD)

    page.goto("/runbooks/field-runbook/v1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Field installation runbook")
    font = page.evaluate("getComputedStyle(document.documentElement).fontFamily")
    assert font.startswith('"DejaVu Sans"'), font
    cell = page.locator("main td").first
    assert cell.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    assert cell.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"  # 0.75pt
    expect(page.locator(".running-header")).to_be_visible()
    expect(page.get_by_role("note")).to_have_count(0)  # the current version: no banner
    shoot(page, "runbook-print")

    # The browser's own print of the page, for looking at beside the PDF.
    page.emulate_media(media="print")
    assert page.locator("main td").first.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    pdf = tmp_path / "browser-print.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Field installation runbook" in text and "Page 1 of" in text
    (SCREENSHOTS / "runbook-print-browser.pdf").write_bytes(pdf.read_bytes())
    page.emulate_media(media="screen")

    services.document_publish(actor=None, document=runbook_v1.document, body=runbook_v1.body + "\n\n## 10. New\n\nx\n")
    page.reload()
    banner = page.get_by_role("note")
    expect(banner).to_contain_text("Superseded by v2 on")
    expect(banner).to_contain_text("ask your lead for a reprint")
    shoot(page, "runbook-print-superseded")
    banner.get_by_role("link", name="Read the current version (v2)").click()
    expect(page).to_have_url(f"{page.url.split('/runbooks/')[0]}/runbooks/field-runbook/v2/")
    expect(page.get_by_role("note")).to_have_count(0)


def pdf_pages(pdf) -> list[str]:
    """The text of each page of a PDF (pdftotext separates pages by form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_the_browsers_printout_carries_the_running_header_on_every_page(page, tmp_path):
    """Chromium has no string(): the print view links a per-version
    stylesheet that fills the page margins with the title, version and
    checksum, and a superseded copy's note, as the PDF has them."""
    _profile, (runbook_v1, _playbook) = load_reference_data()
    InstallerFactory(user__username="rui")
    log_in(page, "rui", PASSWORD)
    page.goto("/runbooks/field-runbook/v1/")
    page.emulate_media(media="print")
    pdf = tmp_path / "v1.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    assert len(pages) >= 2, "the runbook prints on several pages"
    for number, text in enumerate(pages, start=1):
        assert "Field installation runbook" in text, f"page {number} has no title in its header"
        assert "Version 1" in text, f"page {number} has no version"
        assert runbook_v1.checksum in text.replace(" ", ""), f"page {number} has no checksum"
        assert f"Page {number} of {len(pages)}" in text
        assert "Superseded" not in text

    services.document_publish(actor=None, document=runbook_v1.document, body=runbook_v1.body + "\n\n## 10. New\n\nx\n")
    page.reload()
    page.pdf(path=pdf, prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    for number, text in enumerate(pages, start=1):
        assert "Superseded by v2 on" in text, f"page {number} of the old version does not say it is superseded"
        assert "Field installation runbook" in text
    page.emulate_media(media="screen")
