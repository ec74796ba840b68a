"""Runbooks and packets on paper: Markdown rendered safely to HTML, one
print-styled template and one static stylesheet (onboarding/print.css) for
the browser's print view and for the PDF."""

import mimetypes
import re
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from installer_ops.models import Installer
from installer_ops.selectors import pod_contacts

from .consent_steps import printable_body
from .document_selectors import current_consent_flows, versions_in_language
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


def superseded_note(version: DocumentVersion) -> dict | None:
    """What a copy of an older version says on each of its pages: which
    version replaced it, when, and what to do; None for the current one."""
    current = (
        DocumentVersion.objects.filter(document_id=version.document_id, language=settings.LANGUAGE_CODE)
        .order_by("-number")
        .first()
    )
    if current is None or current.number <= version.number:
        return None
    return {
        "number": current.number,
        "text": _("Superseded by v%(number)s on %(date)s: ask your lead for a reprint.")
        % {"number": current.number, "date": formats.date_format(timezone.localdate(current.published_at))},
        "url": reverse("runbook-print", args=[version.document.slug, current.number]),
    }


def css_string(text: str) -> str:
    """`text` as a CSS string literal. Everything but ASCII letters and
    digits is written as a six-digit hex escape, so no title can close the
    string, the rule or the stylesheet. Spaces are escaped too: CSS swallows
    one white space after a hex escape."""
    return '"' + "".join(ch if ch.isascii() and ch.isalnum() else f"\\{ord(ch):06x}" for ch in text) + '"'


def page_number_css() -> str:
    """The footer's "Page 2 of 5" in the active language: the translated
    sentence with the two page counters where that language puts them
    (Japanese puts them first)."""
    sentence = _("Page %(page)s of %(pages)s")
    parts = re.split(r"%\((page|pages)\)s", sentence)
    # re.split keeps the captured names at the odd places: text, counter, text, counter, text.
    content = " ".join(
        f"counter({part})" if index % 2 else css_string(part) for index, part in enumerate(parts) if index % 2 or part
    )
    return f"@page {{ @bottom-right {{ content: {content}; }} }}\n"


def page_margin_css(version: DocumentVersion) -> str:
    """The running header and footer of a browser's printout of `version`.

    print.css draws them from the document with string(), which WeasyPrint
    has and Chromium lacks; Chromium does draw @page margin boxes with
    literal content, so the print view links this per-version stylesheet
    (a file of its own, since the Content Security Policy allows no inline
    style), written in the same places and fonts as the PDF."""
    title = css_string(version.shown_title)
    number = css_string(_("Version %(number)s") % {"number": version.number})
    rules = [
        "@page {",
        f"  @top-left {{ content: {title}; }}",
        f"  @top-right {{ content: {number}; }}",
        f"  @bottom-left {{ content: {css_string(version.checksum)}; }}",
        "}",
        page_number_css(),
    ]
    if superseded := superseded_note(version):
        rules += [
            "@page superseded {",
            f"  @top-left {{ content: {css_string(superseded['text'])}; }}",
            f'  @top-right {{ content: {title} "\\A" {number}; }}',
            "}",
        ]
    return "\n".join(rules) + "\n"


def document_html(version: DocumentVersion, *, for_pdf: bool) -> str:
    return render_to_string(
        "onboarding/print/document.html",
        {
            "version": version,
            "document": version.document,
            "body": render_markdown(
                printable_body(version.body) if version.document.kind == "consent" else version.body
            ),
            "for_pdf": for_pdf,
            "superseded": superseded_note(version),
        },
    )


# The PDF is drawn as from this origin: the pages' relative links to the
# stylesheet resolve under it, and the fetcher serves exactly those.
PDF_BASE_URL = "https://installer-ops.invalid/"


def _static_fetcher():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves the static files a print page links (its stylesheet) from
        disk, as collected in production or found in the apps otherwise, and
        nothing else: rendering a runbook fetches nothing over the network."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            prefix = urlsplit(settings.STATIC_URL).path
            if f"{parts.scheme}://{parts.netloc}/" != PDF_BASE_URL or not parts.path.startswith(prefix):
                raise ValueError(f"not fetched for a PDF: {url}")
            name = parts.path.removeprefix(prefix)
            path = None
            try:
                if staticfiles_storage.exists(name):
                    path = staticfiles_storage.path(name)
            except (ImproperlyConfigured, NotImplementedError):
                pass  # no collected files (development, tests): the finders know the apps' own
            path = path or finders.find(name)
            if not path:
                # Fatal: a PDF without its stylesheet would go out unstyled.
                raise FatalURLFetchingError(f"static file not found for the PDF: {name}")
            with open(path, "rb") as file:
                content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, file.read(), {"Content-Type": content_type})

    return StaticFilesFetcher()


def _pdf(html: str, language: str | None = None) -> bytes:
    """`html` on paper, its page numbers in `language` (else the active one)."""
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is made

    with override(language or get_language()):
        numbers = CSS(string=page_number_css())
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher()).write_pdf(stylesheets=[numbers])


def document_pdf(version: DocumentVersion) -> bytes:
    return _pdf(document_html(version, for_pdf=True))


def packet_language(installer: Installer) -> str:
    """The packet is the installer's: in their account's language, else the
    reader's (a lead printing it for someone who chose none)."""
    return installer.user.language if installer.user.language in dict(settings.LANGUAGES) else get_language()


def packet_html(installer: Installer) -> str:
    """The kit's copies and the geography's current consent flow, each in the
    installer's language where translated, with the page's words in it too."""
    kit = (
        Day1Kit.objects.select_related("profile", "runbook_version__document", "playbook_version__document")
        .filter(installer=installer)
        .first()
    )
    language = packet_language(installer)
    held = [kit.runbook_version, kit.playbook_version] if kit is not None else []
    flow = current_consent_flows([installer.pod.geography_id]).get(installer.pod.geography_id)
    held += [flow] if flow is not None else []
    shown = versions_in_language(held, language)
    with override(language):
        copies = []
        for version in held:
            text = shown[version.pk]
            body = printable_body(text.body) if version.document.kind == "consent" else text.body
            copies.append(
                {
                    "version": text,
                    "document": version.document,
                    "body": render_markdown(body),
                    "superseded": superseded_note(version),
                }
            )
        return render_to_string(
            "onboarding/print/packet.html",
            {"installer": installer, "kit": kit, "contacts": list(pod_contacts(installer.pod)), "copies": copies},
        )


def packet_pdf(installer: Installer) -> bytes:
    """The installer's offline packet: their copies, their pod's escalation
    contacts and their device's configuration profile, in one PDF."""
    return _pdf(packet_html(installer), packet_language(installer))


def copy_of(version: DocumentVersion, shown: DocumentVersion) -> dict:
    """A version as the tablet keeps it: `version` is the one held (its id is
    what is acknowledged), `shown` the same number in the reader's language."""
    url = reverse("runbook-pdf", args=[version.document.slug, version.number])
    return {
        "version_id": version.pk,
        "kind": version.document.kind,
        "title": shown.shown_title,
        "version": version.number,
        "language": shown.language,
        "checksum": shown.checksum,
        "published_at": shown.published_at,
        "html": str(render_markdown(printable_body(shown.body) if version.document.kind == "consent" else shown.body)),
        # A translation names its language; the English copy is what the plain URL gives anyone without one.
        "pdf_url": url if shown.language == settings.LANGUAGE_CODE else f"{url}?language={shown.language}",
    }


def kit_copies(kit: Day1Kit, language: str | None = None) -> list[dict]:
    """The kit's two copies as the tablet keeps them, in `language` where translated."""
    held = [
        (kit.runbook_version, kit.runbook_acknowledged_at),
        (kit.playbook_version, kit.playbook_acknowledged_at),
    ]
    shown = versions_in_language([version for version, _at in held], language)
    return [{**copy_of(version, shown[version.pk]), "acknowledged_at": at} for version, at in held]
