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
from .rebuild_parts import PARTS, kpis_of_part, parts_are_valid
from .refresh import kpis_refresh

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


def kpi_job_request(
    *, actor, since: datetime.date, until: datetime.date, grains=None, days=None, parts=None, part_days=None
) -> KpiJob:
    """Record a recompute and enqueue it once the request's transaction
    commits. `days`: only the periods holding one of them (a refresh,
    kpis/refresh.py), within [since, until]; `parts`: only these parts' KPIs
    (kpis/rebuild_parts.py; default every one; a part may join groups, and
    no KPI may be in two parts). `part_days`, instead of both: each part
    with its own days (an import's refresh: its incidents' days are not its
    visits' days)."""
    require(policies.can_recompute_kpis(actor))
    recompute_range_validate(since=since, until=until)

    def within(touched) -> list[str]:
        return sorted(day.isoformat() for day in touched or () if since <= day <= until)

    if part_days is not None:
        if days is not None or parts is not None:
            raise ValueError("part_days names the parts and their days: not with days or parts")
        parts, stored_days = list(part_days), {part: within(touched) for part, touched in part_days.items()}
        if not all(stored_days.values()):
            raise ValueError("every part of part_days needs a day within the range")
    else:
        stored_days = within(days)
    if parts and not parts_are_valid(parts):
        raise ValueError(f"unknown or overlapping parts: {list(parts)}")
    job = KpiJob.objects.create(
        since=since,
        until=until,
        grains=list(grains or Grain.values),
        days=stored_days,
        parts=list(parts or ()),
        requested_by=actor,
    )
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


def kpi_job_start(*, job_id) -> list[str]:
    """Mark a job running with every part still to do (those it was asked
    for, else all); returns the parts. Run again (after a worker died), it
    starts over: each part is idempotent."""
    parts = KpiJob.objects.values_list("parts", flat=True).get(pk=job_id) or list(PARTS)
    KpiJob.objects.filter(pk=job_id).update(
        status=KpiJob.Status.RUNNING, progress=0.0, written=0, error="", parts=parts, parts_done=[]
    )
    return list(parts)


def kpi_job_part_run(*, job_id, part: str) -> int:
    """Compute one part of a job (its KPIs over every grain), then record it
    done; the part that completes the set finishes the job. Safe to run
    twice: the computation writes only what changed, and a part is counted
    once. A failure is recorded on the job and raised (for the retry)."""
    job = KpiJob.objects.get(pk=job_id)
    days = [datetime.date.fromisoformat(day) for day in _days_of_part(job, part)]
    kpis = kpis_of_part(part)
    try:
        if days:
            written = kpis_refresh(days=days, grains=job.grains, kpis=kpis)
        else:
            written = kpis_compute(since=job.since, until=job.until, grains=job.grains, kpis=kpis)
    except Exception as exc:
        # Recorded at once, never left "running": a retry that succeeds
        # clears it; one that does not leaves the error to read.
        kpi_job_fail(job_id=job.pk, error=repr(exc))
        raise
    _part_done(job_id, part, written)
    return written


def _days_of_part(job: KpiJob, part: str) -> list[str]:
    """The days a part of the job refreshes (none: the whole range): the
    job's days, or the part's own where the job names them by part."""
    return job.days.get(part, []) if isinstance(job.days, dict) else job.days


@transaction.atomic
def _part_done(job_id, part: str, written: int) -> None:
    # The job's row locked: two workers finishing parts at once each see the other's.
    job = KpiJob.objects.select_for_update().get(pk=job_id)
    if part in job.parts_done:
        return
    job.parts_done = [*job.parts_done, part]
    job.written += written
    job.progress = len(job.parts_done) / max(len(job.parts), 1)
    fields = ["parts_done", "written", "progress"]
    if set(job.parts) <= set(job.parts_done):
        job.status, job.progress, job.error, job.finished_at = KpiJob.Status.DONE, 1.0, "", timezone.now()
        fields += ["status", "error", "finished_at"]
    job.save(update_fields=fields)


def kpi_job_run(*, job_id) -> KpiJob:
    """Run a whole job here, part after part (the command line, tests); the
    task run_kpi_job hands the parts to the workers instead."""
    for part in kpi_job_start(job_id=job_id):
        kpi_job_part_run(job_id=job_id, part=part)
    return KpiJob.objects.get(pk=job_id)


def kpi_job_fail(*, job_id, error: str) -> None:
    KpiJob.objects.filter(pk=job_id).update(status=KpiJob.Status.FAILED, error=error[:2000], finished_at=timezone.now())


def nightly_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=NIGHTLY_DAYS), today
