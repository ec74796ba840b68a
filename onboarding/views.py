"""Runbook pages: the list, the print view and the PDF (anyone logged in)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import printing, selectors
from .models import DocumentVersion


def _version(slug: str, number: int) -> DocumentVersion:
    try:
        return DocumentVersion.objects.select_related("document").get(document__slug=slug, number=number)
    except DocumentVersion.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def runbook_list(request):
    return render(request, "onboarding/runbook_list.html", {"documents": selectors.documents_with_versions()})


@login_required
def runbook_print(request, slug: str, number: int):
    return HttpResponse(printing.document_html(_version(slug, number), for_pdf=False))


@login_required
def runbook_print_css(request, slug: str, number: int):
    response = HttpResponse(printing.page_margin_css(_version(slug, number)), content_type="text/css; charset=utf-8")
    # A version's text never changes, but it may be superseded at any time.
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def runbook_pdf(request, slug: str, number: int):
    version = _version(slug, number)
    response = HttpResponse(printing.document_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-v{number}.pdf"'
    return response
