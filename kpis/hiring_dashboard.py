"""The dashboard's hiring section, read from the snapshots the dashboard has
already fetched (kpis/selectors.py): the hiring KPIs' tiles, the funnel of
the candidates who applied over the trend's periods, and, for the
organisation, the last complete period by hiring source against target.
Aggregates only: counts per stage and figures per source, never a person."""

from dataclasses import dataclass, field

from hiring.models import PIPELINE

from .models import KpiCode, Scope
from .periods import Period
from .registry import HIRING_KPIS

# Candidates beyond the pipeline's first stage are counted by the furthest
# stage they reached (kpis/hiring_kpis.py: candidate_conversion).
STAGES = [(stage.value, stage.label) for stage in PIPELINE]


@dataclass
class FunnelStep:
    stage: str
    label: str
    reached: int
    of_applied: float | None  # a fraction of those who applied
    of_previous: float | None  # a fraction of those who reached the stage before


@dataclass
class HiringSection:
    tiles: list  # selectors.Tile of the hiring KPIs this scope has
    funnel: list[FunnelStep]
    still_open: int  # candidates of the funnel still in the pipeline
    since: Period  # the funnel's first period
    until: Period  # and its last (the last complete one)
    sources: list = field(default_factory=list)  # selectors.BreakdownRow per source (organisation only)

    @property
    def applied(self) -> int:
        return self.funnel[0].reached if self.funnel else 0

    @property
    def has_figures(self) -> bool:
        return bool(self.applied) or any(tile.has_trend for tile in self.tiles)


def funnel_of(series: list) -> tuple[list[FunnelStep], int]:
    """The conversion snapshots of a scope's periods summed stage by stage
    (each candidate counts in the period they applied in, so the sum counts
    each once), and how many of them are still in the pipeline."""
    reached = dict.fromkeys((stage for stage, _label in STAGES), 0)
    still_open = 0
    for snapshot in series:
        if snapshot is None:
            continue
        for stage, count in snapshot.details.get("reached", {}).items():
            if stage in reached:
                reached[stage] += int(count)
        still_open += int(snapshot.details.get("open", 0))
    applied = reached[PIPELINE[0].value]
    steps, before = [], None
    for stage, label in STAGES:
        n = reached[stage]
        steps.append(
            FunnelStep(
                stage,
                str(label),
                n,
                n / applied if applied else None,
                n / before if before else None,
            )
        )
        before = n
    return steps, still_open


def hiring_section(*, scope: str, tiles: list, trend: list[Period], source_rows: list) -> HiringSection | None:
    """None where the scope has no hiring KPIs (a cohort)."""
    mine = [tile for tile in tiles if tile.kpi in HIRING_KPIS]
    if not mine:
        return None
    conversion = next((tile for tile in mine if tile.kpi == KpiCode.CANDIDATE_CONVERSION), None)
    funnel, still_open = funnel_of(conversion.series if conversion else [])
    return HiringSection(
        tiles=mine,
        funnel=funnel,
        still_open=still_open,
        since=trend[0],
        until=trend[-1],
        sources=source_rows if scope == Scope.ORG else [],
    )
