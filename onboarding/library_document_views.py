"""The library's document pages (administrators): the list, a new document
(a runbook, a playbook, or a geography's consent flow) and a document's
page, whose editor previews a body and publishes it as the next version
(English) or as the translation of the current version (another language
the product speaks). The rules are document_services'; refusals are shown
under the field they name."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors

from . import document_services, library_selectors
from .consent_steps import consent_steps, printable_body, steps_problem
from .library_forms import DocumentCreateForm, DocumentPublishForm, PreviewForm
from .library_views import author_page, get_or_404, library_render, page_of
from .models import Document, DocumentKind, DocumentVersion
from .printing import render_markdown


def language_names() -> dict[str, str]:
    return {code: str(name) for code, name in settings.LANGUAGES}


@author_page
def document_list(request):
    rows = library_selectors.documents_for_library()
    return library_render(request, "document_list.html", {"page": page_of(request, rows)})


@author_page
@require_http_methods(["GET", "POST"])
def document_create(request):
    form = DocumentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_services.document_create(actor=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(title)s created; write and publish its first version.") % {"title": document.title}
            )
            return redirect("library-document", slug=document.slug)
    return library_render(request, "document_create.html", {"form": form}, form)


def _language_choices(current: library_selectors.VersionRow | None) -> list[tuple[str, str]]:
    """What the editor may publish: the next number in the source language,
    or the translation of the current number into each other language."""
    published = {v.language for v in current.languages} if current else set()
    choices = []
    for code, name in language_names().items():
        if code == settings.LANGUAGE_CODE:
            label = _("%(language)s: new version %(number)s") % {
                "language": name,
                "number": current.number + 1 if current else 1,
            }
        elif current is None:
            label = _("%(language)s: translation (publish version 1 in English first)") % {"language": name}
        elif code in published:
            label = _("%(language)s: translation of version %(number)s (published)") % {
                "language": name,
                "number": current.number,
            }
        else:
            label = _("%(language)s: translation of version %(number)s") % {"language": name, "number": current.number}
        choices.append((code, label))
    return choices


def _published_message(document: Document, version: DocumentVersion, before: set, flagged: int) -> str:
    """What a publication did; `before` holds the (number, language) published before it."""
    name = language_names().get(version.language, version.language)
    if version.language != settings.LANGUAGE_CODE:
        if (version.number, version.language) in before:
            return _("The %(language)s translation of version %(number)s is unchanged: nothing was published.") % {
                "language": name,
                "number": version.number,
            }
        return _("The %(language)s translation of version %(number)s is published.") % {
            "language": name,
            "number": version.number,
        }
    if (version.number, version.language) in before:
        return _("The body is the same as version %(number)s: nothing was published.") % {"number": version.number}
    if document.kind == DocumentKind.CONSENT:
        return _(
            "Version %(number)s published. Every installer of %(geography)s acknowledges it again on the tablet; "
            "publish its translations next."
        ) % {"number": version.number, "geography": document.geography}
    return ngettext(
        "Version %(number)s published. %(count)s kit holds an older copy and is flagged for reprint.",
        "Version %(number)s published. %(count)s kits hold an older copy and are flagged for reprint.",
        flagged,
    ) % {"number": version.number, "count": flagged}


def _shown(document: Document, body: str) -> dict:
    """The preview of a body as it prints, and a consent flow's steps as the tablet lists them."""
    if document.kind != DocumentKind.CONSENT:
        return {"preview": render_markdown(body)}
    return {
        "preview": render_markdown(printable_body(body)),
        "consent": True,
        "steps": consent_steps(body),
        "steps_problem": steps_problem(body) if body.strip() else None,
    }


def _initial(request, rows: list[library_selectors.VersionRow]) -> dict:
    """The editor's start: the current version, in the language asked for
    (?language=de) where it is translated, else in English."""
    current = rows[0] if rows else None
    language = request.GET.get("language")
    if language not in language_names():
        language = settings.LANGUAGE_CODE
    if current is None:
        return {"body": "", "language": language}
    shown = next((v for v in current.languages if v.language == language), current.source)
    return {"body": shown.body, "language": language, "title": shown.title}


STEPS_HELP = gettext_lazy(
    "Each step the installer ticks on the tablet is a line of its own starting with “- [ ] ”; a step that "
    "asks for a photo starts with “- [photo] ”. Everything else is read and printed as written. A translation "
    "keeps the same steps in the same order."
)


@author_page
@require_http_methods(["GET", "POST"])
def document_detail(request, slug: str):
    """The document's versions and its editor. "Preview" re-renders the page
    with the typed body (no JavaScript needed); "Publish" makes a version."""
    document = Document.objects.select_related("geography").filter(slug=slug).first()
    if document is None:
        raise Http404
    rows = library_selectors.document_version_rows(document)
    current = rows[0] if rows else None
    names = language_names()
    for row in rows:
        for version in row.languages:
            version.language_name = names.get(version.language, version.language)
    choices = _language_choices(current)
    shown = {}
    if request.method == "POST":
        form = DocumentPublishForm(request.POST, languages=choices)
        valid = form.is_valid()
        body = form.cleaned_data.get("body")  # kept for the preview should the service refuse it
        if valid and request.POST.get("action") == "publish":
            before = {(v.number, v.language) for row in rows for v in row.languages}
            try:
                version = document_services.document_publish(
                    actor=request.user,
                    document=document,
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                    title=form.cleaned_data["title"],
                )
            except DOMAIN_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                fresh = (version.number, version.language) not in before
                runbook = document.kind in (DocumentKind.RUNBOOK, DocumentKind.PLAYBOOK)
                english = version.language == settings.LANGUAGE_CODE
                flagged = library_selectors.kits_flagged_by(version) if fresh and runbook and english else 0
                messages.success(request, _published_message(document, version, before, flagged))
                return redirect("library-document", slug=document.slug)
        if body is not None:
            shown = _shown(document, body)
    else:
        form = DocumentPublishForm(initial=_initial(request, rows), languages=choices)
        if current:
            shown = _shown(document, form.initial["body"])
    if document.kind == DocumentKind.CONSENT:
        form.fields["body"].help_text = STEPS_HELP
    context = {"document": document, "versions": rows, "current": current, "form": form, **shown}
    return library_render(request, "document_detail.html", context, form)


@require_POST
@author_page
def document_preview(request, slug: str):
    """The live preview (htmx): the typed body through the print view's
    Markdown and sanitiser, as a fragment (a consent flow's steps under it)."""
    document = get_or_404(Document, slug=slug)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return render(request, "onboarding/library/_preview.html", {"errors": form.errors["body"]}, status=400)
    return render(request, "onboarding/library/_preview.html", _shown(document, form.cleaned_data["body"]))
