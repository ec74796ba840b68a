"""Reads of the KPI snapshots for the executive dashboard, in a fixed number
of queries whatever the number of pods."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from installer_ops.models import Geography, Pod, Vertical

from .models import LOWER_IS_BETTER, KpiCode, KpiSnapshot, KpiTarget, Scope
from .periods import period_of

RATE_KPIS = {KpiCode.FIRST_TIME_SUCCESS, KpiCode.AUDIT_PASS_RATE, KpiCode.CHURN, KpiCode.PROMOTION_RATE}
TREND_PERIODS = 12
CHILD_SCOPES = {
    Scope.ORG: [Scope.GEOGRAPHY, Scope.VERTICAL, Scope.POD],
    Scope.GEOGRAPHY: [Scope.POD],
    Scope.VERTICAL: [Scope.POD],
    Scope.POD: [],
}


def format_value(kpi: str, value: float | None) -> str:
    # Templates pass "" for a missing snapshot's value: that is "no value" too.
    if value is None or not isinstance(value, int | float):
        return "—"
    if kpi in RATE_KPIS:
        return f"{value * 100:.1f} %"
    return f"{value:.1f} h"


@dataclass
class Tile:
    kpi: str
    label: str
    latest: KpiSnapshot | None
    previous: KpiSnapshot | None
    target: float | None
    lower_is_better: bool
    series: list[KpiSnapshot] = field(default_factory=list)

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
    tiles: list[Tile]
    breakdown: dict  # child scope -> [BreakdownRow]
    computed_at: datetime.datetime | None


def scope_names() -> dict:
    """(scope, id) -> name, for every scope: three queries."""
    names = {(Scope.ORG, 0): str(_("Organisation"))}
    names |= {(Scope.GEOGRAPHY, g.pk): g.name for g in Geography.objects.all()}
    names |= {(Scope.VERTICAL, v.pk): v.name for v in Vertical.objects.all()}
    names |= {(Scope.POD, p.pk): p.name for p in Pod.objects.all()}
    return names


def pods_in(scope: str, scope_id: int) -> set[int] | None:
    if scope == Scope.GEOGRAPHY:
        return set(Pod.objects.filter(geography_id=scope_id).values_list("pk", flat=True))
    if scope == Scope.VERTICAL:
        return set(Pod.objects.filter(vertical_id=scope_id).values_list("pk", flat=True))
    return None


def dashboard(*, scope: str, scope_id: int, grain: str, today: datetime.date) -> Dashboard:
    current = period_of(today, grain)
    names = scope_names()
    series_rows = list(
        KpiSnapshot.objects.filter(
            scope=scope, scope_id=scope_id, grain=grain, period_start__lte=current.start
        ).order_by("kpi", "-period_start")
    )
    by_kpi = defaultdict(list)
    for snapshot in series_rows:
        if len(by_kpi[snapshot.kpi]) < TREND_PERIODS:
            by_kpi[snapshot.kpi].append(snapshot)
    targets = {}
    for target in KpiTarget.objects.filter(scope__in=[Scope.ORG, scope], scope_id__in=[0, scope_id]):
        # A scope's own target overrides the organisation's default.
        if (target.scope, target.scope_id) == (scope, scope_id) or target.kpi not in targets:
            targets[target.kpi] = target.target
    tiles = []
    for kpi, label in KpiCode.choices:
        series = list(reversed(by_kpi.get(kpi, [])))
        tiles.append(
            Tile(
                kpi=kpi,
                label=label,
                latest=series[-1] if series else None,
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
            if snapshot.scope == Scope.POD and within is not None and snapshot.scope_id not in within:
                continue
            rows[(snapshot.scope, snapshot.scope_id)][snapshot.kpi] = snapshot
        for (child, child_id), values in sorted(rows.items(), key=lambda item: names.get(item[0], "")):
            breakdown[child].append(BreakdownRow(child, child_id, names.get((child, child_id), "?"), values))
    computed = [s.computed_at for s in series_rows]
    return Dashboard(
        scope=scope,
        scope_id=scope_id,
        name=names.get((scope, scope_id), "?"),
        grain=grain,
        period_start=current.start,
        tiles=tiles,
        breakdown=breakdown,
        computed_at=max(computed) if computed else None,
    )
