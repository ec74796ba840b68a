"""GET /healthz: can the database answer and take a write, and is the broker
reachable (when one is configured)."""

import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# PostgreSQL says in one round trip, the probe's only query, whether a write
# would be refused: a standby (after a failover the app may point at one), or
# a session or database set read-only (default_transaction_read_only is what
# the next transaction gets; transaction_read_only is this one).
POSTGRESQL_READ_ONLY = (
    "SELECT pg_is_in_recovery()"
    " OR current_setting('transaction_read_only') = 'on'"
    " OR current_setting('default_transaction_read_only') = 'on'"
)
# SQLite has no such flag: the probe tries a write that changes no row. It
# needs the write lock like any other, so it fails as a real write would on
# a read-only file ("attempt to write a readonly database") or when a writer
# holds the lock past the busy timeout ("database is locked").
SQLITE_NO_OP_WRITE = "DELETE FROM django_migrations WHERE 0 = 1"


def _write_refusal(exc: DatabaseError) -> str:
    """A short name for why SQLite refused the write (its message, not its class, says)."""
    message = str(exc).lower()
    if "readonly" in message or "read-only" in message:
        return "read-only"
    if "locked" in message or "busy" in message:
        return "locked"
    return exc.__class__.__name__


def _database_state() -> dict:
    started = time.perf_counter()
    state = {"ok": True, "vendor": connection.vendor, "writable": True}
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(POSTGRESQL_READ_ONLY)
                if cursor.fetchone()[0]:
                    state.update(ok=False, writable=False, error="read-only")
            elif connection.vendor == "sqlite":
                try:
                    cursor.execute(SQLITE_NO_OP_WRITE)
                except DatabaseError as exc:
                    state.update(ok=False, writable=False, error=_write_refusal(exc))
            else:
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except Exception as exc:  # any failure is reported, not raised: this is a probe
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    state["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return state


def _broker_state() -> dict:
    if not settings.REDIS_URL:
        # The embedded default has no broker: tasks run in-process.
        return {"ok": True, "mode": "eager"}
    import redis

    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "redis", "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
@require_GET
def healthz(request):
    database = _database_state()
    broker = _broker_state()
    healthy = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
