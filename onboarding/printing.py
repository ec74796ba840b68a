"""Runbooks and packets on paper: Markdown rendered safely to HTML, one
print-styled template for the browser's print view and for the PDF."""

import markdown
import nh3
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from installer_ops.models import Installer
from installer_ops.selectors import pod_contacts

from .models import Day1Kit, DocumentVersion

ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "a",
}


def render_markdown(body: str) -> str:
    """Markdown to HTML with anything that could run or load stripped: a
    runbook is written by people and printed by everyone."""
    html = markdown.markdown(body, extensions=["tables", "fenced_code", "sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}, "th": {"align"}, "td": {"align"}}))  # noqa: S308 - nh3 sanitised it


def document_html(version: DocumentVersion, *, for_pdf: bool) -> str:
    return render_to_string(
        "onboarding/print/document.html",
        {"version": version, "document": version.document, "body": render_markdown(version.body), "for_pdf": for_pdf},
    )


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is made

    return HTML(string=html).write_pdf()


def document_pdf(version: DocumentVersion) -> bytes:
    return _pdf(document_html(version, for_pdf=True))


def packet_html(installer: Installer) -> str:
    kit = (
        Day1Kit.objects.select_related("profile", "runbook_version__document", "playbook_version__document")
        .filter(installer=installer)
        .first()
    )
    copies = []
    if kit is not None:
        for version in (kit.runbook_version, kit.playbook_version):
            copies.append({"version": version, "document": version.document, "body": render_markdown(version.body)})
    return render_to_string(
        "onboarding/print/packet.html",
        {"installer": installer, "kit": kit, "contacts": list(pod_contacts(installer.pod)), "copies": copies},
    )


def packet_pdf(installer: Installer) -> bytes:
    """The installer's offline packet: their copies, their pod's escalation
    contacts and their device's configuration profile, in one PDF."""
    return _pdf(packet_html(installer))


def kit_copies(kit: Day1Kit) -> list[dict]:
    """The kit's two copies as the tablet keeps them."""
    copies = []
    for version, acknowledged_at in (
        (kit.runbook_version, kit.runbook_acknowledged_at),
        (kit.playbook_version, kit.playbook_acknowledged_at),
    ):
        copies.append(
            {
                "version_id": version.pk,
                "kind": version.document.kind,
                "title": version.document.title,
                "version": version.number,
                "checksum": version.checksum,
                "published_at": version.published_at,
                "acknowledged_at": acknowledged_at,
                "html": str(render_markdown(version.body)),
                "pdf_url": reverse("runbook-pdf", args=[version.document.slug, version.number]),
            }
        )
    return copies
