"""Printing under the CSP and superseded copies: the print view links its
static stylesheet (no inline style), the PDF is drawn with the same
stylesheet, and a copy older than the document's current version says so on
every page of it, in the packet and in the document's own PDF; a current copy
does not."""

import datetime
import subprocess
import zoneinfo

import pytest
from django.utils import formats, timezone

from onboarding import printing, services

pytestmark = pytest.mark.django_db

NOTE = "ask your lead for a reprint"


def pdf_pages(pdf: bytes, tmp_path, name="doc.pdf") -> list[str]:
    """Each page's text in reading order with whitespace collapsed, so that a
    sentence wrapped in a page margin reads whole."""
    path = tmp_path / name
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def publish_v2(o, days_ago=0):
    v2 = services.document_publish(
        actor=None, document=o.runbook_v1.document, body=o.runbook_v1.body + "\n\n## 10. Addendum\n\nNew step.\n"
    )
    if days_ago:
        v2.published_at = timezone.now() - datetime.timedelta(days=days_ago)
        v2.save(update_fields=["published_at"])
    return v2


def expected_mark(version, zone: str = "UTC") -> str:
    """The mark as a reader in `zone` reads it: a page is in the person's zone
    (the installer's geography's), the API, which serves the packet, in UTC.
    Between 23:00 and midnight UTC the two days differ."""
    date = formats.date_format(timezone.localdate(version.published_at, zoneinfo.ZoneInfo(zone)))
    return f"Superseded by v{version.number} on {date}: {NOTE}."


def test_the_print_view_links_its_static_stylesheet_and_has_no_inline_style(client, onboarding):
    client.force_login(onboarding.installer.user)
    page = client.get("/runbooks/field-runbook/v1/").content.decode()
    assert '<link rel="stylesheet" href="/static/onboarding/print.css">' in page
    # The CSP (style-src 'self') blocks inline styles in a browser.
    assert "<style" not in page and " style=" not in page
    assert client.get("/static/onboarding/print.css").status_code == 200


def test_the_pdf_reads_the_same_stylesheet_and_fetches_nothing_else():
    fetcher = printing._static_fetcher()
    response = fetcher(printing.PDF_BASE_URL + "static/onboarding/print.css")
    css = response.read().decode()
    assert "@page" in css and "@bottom-right" in css and response.content_type == "text/css"
    for url in ("https://example.com/static/onboarding/print.css", "file:///etc/passwd", printing.PDF_BASE_URL + "x"):
        with pytest.raises(ValueError, match="not fetched"):
            fetcher(url)


def test_the_pdf_is_drawn_in_the_stylesheets_font(onboarding, tmp_path):
    path = tmp_path / "runbook.pdf"
    path.write_bytes(printing.document_pdf(onboarding.runbook_v1))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # The stylesheet's fonts; without it WeasyPrint would set the text in its default serif.
    assert "DejaVu-Sans " in fonts.replace("\n", " ") and "DejaVu-Sans-Mono" in fonts and "Serif" not in fonts


def test_every_page_of_a_superseded_copy_in_the_packet_says_so_and_no_other_page_does(api, onboarding, tmp_path):
    o = onboarding
    o.issue_kit(serial="OLD-1")  # holds runbook v1 and playbook v1
    v2 = publish_v2(o, days_ago=3)
    response = api.as_user(o.installer.user).get(f"/api/v1/installers/{o.installer.pk}/packet.pdf")
    assert response.status_code == 200
    pages = pdf_pages(b"".join(response.streaming_content), tmp_path)
    runbook = [page for page in pages if "Field installation runbook Version 1" in page]
    playbook = [page for page in pages if "Incident playbook Version 1" in page]
    assert len(runbook) >= 2 and len(playbook) >= 2, pages
    mark = expected_mark(v2)
    for page in runbook:
        assert mark in page
    for page in [pages[0], *playbook]:  # the packet's own page and the current playbook
        assert "Superseded" not in page


def test_a_packet_of_current_copies_is_not_marked(api, onboarding, tmp_path):
    o = onboarding
    o.issue_kit(serial="NEW-1")
    response = api.as_user(o.installer.user).get(f"/api/v1/installers/{o.installer.pk}/packet.pdf")
    pages = pdf_pages(b"".join(response.streaming_content), tmp_path)
    assert len(pages) >= 4 and not any("Superseded" in page for page in pages)


def test_an_old_versions_pdf_is_marked_on_every_page_and_the_current_one_is_not(client, onboarding, tmp_path):
    o = onboarding
    v2 = publish_v2(o)
    client.force_login(o.installer.user)
    old = pdf_pages(client.get("/runbooks/field-runbook/v1.pdf").content, tmp_path, "v1.pdf")
    assert len(old) >= 2
    for number, page in enumerate(old, start=1):
        assert expected_mark(v2, o.installer.pod.geography.time_zone) in page and f"Page {number} of {len(old)}" in page
    current = pdf_pages(client.get("/runbooks/field-runbook/v2.pdf").content, tmp_path, "v2.pdf")
    assert current and not any("Superseded" in page for page in current)


def test_the_print_view_of_an_old_version_has_a_banner_linking_the_current_one(client, onboarding):
    o = onboarding
    v2 = publish_v2(o)
    client.force_login(o.installer.user)
    old = client.get("/runbooks/field-runbook/v1/").content.decode()
    assert expected_mark(v2, o.installer.pod.geography.time_zone) in old
    assert '<a href="/runbooks/field-runbook/v2/">Read the current version (v2)</a>' in old
    current = client.get("/runbooks/field-runbook/v2/").content.decode()
    assert "Superseded" not in current and "superseded-banner" not in current


def test_the_print_views_margin_stylesheet_escapes_what_it_quotes():
    """A title is written into CSS as a string: quotes, backslashes and a
    closing tag cannot end the string or the rule, and no space is lost."""
    assert printing.css_string('A "b" \\ </style> }') == (
        '"A\\000020\\000022b\\000022\\000020\\00005c\\000020\\00003c\\00002fstyle\\00003e\\000020\\00007d"'
    )
