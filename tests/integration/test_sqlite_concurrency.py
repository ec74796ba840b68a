"""The embedded default under concurrent writes: 20 tablets syncing at once
against a server on SQLite all succeed (writers wait their turn: WAL, a
busy timeout, IMMEDIATE transactions), and every event is stored once."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("sqlite-server")]
TABLETS = 20
EVENTS = 10

SETUP = """
import datetime, json, sys
from rest_framework.authtoken.models import Token
from bootcamp import services
from bootcamp.models import Program
from installer_ops.services import role_groups_ensure
from tests.bootcamp.fixtures import MODULES
from tests.factories import InstallerFactory, PodFactory, lead_of

role_groups_ensure()
program = Program.objects.create(code="p", title="P")
version = services.program_version_create(actor=None, program=program, working_days=10, modules=MODULES)
services.program_version_publish(actor=None, version=version)
pod = PodFactory()
cohort = services.cohort_create(
    actor=None, name="C", program_version=version, start_on=datetime.date(2026, 11, 2),
    lead=lead_of(pod), pods=[pod], capacity=50,
)
installers = [InstallerFactory(pod=pod) for _ in range(int(sys.argv[1]))]
enrollments = services.enrollment_bulk_create(actor=None, cohort=cohort, installers=installers)
items = [item.pk for module in version.modules.all() for item in module.items.all()]
print(json.dumps([
    {"token": Token.objects.create(user=e.installer.user).key, "enrollment": e.pk, "items": items}
    for e in enrollments
]))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_twenty_tablets_syncing_at_once_on_sqlite_all_succeed(tmp_path):
    database = tmp_path / "embedded.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "installer_ops.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
    setup = subprocess.run(
        [*manage, "shell", "-c", f"import sys; sys.argv = ['', '{TABLETS}']\n{SETUP}"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    tablets = json.loads(setup.stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120  # a guard: readiness is polled below
        while True:
            assert server.poll() is None, "runserver exited"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.1)
        answers, start = [], threading.Barrier(TABLETS)

        def tablet(spec):
            now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
            events = [
                {"id": str(uuid.uuid4()), "type": "item.checked", "enrollment": spec["enrollment"], "item": item,
                 "occurred_at": now, "device_seq": n}
                for n, item in enumerate((spec["items"] * EVENTS)[:EVENTS])
            ]  # fmt: skip
            request = urllib.request.Request(  # noqa: S310 - loopback
                f"http://127.0.0.1:{port}/api/v1/sync/",
                data=json.dumps({"device_id": spec["token"][:8], "events": events}).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Token {spec['token']}"},
            )
            start.wait()  # every tablet sends at the same moment
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    answers.append((response.status, json.loads(response.read())))
            except urllib.error.HTTPError as error:
                answers.append((error.code, {}))

        threads = [threading.Thread(target=tablet, args=(spec,)) for spec in tablets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert sorted(status for status, _ in answers) == [200] * TABLETS
    assert all(r["status"] == "applied" for _, body in answers for r in body["results"])
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM bootcamp_checkoffevent").fetchone()[0] == TABLETS * EVENTS
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
