"""/healthz says when the database cannot take a write (read-only, a standby,
SQLite's write lock held past the busy timeout), and stays 200 when it can."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_says_the_database_takes_writes(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    database = response.json()["database"]
    assert database["ok"] is True and database["writable"] is True


@pytest.mark.django_db
def test_a_read_only_postgresql_answers_503_naming_the_write(client):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (make test does).")
    with connection.cursor() as cursor:
        # What an operator (ALTER DATABASE ... SET) or a failover to a standby
        # does to new transactions. The test's transaction rolls it back.
        cursor.execute("SET default_transaction_read_only = on")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["writable"] is False and body["database"]["error"] == "read-only"
    assert body["broker"]["ok"] is True


# The embedded SQLite, in a process of its own on a file of its own: /healthz
# while writes work, with the database read-only (PRAGMA query_only: root
# ignores file modes), and while another connection holds the write lock past
# the busy timeout (1 s here).
SQLITE_PROBE = """
import json, sqlite3, sys, time
import django
django.setup()
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

MigrationRecorder(connection).ensure_schema()
answers = {}

def probe(name):
    started = time.monotonic()
    response = Client().get("/healthz")
    answers[name] = [response.status_code, response.json()["database"], round(time.monotonic() - started, 1)]

probe("writable")
with connection.cursor() as cursor:
    cursor.execute("PRAGMA query_only = ON")
probe("read_only")
with connection.cursor() as cursor:
    cursor.execute("PRAGMA query_only = OFF")
holder = sqlite3.connect(sys.argv[1], isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
probe("locked")
holder.execute("ROLLBACK")
probe("released")
print(json.dumps(answers))
"""


def test_sqlite_that_cannot_take_a_write_answers_503(tmp_path):
    path = tmp_path / "health.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "installer_ops.settings.test",
        "DATABASE_URL": f"sqlite:///{path}",
        "REDIS_URL": "",
        "SQLITE_BUSY_TIMEOUT": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_PROBE, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert answers["writable"][0] == 200 and answers["writable"][1]["writable"] is True
    assert answers["read_only"][0] == 503
    assert answers["read_only"][1] | {"ms": 0} == {
        "ok": False,
        "vendor": "sqlite",
        "writable": False,
        "error": "read-only",
        "ms": 0,
    }
    status, database, seconds = answers["locked"]
    assert status == 503 and database["error"] == "locked"
    assert 0.9 <= seconds < 5  # it waited for the lock as a write would, then said so
    assert answers["released"][0] == 200
