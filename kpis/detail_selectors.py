"""Reads of one KPI's page (kpis/detail_views.py): its trend in one scope,
the breakdown of a complete period by the scopes below, read through the
policies' scopes, and the facts behind the figure (kpis/facts.py)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from bootcamp.policies import cohorts_visible_to
from installer_ops.policies import pods_led_by
from installer_ops.roles import Role, role_of

from .facts import NOT_LISTED, Facts, facts_behind
from .hiring_facts import SOURCES as HIRING_FACTS
from .hiring_facts import hiring_facts_behind
from .models import KpiCode, KpiSnapshot, Scope
from .periods import Period, last_complete, period_of, previous
from .policies import kpi_scope_readable
from .registry import LOWER_IS_BETTER, REGISTRY, benchmarks, definition
from .running import running_figures
from .selectors import BreakdownRow, Tile, pods_in, scope_names, target_of, targets_by_scope, trend_of

# The scopes each scope's figure breaks down into on a KPI's page.
DETAIL_CHILDREN = {
    Scope.ORG: [Scope.GEOGRAPHY, Scope.VERTICAL, Scope.POD, Scope.COHORT, Scope.SOURCE],
    Scope.GEOGRAPHY: [Scope.POD],
    Scope.VERTICAL: [Scope.POD],
    Scope.POD: [],
    Scope.COHORT: [],
    Scope.SOURCE: [],
}


@dataclass
class KpiDetail:
    kpi: str
    label: str
    definition: str
    benchmarks: object
    scope: str
    scope_id: int
    name: str
    grain: str
    period: Period  # the period whose breakdown and facts are shown
    tile: Tile
    trend: list[Period]
    breakdown: dict  # child scope -> [BreakdownRow]
    facts: Facts | None
    facts_note: str  # why no rows are listed, when none are


def _readable_children(user, child: str) -> set[int] | None:
    """The ids of `child` scopes whose figures `user` reads (None: all)."""
    if role_of(user) != Role.LEAD:
        return None
    if child == Scope.POD:
        return set(pods_led_by(user).values_list("pk", flat=True))
    if child == Scope.COHORT:
        return set(cohorts_visible_to(user).values_list("pk", flat=True))
    return None


def kpi_detail(
    user, *, kpi: str, scope: str, scope_id: int, grain: str, today: datetime.date, period_start=None, page=None
) -> KpiDetail:
    """LookupError for an unknown KPI, a scope the KPI has no figures for, a
    scope outside the user's reach (as for one that does not exist), or a
    period that is not over yet."""
    if kpi not in KpiCode.values or scope not in REGISTRY[kpi].scopes:
        raise LookupError(kpi)
    if not kpi_scope_readable(user, scope, scope_id):
        raise LookupError(f"no {scope} {scope_id}")
    latest = last_complete(today, grain)
    period = latest if period_start is None else period_of(period_start, grain)
    if period.start > latest.start:
        raise LookupError("the period is not over")
    names = scope_names()
    trend = trend_of(latest)
    snapshots = {
        s.period_start: s
        for s in KpiSnapshot.objects.filter(
            kpi=kpi, scope=scope, scope_id=scope_id, grain=grain, period_start__gte=trend[0].start
        )
    }
    series = [snapshots.get(p.start) for p in trend]
    targets = targets_by_scope()
    computed = [s.computed_at for s in snapshots.values()]
    running = {}
    if computed:
        running = running_figures(
            scope=scope, scope_id=scope_id, grain=grain, today=today, kpis=[kpi], stamp=max(computed).isoformat()
        )
    tile = Tile(
        kpi=kpi,
        label=KpiCode(kpi).label,
        complete=snapshots.get(period.start),
        before=snapshots.get(previous(period).start),
        target=target_of(targets, kpi, scope, scope_id),
        lower_is_better=kpi in LOWER_IS_BETTER,
        series=series,
        running=running.get(kpi),
    )
    children = [c for c in DETAIL_CHILDREN[scope] if c in REGISTRY[kpi].scopes]
    breakdown = {child: [] for child in children}
    if children:
        values = defaultdict(dict)
        for s in KpiSnapshot.objects.filter(kpi=kpi, scope__in=children, grain=grain, period_start=period.start):
            values[(s.scope, s.scope_id)][kpi] = s
        within = pods_in(scope, scope_id)  # None: the organisation's, all of them
        for child in children:
            readable = _readable_children(user, child)
            for (kind, child_id), name in sorted(names.items(), key=lambda item: item[1]):
                if kind != child or (readable is not None and child_id not in readable):
                    continue
                if within is not None and child_id not in within:
                    continue
                row_targets = {kpi: target_of(targets, kpi, child, child_id)}
                breakdown[child].append(
                    BreakdownRow(child, child_id, name, values.get((child, child_id), {}), row_targets)
                )
    behind = hiring_facts_behind if kpi in HIRING_FACTS else facts_behind
    facts = behind(user, kpi=kpi, scope=scope, scope_id=scope_id, period=period, page_number=page)
    return KpiDetail(
        kpi=kpi,
        label=KpiCode(kpi).label,
        definition=definition(kpi),
        benchmarks=benchmarks(kpi),
        scope=scope,
        scope_id=scope_id,
        name=names.get((scope, scope_id), "?"),
        grain=grain,
        period=period,
        tile=tile,
        trend=trend,
        breakdown=breakdown,
        facts=facts,
        facts_note=str(NOT_LISTED.get(kpi, "")),
    )
