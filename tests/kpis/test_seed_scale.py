"""seed_scale makes facts for every KPI and every scope it has (cohorts and
hiring sources included), inside the database's constraints; and the people
KPIs' hand-written floor (bench/floor_people.py) counts the same numerators
and denominators as the stored snapshots. PostgreSQL only: the seed is
generated inside it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from bench.floor_people import floor_queries
from kpis.computation import kpis_compute
from kpis.models import KpiSnapshot, Scope
from kpis.registry import REGISTRY

UNTIL = datetime.date(2026, 10, 31)
SINCE = datetime.date(2023, 10, 1)
# As if computed the day after the data set ends: cohorts that ended count, whatever today is.
NOW = datetime.datetime(2026, 11, 1, 12, tzinfo=datetime.UTC)
# The floor's statements in order: (KPI, its extra scope, numerator column, denominator column).
FLOOR_KPIS = [
    ("bootcamp_completion", Scope.COHORT, 0, 1),
    ("days_to_clearance", Scope.COHORT, 0, 1),
    ("drill_first_pass", Scope.COHORT, 0, 1),
    ("cohort_first_time_success", Scope.COHORT, 0, 1),
    ("consent_completion", None, 0, 1),
    ("time_to_hire", Scope.SOURCE, 0, 1),
    ("candidate_conversion", Scope.SOURCE, 5, 0),
    ("hire_clearance_60d", Scope.SOURCE, 0, 1),
    ("first_year_retention", Scope.SOURCE, 0, 1),
]


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (make test does).")


@pytest.fixture
def seeded(db):
    require_postgresql()
    call_command(
        "seed_scale",
        installs=6000,
        incidents=900,
        audits=400,
        installers=240,
        pods=10,
        cohorts=24,
        until=UNTIL,
        stdout=io.StringIO(),
    )
    kpis_compute(since=SINCE, until=UNTIL, now=NOW)


def _decode(row, extra):
    """(scope, scope id, period start, aggregates) of a floor row (GROUPING bits: bench/floor_people.py)."""
    if extra is None:
        geography, vertical, pod = row[2:5]
        scope = {7: (Scope.ORG, 0), 3: (Scope.GEOGRAPHY, geography), 5: (Scope.VERTICAL, vertical), 6: (Scope.POD, pod)}
        return (*scope[row[1]], row[0], row[5:])
    geography, vertical, pod, other = row[2:6]
    scope = {
        15: (Scope.ORG, 0),
        7: (Scope.GEOGRAPHY, geography),
        11: (Scope.VERTICAL, vertical),
        13: (Scope.POD, pod),
        14: (extra, other),
    }
    return (*scope[row[1]], row[0], row[6:])


def test_every_kpi_has_figures_in_every_scope_it_has(seeded):
    for code, spec in REGISTRY.items():
        for scope in spec.scopes:
            figures = KpiSnapshot.objects.filter(kpi=code, scope=scope, value__isnull=False)
            assert figures.exists(), f"{code} has no figure for any {scope}"
            assert figures.filter(denominator__gt=0).count() == figures.count()


def test_the_people_floor_counts_what_the_snapshots_store(seeded):
    with connection.cursor() as cursor:
        for grain in ("month", "quarter"):
            queries = floor_queries(grain, SINCE, UNTIL, now=NOW)
            assert len(queries) == len(FLOOR_KPIS)
            for (sql, params), (kpi, extra, num, den) in zip(queries, FLOOR_KPIS, strict=True):
                cursor.execute(sql, params)
                floor = {}
                for row in cursor.fetchall():
                    scope, scope_id, start, aggregates = _decode(row, extra)
                    if scope_id is not None:  # no cohort or source: the KPIs drop those facts
                        floor[(scope, scope_id, start)] = (float(aggregates[num]), float(aggregates[den]))
                stored = {
                    (s.scope, s.scope_id, s.period_start): (s.numerator, s.denominator)
                    for s in KpiSnapshot.objects.filter(kpi=kpi, grain=grain)
                }
                assert stored, kpi
                assert floor.keys() == stored.keys(), kpi
                for key, (numerator, denominator) in stored.items():
                    assert floor[key] == pytest.approx((numerator, denominator), abs=1e-4), (kpi, grain, key)
