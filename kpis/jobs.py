"""Recompute jobs: requested by a person, an import or the nightly schedule;
run by a worker; progress readable through the API."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops import values
from installer_ops.policies import require
from installer_ops.tasking import publish

from . import policies
from .computation import kpis_compute
from .models import Grain, KpiJob

NIGHTLY_DAYS = 120  # the nightly job recomputes the recent periods
SWEEP_GRACE = datetime.timedelta(seconds=settings.KPI_SWEEP_GRACE_SECONDS)


# A recompute covers periods in the plausible window of the data
# (installer_ops/values.py), and at most this many years at once.
EARLIEST = values.WINDOW_START
MAX_YEARS = 10


def recompute_range_validate(*, since: datetime.date, until: datetime.date) -> None:
    """The range a recompute may cover, whoever asks (API, page, command)."""
    if since > until:
        raise ValidationError({"since": _("The start is after the end.")})
    latest = values.window_end()
    if since < EARLIEST:
        raise ValidationError({"since": _("Recomputes start on %(date)s or later.") % {"date": EARLIEST.isoformat()}})
    if until > latest:
        raise ValidationError({"until": _("Recomputes end on %(date)s or earlier.") % {"date": latest.isoformat()}})
    if (until - since).days > MAX_YEARS * 366:
        raise ValidationError({"until": _("A recompute covers at most %(n)s years.") % {"n": MAX_YEARS}})


def kpi_job_request(*, actor, since: datetime.date, until: datetime.date, grains=None) -> KpiJob:
    """Record a recompute and enqueue it once the request's transaction commits."""
    require(policies.can_recompute_kpis(actor))
    recompute_range_validate(since=since, until=until)
    job = KpiJob.objects.create(since=since, until=until, grains=list(grains or Grain.values), requested_by=actor)
    transaction.on_commit(lambda: kpi_job_enqueue(job_id=job.pk))
    return job


def kpi_job_enqueue(*, job_id) -> bool:
    """Hand a recorded job to the broker; with the broker down it stays
    queued, not enqueued, for kpi_jobs_sweep."""
    from .tasks import run_kpi_job  # here: the task module imports this one

    # Stamped before publishing: an eager run (no broker) finishes inside publish().
    KpiJob.objects.filter(pk=job_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
    if publish(run_kpi_job, str(job_id)):
        return True
    KpiJob.objects.filter(pk=job_id).update(enqueued_at=None)
    return False


def kpi_jobs_sweep(*, grace: datetime.timedelta = SWEEP_GRACE) -> int:
    """Enqueue the jobs recorded while the broker was down (queued, never
    enqueued, older than `grace` so as not to race a request's own
    after-commit publish). Returns how many the broker took."""
    waiting = KpiJob.objects.filter(
        status=KpiJob.Status.QUEUED, enqueued_at__isnull=True, created_at__lt=timezone.now() - grace
    ).order_by("created_at")
    return sum(kpi_job_enqueue(job_id=job_id) for job_id in waiting.values_list("pk", flat=True))


def kpi_job_run(*, job_id) -> KpiJob:
    """Run a job grain by grain, recording progress. Idempotent: the
    computation writes only what changed, so a rerun (after a worker died)
    finishes with the same snapshots."""
    job = KpiJob.objects.get(pk=job_id)
    KpiJob.objects.filter(pk=job.pk).update(status=KpiJob.Status.RUNNING, progress=0.0, error="")
    written = 0
    try:
        for index, grain in enumerate(job.grains, start=1):
            written += kpis_compute(since=job.since, until=job.until, grains=[grain])
            KpiJob.objects.filter(pk=job.pk).update(progress=index / len(job.grains), written=written)
    except Exception as exc:
        # Recorded at once, never left "running": a retry that succeeds
        # clears it; one that does not leaves the error to read.
        kpi_job_fail(job_id=job.pk, error=repr(exc))
        raise
    KpiJob.objects.filter(pk=job.pk).update(status=KpiJob.Status.DONE, progress=1.0, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def kpi_job_fail(*, job_id, error: str) -> None:
    KpiJob.objects.filter(pk=job_id).update(status=KpiJob.Status.FAILED, error=error[:2000], finished_at=timezone.now())


def nightly_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=NIGHTLY_DAYS), today
