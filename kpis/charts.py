"""The data of a KPI's trend chart, as kpis/static/kpis/charts.js draws it
(handed over with json_script, so that no inline script runs): values as
they are shown (percent for rates), the unit for the axis and the tooltips,
the target and any public benchmark as reference lines. Also the hiring
funnel's bars."""

from django.utils.translation import gettext as _

from .figures import shown
from .periods import Period, short_period_name
from .registry import benchmarks, unit_name, unit_symbol


def chart_data(kpi: str, label: str, trend: list[Period], series: list, target: float | None) -> dict:
    lines = []
    if target is not None:
        lines.append({"label": _("Target"), "value": shown(kpi, target), "kind": "target"})
    reference = benchmarks(kpi)
    if reference:
        lines += [{"label": str(b.label), "value": shown(kpi, b.value), "kind": "benchmark"} for b in reference.lines]
    return {
        "label": str(label),
        "labels": [short_period_name(period) for period in trend],
        "values": [shown(kpi, s.value) if s is not None and s.value is not None else None for s in series],
        "unit": unit_symbol(kpi),
        "axis": unit_name(kpi),
        "lines": lines,
    }


def funnel_data(section) -> dict:
    """The hiring funnel as a bar per stage: how many of the candidates who
    applied reached it, and that as a share of them (for the tooltips)."""
    return {
        "kind": "funnel",
        "label": _("Candidates"),
        "labels": [step.label for step in section.funnel],
        "values": [step.reached for step in section.funnel],
        "shares": [None if step.of_applied is None else round(step.of_applied * 100, 1) for step in section.funnel],
        "axis": _("Candidates"),
        "share_label": _("of those who applied"),
    }
