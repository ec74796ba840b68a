"""Incremental refresh: after an import (or any write of facts), only the
periods holding a touched day are recomputed, each grain on its own, in
runs of consecutive periods. Every scope of those periods is recomputed:
the organisation's figure of a period reads all of the period's facts in
the same grouped pass that yields the pods', so narrowing to the touched
pods would save next to nothing. A refreshed snapshot equals what a full
rebuild stores (tests/kpis/test_refresh.py)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from .computation import kpis_compute_runs
from .models import Grain, Visit
from .periods import Period, kpi_zone, period_of, periods_between
from .rebuild_parts import CONSENT_PART
from .registry import KPIS
from .rollup import ROLLED_UP, quarters_from_months


def period_runs(days: Iterable[datetime.date], grain: str) -> list[tuple[datetime.date, datetime.date]]:
    """The periods of `grain` holding one of `days`, as (first day, last day)
    runs of consecutive periods."""
    periods: list[Period] = sorted({period_of(day, grain) for day in days}, key=lambda p: p.start)
    runs: list[tuple[datetime.date, datetime.date]] = []
    for period in periods:
        if runs and runs[-1][1] + datetime.timedelta(days=1) == period.start:
            runs[-1] = (runs[-1][0], period.end)
        else:
            runs.append((period.start, period.end))
    return runs


@transaction.atomic
def kpis_refresh(*, days: Iterable[datetime.date], grains=None, kpis=None, now: datetime.datetime | None = None) -> int:
    """Recompute the periods holding one of `days`; returns the snapshots
    written. The quarters of the first visits' KPIs are summed from their
    months (kpis/rollup.py) when the months are refreshed too."""
    days, grains, kpis = set(days), list(grains or Grain.values), list(kpis or KPIS)
    runs = {
        grain: [periods_between(since, until, grain) for since, until in period_runs(days, grain)] for grain in grains
    }
    summed = [kpi for kpi in kpis if kpi in ROLLED_UP] if {Grain.MONTH, Grain.QUARTER} <= set(grains) else []
    counted = [kpi for kpi in kpis if kpi not in summed]
    # One computation for the rest: the first visits are ranked once, for the weeks and months.
    shorter = [run for grain in grains if grain != Grain.QUARTER for run in runs[grain]]
    written = kpis_compute_runs(runs=shorter, kpis=kpis, now=now) if shorter else 0
    if counted and runs.get(Grain.QUARTER):
        written += kpis_compute_runs(runs=runs[Grain.QUARTER], kpis=counted, now=now)
    return written + quarters_from_months(runs.get(Grain.QUARTER, []), summed, timezone.now())


def refresh_after_consent(sender, *, install_refs, **kwargs) -> None:
    """A synced batch's consent records count in the periods of their
    installs' first visits: a refresh of the consent KPI there, recorded in
    the sync's transaction (kpi_job_request enqueues it after commit).
    Records naming installs not imported yet count nowhere until the import,
    whose own refresh reaches them."""
    from .jobs import kpi_job_request  # here: jobs imports this module

    firsts = (
        Visit.objects.filter(install__external_id__in=sorted(install_refs))
        .values("install_id")
        .annotate(first_at=Min("visited_at"))
        .values_list("first_at", flat=True)
    )
    days = {timezone.localtime(first_at, kpi_zone()).date() for first_at in firsts}
    if days:
        kpi_job_request(actor=None, since=min(days), until=max(days), days=days, parts=[CONSENT_PART])
