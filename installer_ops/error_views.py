"""Error answers. Under /api/ every error is JSON, whatever raised it (an
unknown URL, a body over the upload limit, an unexpected exception outside
DRF's own handling). Pages answer with the product's own error pages: 400,
403 and 404 inside the usual layout, with the navigation of the person's
role; 500 and 503 from a self-contained template that needs neither the
database nor the context processors, since either may be what failed."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def _back_url(request) -> str | None:
    """Where the person came from, when that was a page of ours: the "Go back"
    link. A plain link, since the CSP allows no script (not even javascript:)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def _page(request, template: str, status: int, context: dict | None = None) -> HttpResponse:
    """The error page in the product's layout. Rendering it asks for the user's
    role (a query); should that fail too, the same page is rendered without the
    request, so without navigation, rather than turning a 404 into a 500."""
    context = dict(context or {})
    try:
        context["back_url"] = _back_url(request)
        return HttpResponse(loader.render_to_string(template, context, request), status=status)
    except Exception:
        logger.exception("error page %s rendered without the request's context", status)
        context["back_url"] = None
        return HttpResponse(loader.render_to_string(template, context), status=status)


def bad_request(request, exception):
    if isinstance(exception, RequestDataTooBig):
        # Django files it under 400; the client needs to know it is the size.
        if _api(request):
            return JsonResponse({"detail": _("The request body is too large.")}, status=413)
        return _page(request, "400.html", 400, {"too_large": True})
    if _api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return _page(request, "400.html", 400)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("You do not have permission to perform this action.")}, status=403)
    # A policy's refusal is a sentence written for people ("Only administrators
    # read the audit log."); shown as the reason when there is one.
    return _page(request, "403.html", 403, {"reason": str(exception or "")})


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    # The exception's text ("No Installer matches the given query.") is for
    # developers and is not shown.
    return _page(request, "404.html", 404)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def service_unavailable(request):
    """503: the database gave up on the request (installer_ops/statement_timeout.py).
    The page is rendered without the request's context, as the 500 page is:
    an error page asks nothing more of the database."""
    if _api(request):
        return JsonResponse({"detail": _("The server took too long to answer. Try again in a moment.")}, status=503)
    return HttpResponse(loader.render_to_string("503.html"), status=503)
