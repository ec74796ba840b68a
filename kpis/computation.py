"""KPI computation (docs/product.md, KPIs): the service that computes every
KPI of the registry (kpis/registry.py) for a range of periods and stores
the snapshots (kpis/snapshot_store.py). The KPIs themselves are set-based
aggregates in kpis/field_kpis.py, kpis/first_time_kpis.py and
kpis/readiness_kpis.py."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from .aggregates import (
    Context,
    vendor,
)
from .first_time_kpis import FIRST_VISITS_TABLE, first_visits_sql
from .models import Grain, KpiCode
from .periods import periods_between
from .registry import KPIS
from .snapshot_store import round_figure, store_snapshots

# --- the service ---------------------------------------------------------------------------


@transaction.atomic
def kpis_compute(
    *, since: datetime.date, until: datetime.date, grains=None, kpis=None, now: datetime.datetime | None = None
) -> int:
    """Compute every KPI, scope and grain for the periods overlapping
    [since, until] and store them. A scope and period with facts gets a
    snapshot (with no value where the denominator is zero); one without
    facts gets none, and a stored snapshot whose facts are gone is zeroed.
    Only rows whose figures changed are written, so a rerun leaves the table
    as it was. Returns the number of snapshots written."""
    if since > until:
        raise ValueError("since is after until")
    grains = grains or list(Grain.values)
    kpis = kpis or list(KPIS)
    computed_at = timezone.now()
    now = now or computed_at
    ranked_visits = {KpiCode.FIRST_TIME_SUCCESS, KpiCode.COHORT_FIRST_TIME_SUCCESS}
    prepared = vendor() == "postgresql" and bool(ranked_visits & set(kpis))
    if prepared:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {FIRST_VISITS_TABLE} ON COMMIT DROP AS {first_visits_sql()}")
    wanted, ranges = [], []
    for grain in grains:
        periods = periods_between(since, until, grain)
        ends = {period.start: period.end for period in periods}
        ctx = Context(now=now, prepared=prepared)
        for kpi in kpis:
            compute, scopes = KPIS[kpi]
            ranges.append((kpi, grain, periods[0].start, periods[-1].start))
            for (scope, start, scope_id), figure in compute(periods, scopes, ctx).items():
                if start not in ends:
                    continue
                wanted.append(
                    (
                        kpi,
                        scope,
                        scope_id,
                        grain,
                        start,
                        ends[start],
                        round_figure(figure.value),
                        round_figure(figure.numerator),
                        round_figure(figure.denominator),
                        figure.provisional,
                        figure.details,
                        computed_at,
                    )
                )
    if prepared:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FIRST_VISITS_TABLE}")
    return store_snapshots(wanted, ranges, computed_at)
