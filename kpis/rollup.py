"""A refresh's quarters of the first visits' KPIs, summed from their stored
months instead of computed from the facts (kpis/refresh.py).

First-time success (both figures) and consent completion are counts over
installs, each counted once in the period of its first visit: a quarter's
numerator, denominator and the counts in its details are the sums of its
three months', exactly. Computing a touched quarter from the facts means
ranking and grouping a quarter's visits, the largest piece of a refresh at
a million installs; summing reads some 3,000 stored rows a KPI. The months
are recomputed first, in the same transaction, so the sum reads them
current; the untouched months of the quarter are as current as the table.

Rows are shaped as each database's rebuild shapes them: in SQL on
PostgreSQL (kpis/in_database.py's snapshot SELECT, its numeric rounding),
through Figure on SQLite, so that a refreshed quarter equals a rebuilt one
(tests/kpis/test_refresh.py).

Summing reads what other transactions write: two imports' refreshes, one
touching October and one November, would each sum the other's month as it
was before, and the last to commit would store a quarter missing the
other's change. Every computation of these KPIs' months or quarters
therefore holds a transaction lock per KPI (lock_summed_kpis): refreshes of
one KPI run one after another, and a rebuild's parts, which hold different
KPIs, still run side by side (tests/integration/test_kpi_refresh_lock.py)."""

import datetime
import zlib
from collections import defaultdict

from django.db import connection
from django.db.models import Q

from .aggregates import Figure, vendor
from .consent_kpis import consent_empty_details
from .first_time_kpis import fts_details
from .in_database import json_object, snapshot_select
from .models import Grain, KpiCode, KpiSnapshot
from .periods import Period, period_of
from .snapshot_store import Incoming, snapshot_row, store_snapshots

# KPI -> (the details' counts, summed; the details' constants).
SUMMED = {
    KpiCode.FIRST_TIME_SUCCESS: (["provisional_installs"], fts_details(0, False)),
    KpiCode.COHORT_FIRST_TIME_SUCCESS: (["provisional_installs"], fts_details(0, True)),
    KpiCode.CONSENT_COMPLETION: (["no_record"], consent_empty_details()),
}
ROLLED_UP = frozenset(SUMMED)
MONTH, QUARTER = str(Grain.MONTH.value), str(Grain.QUARTER.value)


# pg_advisory_xact_lock's first key: this module's locks, apart from any other's.
LOCK_SPACE = 20_240_601


def lock_summed_kpis(kpis) -> None:
    """PostgreSQL: hold, until the transaction ends, the lock of each of
    these KPIs that is summed from months, in one order (no deadlock).
    SQLite writes one transaction at a time anyway."""
    codes = sorted(set(kpis) & ROLLED_UP)
    if codes and vendor() == "postgresql":
        with connection.cursor() as cursor:
            for code in codes:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, zlib.crc32(code.encode()) >> 1])


def quarters_from_months(runs: list[list[Period]], kpis, computed_at: datetime.datetime) -> int:
    """Store the quarters of `runs` (runs of consecutive quarters) for these
    KPIs of ROLLED_UP, summed from their months; returns the rows written."""
    kpis = [kpi for kpi in kpis if kpi in ROLLED_UP]
    if not runs or not kpis:
        return 0
    lock_summed_kpis(kpis)
    ranges = [(kpi, QUARTER, run[0].start, run[-1].start) for kpi in kpis for run in runs]
    if vendor() != "postgresql":
        return store_snapshots(_summed_rows(runs, kpis, computed_at), ranges, computed_at)
    with Incoming() as incoming:
        for kpi in kpis:
            for run in runs:
                incoming.insert(*_summed_select(kpi, run[0].start, run[-1].end, computed_at))
        return incoming.store(ranges, computed_at)


def _summed_select(kpi: str, first: datetime.date, last: datetime.date, computed_at) -> tuple[str, list]:
    counted, constants = SUMMED[kpi]
    shaped = {key: str(value) for key, value in constants.items()} | {key: f"g.{key}" for key in counted}
    details = json_object(shaped)
    sums = ", ".join(f"SUM((details ->> '{key}')::bigint) AS {key}" for key in counted)
    select = snapshot_select(QUARTER, "g.numerator", "g.denominator", "g.provisional", details)
    return (
        f"""{select} FROM (
            SELECT date_trunc('quarter', period_start)::date AS period_start, scope, scope_id,
                   SUM(numerator) AS numerator, SUM(denominator) AS denominator,
                   bool_or(provisional) AS provisional, {sums}
            FROM {KpiSnapshot._meta.db_table}
            WHERE kpi = %s AND grain = 'month' AND period_start BETWEEN %s AND %s
            GROUP BY 1, 2, 3 HAVING SUM(denominator) > 0
        ) g""",  # noqa: S608 - our table, our keys
        [kpi, QUARTER, computed_at, kpi, first, last],
    )


def _summed_rows(runs: list[list[Period]], kpis: list[str], computed_at) -> list[tuple]:
    within = Q()
    for run in runs:
        within |= Q(period_start__gte=run[0].start, period_start__lte=run[-1].end)
    months = KpiSnapshot.objects.filter(within, kpi__in=kpis, grain=MONTH)
    sums: dict = defaultdict(lambda: [0.0, 0.0, False, defaultdict(int)])
    columns = ("kpi", "scope", "scope_id", "period_start", "numerator", "denominator", "provisional", "details")
    for kpi, scope, scope_id, start, numerator, denominator, provisional, details in months.values_list(*columns):
        total = sums[(kpi, scope, scope_id, period_of(start, QUARTER))]
        total[0] += numerator
        total[1] += denominator
        total[2] = total[2] or provisional
        for key in SUMMED[kpi][0]:
            total[3][key] += details.get(key, 0)
    rows = []
    for (kpi, scope, scope_id, quarter), (numerator, denominator, provisional, counts) in sums.items():
        if not denominator:
            continue  # no install first visited in the quarter: a rebuild has no figure either
        figure = Figure(numerator, denominator, provisional, {**SUMMED[kpi][1], **counts})
        rows.append(snapshot_row(kpi, scope, scope_id, QUARTER, quarter.start, quarter.end, figure, computed_at))
    return rows
