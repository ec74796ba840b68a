"""Reads of the KPI snapshots for the executive dashboard, in a fixed number
of queries whatever the number of pods."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from bootcamp.models import Cohort
from installer_ops.models import Geography, Pod, Vertical

from .models import KpiCode, KpiJob, KpiSnapshot, KpiTarget, Scope
from .periods import period_of
from .policies import field_rows_visible_to  # noqa: F401 - the scope is the policies'; re-exported
from .registry import COHORT_KPIS, LOWER_IS_BETTER, is_rate, unit

TREND_PERIODS = 12
COHORTS_COMPARED = 12
CHILD_SCOPES = {
    Scope.ORG: [Scope.GEOGRAPHY, Scope.VERTICAL, Scope.POD],
    Scope.GEOGRAPHY: [Scope.POD],
    Scope.VERTICAL: [Scope.POD],
    Scope.POD: [],
    Scope.COHORT: [],
}


def format_value(kpi: str, value: float | None) -> str:
    # Templates pass "" for a missing snapshot's value: that is "no value" too.
    if value is None or not isinstance(value, int | float):
        return "—"
    if is_rate(kpi):
        return f"{value * 100:.1f} %"
    return f"{value:.1f} {unit(kpi)}"


def format_change(kpi: str, change: float) -> str:
    """The size of a change beside its arrow: points for rates, hours or days otherwise."""
    if is_rate(kpi):
        return f"{abs(change) * 100:.1f} pts"
    return f"{abs(change):.1f} {unit(kpi)}"


@dataclass
class Tile:
    kpi: str
    label: str
    latest: KpiSnapshot | None
    previous: KpiSnapshot | None
    target: float | None
    lower_is_better: bool
    series: list[KpiSnapshot | None] = field(default_factory=list)  # one per trend period; None: no facts

    @property
    def change(self) -> float | None:
        if not self.latest or not self.previous or self.latest.value is None or self.previous.value is None:
            return None
        return self.latest.value - self.previous.value

    @property
    def improving(self) -> bool | None:
        if self.change is None or self.change == 0:
            return None
        return (self.change < 0) == self.lower_is_better

    @property
    def on_target(self) -> bool | None:
        if self.target is None or not self.latest or self.latest.value is None:
            return None
        return self.latest.value <= self.target if self.lower_is_better else self.latest.value >= self.target

    def display(self, value) -> str:
        return format_value(self.kpi, value)


@dataclass
class BreakdownRow:
    scope: str
    scope_id: int
    name: str
    values: dict  # kpi -> snapshot


@dataclass
class Dashboard:
    scope: str
    scope_id: int
    name: str
    grain: str
    period_start: datetime.date
    periods: list[datetime.date]  # the trend's period starts, oldest first
    tiles: list[Tile]
    breakdown: dict  # child scope -> [BreakdownRow]
    computed_at: datetime.datetime | None
    cohorts: list["CohortRow"] = field(default_factory=list)


@dataclass
class CohortFigure:
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class CohortRow:
    """One cohort (or the organisation, for comparison) over every period computed."""

    scope: str
    scope_id: int
    name: str
    start_on: datetime.date | None
    values: dict  # kpi -> CohortFigure


def scope_names() -> dict:
    """(scope, id) -> name, for every scope: three queries."""
    names = {(Scope.ORG, 0): str(_("Organisation"))}
    names |= {(Scope.GEOGRAPHY, g.pk): g.name for g in Geography.objects.all()}
    names |= {(Scope.VERTICAL, v.pk): v.name for v in Vertical.objects.all()}
    names |= {(Scope.POD, p.pk): p.name for p in Pod.objects.all()}
    names |= {(Scope.COHORT, c.pk): c.name for c in Cohort.objects.all()}
    return names


def pods_in(scope: str, scope_id: int) -> set[int] | None:
    if scope == Scope.GEOGRAPHY:
        return set(Pod.objects.filter(geography_id=scope_id).values_list("pk", flat=True))
    if scope == Scope.VERTICAL:
        return set(Pod.objects.filter(vertical_id=scope_id).values_list("pk", flat=True))
    return None


def dashboard(*, scope: str, scope_id: int, grain: str, today: datetime.date) -> Dashboard:
    """Everything the dashboard shows for one scope; LookupError for an unknown scope id."""
    names = scope_names()
    if scope != Scope.ORG and (scope, scope_id) not in names:
        raise LookupError(f"no {scope} {scope_id}")
    current = period_of(today, grain)
    trend = [current]
    while len(trend) < TREND_PERIODS:
        trend.insert(0, period_of(trend[0].start - datetime.timedelta(days=1), grain))
    starts = [period.start for period in trend]
    series_rows = list(
        KpiSnapshot.objects.filter(
            scope=scope, scope_id=scope_id, grain=grain, period_start__gte=starts[0], period_start__lte=current.start
        )
    )
    # A period without facts has no snapshot: it shows as a gap, not as the last value seen.
    by_kpi = defaultdict(dict)
    for snapshot in series_rows:
        by_kpi[snapshot.kpi][snapshot.period_start] = snapshot
    targets = {}
    for target in KpiTarget.objects.filter(scope__in=[Scope.ORG, scope], scope_id__in=[0, scope_id]):
        # A scope's own target overrides the organisation's default.
        if (target.scope, target.scope_id) == (scope, scope_id) or target.kpi not in targets:
            targets[target.kpi] = target.target
    tiles = []
    for kpi, label in KpiCode.choices:
        if scope == Scope.COHORT and kpi not in COHORT_KPIS:
            continue
        series = [by_kpi[kpi].get(start) for start in starts]
        tiles.append(
            Tile(
                kpi=kpi,
                label=label,
                latest=series[-1],
                previous=series[-2] if len(series) > 1 else None,
                target=targets.get(kpi),
                lower_is_better=kpi in LOWER_IS_BETTER,
                series=series,
            )
        )
    children = CHILD_SCOPES[scope]
    breakdown = {child: [] for child in children}
    if children:
        within = pods_in(scope, scope_id)
        rows = defaultdict(dict)
        for snapshot in KpiSnapshot.objects.filter(scope__in=children, grain=grain, period_start=current.start):
            rows[(snapshot.scope, snapshot.scope_id)][snapshot.kpi] = snapshot
        # Every child is listed, with or without figures this period.
        for (child, child_id), name in sorted(names.items(), key=lambda item: item[1]):
            if child not in breakdown or (child == Scope.POD and within is not None and child_id not in within):
                continue
            breakdown[child].append(BreakdownRow(child, child_id, name, rows.get((child, child_id), {})))
    computed = [s.computed_at for s in series_rows]
    return Dashboard(
        scope=scope,
        scope_id=scope_id,
        name=names.get((scope, scope_id), "?"),
        grain=grain,
        period_start=current.start,
        periods=starts,
        tiles=tiles,
        breakdown=breakdown,
        computed_at=max(computed) if computed else None,
        cohorts=cohort_comparison(today) if scope == Scope.ORG else [],
    )


def cohort_comparison(today: datetime.date) -> list[CohortRow]:
    """The latest cohorts to have started, side by side, each KPI over every quarter computed
    (sums of numerators over sums of denominators, so a cohort's figure is
    its whole history), with the organisation below for reference: two queries."""
    cohorts = list(Cohort.objects.filter(start_on__lte=today).order_by("-start_on", "-pk")[:COHORTS_COMPARED])
    sums = (
        KpiSnapshot.objects.filter(
            Q(scope=Scope.COHORT, scope_id__in=[c.pk for c in cohorts]) | Q(scope=Scope.ORG),
            kpi__in=COHORT_KPIS,
            grain="quarter",
        )
        .values("scope", "scope_id", "kpi")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    )
    values = defaultdict(dict)
    for row in sums:
        values[(row["scope"], row["scope_id"])][row["kpi"]] = CohortFigure(row["numerator"], row["denominator"])
    if not cohorts:
        return []
    rows = [CohortRow(Scope.COHORT, c.pk, c.name, c.start_on, values[(Scope.COHORT, c.pk)]) for c in cohorts]
    rows.append(CohortRow(Scope.ORG, 0, str(_("Organisation")), None, values[(Scope.ORG, 0)]))
    return rows


def kpi_snapshots(
    *, scope: str, scope_id: int, grain: str, kpi: str | None = None, start=None, end=None, limit: int
) -> list[KpiSnapshot]:
    """Stored snapshots of one scope and grain, by KPI and oldest period first: one query."""
    snapshots = KpiSnapshot.objects.filter(scope=scope, scope_id=scope_id, grain=grain)
    if kpi:
        snapshots = snapshots.filter(kpi=kpi)
    if start:
        snapshots = snapshots.filter(period_end__gte=start)
    if end:
        snapshots = snapshots.filter(period_start__lte=end)
    return list(snapshots.order_by("kpi", "period_start")[:limit])


def recompute_failure() -> KpiJob | None:
    """The newest recompute that failed, when no recompute has finished since:
    the dashboard says its figures may be out of date. One query."""
    latest = (
        KpiJob.objects.filter(status__in=[KpiJob.Status.DONE, KpiJob.Status.FAILED]).order_by("-finished_at").first()
    )
    return latest if latest is not None and latest.status == KpiJob.Status.FAILED else None
