"""Web requests on PostgreSQL run under WEB_STATEMENT_TIMEOUT_MS
(docs/architecture.md, Settings and processes).

Only the web process opts in, from its entry point (installer_ops/wsgi.py,
which gunicorn and runserver load): Celery workers, migrations and
management commands never import it, and a KPI rebuild there may take as
long as it needs. Whatever imports installer_ops.wsgi becomes a web process
in this sense (tests/test_api_fuzz.py does, as it drives that application).

The timeout is set once per database connection, when it is opened
(connections live DATABASE_CONN_MAX_AGE seconds), so a request pays no
extra query. SQLite has no statement timeout and is left alone.

A statement cancelled by the timeout reaches `StatementTimeoutMiddleware`,
which answers 503 (JSON under /api/, a plain page elsewhere) instead of a
500 with a traceback. Nothing half-done stays: the cancelled statement's
transaction (`transaction.atomic` in the services) has already rolled back
on its way out.
"""

import logging

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

from .error_views import service_unavailable

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE for query_canceled: a statement timeout, or a
# statement an administrator cancelled. Either way the client may retry.
QUERY_CANCELED = "57014"
_DISPATCH_UID = "installer_ops.web_statement_timeout"
_enabled = False


def set_statement_timeout(sender, connection, **kwargs) -> None:
    """connection_created receiver: the session's statement_timeout for a web connection."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # set_config takes the value as a parameter; false means for the session, not one transaction.
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{settings.WEB_STATEMENT_TIMEOUT_MS}ms"])


def enable_for_web() -> None:
    """Called by the web entry point (and a test fixture): every database
    connection this process opens from now on carries the timeout."""
    global _enabled
    connection_created.connect(set_statement_timeout, dispatch_uid=_DISPATCH_UID)
    _enabled = True
    # A connection opened before (while starting up) would escape it: the next query reopens it.
    connections.close_all()


def enabled() -> bool:
    return _enabled


def disable() -> None:
    """Undo `enable_for_web` (tests); open connections keep their setting until closed."""
    global _enabled
    connection_created.disconnect(dispatch_uid=_DISPATCH_UID)
    _enabled = False


def is_statement_timeout(exc: BaseException) -> bool:
    """Django wraps the driver's error; the SQLSTATE is on the cause (a few links at most)."""
    seen = exc
    for _ in range(5):
        if seen is None:
            break
        if getattr(seen, "sqlstate", None) == QUERY_CANCELED:
            return True
        seen = seen.__cause__
    return False


class StatementTimeoutMiddleware:
    """Turns a cancelled statement into a 503 the client can retry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_statement_timeout(exception):
            return None
        logger.warning(
            "Statement cancelled after the web statement timeout (%s ms) on %s %s",
            settings.WEB_STATEMENT_TIMEOUT_MS,
            request.method,
            request.path,
        )
        return service_unavailable(request)
