"""`make serve` for real: gunicorn, a Celery worker and beat against the
local PostgreSQL and Redis; the app survives its database connections being
terminated (pg_terminate_backend) without a restart."""

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("serve")]


class ServeOutput:
    """make serve's output, read on a thread (a full pipe would block it)."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self.read, args=(process.stdout,), daemon=True)
        self.reader.start()

    def read(self, stream) -> None:
        for line in stream:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.lines.append("<end of output>")
            self.changed.notify_all()

    def wait_for(self, text: str, process: subprocess.Popen, guard: float = 900) -> None:
        """Until a line holds `text`; the guard only stops a run that hangs for ever."""
        with self.changed:
            found = self.changed.wait_for(
                lambda: any(text in line for line in self.lines) or "<end of output>" in self.lines, timeout=guard
            )
        assert found and process.poll() is None, f"make serve never said {text!r}:\n{self.tail()}"

    def tail(self) -> str:
        return "\n".join(self.lines[-40:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


@pytest.fixture
def served(redis_url):
    if connection.vendor != "postgresql":
        pytest.fail("PostgreSQL is required for the make serve test: set DATABASE_URL (make test does).")
    database = connection.settings_dict
    admin_url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/postgres"
    name = f"installer_ops_serve_{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}",
        "REDIS_URL": redis_url,
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = ServeOutput(process)
    base = f"http://127.0.0.1:{port}"
    try:
        # Set-up (migrations on a new database, collectstatic when the static
        # sources changed) takes what it takes on a loaded machine: wait for
        # make serve to say its processes are running, or to exit.
        output.wait_for("serve: http://", process)
        # From then on gunicorn only has to boot its workers.
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"make serve exited before it served:\n{output.tail()}"
            try:
                status, body = get(f"{base}/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not answer /healthz in 120 s:\n{output.tail()}"
            time.sleep(0.2)
        yield base, name, admin_url, body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_make_serve_survives_its_database_connections_being_terminated(served):
    base, name, admin_url, first = served
    assert first["database"]["vendor"] == "postgresql" and first["broker"]["mode"] == "redis"
    # Every gunicorn worker and thread opens its persistent connection.
    for _ in range(20):
        assert get(f"{base}/healthz")[0] == 200
    with psycopg.connect(admin_url, autocommit=True) as conn:
        terminated = conn.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()) t",
            [name],
        ).fetchone()[0]
    assert terminated > 0, "no connection of the app was open to terminate"
    # The next requests succeed, on every worker, without a restart.
    statuses = [get(f"{base}/healthz") for _ in range(20)]
    assert [s for s, _ in statuses] == [200] * 20
    assert all(body["database"]["ok"] for _, body in statuses)
