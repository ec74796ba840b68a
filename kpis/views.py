"""The executive dashboard: headlines of the last complete period, the
running one so far, trends, breakdown with drill-down, CSV (kpis/exports.py)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from installer_ops.roles import Role
from installer_ops.views import role_required

from .charts import chart_data, funnel_data
from .exports import dashboard_csv
from .models import Grain, KpiCode, Scope
from .periods import dates_of, period_name, span_name
from .policies import can_recompute_kpis
from .registry import COHORT_KPIS, benchmarks, column_label
from .selectors import dashboard as dashboard_data
from .selectors import recompute_failure


def nightly_time() -> str:
    """When the nightly computation runs, as the empty states say it: "02:00 UTC"."""
    schedule = settings.CELERY_BEAT_SCHEDULE["kpis-nightly"]["schedule"]
    return f"{min(schedule.hour):02d}:{min(schedule.minute):02d} {settings.CELERY_TIMEZONE}"


def scope_query(scope: str, scope_id: int, grain: str) -> str:
    """The query string that keeps a page's scope and grain in its links."""
    own = "" if scope == Scope.ORG else f"scope={scope}&scope_id={scope_id}&"
    return f"{own}grain={grain}"


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
        f"chart-{tile.kpi}": chart_data(tile.kpi, tile.label, data.trend, tile.series, tile.target)
        for tile in data.tiles
        if tile.has_trend
    }
    hiring = data.hiring
    if hiring is not None and hiring.applied:
        charts["chart-funnel"] = funnel_data(hiring)
    return render(
        request,
        "kpis/dashboard.html",
        {
            "data": data,
            "recompute_failure": recompute_failure(),
            "charts": charts,
            "grains": Grain.choices,
            "scopes": Scope,
            "cohort_kpis": [(kpi, KpiCode(kpi).label, column_label(kpi)) for kpi in COHORT_KPIS],
            "period_name": period_name(data.period),
            "period_dates": dates_of(data.period),
            "before_name": period_name(data.before),
            "span_dates": dates_of(data.span),
            "before_span_name": span_name(data.before_span),
            "funnel_since": period_name(hiring.since) if hiring else "",
            "funnel_until": period_name(hiring.until) if hiring else "",
            "nightly_time": nightly_time(),
            "can_recompute": can_recompute_kpis(request.user),
            "scope_query": scope_query(scope, scope_id, grain),
            "benchmark_sources": [
                (tile.label, benchmarks(tile.kpi).source) for tile in data.tiles if benchmarks(tile.kpi)
            ],
        },
    )
