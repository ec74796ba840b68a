"""KPI computation (docs/product.md, KPIs): the service that computes every
KPI of the registry (kpis/registry.py) for a range of periods and stores
the snapshots (kpis/snapshot_store.py). The KPIs themselves are set-based
aggregates in kpis/field_kpis.py, kpis/first_time_kpis.py and
kpis/readiness_kpis.py."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .aggregates import Context, vendor
from .consent_kpis import CONSENT_TABLE, consent_by_install_sql
from .first_time_kpis import FIRST_VISITS_TABLE, first_visits_sql
from .in_database import IN_DATABASE
from .models import Grain, KpiCode
from .periods import periods_between
from .registry import KPIS
from .snapshot_store import Incoming, round_figure, store_snapshots
from .tables import T_VISIT

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
    as it was. Returns the number of snapshots written.

    On PostgreSQL the KPIs of kpis/in_database.py are computed and shaped
    into snapshot rows inside the database; the others (and every KPI on
    SQLite) are shaped here from their grouped rows."""
    if since > until:
        raise ValueError("since is after until")
    grains = grains or list(Grain.values)
    kpis = kpis or list(KPIS)
    computed_at = timezone.now()
    now = now or computed_at
    periods_of = {grain: periods_between(since, until, grain) for grain in grains}
    on_postgresql = vendor() == "postgresql"
    if on_postgresql:
        tune_transaction()
    prepared = on_postgresql and bool(RANKED_VISITS & set(kpis))
    if prepared:
        _rank_first_visits(periods_of)
        if KpiCode.CONSENT_COMPLETION in kpis:
            _gather_consent()
    wanted, ranges, in_database = [], [], []
    for grain in grains:
        periods = periods_of[grain]
        ends = {period.start: period.end for period in periods}
        ctx = Context(now=now, prepared=prepared)
        for kpi in kpis:
            compute, scopes = KPIS[kpi]
            ranges.append((kpi, grain, periods[0].start, periods[-1].start))
            if on_postgresql and kpi in IN_DATABASE:
                in_database += IN_DATABASE[kpi](periods, ctx)(kpi, grain, scopes, computed_at)
                continue
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
    if not on_postgresql:
        return store_snapshots(wanted, ranges, computed_at)
    with Incoming() as incoming:
        for select, params in in_database:
            incoming.insert(select, params)
        incoming.copy(wanted)
        written = incoming.store(ranges, computed_at)
    if prepared:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FIRST_VISITS_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {CONSENT_TABLE}")
    return written


def tune_transaction() -> None:
    """This transaction's PostgreSQL settings for grouping millions of facts
    (settings.KPI_WORK_MEM; no JIT): SET LOCAL ends with the transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [settings.KPI_WORK_MEM]
        )


def _gather_consent() -> None:
    """The consent records per install, once for every grain (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {CONSENT_TABLE} ON COMMIT DROP AS {consent_by_install_sql()}")
        cursor.execute(f"ANALYZE {CONSENT_TABLE}")


RANKED_VISITS = {KpiCode.FIRST_TIME_SUCCESS, KpiCode.COHORT_FIRST_TIME_SUCCESS, KpiCode.CONSENT_COMPLETION}


def _rank_first_visits(periods_of: dict) -> None:
    """Rank the visits once for every grain into a temporary table. When the
    periods leave out some of the visits (a refresh, the nightly window),
    only the installs with a visit in the periods' span are ranked: an
    install first visited in the span has one."""
    lo = min(periods[0].start_at() for periods in periods_of.values())
    hi = max(periods[-1].end_at() for periods in periods_of.values())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(visited_at), MAX(visited_at) FROM {T_VISIT}")  # noqa: S608 - our table
        first, last = cursor.fetchone()
        narrow = first is not None and (first < lo or last >= hi)
        cursor.execute(
            f"CREATE TEMP TABLE {FIRST_VISITS_TABLE} ON COMMIT DROP AS {first_visits_sql(within=narrow)}",
            [lo, hi] if narrow else [],
        )
        # Statistics, so that the KPIs' joins on it are planned for its real size.
        cursor.execute(f"ANALYZE {FIRST_VISITS_TABLE}")
