"""Every KPI against the plain-Python reference, on random small data sets."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from installer_ops.models import Installer, Promotion, Stage
from kpis.computation import kpis_compute
from kpis.models import Audit, Incident, Install, KpiSnapshot, Node, Visit
from kpis.periods import periods_between
from tests.factories import GeographyFactory, InstallerFactory, PodFactory, VerticalFactory
from tests.kpis import reference

UTC = datetime.UTC
SINCE, UNTIL = datetime.date(2025, 1, 1), datetime.date(2025, 4, 30)
NOW = datetime.datetime(2025, 4, 20, 12, tzinfo=UTC)  # so that April's installs are partly provisional
day = st.dates(min_value=datetime.date(2024, 11, 1), max_value=datetime.date(2025, 5, 15))
instant = st.datetimes(
    min_value=datetime.datetime(2024, 12, 1), max_value=datetime.datetime(2025, 5, 10), timezones=st.just(UTC)
)


@st.composite
def datasets(draw):
    n_pods = draw(st.integers(1, 3))
    installers = []
    for index in range(draw(st.integers(0, 6))):
        hired = draw(day)
        left = draw(st.one_of(st.none(), day.filter(lambda d, h=hired: d >= h)))
        installers.append(
            {
                "id": index,
                "pod": draw(st.integers(0, n_pods - 1)),
                "hired_on": hired,
                "left_on": left,
                "voluntary": draw(st.booleans()) if left else None,
                "promotions": sorted(draw(st.lists(day, max_size=2, unique=True))),
            }
        )
    audits = [
        {"pod": draw(st.integers(0, n_pods - 1)), "audited_on": draw(day), "passed": draw(st.booleans())}
        for _ in range(draw(st.integers(0, 6)))
    ]
    incidents = []
    for _ in range(draw(st.integers(0, 6))):
        opened = draw(instant)
        # Incidents spanning months, and some still open.
        hours = draw(st.one_of(st.none(), st.integers(0, 24 * 50)))
        incidents.append(
            {
                "pod": draw(st.integers(0, n_pods - 1)),
                "opened_at": opened,
                "resolved_at": None if hours is None else opened + datetime.timedelta(hours=hours, minutes=7),
            }
        )
    installs = []
    for _ in range(draw(st.integers(0, 5))):
        first = draw(instant)
        # Revisits on day 13 and day 15 of the window, among others.
        gaps = draw(st.lists(st.sampled_from([1, 13, 14, 15, 20]), max_size=2, unique=True))
        visits = [(first, draw(st.sampled_from(["success", "failed", "partial"])))]
        visits += [(first + datetime.timedelta(days=g), draw(st.sampled_from(["success", "partial"]))) for g in gaps]
        installs.append({"pod": draw(st.integers(0, n_pods - 1)), "visits": visits})
    return {"pods": n_pods, "installers": installers, "audits": audits, "incidents": incidents, "installs": installs}


def load(data):
    geographies = [GeographyFactory(code="geo-a"), GeographyFactory(code="geo-b")]
    vertical = VerticalFactory(code="retail")
    pods = [PodFactory(geography=geographies[i % 2], vertical=vertical) for i in range(data["pods"])]
    pod_rows = [{"id": p.pk, "geography": p.geography_id, "vertical": p.vertical_id} for p in pods]
    installers, promotions = [], []
    for spec in data["installers"]:
        promotions_after = [d for d in spec["promotions"] if d >= spec["hired_on"]]
        row = InstallerFactory(
            pod=pods[spec["pod"]],
            hired_on=spec["hired_on"],
            level=1,
            stage=Stage.LEFT if spec["left_on"] else Stage.HIRED,
            left_on=spec["left_on"],
            left_voluntarily=spec["voluntary"],
        )
        installers.append(
            {
                "id": row.pk,
                "pod": row.pod_id,
                "hired_on": spec["hired_on"],
                "left_on": spec["left_on"],
                "voluntary": bool(spec["voluntary"]),
            }
        )
        for level, effective in enumerate(promotions_after[:2], start=1):
            Promotion.objects.create(installer=row, from_level=level, to_level=level + 1, effective_on=effective)
            promotions.append({"installer": row.pk, "effective_on": effective})
    for index, spec in enumerate(data["audits"]):
        Audit.objects.create(
            external_id=f"A{index}", pod=pods[spec["pod"]], audited_on=spec["audited_on"], passed=spec["passed"]
        )
    incidents = []
    for index, spec in enumerate(data["incidents"]):
        node = Node.objects.create(serial=f"N{index}", site="s", pod=pods[spec["pod"]], installed_on=SINCE)
        Incident.objects.create(
            external_id=f"I{index}",
            node=node,
            severity="sev3",
            opened_at=spec["opened_at"],
            resolved_at=spec["resolved_at"],
        )
        incidents.append({**spec, "pod": node.pod_id})
    installs = []
    for index, spec in enumerate(data["installs"]):
        install = Install.objects.create(external_id=f"X{index}", site="s", pod=pods[spec["pod"]])
        for at, outcome in spec["visits"]:
            Visit.objects.create(install=install, visited_at=at, outcome=outcome)
        installs.append({**spec, "pod": install.pod_id})
    return pod_rows, installers, promotions, incidents, installs


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-4


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=datasets(), grain=st.sampled_from(["week", "month", "quarter"]))
def test_every_kpi_matches_the_reference(data, grain):
    KpiSnapshot.objects.all().delete()
    for model in (Visit, Install, Incident, Node, Audit, Promotion):
        model.objects.all().delete()
    Installer.objects.all().delete()
    pods, installers, promotions, incidents, installs = load(data)
    audits = [{**a, "pod": pods[a["pod"]]["id"]} for a in data["audits"]]
    kpis_compute(since=SINCE, until=UNTIL, grains=[grain], now=NOW)
    snapshots = {(s.kpi, s.scope, s.scope_id, s.period_start): s for s in KpiSnapshot.objects.filter(grain=grain)}
    for scope, groups in reference.group_pods(pods).items():
        for scope_id, members in groups.items():
            for period in periods_between(SINCE, UNTIL, grain):

                def snap(kpi, scope=scope, scope_id=scope_id, period=period):
                    return reference.stored(snapshots, kpi, scope, scope_id, period.start)

                passed, held = reference.audit_pass_rate(audits, period, members)
                s = snap("audit_pass_rate")
                assert (s.numerator, s.denominator) == (passed, held)
                assert close(s.value, passed / held if held else None)

                left, average, voluntary = reference.churn(installers, period, members)
                s = snap("churn")
                assert (s.numerator, s.denominator, s.details["voluntary"]) == (left, average, voluntary)
                assert close(s.value, left / average if average else None)

                promoted, average = reference.promotion_rate(installers, promotions, period, members)
                s = snap("promotion_rate")
                assert (s.numerator, s.denominator) == (promoted, average)

                expected = reference.mttr(incidents, period, members)
                s = snap("mttr")
                assert s.denominator == expected["count"]
                assert close(s.numerator, expected["total"])
                assert close(s.value, expected["total"] / expected["count"] if expected["count"] else None)
                assert close(s.details["median_hours"], expected["median"])
                assert close(s.details["p90_hours"], expected["p90"])
                assert s.details["open_at_end"] == expected["open"]
                assert close(s.details["oldest_open_hours"], expected["oldest"])

                successes, total, provisional = reference.first_time_success(installs, period, members, NOW)
                s = snap("first_time_success")
                assert (s.numerator, s.denominator) == (successes, total)
                assert s.provisional == bool(provisional)


@pytest.mark.django_db
def test_a_rerun_writes_nothing_and_leaves_identical_rows():
    pod = PodFactory()
    Audit.objects.create(external_id="A", pod=pod, audited_on=datetime.date(2025, 2, 3), passed=True)
    first = kpis_compute(since=SINCE, until=UNTIL, now=NOW)
    before = list(KpiSnapshot.objects.order_by("pk").values())
    assert first == len(before) > 0
    assert kpis_compute(since=SINCE, until=UNTIL, now=NOW) == 0
    assert list(KpiSnapshot.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_a_zero_denominator_stores_no_value():
    pod = PodFactory()
    node = Node.objects.create(serial="N", site="s", pod=pod, installed_on=SINCE)
    Incident.objects.create(
        external_id="I", node=node, severity="sev2", opened_at=datetime.datetime(2025, 1, 10, tzinfo=UTC)
    )
    kpis_compute(since=SINCE, until=SINCE, grains=["month"], now=NOW)
    # An incident still open and none resolved in January: an MTTR snapshot
    # (it reports the open one) with a zero denominator, so no value.
    snapshot = KpiSnapshot.objects.get(kpi="mttr", scope="org", grain="month")
    assert (snapshot.value, snapshot.numerator, snapshot.denominator) == (None, 0, 0)
    assert snapshot.details["open_at_end"] == 1
    # No audits at all: no snapshot rather than a row of zeros.
    assert not KpiSnapshot.objects.filter(kpi="audit_pass_rate").exists()


@pytest.mark.django_db
def test_a_snapshot_whose_facts_are_gone_is_zeroed_by_the_next_run():
    pod = PodFactory()
    audit = Audit.objects.create(external_id="A", pod=pod, audited_on=datetime.date(2025, 2, 3), passed=True)
    kpis_compute(since=SINCE, until=UNTIL, grains=["month"], now=NOW)
    assert KpiSnapshot.objects.get(kpi="audit_pass_rate", scope="pod", scope_id=pod.pk).value == 1.0
    audit.delete()
    written = kpis_compute(since=SINCE, until=UNTIL, grains=["month"], now=NOW)
    snapshot = KpiSnapshot.objects.get(kpi="audit_pass_rate", scope="pod", scope_id=pod.pk)
    assert (snapshot.value, snapshot.numerator, snapshot.denominator) == (None, 0, 0)
    assert written == 4  # org, geography, vertical and pod rows of February
    assert kpis_compute(since=SINCE, until=UNTIL, grains=["month"], now=NOW) == 0


@pytest.mark.django_db
def test_periods_are_cut_in_the_organisation_time_zone(settings):
    settings.KPI_TIME_ZONE = "Asia/Singapore"  # UTC+8
    pod = PodFactory()
    node = Node.objects.create(serial="N", site="s", pod=pod, installed_on=SINCE)
    # 20:00 UTC on 31 January is 04:00 on 1 February in Singapore.
    Incident.objects.create(
        external_id="I",
        node=node,
        severity="sev2",
        opened_at=datetime.datetime(2025, 1, 31, 18, tzinfo=UTC),
        resolved_at=datetime.datetime(2025, 1, 31, 20, tzinfo=UTC),
    )
    kpis_compute(since=SINCE, until=datetime.date(2025, 2, 28), grains=["month"], now=NOW)
    by_month = {s.period_start.month: s for s in KpiSnapshot.objects.filter(kpi="mttr", scope="org")}
    assert 1 not in by_month and by_month[2].value == 2.0  # nothing in January: no snapshot


@pytest.mark.django_db
def test_revisits_on_day_13_and_14_fail_the_install_and_on_day_15_do_not():
    pod = PodFactory()
    first = datetime.datetime(2025, 2, 3, 9, tzinfo=UTC)
    for name, gap in (("day13", 13), ("day14", 14), ("day15", 15), ("none", None)):
        install = Install.objects.create(external_id=name, site="s", pod=pod)
        Visit.objects.create(install=install, visited_at=first, outcome="success")
        if gap is not None:
            Visit.objects.create(install=install, visited_at=first + datetime.timedelta(days=gap), outcome="partial")
    late = Install.objects.create(external_id="open-window", site="s", pod=pod)
    Visit.objects.create(install=late, visited_at=NOW - datetime.timedelta(days=3), outcome="success")
    kpis_compute(since=SINCE, until=UNTIL, grains=["month"], now=NOW)
    feb = KpiSnapshot.objects.get(kpi="first_time_success", scope="org", period_start=datetime.date(2025, 2, 1))
    assert (feb.numerator, feb.denominator, feb.provisional) == (2, 4, False)  # day 15 and no revisit succeed
    april = KpiSnapshot.objects.get(kpi="first_time_success", scope="org", period_start=datetime.date(2025, 4, 1))
    assert (april.numerator, april.denominator, april.provisional) == (1, 1, True)
    assert april.details["provisional_installs"] == 1
