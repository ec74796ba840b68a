import subprocess

import pytest

from onboarding import services
from onboarding.models import Day1Kit
from tests.factories import InstallerFactory

pytestmark = pytest.mark.django_db


def pdftotext_pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_publishing_version_2_flags_exactly_the_kits_holding_version_1(onboarding):
    o = onboarding
    old_kit = o.issue_kit(serial="OLD-1")
    runbook = o.runbook_v1.document
    v2 = services.document_publish(
        actor=None, document=runbook, body=o.runbook_v1.body + "\n\n## 10. Addendum\n\nNew step.\n"
    )
    fresh = services.kit_issue(
        actor=o.lead, installer=InstallerFactory(pod=o.b.pod_a), device_serial="NEW-1", profile=o.profile
    )
    services.document_publish(actor=None, document=runbook, body=v2.body)  # same body again: nothing new
    assert v2.number == 2
    assert fresh.runbook_version == v2
    flagged = set(Day1Kit.objects.filter(reprint_needed_since__isnull=False).values_list("device_serial", flat=True))
    assert flagged == {"OLD-1"}
    reprinted = services.kit_reprint(actor=o.lead, kit=old_kit)
    assert (reprinted.runbook_version, reprinted.runbook_acknowledged_at, reprinted.reprint_needed_since) == (
        v2,
        None,
        None,
    )
    assert reprinted.playbook_acknowledged_at is not None  # the playbook copy did not change


def test_the_runbook_pdf_has_title_version_and_checksum_on_every_page(client, onboarding, tmp_path):
    o = onboarding
    client.force_login(o.installer.user)
    response = client.get(f"/runbooks/field-runbook/v{o.runbook_v1.number}.pdf")
    assert response["Content-Type"] == "application/pdf"
    pages = pdftotext_pages(response.content, tmp_path)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "Field installation runbook" in page
        assert "Version 1" in page
        assert o.runbook_v1.checksum in page.replace(" ", "").replace("\n", "")
        assert f"Page {number} of {len(pages)}" in page


def test_the_print_view_is_the_same_document(client, onboarding):
    o = onboarding
    client.force_login(o.installer.user)
    page = client.get("/runbooks/incident-playbook/v1/").content.decode()
    assert "Incident playbook" in page and o.playbook_v1.checksum in page
    # The same page rules as the PDF, from the static stylesheet the CSP allows.
    assert '<link rel="stylesheet" href="/static/onboarding/print.css">' in page
    assert "<script" not in page


def test_markdown_is_rendered_safely(onboarding):
    from onboarding.printing import render_markdown

    html = render_markdown(
        "# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<h1>Title</h1>" in html


def test_the_packet_pdf_has_the_device_serial_the_contacts_and_both_copies(api, onboarding, tmp_path):
    from tests.factories import staff_pod

    o = onboarding
    staff_pod(o.b.pod_a)
    o.issue_kit(serial="EDGE-7731")
    response = api.as_user(o.installer.user).get(f"/api/v1/installers/{o.installer.pk}/packet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(pdftotext_pages(b"".join(response.streaming_content), tmp_path))
    assert "EDGE-7731" in text
    assert o.profile.sha256 in text.replace(" ", "").replace("\n", "")
    for membership in o.b.pod_a.memberships.filter(ended_on__isnull=True):
        assert membership.user.get_full_name() in text
    assert "Field installation runbook" in text and "Incident playbook" in text
    other = InstallerFactory(pod=o.b.pod_b)
    assert api.as_user(o.installer.user).get(f"/api/v1/installers/{other.pk}/packet.pdf").status_code == 404


def test_kit_rules(api, onboarding):
    o = onboarding
    o.issue_kit(serial="DUP-1", acknowledge=False)
    second = api.as_user(o.lead).post(
        "/api/v1/kits/",
        {"installer": InstallerFactory(pod=o.b.pod_a).pk, "device_serial": "DUP-1", "profile": o.profile.pk},
        format="json",
    )
    assert second.status_code == 400 and "device_serial" in second.json()
    kit = Day1Kit.objects.get()
    foreign = api.as_user(InstallerFactory(pod=o.b.pod_a).user).post(
        f"/api/v1/kits/{kit.pk}/acknowledge/", {"version": o.runbook_v1.pk}, format="json"
    )
    assert foreign.status_code == 404
    mine = api.as_user(o.installer.user).post(
        f"/api/v1/kits/{kit.pk}/acknowledge/", {"version": o.runbook_v1.pk}, format="json"
    )
    assert mine.status_code == 200 and mine.json()["runbook_acknowledged_at"]


def test_the_runbook_list_names_a_document_once_and_its_rows_stack_on_a_phone(client, onboarding):
    """The list read "Incident playbook Incident playbook"; at 390 px its Print
    column, the one a person came for, was cut off at the edge."""
    o = onboarding
    client.force_login(o.lead)
    page = client.get("/runbooks/").content.decode()
    assert "Incident playbook <small" not in page
    assert page.count('class="stack-phone"') == 2 and 'data-label="Print"' in page
