"""Consent completion against the plain-Python reference on random small data
sets, and at its edges: a record that is incomplete, of a superseded
version, of an install not imported (yet), two records of one install, an
install never visited. Marked smoke: the SQL differs on SQLite (no ranked
first visits), so the embedded run checks it too."""

import datetime
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from installer_ops.models import Installer
from kpis.computation import kpis_compute
from kpis.importing import field_data_import
from kpis.models import Install, KpiSnapshot, Visit
from kpis.periods import periods_between
from onboarding.models import ConsentRecord, Document, DocumentVersion
from tests.factories import GeographyFactory, InstallerFactory, PodFactory, VerticalFactory
from tests.kpis import reference

pytestmark = pytest.mark.smoke
UTC = datetime.UTC
SINCE, UNTIL = datetime.date(2025, 1, 1), datetime.date(2025, 4, 30)
NOW = datetime.datetime(2025, 4, 20, 12, tzinfo=UTC)
KPI = "consent_completion"
instant = st.datetimes(
    min_value=datetime.datetime(2024, 12, 1), max_value=datetime.datetime(2025, 5, 10), timezones=st.just(UTC)
)


@st.composite
def datasets(draw):
    n_pods = draw(st.integers(1, 3))
    installs = [
        {
            "pod": draw(st.integers(0, n_pods - 1)),
            # No visit at all, one, or a first visit and another.
            "visits": [(at, "success") for at in draw(st.lists(instant, max_size=2, unique=True))],
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    # Records of imported installs and of installs the field data does not know.
    refs = [f"X{i}" for i in range(len(installs))] + ["NOT-IMPORTED"]
    records = [
        {"install_ref": draw(st.sampled_from(refs)), "complete": draw(st.booleans()), "superseded": draw(st.booleans())}
        for _ in range(draw(st.integers(0, 6)))
    ]
    return {"pods": n_pods, "installs": installs, "records": records}


def flow_version(geography) -> DocumentVersion:
    document = Document.objects.create(kind="consent", slug=f"consent-{geography.code}", title="C", geography=geography)
    return DocumentVersion.objects.create(
        document=document, number=1, body="- [ ] Post the signage", checksum="0" * 64, published_at=NOW
    )


def record(installer, version, install_ref, *, complete=True, superseded=False) -> ConsentRecord:
    at = datetime.datetime(2025, 2, 1, 10, tzinfo=UTC)
    return ConsentRecord.objects.create(
        id=uuid.uuid4(),
        installer=installer,
        version=version,
        install_ref=install_ref,
        steps_done=[1] if complete else [],
        representative="Ana Ruiz" if complete else "",
        complete=complete,
        superseded=superseded,
        device_id="tablet-1",
        occurred_at=at,
        received_at=at,
        effective_at=at,
    )


def load(data):
    geographies = [GeographyFactory(code="geo-a"), GeographyFactory(code="geo-b")]
    vertical = VerticalFactory(code="retail")
    pods = [PodFactory(geography=geographies[i % 2], vertical=vertical) for i in range(data["pods"])]
    installer = InstallerFactory(pod=pods[0])
    version = flow_version(geographies[0])
    installs = []
    for index, spec in enumerate(data["installs"]):
        install = Install.objects.create(external_id=f"X{index}", site="s", pod=pods[spec["pod"]])
        for at, outcome in spec["visits"]:
            Visit.objects.create(install=install, visited_at=at, outcome=outcome)
        installs.append({"external_id": install.external_id, "pod": install.pod_id, "visits": spec["visits"]})
    for spec in data["records"]:
        record(installer, version, spec["install_ref"], complete=spec["complete"], superseded=spec["superseded"])
    return [{"id": p.pk, "geography": p.geography_id, "vertical": p.vertical_id} for p in pods], installs


def wipe():
    KpiSnapshot.objects.all().delete()
    for model in (Visit, Install, ConsentRecord, DocumentVersion, Document):
        model.objects.all().delete()
    Installer.objects.all().delete()


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=datasets(), grain=st.sampled_from(["week", "month", "quarter"]))
def test_consent_completion_matches_the_reference(data, grain):
    wipe()
    pods, installs = load(data)
    # Every KPI: on PostgreSQL the first visits are then ranked once into a temporary table, which this one reads.
    kpis_compute(since=SINCE, until=UNTIL, grains=[grain], now=NOW)
    snapshots = {(s.kpi, s.scope, s.scope_id, s.period_start): s for s in KpiSnapshot.objects.filter(grain=grain)}
    for scope, groups in reference.group_pods(pods).items():
        for scope_id, members in groups.items():
            for period in periods_between(SINCE, UNTIL, grain):
                consented, total, no_record = reference.consent_completion(installs, data["records"], period, members)
                s = reference.stored(snapshots, KPI, scope, scope_id, period.start)
                where = (scope, scope_id, period.start)
                assert (s.numerator, s.denominator, s.details["no_record"]) == (consented, total, no_record), where
                assert s.value == (pytest.approx(consented / total, abs=1e-6) if total else None), where
                assert not s.provisional
    assert not any(k[0] == KPI and k[1] == "cohort" for k in snapshots)  # installs' pods only


# --- edges --------------------------------------------------------------------------------------


@pytest.fixture
def site(db):
    """A pod, an installer of its geography and the geography's consent flow."""
    pod = PodFactory()
    return pod, InstallerFactory(pod=pod), flow_version(pod.geography)


def visited(pod, external_id, *visits):
    install = Install.objects.create(external_id=external_id, site="s", pod=pod)
    for at in visits:
        Visit.objects.create(install=install, visited_at=at, outcome="success")
    return install


def february(scope="org", scope_id=0):
    return KpiSnapshot.objects.filter(
        kpi=KPI, scope=scope, scope_id=scope_id, grain="month", period_start=datetime.date(2025, 2, 1)
    ).first()


def compute():
    # This KPI alone: on PostgreSQL, the first visits without the ranked table.
    kpis_compute(since=SINCE, until=UNTIL, grains=["month"], kpis=[KPI], now=NOW)


FEB = datetime.datetime(2025, 2, 10, 9, tzinfo=UTC)


def test_an_incomplete_or_superseded_record_does_not_count(site):
    pod, installer, version = site
    visited(pod, "INCOMPLETE", FEB)
    visited(pod, "SUPERSEDED", FEB)
    visited(pod, "NONE", FEB)
    visited(pod, "DONE", FEB)
    record(installer, version, "INCOMPLETE", complete=False)
    record(installer, version, "SUPERSEDED", superseded=True)
    record(installer, version, "DONE")
    compute()
    s = february()
    assert (s.numerator, s.denominator, s.value, s.details) == (1, 4, 0.25, {"no_record": 1})
    pod_figure = february("pod", pod.pk)
    assert (pod_figure.numerator, pod_figure.denominator) == (1, 4)


def test_two_records_of_one_install_count_once(site):
    pod, installer, version = site
    visited(pod, "TWICE", FEB, FEB + datetime.timedelta(days=20))
    record(installer, version, "TWICE")
    record(installer, version, "TWICE")
    record(installer, version, "TWICE", complete=False)
    compute()
    s = february()
    assert (s.numerator, s.denominator, s.value) == (1, 1, 1.0)
    assert february() is not None and not KpiSnapshot.objects.filter(kpi=KPI, period_start__month=3).exists()


def test_a_record_of_an_install_not_imported_counts_nowhere_until_it_is(site):
    pod, installer, version = site
    record(installer, version, "LATER")
    compute()
    assert not KpiSnapshot.objects.filter(kpi=KPI).exists()
    visited(pod, "OTHER", FEB)
    compute()
    assert (february().numerator, february().denominator) == (0, 1)
    # The install arrives with the field data, after its consent was recorded on the tablet.
    field_data_import(
        actor=None,
        files={
            "installs.csv": f"install_id,site,pod_code,installer\nLATER,Store,{pod.code},\n",
            "visits.csv": "install_id,visited_at,outcome\nLATER,2025-02-11T09:00:00Z,failed\n",
        },
    )
    compute()
    assert (february().numerator, february().denominator, february().details) == (1, 2, {"no_record": 1})


def test_an_install_never_visited_is_not_counted(site):
    pod, installer, version = site
    Install.objects.create(external_id="UNVISITED", site="s", pod=pod)
    record(installer, version, "UNVISITED")
    compute()
    assert not KpiSnapshot.objects.filter(kpi=KPI).exists()


def test_an_install_counts_in_the_period_of_its_first_visit_in_the_organisation_time_zone(site, settings):
    settings.KPI_TIME_ZONE = "Asia/Singapore"  # UTC+8: 20:00 UTC on 31 January is 1 February there
    pod, installer, version = site
    visited(pod, "EDGE", datetime.datetime(2025, 1, 31, 20, tzinfo=UTC), datetime.datetime(2025, 3, 3, tzinfo=UTC))
    record(installer, version, "EDGE")
    compute()
    months = {s.period_start.month for s in KpiSnapshot.objects.filter(kpi=KPI, scope="org", grain="month")}
    assert months == {2} and february().value == 1.0


def test_a_rerun_writes_nothing(site):
    pod, installer, version = site
    visited(pod, "A", FEB)
    record(installer, version, "A")
    kpis_compute(since=SINCE, until=UNTIL, now=NOW)
    assert kpis_compute(since=SINCE, until=UNTIL, now=NOW) == 0
    assert february().value == 1.0


# --- the pages ----------------------------------------------------------------------------------


def test_the_dashboard_and_the_kpi_page_show_it_with_its_installs(client, org):
    from django.utils import timezone

    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    at = datetime.datetime.combine(month, datetime.time(10), tzinfo=UTC)
    version = flow_version(org.pod_a.geography)
    for key, pod in (("CONSENT-A", org.pod_a), ("CONSENT-B", org.pod_b), ("CONSENT-C", org.pod_a)):
        install = visited(pod, key, at)
        install.installer = org.installer_a1 if pod == org.pod_a else org.installer_b1
        install.save()
    record(org.installer_a1, version, "CONSENT-A")
    record(org.installer_a1, version, "CONSENT-A", complete=False)
    record(org.installer_b1, version, "CONSENT-B", complete=False)
    kpis_compute(since=month, until=timezone.localdate(), grains=["month"])
    client.force_login(org.executive)
    page = client.get("/dashboard/").content.decode()
    assert "Consent completion" in page and "33.3 %" in page and 'href="/dashboard/kpis/consent_completion/' in page
    csv = client.get("/dashboard/?format=csv").content.decode()
    assert any(line.startswith("consent_completion,org,") for line in csv.splitlines())
    detail = client.get("/dashboard/kpis/consent_completion/").content.decode()
    assert "Installs with a complete consent record" in detail and "CONSENT-A" not in detail  # aggregates only
    client.force_login(org.admin)
    detail = client.get(f"/dashboard/kpis/consent_completion/?scope=pod&scope_id={org.pod_a.pk}").content.decode()
    assert "Installs first visited in the period: 2." in detail
    facts = detail.split('id="facts"')[1]
    row_a = facts.split("CONSENT-A")[1].split("</tr>")[0]
    row_c = facts.split("CONSENT-C")[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row_a and "<td>Yes</td>" in row_a
    assert '<td class="num">0</td>' in row_c and "<td>No</td>" in row_c
    assert "CONSENT-B" not in facts
    assert client.get("/dashboard/kpis/consent_completion/?scope=cohort&scope_id=1").status_code == 404
