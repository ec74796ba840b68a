"""Recompute jobs: requested by a person, an import or the nightly schedule;
run by a worker; progress readable through the API."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .computation import kpis_compute
from .models import Grain, KpiJob

NIGHTLY_DAYS = 120  # the nightly job recomputes the recent periods


def kpi_job_request(*, since: datetime.date, until: datetime.date, grains=None, by=None) -> KpiJob:
    """Record a recompute and enqueue it once the request's transaction commits."""
    from .tasks import run_kpi_job  # the task module imports this one

    if since > until:
        raise ValidationError({"since": _("The start is after the end.")})
    job = KpiJob.objects.create(since=since, until=until, grains=list(grains or Grain.values), requested_by=by)
    transaction.on_commit(lambda: run_kpi_job.delay(str(job.pk)))
    return job


def kpi_job_run(*, job_id) -> KpiJob:
    """Run a job grain by grain, recording progress. Idempotent: the
    computation writes only what changed, so a rerun (after a worker died)
    finishes with the same snapshots."""
    job = KpiJob.objects.get(pk=job_id)
    KpiJob.objects.filter(pk=job.pk).update(status=KpiJob.Status.RUNNING, progress=0.0, error="")
    written = 0
    for index, grain in enumerate(job.grains, start=1):
        written += kpis_compute(since=job.since, until=job.until, grains=[grain])
        KpiJob.objects.filter(pk=job.pk).update(progress=index / len(job.grains), written=written)
    KpiJob.objects.filter(pk=job.pk).update(status=KpiJob.Status.DONE, progress=1.0, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def kpi_job_fail(*, job_id, error: str) -> None:
    KpiJob.objects.filter(pk=job_id).update(status=KpiJob.Status.FAILED, error=error[:2000], finished_at=timezone.now())


def nightly_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=NIGHTLY_DAYS), today
