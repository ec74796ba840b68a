"""Error answers. Under /api/ every error is JSON, whatever raised it (an
unknown URL, a body over the upload limit, an unexpected exception outside
DRF's own handling); pages keep Django's error pages."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    if isinstance(exception, RequestDataTooBig):
        # Django files it under 400; the client needs to know it is the size.
        if _api(request):
            return JsonResponse({"detail": _("The request body is too large.")}, status=413)
        return defaults.bad_request(request, exception)
    if _api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("You do not have permission to perform this action.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)


def service_unavailable(request):
    """503: the database gave up on the request (installer_ops/statement_timeout.py).
    The page is rendered without the request's context, as Django's 500 page
    is: an error page asks nothing more of the database."""
    if _api(request):
        return JsonResponse({"detail": _("The server took too long to answer. Try again in a moment.")}, status=503)
    return HttpResponse(loader.render_to_string("503.html"), status=503)
