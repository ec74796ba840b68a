"""A rebuild whose worker is killed mid-way, run again, gives the same
snapshots as an uninterrupted run (Redis and PostgreSQL for real)."""

import datetime
import random
import signal
import time
import uuid

import pytest

from kpis.computation import kpis_compute
from kpis.models import Audit, Incident, Install, KpiJob, KpiSnapshot, Node, Visit
from kpis.tasks import run_kpi_job
from tests.factories import InstallerFactory, PodFactory
from tests.integration.conftest import start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]
SINCE, UNTIL = datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)
UTC = datetime.UTC


def field_data():
    rng = random.Random(3)
    pods = [PodFactory() for _ in range(12)]
    for pod in pods:
        for _ in range(6):
            InstallerFactory(pod=pod, hired_on=SINCE + datetime.timedelta(days=rng.randint(0, 900)))
    installs, visits, nodes, incidents, audits = [], [], [], [], []
    for n in range(6000):
        pod = pods[n % len(pods)]
        installs.append(Install(external_id=f"I{n}", site="s", pod=pod))
        nodes.append(Node(serial=f"N{n}", site="s", pod=pod, installed_on=SINCE))
    Install.objects.bulk_create(installs, batch_size=2000)
    Node.objects.bulk_create(nodes, batch_size=2000)
    for install in Install.objects.all():
        first = datetime.datetime(2023, 1, 1, tzinfo=UTC) + datetime.timedelta(hours=rng.randint(0, 24 * 1090))
        visits.append(Visit(install=install, visited_at=first, outcome=rng.choice(["success", "success", "partial"])))
        if rng.random() < 0.3:
            visits.append(
                Visit(
                    install=install, visited_at=first + datetime.timedelta(days=rng.randint(1, 20)), outcome="success"
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)
    for n, node in enumerate(Node.objects.all()[:3000]):
        opened = datetime.datetime(2023, 1, 1, tzinfo=UTC) + datetime.timedelta(hours=rng.randint(0, 24 * 1090))
        incidents.append(
            Incident(
                external_id=f"INC{n}",
                node=node,
                severity="sev3",
                opened_at=opened,
                resolved_at=opened + datetime.timedelta(hours=rng.randint(1, 200)),
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=2000)
    for n in range(1500):
        audits.append(
            Audit(
                external_id=f"A{n}",
                pod=pods[n % len(pods)],
                passed=rng.random() < 0.9,
                audited_on=SINCE + datetime.timedelta(days=rng.randint(0, 1090)),
            )
        )
    Audit.objects.bulk_create(audits, batch_size=2000)


def snapshot_rows():
    return sorted(
        KpiSnapshot.objects.values_list(
            "kpi",
            "scope",
            "scope_id",
            "grain",
            "period_start",
            "period_end",
            "value",
            "numerator",
            "denominator",
            "provisional",
            "details",
        )
    )


def test_a_killed_rebuild_run_again_matches_an_uninterrupted_one(real_celery):
    field_data()
    job = KpiJob.objects.create(since=SINCE, until=UNTIL, grains=["week", "month", "quarter"])
    queue = f"itest-kill-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, real_celery)
    run_kpi_job.apply_async(args=[str(job.pk)], queue=queue)
    deadline = time.monotonic() + 120
    while True:  # wait until the rebuild is part-way through
        job.refresh_from_db()
        if job.status == "running" and 0 < job.progress < 1:
            break
        assert job.status != "done", "the rebuild finished before it could be interrupted"
        assert time.monotonic() < deadline, "the rebuild never started"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)  # no goodbye: as if the machine died
    worker.wait(timeout=10)
    stop_worker(worker)
    job.refresh_from_db()
    assert job.status == "running" and job.progress < 1  # it really stopped part-way
    partial = KpiSnapshot.objects.count()

    worker = start_worker(queue, real_celery)
    try:
        run_kpi_job.apply_async(args=[str(job.pk)], queue=queue).get(timeout=60)  # the parts are sent
        deadline = time.monotonic() + 180
        while job.status != "done":  # the job is done when its last part is
            assert job.status != "failed", job.error
            assert time.monotonic() < deadline, f"the rebuild did not finish: {job.parts_done} of {job.parts}"
            time.sleep(0.1)
            job.refresh_from_db()
    finally:
        stop_worker(worker)
    assert (job.status, job.progress) == ("done", 1.0)
    interrupted_then_rerun = snapshot_rows()
    assert len(interrupted_then_rerun) > partial > 0

    KpiSnapshot.objects.all().delete()
    kpis_compute(since=SINCE, until=UNTIL)
    assert snapshot_rows() == interrupted_then_rerun
