"""Reads of the KPI snapshots for the executive dashboard, in a fixed number
of queries whatever the number of pods."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from bootcamp.models import Cohort
from installer_ops.models import Geography, Pod, Vertical

from .figures import change_between, format_change, format_value, improving, target_status  # noqa: F401 - re-exported for the template tags
from .hiring_dashboard import HiringSection, hiring_section
from .models import KpiCode, KpiJob, KpiSnapshot, KpiTarget, Scope
from .periods import Period, last_complete, previous
from .policies import field_rows_visible_to  # noqa: F401 - the scope is the policies'; re-exported
from .registry import COHORT_KPIS, HIRING_KPIS, LOWER_IS_BETTER, column_label, kpis_of
from .running import Running, running_figures, spans
from .sources import source_names

BREAKDOWN_FIELDS = (
    "kpi",
    "scope",
    "scope_id",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "provisional",
    "computed_at",
)
TREND_PERIODS = 12
COHORTS_COMPARED = 12
CHILD_SCOPES = {
    Scope.ORG: [Scope.GEOGRAPHY, Scope.VERTICAL, Scope.POD],
    Scope.GEOGRAPHY: [Scope.POD],
    Scope.VERTICAL: [Scope.POD],
    Scope.POD: [],
    Scope.COHORT: [],
    Scope.SOURCE: [],
}


@dataclass
class Tile:
    """One KPI's headline: the last complete period against the complete one
    before, and apart from it the running period so far against the same span
    of the period before."""

    kpi: str
    label: str
    complete: KpiSnapshot | None  # the last complete period
    before: KpiSnapshot | None  # the complete period before it
    target: float | None
    lower_is_better: bool
    series: list[KpiSnapshot | None] = field(default_factory=list)  # complete periods, oldest first
    running: Running | None = None

    @property
    def value(self) -> float | None:
        return self.complete.value if self.complete else None

    @property
    def column_label(self) -> str:
        return column_label(self.kpi)

    @property
    def change(self) -> float | None:
        return change_between(self.kpi, self.value, self.before.value if self.before else None)

    @property
    def improving(self) -> bool | None:
        return improving(self.kpi, self.change)

    @property
    def status(self) -> str | None:
        return target_status(self.kpi, self.value, self.target)

    @property
    def running_change(self) -> float | None:
        if not self.running or not self.running.now or not self.running.before:
            return None
        return change_between(self.kpi, self.running.now.value, self.running.before.value)

    @property
    def running_improving(self) -> bool | None:
        return improving(self.kpi, self.running_change)

    @property
    def has_trend(self) -> bool:
        return any(s is not None and s.value is not None for s in self.series)


@dataclass
class BreakdownRow:
    scope: str
    scope_id: int
    name: str
    values: dict  # kpi -> snapshot (on the dashboard, a named tuple of BREAKDOWN_FIELDS)
    targets: dict = field(default_factory=dict)  # kpi -> the target this scope is held to

    def status(self, kpi: str) -> str | None:
        snapshot = self.values.get(kpi)
        return target_status(kpi, snapshot.value if snapshot else None, self.targets.get(kpi))


@dataclass
class Dashboard:
    scope: str
    scope_id: int
    name: str
    grain: str
    period: Period  # the last complete period: the headlines' and the breakdown's
    before: Period  # the complete period before it
    span: Period  # the running period so far
    before_span: Period  # the same span of the period before
    trend: list[Period]  # the trend's complete periods, oldest first
    tiles: list[Tile]
    breakdown: dict  # child scope -> [BreakdownRow]
    computed_at: datetime.datetime | None
    cohorts: list["CohortRow"] = field(default_factory=list)
    hiring: HiringSection | None = None

    @property
    def field_tiles(self) -> list[Tile]:
        """The tiles above the breakdown: every KPI but hiring's (kpis/hiring_dashboard.py)."""
        return [tile for tile in self.tiles if tile.kpi not in HIRING_KPIS]

    @property
    def period_start(self) -> datetime.date:
        return self.period.start

    @property
    def periods(self) -> list[datetime.date]:
        return [period.start for period in self.trend]

    @property
    def has_figures(self) -> bool:
        return self.computed_at is not None or any(t.running and t.running.now for t in self.tiles)


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


def scope_names(cohorts: bool = True) -> dict:
    """(scope, id) -> name, for every scope: four queries (three without
    the cohorts, which only a cohort's own dashboard needs of them: an
    organisation has hundreds)."""
    names = {(Scope.ORG, 0): str(_("Organisation"))}
    names |= {(Scope.GEOGRAPHY, pk): name for pk, name in Geography.objects.values_list("pk", "name")}
    names |= {(Scope.VERTICAL, pk): name for pk, name in Vertical.objects.values_list("pk", "name")}
    names |= {(Scope.POD, pk): name for pk, name in Pod.objects.values_list("pk", "name")}
    if cohorts:
        names |= {(Scope.COHORT, pk): name for pk, name in Cohort.objects.values_list("pk", "name")}
    names |= {(Scope.SOURCE, number): name for number, name in source_names().items()}
    return names


def pods_in(scope: str, scope_id: int) -> set[int] | None:
    if scope == Scope.GEOGRAPHY:
        return set(Pod.objects.filter(geography_id=scope_id).values_list("pk", flat=True))
    if scope == Scope.VERTICAL:
        return set(Pod.objects.filter(vertical_id=scope_id).values_list("pk", flat=True))
    return None


def targets_by_scope() -> dict:
    """(kpi, scope, scope id) -> target, every target stored: one query (a few dozen rows)."""
    return {(t.kpi, t.scope, t.scope_id): t.target for t in KpiTarget.objects.all()}


def target_of(targets: dict, kpi: str, scope: str, scope_id: int) -> float | None:
    """A scope's own target overrides the organisation's default."""
    own = targets.get((kpi, scope, scope_id))
    return own if own is not None else targets.get((kpi, Scope.ORG, 0))


def trend_of(period: Period, count: int = TREND_PERIODS) -> list[Period]:
    """`count` periods ending with `period`, oldest first."""
    trend = [period]
    while len(trend) < count:
        trend.insert(0, previous(trend[0]))
    return trend


def dashboard(*, scope: str, scope_id: int, grain: str, today: datetime.date) -> Dashboard:
    """Everything the dashboard shows for one scope; LookupError for an unknown scope id.
    Headlines and breakdown are of the last complete period; the running one
    is computed apart, against the same span of the period before."""
    names = scope_names(cohorts=scope == Scope.COHORT)
    if scope != Scope.ORG and (scope, scope_id) not in names:
        raise LookupError(f"no {scope} {scope_id}")
    period = last_complete(today, grain)
    trend = trend_of(period)
    starts = [p.start for p in trend]
    series_rows = list(
        KpiSnapshot.objects.filter(
            scope=scope, scope_id=scope_id, grain=grain, period_start__gte=starts[0], period_start__lte=today
        )
    )
    # A period without facts has no snapshot: it shows as a gap, not as the last value seen.
    by_kpi = defaultdict(dict)
    for snapshot in series_rows:
        by_kpi[snapshot.kpi][snapshot.period_start] = snapshot
    targets = targets_by_scope()
    computed = [s.computed_at for s in series_rows]
    computed_at = max(computed) if computed else None
    codes = kpis_of(scope)
    running = {}
    if computed_at is not None:  # nothing computed yet: no figures of any kind to compare
        running = running_figures(
            scope=scope, scope_id=scope_id, grain=grain, today=today, kpis=codes, stamp=computed_at.isoformat()
        )
    tiles = []
    for kpi, label in KpiCode.choices:
        if kpi not in codes:
            continue
        series = [by_kpi[kpi].get(start) for start in starts]
        tiles.append(
            Tile(
                kpi=kpi,
                label=label,
                complete=series[-1],
                before=series[-2],
                target=target_of(targets, kpi, scope, scope_id),
                lower_is_better=kpi in LOWER_IS_BETTER,
                series=series,
                running=running.get(kpi),
            )
        )
    children = CHILD_SCOPES[scope]
    breakdown = {child: [] for child in children}
    # The organisation's hiring section breaks down by source: read with the children.
    listed = [*children, Scope.SOURCE] if scope == Scope.ORG else children
    rows = defaultdict(dict)
    if listed:
        # A row per scope and KPI (some 2,000 with 200 pods), read as named
        # tuples with the attributes the table and the CSV read: building a
        # model instance each cost more than the query.
        breakdown_rows = KpiSnapshot.objects.filter(scope__in=listed, grain=grain, period_start=period.start)
        for snapshot in breakdown_rows.values_list(*BREAKDOWN_FIELDS, named=True):
            rows[(snapshot.scope, snapshot.scope_id)][snapshot.kpi] = snapshot
    if children:
        within = pods_in(scope, scope_id)
        # Every child is listed, with or without figures this period.
        for (child, child_id), name in sorted(names.items(), key=lambda item: item[1]):
            if child not in breakdown or (child == Scope.POD and within is not None and child_id not in within):
                continue
            row_targets = {kpi: target_of(targets, kpi, child, child_id) for kpi in codes}
            breakdown[child].append(BreakdownRow(child, child_id, name, rows.get((child, child_id), {}), row_targets))
    sources = [
        BreakdownRow(
            Scope.SOURCE,
            source_id,
            name,
            rows.get((Scope.SOURCE, source_id), {}),
            {kpi: target_of(targets, kpi, Scope.SOURCE, source_id) for kpi in HIRING_KPIS},
        )
        for (kind, source_id), name in names.items()
        if kind == Scope.SOURCE
    ]
    span, before_span = spans(today, grain)
    return Dashboard(
        scope=scope,
        scope_id=scope_id,
        name=names.get((scope, scope_id), "?"),
        grain=grain,
        period=period,
        before=previous(period),
        span=span,
        before_span=before_span,
        trend=trend,
        tiles=tiles,
        breakdown=breakdown,
        computed_at=computed_at,
        cohorts=cohort_comparison(today) if scope == Scope.ORG else [],
        hiring=hiring_section(scope=scope, tiles=tiles, trend=trend, source_rows=sources),
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
