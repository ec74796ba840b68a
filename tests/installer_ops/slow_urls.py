"""The project's URLs plus two test-only views that write and then run a
query longer than the statement timeout of the test (tests/installer_ops/test_statement_timeout.py)."""

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops.models import Geography
from installer_ops.urls import handler400, handler403, handler404, handler500
from installer_ops.urls import urlpatterns as project_urls

SLEEP_SECONDS = 2


def _write_then_sleep(code: str) -> None:
    # One transaction, as a service's: the row must not outlive the cancelled statement.
    with transaction.atomic():
        Geography.objects.create(code=code, name=code)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [SLEEP_SECONDS])


def slow_page(request):
    _write_then_sleep("slow-page")
    return HttpResponse("done")


class SlowApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        _write_then_sleep("slow-api")
        return Response({"done": True})


urlpatterns = [
    path("slow/", slow_page),
    path("api/v1/slow/", SlowApi.as_view()),
    *project_urls,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
