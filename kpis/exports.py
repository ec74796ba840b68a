"""The dashboard's CSV export."""

from django.http import HttpResponse

from installer_ops.csv_export import csv_response, csv_writer

from .models import Scope
from .sources import api_code


def dashboard_csv(data) -> HttpResponse:
    """What the dashboard shows, as CSV: the trend of each tile, the breakdown
    of the last complete period, and the cohort comparison."""
    response = csv_response(f"kpis-{data.scope}-{data.scope_id}-{data.grain}.csv")
    writer = csv_writer(response)
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
    # The breakdown, then the hiring sources (named by their API code, as the KPI API does).
    listed = [(child, row, row.scope_id) for child, rows in data.breakdown.items() for row in rows]
    listed += [(Scope.SOURCE, row, api_code(row.scope_id)) for row in (data.hiring.sources if data.hiring else [])]
    for child, row, scope_id in listed:
        for kpi, s in row.values.items():
            writer.writerow(
                [
                    kpi,
                    child,
                    scope_id,
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
