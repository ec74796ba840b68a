"""A refresh sums quarters from stored months (kpis/rollup.py), so two
refreshes of one KPI must not interleave: each computation of a summed
KPI's months or quarters holds that KPI's transaction lock on real
PostgreSQL, and a rebuild part of other KPIs does not wait for it."""

import datetime
import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from kpis.computation import kpis_compute
from kpis.importing import field_data_import
from kpis.models import KpiCode, KpiSnapshot
from kpis.refresh import kpis_refresh
from kpis.rollup import lock_summed_kpis
from tests.kpis.test_import import GOOD

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEPTEMBER = datetime.date(2024, 9, 12)


def holding(kpis):
    """A thread holding the locks of `kpis` in its own transaction until released."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                lock_summed_kpis(kpis)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(10)
    return thread, release


def quickly(compute) -> None:
    """Run `compute` in a transaction that gives up on a lock after 300 ms."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        compute()


def test_a_refresh_of_a_summed_kpi_waits_for_another_computation_of_it():
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    field_data_import(actor=None, files=GOOD)
    thread, release = holding([KpiCode.FIRST_TIME_SUCCESS])
    try:
        with pytest.raises(OperationalError, match="lock"):
            quickly(lambda: kpis_refresh(days=[SEPTEMBER], kpis=[KpiCode.FIRST_TIME_SUCCESS]))
        # Another KPI's part does not wait: a rebuild's parts still run side by side.
        quickly(lambda: kpis_refresh(days=[SEPTEMBER], kpis=[KpiCode.CONSENT_COMPLETION, KpiCode.MTTR]))
        with pytest.raises(OperationalError, match="lock"):
            quickly(lambda: kpis_compute(since=SEPTEMBER, until=SEPTEMBER, kpis=[KpiCode.FIRST_TIME_SUCCESS]))
    finally:
        release.set()
        thread.join(timeout=30)
    # Released, the refresh goes through: September's week, month and quarter.
    KpiSnapshot.objects.all().delete()
    assert kpis_refresh(days=[SEPTEMBER], kpis=[KpiCode.FIRST_TIME_SUCCESS]) > 0
    grains = set(KpiSnapshot.objects.filter(kpi=KpiCode.FIRST_TIME_SUCCESS).values_list("grain", flat=True))
    assert grains == {"week", "month", "quarter"}
