"""Part of bench/kpis.py (not a script of its own): a full rebuild run as
the product runs it, a recompute job whose parts real Celery workers take
from Redis, with one worker and with two, timed from the request to the
job's last part done."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _worker(queue: str, env: dict, index: int) -> subprocess.Popen:
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    return subprocess.Popen(  # noqa: S603 - our own worker command
        [
            celery,
            "-A",
            "installer_ops",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool=prefork",
            # A name of its own: two workers under one name answer as one.
            "-n",
            f"{queue}-{index}@%h",
            "-l",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        # Kept for a worker that does not start: var/ is git-ignored.
        stderr=(ROOT / "var" / f"bench-worker-{index}.log").open("w"),
    )


def timed_rebuild(workers: int, since, until, redis_url: str) -> float:
    """Seconds from the job's request to its end, with `workers` worker processes."""
    from django.db import connection

    from kpis.models import KpiJob, KpiSnapshot
    from kpis.tasks import run_kpi_job

    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": os.environ["DATABASE_URL"]}
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    processes = [_worker(queue, env, index) for index in range(workers)]
    try:
        # The workers' start (Django setup, broker connection) is not the rebuild's: wait until each answers.
        deadline = time.monotonic() + 120
        while len([r for r in run_kpi_job.app.control.ping(timeout=1.0) if any(queue in name for name in r)]) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery workers did not start")
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {KpiSnapshot._meta.db_table}")
        job = KpiJob.objects.create(since=since, until=until, grains=["week", "month", "quarter"])
        started = time.perf_counter()
        run_kpi_job.apply_async(args=[str(job.pk)], queue=queue)
        while job.status not in ("done", "failed"):
            time.sleep(0.05)
            job.refresh_from_db()
        elapsed = time.perf_counter() - started
        if job.status != "done":
            raise RuntimeError(f"the rebuild failed: {job.error}")
        return elapsed
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
