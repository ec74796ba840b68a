"""The project's routes plus two the benchmark alone serves (bench/load.py):

- /bench/bare: a constant JSON body, touching neither the database nor the
  broker. It sits behind the same middleware as every route, so sync's
  throughput relative to it measures what the sync view itself costs.
- /bench/insert: the least any sync that stores the rows must do, as a
  floor below the real endpoint: authenticate the token (one query), insert
  the batch's events in one statement in one transaction, answer one result
  per event. No rule is applied: it judges nothing and folds nothing.

They live here, not in installer_ops/urls.py, so that no deployment serves them."""

import json

from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from installer_ops import urls as project

BARE_BODY = {"ok": True}
COLUMNS = "id, enrollment_id, item_id, type, actor_id, device_id, device_seq, occurred_at, received_at, effective_at"


def bare(request):
    return JsonResponse(BARE_BODY)


@csrf_exempt  # a token, not a session, as the tablet's bench client sends
def insert(request):
    try:
        authenticated = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        authenticated = None
    if request.method != "POST" or authenticated is None:
        return JsonResponse({"detail": "token and POST"}, status=401)
    now = timezone.now()
    try:
        body = json.loads(request.body)
        rows = [
            [
                e["id"], e["enrollment"], e["item"], e["type"], authenticated[0].pk,
                body["device_id"], e["device_seq"], e["occurred_at"], now, e["occurred_at"],
            ]
            for e in body["events"]
        ]  # fmt: skip
    except (ValueError, KeyError, TypeError) as error:
        # The benchmark's own client sends whole batches: anything else is a 400, never a 500.
        return JsonResponse({"detail": f"not a batch: {error!r}"}, status=400)
    if not rows:
        return JsonResponse({"results": [], "server_time": now.isoformat()})
    placeholders = ", ".join(["(" + ", ".join(["%s"] * 10) + ", '')"] * len(rows))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO bootcamp_checkoffevent ({COLUMNS}, comment) VALUES {placeholders} "  # noqa: S608 - placeholders only
                "ON CONFLICT (id) DO NOTHING",
                [value for row in rows for value in row],
            )
    except DatabaseError as error:
        # A value the columns refuse (an id that is no UUID, an unknown item): the batch is
        # rolled back whole and answered 400, as a malformed one is.
        return JsonResponse({"detail": f"not stored: {type(error).__name__}"}, status=400)
    return JsonResponse(
        {
            "results": [{"id": e["id"], "status": "applied", "reason": ""} for e in body["events"]],
            "server_time": now.isoformat(),
        }
    )


# After the project's routes, so that resolving them walks them as resolving sync does.
urlpatterns = [
    *project.urlpatterns,
    path("bench/bare", bare, name="bench-bare"),
    path("bench/insert", insert, name="bench-insert"),
]
handler400, handler403 = project.handler400, project.handler403
handler404, handler500 = project.handler404, project.handler500
