"""The executive dashboard: tiles, trends, breakdown with drill-down, CSV (kpis/exports.py)."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from installer_ops.roles import Role
from installer_ops.views import role_required

from .exports import dashboard_csv
from .models import Grain, KpiCode, Scope
from .registry import COHORT_KPIS, unit
from .selectors import dashboard as dashboard_data
from .selectors import format_value, recompute_failure


@role_required(Role.EXECUTIVE, Role.ADMIN)
def dashboard(request):
    scope = request.GET.get("scope", Scope.ORG)
    grain = request.GET.get("grain", Grain.MONTH)
    try:
        scope_id = int(request.GET.get("scope_id", 0)) if scope != Scope.ORG else 0
    except ValueError as exc:
        raise Http404 from exc
    if scope not in Scope.values or grain not in Grain.values:
        raise Http404
    try:
        data = dashboard_data(scope=scope, scope_id=scope_id, grain=grain, today=timezone.localdate())
    except LookupError as exc:  # no such geography, vertical, pod or cohort
        raise Http404 from exc
    if request.GET.get("format") == "csv":
        return dashboard_csv(data)
    charts = {
        tile.kpi: {
            "labels": [start.isoformat() for start in data.periods],
            "values": [s.value if s else None for s in tile.series],
            "target": tile.target,
            "unit": unit(tile.kpi),
        }
        for tile in data.tiles
    }
    return render(
        request,
        "kpis/dashboard.html",
        {
            "data": data,
            "recompute_failure": recompute_failure(),
            "charts": charts,
            "grains": Grain.choices,
            "scopes": Scope,
            "format_value": format_value,
            "cohort_kpis": [(kpi, KpiCode(kpi).label) for kpi in COHORT_KPIS],
        },
    )
