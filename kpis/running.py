"""The running period "so far", compared with the same span of the period
before (the first 3 days of this week against the first 3 days of last
week). Snapshots hold whole periods only, so both spans are computed here
from the facts with the KPIs' own aggregates (kpis/registry.py), for the one
scope asked. The dashboard is for executives and administrators, who read
every scope's aggregates; the figures are cached until the next computation
or ten minutes, whichever comes first."""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from .aggregates import Context
from .periods import Period, days_in, first_days, previous, running_span
from .registry import KPIS

CACHE_SECONDS = 600


@dataclass(frozen=True)
class SpanFigure:
    numerator: float
    denominator: float
    value: float | None


@dataclass(frozen=True)
class Running:
    """One KPI's running span and the same span of the period before."""

    span: Period
    before_span: Period
    now: SpanFigure | None  # None: no facts in the span
    before: SpanFigure | None

    @property
    def days(self) -> int:
        return days_in(self.span)


def spans(today: datetime.date, grain: str) -> tuple[Period, Period]:
    """Today's period up to today, and the same number of first days of the period before."""
    span = running_span(today, grain)
    return span, first_days(previous(span), days_in(span))


def _figures(kpis: list[str], span: Period, scope: str, scope_id: int) -> dict:
    # One context per span: churn and promotion rate share its headcounts.
    ctx = Context(now=timezone.now())
    found = {}
    for kpi in kpis:
        compute, scopes = KPIS[kpi]
        figure = compute([span], [scope], ctx).get((scope, span.start, scope_id))
        if figure is not None:
            found[kpi] = SpanFigure(float(figure.numerator), float(figure.denominator), figure.value)
    return found


def running_figures(
    *, scope: str, scope_id: int, grain: str, today: datetime.date, kpis: list[str], stamp: str
) -> dict[str, Running]:
    """kpi -> Running for the KPIs that have `scope`. `stamp` names the
    snapshots' latest computation, so that a recompute shows fresh figures."""
    span, before_span = spans(today, grain)
    kpis = [kpi for kpi in kpis if scope in KPIS[kpi][1]]
    # The KPIs' list hashed: spelled out, thirteen codes made the key longer than a cache key may be.
    listed = hashlib.sha256(",".join(kpis).encode()).hexdigest()[:16]
    key = f"kpis:running:{scope}:{scope_id}:{grain}:{today.isoformat()}:{stamp}:{listed}"
    cached = cache.get(key)
    if cached is None:
        cached = (_figures(kpis, span, scope, scope_id), _figures(kpis, before_span, scope, scope_id))
        cache.set(key, cached, CACHE_SECONDS)
    now, before = cached
    return {kpi: Running(span, before_span, now.get(kpi), before.get(kpi)) for kpi in kpis}
