"""Runbook pages: the list, the print view and the PDF (anyone logged in)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from . import document_selectors, printing, selectors
from .models import DocumentVersion


def _version(request, slug: str, number: int) -> DocumentVersion:
    """The version in the language asked for (?language=de), else the
    reader's, else English (selectors.version_in_language)."""
    version = document_selectors.version_in_language(slug, number, request.GET.get("language") or get_language())
    if version is None:
        raise Http404
    return version


@login_required
def runbook_list(request):
    return render(request, "onboarding/runbook_list.html", {"documents": selectors.documents_with_versions()})


@login_required
def runbook_print(request, slug: str, number: int):
    return HttpResponse(printing.document_html(_version(request, slug, number), for_pdf=False))


@login_required
def runbook_print_css(request, slug: str, number: int):
    response = HttpResponse(
        printing.page_margin_css(_version(request, slug, number)), content_type="text/css; charset=utf-8"
    )
    # A version's text never changes, but it may be superseded at any time.
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def runbook_pdf(request, slug: str, number: int):
    version = _version(request, slug, number)
    response = HttpResponse(printing.document_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-v{number}.pdf"'
    return response
