"""The data of a KPI's trend chart, as kpis/static/kpis/charts.js draws it
(handed over with json_script, so that no inline script runs): values as
they are shown (percent for rates), the unit for the axis and the tooltips,
the target and any public benchmark as reference lines."""

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
