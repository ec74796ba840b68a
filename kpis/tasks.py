from celery import shared_task
from django.utils import timezone

from .jobs import kpi_job_request, kpi_job_run, kpi_jobs_sweep, nightly_window


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    time_limit=3600,
    soft_time_limit=3500,
)
def run_kpi_job(job_id: str) -> int:
    """Run a recompute job; safe to run twice (acks_late: a job whose worker
    died is run again). A failure is recorded on the job by kpi_job_run."""
    return kpi_job_run(job_id=job_id).written


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def nightly_kpis() -> str:
    """Beat: recompute the recent periods every night."""
    since, until = nightly_window(timezone.localdate())
    return str(kpi_job_request(actor=None, since=since, until=until).pk)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def sweep_queued_kpi_jobs() -> int:
    """Beat, every few minutes: enqueue the jobs recorded while the broker was down."""
    return kpi_jobs_sweep()
