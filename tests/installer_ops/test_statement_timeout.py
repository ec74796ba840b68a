"""Web requests on PostgreSQL run under WEB_STATEMENT_TIMEOUT_MS; a statement
that runs past it answers 503 and leaves nothing written. Workers, migrations
and commands run without it."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection, connections

from installer_ops import statement_timeout
from installer_ops.models import Geography

ROOT = Path(__file__).resolve().parents[2]
# Run in a fresh process: what the session's statement_timeout is there.
SHOW = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print(cursor.fetchone()[0])
"""
CELERY = "import django\nfrom installer_ops.celery import app\ndjango.setup()\n"


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (make test does).")


@pytest.fixture
def web_timeout(settings, transactional_db):
    """What the web entry point does, with a tiny timeout. Real transactions
    (transactional_db): the cancelled statement must roll back on its own,
    not inside the test's wrapping transaction."""
    require_postgresql()
    settings.WEB_STATEMENT_TIMEOUT_MS = 300
    # Importing installer_ops.wsgi (tests/test_api_fuzz.py does) may have turned it on already: leave it so.
    was_enabled = statement_timeout.enabled()
    statement_timeout.enable_for_web()
    yield
    if not was_enabled:
        statement_timeout.disable()
    connections.close_all()


def show_statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_web_connection_carries_the_timeout_once_opened(web_timeout, client, django_assert_num_queries):
    assert show_statement_timeout() == "300ms"
    # Set when the connection opened, not per request: /healthz runs its one probe query and nothing more.
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200
    assert show_statement_timeout() == "300ms"


@pytest.mark.urls("tests.installer_ops.slow_urls")
def test_a_slow_page_answers_a_plain_503_and_writes_nothing(web_timeout, client, caplog):
    response = client.get("/slow/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Try again in a moment" in page and "Traceback" not in page
    assert not Geography.objects.filter(code="slow-page").exists()
    assert "web statement timeout (300 ms) on GET /slow/" in caplog.text
    # The connection is fine afterwards.
    assert client.get("/healthz").status_code == 200


@pytest.mark.urls("tests.installer_ops.slow_urls")
def test_a_slow_api_request_answers_json_503_and_writes_nothing(web_timeout, client):
    response = client.post("/api/v1/slow/", {}, content_type="application/json")
    assert response.status_code == 503
    assert response.json() == {"detail": "The server took too long to answer. Try again in a moment."}
    assert not Geography.objects.filter(code="slow-api").exists()


def run(argv: list[str]) -> str:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "installer_ops.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "WEB_STATEMENT_TIMEOUT_MS": "1234",
    }
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_only_the_web_entry_point_turns_the_timeout_on():
    require_postgresql()
    # What gunicorn and runserver load...
    assert run([sys.executable, "-c", f"import installer_ops.wsgi\n{SHOW}"]) == "1234ms"
    # ...and what a management command (migrate, compute_kpis) or a Celery worker does not.
    assert run([sys.executable, "manage.py", "shell", "-c", SHOW]) == "0"
    assert run([sys.executable, "-c", CELERY + SHOW]) == "0"


def test_sqlite_connections_are_left_alone():
    opened = SimpleNamespace(vendor="sqlite", cursor=lambda: pytest.fail("no query on SQLite"))
    statement_timeout.set_statement_timeout(sender=None, connection=opened)


def test_only_a_cancelled_statement_is_a_503():
    from django.db import OperationalError

    class QueryCanceled(Exception):
        sqlstate = "57014"

    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    for cause, expected in ((QueryCanceled(), True), (DeadlockDetected(), False), (None, False)):
        wrapped = OperationalError("from the driver")
        wrapped.__cause__ = cause
        assert statement_timeout.is_statement_timeout(wrapped) is expected
