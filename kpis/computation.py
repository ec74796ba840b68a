"""KPI computation (docs/product.md, KPIs): the service that computes every
KPI of the registry (kpis/registry.py) for a range of periods and stores
the snapshots (kpis/snapshot_store.py). The KPIs themselves are set-based
aggregates in kpis/field_kpis.py, kpis/first_time_kpis.py and
kpis/readiness_kpis.py."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .aggregates import Context, instant_period_key, vendor
from .consent_kpis import CONSENT_TABLE, consent_firsts_sql
from .first_time_kpis import FIRST_VISITS_TABLE, first_visits_sql
from .in_database import IN_DATABASE
from .models import Grain, KpiCode
from .periods import Period, periods_between
from .registry import KPIS
from .rollup import lock_summed_kpis
from .snapshot_store import Incoming, snapshot_row, store_snapshots
from .tables import T_VISIT

# --- the service ---------------------------------------------------------------------------


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
    runs = [periods_between(since, until, grain) for grain in grains or list(Grain.values)]
    return kpis_compute_runs(runs=runs, kpis=kpis, now=now)


@transaction.atomic
def kpis_compute_runs(*, runs: list[list[Period]], kpis=None, now: datetime.datetime | None = None) -> int:
    """kpis_compute over runs of consecutive periods, each of one grain (a
    refresh's scattered periods, kpis/refresh.py), in one pass: the first
    visits are ranked and the consent records gathered once for them all."""
    kpis = kpis or list(KPIS)
    computed_at = timezone.now()
    now = now or computed_at
    on_postgresql = vendor() == "postgresql"
    if on_postgresql:
        tune_transaction()
    if any(periods[0].grain in (Grain.MONTH, Grain.QUARTER) for periods in runs):
        lock_summed_kpis(kpis)  # a refresh sums quarters from these months (kpis/rollup.py)
    prepared = on_postgresql and bool(RANKED_VISITS & set(kpis))
    if prepared:
        narrowed = _rank_first_visits(runs)
        if KpiCode.CONSENT_COMPLETION in kpis:
            _gather_consent(ranked=narrowed, grains={periods[0].grain for periods in runs})
    wanted, ranges, in_database = [], [], []
    for periods in runs:
        grain = periods[0].grain
        ctx = Context(now=now, prepared=prepared)  # per run: it caches the run's headcounts
        ends = {period.start: period.end for period in periods}
        for kpi in kpis:
            compute, scopes = KPIS[kpi]
            ranges.append((kpi, grain, periods[0].start, periods[-1].start))
            if on_postgresql and kpi in IN_DATABASE:
                in_database += IN_DATABASE[kpi](periods, ctx)(kpi, grain, scopes, computed_at)
                continue
            for (scope, start, scope_id), figure in compute(periods, scopes, ctx).items():
                if start not in ends:
                    continue
                wanted.append(snapshot_row(kpi, scope, scope_id, grain, start, ends[start], figure, computed_at))
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


def _gather_consent(*, ranked: bool, grains: set[str]) -> None:
    """The ranked first visits with their installs' consent, once for every
    grain (PostgreSQL); `ranked`: only the records of the ranked installs
    (a narrowed ranking)."""
    with connection.cursor() as cursor:
        firsts = consent_firsts_sql(FIRST_VISITS_TABLE, ranked=ranked)
        cursor.execute(f"CREATE TEMP TABLE {CONSENT_TABLE} ON COMMIT DROP AS {firsts}")
        _period_statistics(cursor, CONSENT_TABLE, grains)


RANKED_VISITS = {KpiCode.FIRST_TIME_SUCCESS, KpiCode.COHORT_FIRST_TIME_SUCCESS, KpiCode.CONSENT_COMPLETION}


def _rank_first_visits(runs: list[list[Period]]) -> bool:
    """Rank the visits once for every grain into a temporary table. When the
    runs leave out some of the visits (a refresh, the nightly window), only
    the installs with a visit in one of the runs' spans are ranked: an
    install first visited in a span has one. Returns whether it narrowed."""
    spans = _merged_spans([(periods[0].start_at(), periods[-1].end_at()) for periods in runs])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(visited_at), MAX(visited_at) FROM {T_VISIT}")  # noqa: S608 - our table
        first, last = cursor.fetchone()
        narrow = first is not None and not any(lo <= first and last < hi for lo, hi in spans)
        cursor.execute(
            f"CREATE TEMP TABLE {FIRST_VISITS_TABLE} ON COMMIT DROP AS {first_visits_sql(len(spans) if narrow else 0)}",
            [bound for span in spans for bound in span] if narrow else [],
        )
        if narrow:
            # A refresh's few weeks of installs: a tenth of the default sample
            # plans its statements as well, and ANALYZE reads a tenth of the
            # rows (0.1 s of a 1.5 s refresh at a million installs). For the
            # transaction: the consent and incoming tables are as small.
            cursor.execute("SET LOCAL default_statistics_target = 10")
        _period_statistics(cursor, FIRST_VISITS_TABLE, {periods[0].grain for periods in runs})
    return narrow


def _period_statistics(cursor, table: str, grains: set[str]) -> None:
    """Statistics of the temporary table, so that the KPIs' statements on it
    are planned for its real size, and of each grain's period key: without
    them PostgreSQL takes every first visit for a group of its own (4,000,000
    groups for 8,000 at a million installs) and sorts the rows on disk, where
    hashing them in memory takes half the time."""
    for grain in sorted(grains):
        key = instant_period_key(grain, "first_at")
        # pg_temp: the statistics go with the table at commit, and two workers' tables never share a name.
        cursor.execute(f"CREATE STATISTICS pg_temp.{table}_{grain} ON ({key}) FROM {table}", [settings.KPI_TIME_ZONE])
    cursor.execute(f"ANALYZE {table}")


def _merged_spans(spans: list[tuple]) -> list[tuple]:
    """Overlapping or touching [lo, hi) spans merged, in order."""
    merged: list[list] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]
