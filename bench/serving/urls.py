"""The project's routes plus /bench/bare: a view that returns a constant JSON
body and touches neither the database nor the broker. It sits behind the same
middleware as every route, so sync's throughput relative to it measures what
the sync view itself costs. It lives here, not in installer_ops/urls.py, so
that no deployment serves it."""

from django.http import JsonResponse
from django.urls import path

from installer_ops import urls as project

BARE_BODY = {"ok": True}


def bare(request):
    return JsonResponse(BARE_BODY)


# After the project's routes, so that resolving it walks them as resolving sync does.
urlpatterns = [*project.urlpatterns, path("bench/bare", bare, name="bench-bare")]
handler400, handler403 = project.handler400, project.handler403
handler404, handler500 = project.handler404, project.handler500
