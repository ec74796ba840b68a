"""The rebuild's two ways of shaping snapshots agree: on PostgreSQL the
KPIs of kpis/in_database.py are shaped into snapshot rows by the database;
the same KPIs shaped in Python (their only way on SQLite) store the very
same rows."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from installer_ops.models import Installer, Promotion
from kpis import computation
from kpis.computation import kpis_compute
from kpis.in_database import IN_DATABASE
from kpis.models import Audit, Incident, Install, KpiSnapshot, Node, Visit
from kpis.snapshot_store import COMPARED, KEY
from tests.kpis.test_kpis import NOW, SINCE, UNTIL, datasets, load

pytestmark = pytest.mark.django_db


def stored() -> dict:
    return {tuple(row[k] for k in KEY): tuple(row[c] for c in COMPARED) for row in KpiSnapshot.objects.values()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=datasets(), grain=st.sampled_from(["week", "month", "quarter"]))
def test_the_database_shapes_the_same_snapshots_as_python(data, grain, monkeypatch):
    assert connection.vendor == "postgresql"  # SQLite has only the Python way
    for model in (KpiSnapshot, Visit, Install, Incident, Node, Audit, Promotion, Installer):
        model.objects.all().delete()
    load(data)
    kpis = list(IN_DATABASE)
    kpis_compute(since=SINCE, until=UNTIL, grains=[grain], kpis=kpis, now=NOW)
    in_database = stored()
    KpiSnapshot.objects.all().delete()
    with monkeypatch.context() as patch:
        patch.setattr(computation, "IN_DATABASE", {})
        kpis_compute(since=SINCE, until=UNTIL, grains=[grain], kpis=kpis, now=NOW)
    in_python = stored()
    assert in_database.keys() == in_python.keys()
    for key, row in in_python.items():
        assert in_database[key] == row, key
