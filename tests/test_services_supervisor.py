"""`make test` on a machine whose PostgreSQL or Redis does not answer:
tests/services.py starts throwaway instances, runs the command against them
and removes them afterwards."""

import socket
import sys
from urllib.parse import urlsplit

import pytest

from tests import services
from tests.throwaway import WORK

pytestmark = pytest.mark.xdist_group("services")


def dead_port() -> int:
    # Bound and closed: nothing listens there for the moment of the test.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROBE = """
import os, psycopg, redis
with psycopg.connect(os.environ["SERVICES_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres") as conn:
    conn.execute("SELECT 1")
assert redis.Redis.from_url(os.environ["SERVICES_REDIS_URL"]).ping()
print("probe", os.environ["SERVICES_DATABASE_URL"], os.environ["SERVICES_REDIS_URL"])
"""


def test_unreachable_services_are_replaced_for_the_run_and_removed_after(capfd):
    database_url = f"postgres://postgres@127.0.0.1:{dead_port()}/installer_ops"
    redis_url = f"redis://127.0.0.1:{dead_port()}/0"
    code = services.main(["--database-url", database_url, "--redis-url", redis_url, "--", sys.executable, "-c", PROBE])

    out = capfd.readouterr().out
    assert code == 0, out
    probe = next(line for line in out.splitlines() if line.startswith("probe "))
    _, used_database, used_redis = probe.split()
    assert used_database != database_url and used_redis != redis_url
    assert "starting a throwaway instance" in out
    # Stopped and removed: the ports answer no more, the directories are gone.
    assert services.check_postgresql(used_database) is not None
    assert services.check_redis(used_redis) is not None
    assert not (WORK / f"postgres-{urlsplit(used_database).port}").exists()
    assert not (WORK / f"redis-{urlsplit(used_redis).port}").exists()


def test_reachable_services_are_used_as_they_are(capfd, settings):
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail("This test needs the run's PostgreSQL and Redis (make test sets DATABASE_URL and REDIS_URL).")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/installer_ops"
    code = services.main(
        ["--database-url", database_url, "--redis-url", settings.REDIS_URL, "--", sys.executable, "-c", PROBE]
    )
    out = capfd.readouterr().out
    assert code == 0, out
    assert f"probe {database_url} {settings.REDIS_URL}" in out
    assert "throwaway" not in out


def test_the_command_exit_status_is_the_run_status(capfd):
    database_url = f"postgres://postgres@127.0.0.1:{dead_port()}/installer_ops"
    redis_url = f"redis://127.0.0.1:{dead_port()}/0"
    code = services.main(["--database-url", database_url, "--redis-url", redis_url, "--", "sh", "-c", "exit 3"])
    assert code == 3
