"""The broker stopped for real (a redis-server of the test's own): check-offs
sync, imports and recompute requests succeed; once the broker is back, the
sweep enqueues the recorded recomputes and the snapshots appear."""

import datetime
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis

from bootcamp.models import CheckoffEvent
from installer_ops.celery import app as celery_app
from kpis.models import Audit, KpiJob, KpiSnapshot
from kpis.tasks import sweep_queued_kpi_jobs
from tests.factories import UserFactory
from tests.integration.conftest import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]


class OwnRedis:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is required for the broker outage test (Debian package redis-server).")
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: self.reachable(), timeout=10, interval=0.05)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self.reachable()

    def reachable(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False


def use_broker(url: str) -> None:
    # The app's broker for this process: its cached connection pools belong
    # to the old URL, so they go too (Celery builds them again on first use).
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_broker(transactional_db, monkeypatch):
    broker = OwnRedis()
    broker.start()
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    use_broker(broker.url)
    celery_app.conf.task_always_eager = False
    # The worker's sweep may send jobs at once (the test waits for nothing else).
    monkeypatch.setenv("KPI_SWEEP_GRACE_SECONDS", "0")
    try:
        yield broker
    finally:
        use_broker(previous[0])
        celery_app.conf.task_always_eager = previous[1]
        if broker.process.poll() is None:
            broker.process.terminate()
            broker.process.wait(timeout=10)


def test_with_the_broker_stopped_work_succeeds_and_the_sweep_sends_it_when_it_is_back(own_broker, bootcamp, api):
    own_broker.stop()

    # A tablet syncs a check-off.
    started = time.monotonic()
    event = {
        "id": str(uuid.uuid4()),
        "type": "item.checked",
        "enrollment": bootcamp.enrollment.pk,
        "item": bootcamp.items[0].pk,
        "occurred_at": "2025-03-10T09:00:00+00:00",
    }
    synced = api.as_user(bootcamp.installer.user).post(
        "/api/v1/sync/", {"device_id": "tablet-1", "events": [event]}, format="json"
    )
    assert synced.status_code == 200 and synced.json()["results"][0]["status"] == "applied"

    # An import of field data, which records a recompute of its periods.
    admin = UserFactory(role="admin")
    row = {
        "audit_id": "A-1",
        "pod_code": bootcamp.pod_a.code,
        "installer": "",
        "audited_on": "2025-03-10",
        "passed": "true",
    }
    imported = api.as_user(admin).post("/api/v1/audits/", {"rows": [row]}, format="json")
    assert imported.status_code == 201, imported.json()

    # A recompute asked for by hand.
    executive = UserFactory(role="executive")
    body = {"since": "2025-03-01", "until": "2025-03-31", "grains": ["month"]}
    requested = api.as_user(executive).post("/api/v1/kpis/recompute/", body, format="json")
    assert requested.status_code == 202
    assert time.monotonic() - started < 10, "requests hung on the dead broker"

    assert CheckoffEvent.objects.count() == 1 and Audit.objects.count() == 1
    assert KpiJob.objects.filter(status="queued", enqueued_at__isnull=True).count() == 2
    assert not KpiSnapshot.objects.exists()

    # The broker comes back; a worker runs what beat sends, starting with the sweep.
    own_broker.start()
    worker = start_worker("celery", own_broker.url)
    try:
        sweep_queued_kpi_jobs.apply_async()
        wait_for(lambda: KpiJob.objects.filter(status="done").count() == 2, timeout=120)
    finally:
        output = stop_worker(worker)
    assert "sweep_queued_kpi_jobs" in output
    org = KpiSnapshot.objects.get(
        kpi="audit_pass_rate", scope="org", grain="month", period_start=datetime.date(2025, 3, 1)
    )
    assert (org.numerator, org.denominator) == (1, 1)
