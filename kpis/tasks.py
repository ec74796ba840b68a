from celery import shared_task
from django.utils import timezone

from installer_ops.tasking import publish

from .jobs import kpi_job_part_run, kpi_job_request, kpi_job_start, kpi_jobs_sweep, nightly_window

RETRIED = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(bind=True, time_limit=3600, soft_time_limit=3500, **RETRIED)
def run_kpi_job(self, job_id: str) -> int:
    """Start a recompute job: one task per part (kpis/rebuild_parts.py), sent
    to the queue this task came from, for any number of workers to run side
    by side. Safe to run twice (acks_late: a job whose worker died is started
    again). A part the broker cannot take is run here."""
    queue = (self.request.delivery_info or {}).get("routing_key")
    parts = kpi_job_start(job_id=job_id)
    for part in parts:
        if not publish(run_kpi_job_part, job_id, part, _queue=queue):
            kpi_job_part_run(job_id=job_id, part=part)
    return len(parts)


@shared_task(time_limit=3600, soft_time_limit=3500, **RETRIED)
def run_kpi_job_part(job_id: str, part: str) -> int:
    """One part of a recompute; the last one done finishes the job. A failure
    is recorded on the job by kpi_job_part_run."""
    return kpi_job_part_run(job_id=job_id, part=part)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def nightly_kpis() -> str:
    """Beat: recompute the recent periods every night."""
    since, until = nightly_window(timezone.localdate())
    return str(kpi_job_request(actor=None, since=since, until=until).pk)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def sweep_queued_kpi_jobs() -> int:
    """Beat, every few minutes: enqueue the jobs recorded while the broker was down."""
    return kpi_jobs_sweep()
