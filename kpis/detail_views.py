"""One KPI's page (/dashboard/kpis/<code>/): its definition, trend,
breakdown by the scopes below, and the facts behind a period's figure for
those who may read field rows."""

import datetime

from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops.roles import Role, role_of
from installer_ops.views import role_required

from .charts import chart_data
from .detail_selectors import kpi_detail as kpi_detail_data
from .models import Grain, Scope
from .periods import dates_of, period_name, previous, span_name
from .policies import can_read_field_data, can_recompute_kpis
from .registry import MEDIAN_KPIS, unit_name
from .views import nightly_time, scope_query


def _scope_of(request) -> tuple[str, int, str]:
    scope = request.GET.get("scope", Scope.ORG)
    grain = request.GET.get("grain", Grain.MONTH)
    if scope not in Scope.values or grain not in Grain.values:
        raise Http404
    try:
        scope_id = int(request.GET.get("scope_id", 0)) if scope != Scope.ORG else 0
    except ValueError as exc:
        raise Http404 from exc
    return scope, scope_id, grain


@role_required(Role.EXECUTIVE, Role.ADMIN, Role.LEAD)
def kpi_detail(request, code: str):
    scope, scope_id, grain = _scope_of(request)
    period_start = None
    if request.GET.get("period"):
        try:
            period_start = datetime.date.fromisoformat(request.GET["period"])
        except ValueError as exc:
            raise BadRequest(_("The period must be a date (YYYY-MM-DD).")) from exc
    try:
        data = kpi_detail_data(
            request.user,
            kpi=code,
            scope=scope,
            scope_id=scope_id,
            grain=grain,
            today=timezone.localdate(),
            period_start=period_start,
            page=request.GET.get("page"),
        )
    except LookupError as exc:  # no such KPI or scope, one outside the reader's reach, a period not over
        raise Http404 from exc
    tile = data.tile
    chart = chart_data(tile.kpi, tile.label, data.trend, tile.series, tile.target) if tile.has_trend else None
    return render(
        request,
        "kpis/kpi_detail.html",
        {
            "data": data,
            "tile": tile,
            "chart": chart,
            "chart_id": f"chart-{tile.kpi}",
            "grains": Grain.choices,
            "period_name": period_name(data.period),
            "period_dates": dates_of(data.period),
            "before_name": period_name(previous(data.period)),
            "span_dates": dates_of(tile.running.span) if tile.running else "",
            "before_span_name": span_name(tile.running.before_span) if tile.running else "",
            "periods": [(p.start.isoformat(), period_name(p)) for p in reversed(data.trend)],
            "unit_name": unit_name(tile.kpi),
            "is_median": tile.kpi in MEDIAN_KPIS,
            "nightly_time": nightly_time(),
            "can_recompute": can_recompute_kpis(request.user),
            "reads_rows": can_read_field_data(request.user),
            "scope_query": scope_query(scope, scope_id, grain),
            "reads_dashboard": role_of(request.user) in (Role.EXECUTIVE, Role.ADMIN),
        },
    )
