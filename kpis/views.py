"""The executive dashboard: tiles, trends, breakdown with drill-down, CSV."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from installer_ops.roles import Role
from installer_ops.views import role_required

from .models import Grain, KpiCode, Scope
from .selectors import COHORT_KPIS, format_value, scope_names, unit
from .selectors import dashboard as dashboard_data


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
    if scope != Scope.ORG and (scope, scope_id) not in scope_names():
        raise Http404
    data = dashboard_data(scope=scope, scope_id=scope_id, grain=grain, today=timezone.localdate())
    if request.GET.get("format") == "csv":
        return _csv(data)
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
            "charts": charts,
            "grains": Grain.choices,
            "scopes": Scope,
            "format_value": format_value,
            "cohort_kpis": [(kpi, KpiCode(kpi).label) for kpi in COHORT_KPIS],
        },
    )


def _csv(data) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kpis-{data.scope}-{data.scope_id}-{data.grain}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "kpi",
            "scope",
            "scope_id",
            "name",
            "grain",
            "period_start",
            "period_end",
            "value",
            "numerator",
            "denominator",
            "target",
            "provisional",
            "computed_at",
        ]
    )
    for tile in data.tiles:
        for s in tile.series:
            if s is None:
                continue  # no facts in that period
            writer.writerow(
                [
                    tile.kpi,
                    data.scope,
                    data.scope_id or "",
                    data.name,
                    data.grain,
                    s.period_start,
                    s.period_end,
                    "" if s.value is None else s.value,
                    s.numerator,
                    s.denominator,
                    "" if tile.target is None else tile.target,
                    s.provisional,
                    s.computed_at.isoformat(),
                ]
            )
    for child, rows in data.breakdown.items():
        for row in rows:
            for kpi, s in row.values.items():
                writer.writerow(
                    [
                        kpi,
                        child,
                        row.scope_id,
                        row.name,
                        data.grain,
                        s.period_start,
                        s.period_end,
                        "" if s.value is None else s.value,
                        s.numerator,
                        s.denominator,
                        "",
                        s.provisional,
                        s.computed_at.isoformat(),
                    ]
                )
    for row in data.cohorts:
        for kpi, figure in row.values.items():
            # The comparison sums every quarter computed: no single period.
            writer.writerow(
                [
                    kpi,
                    row.scope,
                    row.scope_id or "",
                    row.name,
                    "all quarters",
                    "",
                    "",
                    "" if figure.value is None else figure.value,
                    figure.numerator,
                    figure.denominator,
                    "",
                    "",
                    "",
                ]
            )
    return response
