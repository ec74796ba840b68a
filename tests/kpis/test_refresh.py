"""Incremental refresh: an import recomputes only the periods holding a day
it touched, and what it leaves in the table equals a full rebuild."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis.computation import kpis_compute
from kpis.importing import field_data_import
from kpis.jobs import kpi_job_run
from kpis.models import Install, KpiJob, KpiSnapshot, Visit
from kpis.refresh import period_runs
from kpis.snapshot_store import COMPARED, KEY
from tests.kpis.test_import import GOOD, csv

pytestmark = pytest.mark.django_db


def full_rebuild() -> None:
    # Up to today: an incident still open touches every period up to now.
    kpis_compute(since=SINCE, until=timezone.localdate())


SINCE = datetime.date(2024, 1, 1)

# A second import far from the first's periods and across them: a visit
# before I-1's first (its first visit moves from September to August), a
# revisit inside another install's window (its success becomes a failure,
# months after the visit that decides it), a new install, an incident open
# across two months, an audit moved to another month.
LATER = {
    "installs.csv": csv("""
        install_id,site,pod_code,installer
        I-2,Lagos depot,lagos-logistics,
        I-3,Lagos port,lagos-logistics,
    """),
    "visits.csv": csv("""
        install_id,visited_at,outcome
        I-1,2024-08-30T09:00:00Z,failed
        I-2,2025-03-03T09:00:00Z,success
        I-3,2025-06-02T09:00:00Z,success
    """),
    "incidents.csv": csv("""
        incident_id,node_serial,severity,opened_at,resolved_at
        INC-3,N-100,sev1,2025-01-20T08:00:00Z,2025-03-04T10:00:00Z
    """),
    "audits.csv": csv("""
        audit_id,pod_code,installer,audited_on,passed,findings
        A-2,lagos-logistics,,2025-02-16,no,Consent signage missing
    """),
}
# A visit between I-1's first two (after LATER): the first now needed a revisit.
BETWEEN = {
    "visits.csv": csv("""
        install_id,visited_at,outcome
        I-1,2024-09-01T09:00:00Z,success
    """),
}
# Two installs first visited in two months of one quarter, then a revisit
# in the second month: the quarter is summed from a month refreshed and a
# month stored (kpis/rollup.py).
SAME_QUARTER = {
    "installs.csv": csv("""
        install_id,site,pod_code,installer
        I-4,Berlin Mitte,berlin-retail,E-1
        I-5,Berlin Spandau,berlin-retail,E-1
    """),
    "visits.csv": csv("""
        install_id,visited_at,outcome
        I-4,2024-10-07T09:00:00Z,success
        I-5,2024-11-11T09:00:00Z,success
    """),
}
NOVEMBER_REVISIT = {
    "visits.csv": csv("""
        install_id,visited_at,outcome
        I-5,2024-11-13T09:00:00Z,partial
    """),
}
REVISIT = {
    "visits.csv": csv("""
        install_id,visited_at,outcome
        I-3,2025-06-09T09:00:00Z,partial
    """),
}


def stored() -> dict:
    return {tuple(row[k] for k in KEY): tuple(row[c] for c in COMPARED) for row in KpiSnapshot.objects.values()}


def run_jobs(report) -> None:
    for job in report.jobs:
        assert job.days, "an import's job names the days it touched"
        kpi_job_run(job_id=job.pk)


def test_a_refresh_after_imports_equals_a_full_rebuild():
    run_jobs(field_data_import(actor=None, files=GOOD))
    full_rebuild()
    for files in (LATER, BETWEEN, SAME_QUARTER, NOVEMBER_REVISIT, REVISIT):
        report = field_data_import(actor=None, files=files)
        run_jobs(report)
    refreshed = stored()
    # The quarter of two months: I-4 succeeded, I-5 needed a revisit.
    q4 = ("first_time_success", "org", 0, "quarter", datetime.date(2024, 10, 1))
    assert refreshed[q4][:3] == (0.5, 1.0, 2.0)
    KpiSnapshot.objects.all().delete()
    full_rebuild()
    rebuilt = stored()
    assert refreshed.keys() >= rebuilt.keys()
    for key, row in rebuilt.items():
        assert refreshed[key] == row, key
    # Rows only the refreshed table holds are snapshots whose facts left (zeroed).
    for key in refreshed.keys() - rebuilt.keys():
        assert refreshed[key][:3] == (None, 0, 0), key


def test_the_refresh_recomputes_only_the_touched_periods():
    field_data_import(actor=None, files=GOOD)
    full_rebuild()
    report = field_data_import(actor=None, files=REVISIT | {"installs.csv": LATER["installs.csv"]})
    # The revisit's install: its only other visit is the day of the first.
    assert sorted(report.days) == [datetime.date(2025, 6, 9)]
    [job] = report.jobs
    with CaptureQueriesContext(connection) as queries:
        kpi_job_run(job_id=job.pk)
    computed = " ".join(q["sql"] for q in queries.captured_queries)
    # No statement reads the periods of 2024: the refresh asks for June 2025's week, month and quarter only.
    assert "2024-" not in computed
    assert "2025-06-09" in computed or "2025-04-01" in computed


def test_periods_are_grouped_into_runs_of_consecutive_periods():
    days = [datetime.date(2025, 1, 2), datetime.date(2025, 1, 30), datetime.date(2025, 3, 5), datetime.date(2025, 7, 1)]
    assert period_runs(days, "month") == [
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)),
        (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 7, 31)),
    ]
    assert period_runs(days, "quarter") == [
        (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
    ]


def test_a_synced_consent_record_refreshes_the_consent_figure_of_its_install(api, django_capture_on_commit_callbacks):
    from onboarding.models import ConsentRecord
    from tests.factories import GeographyFactory
    from tests.onboarding.consent_fixtures import consent_event, consent_flow, installer_in, results, sync

    geography = GeographyFactory(code="de", name="Germany")
    _document, version = consent_flow(geography)
    installer = installer_in(geography)
    install = Install.objects.create(external_id="INS-7", site="Berlin", pod=installer.pod)
    Visit.objects.create(
        install=install, visited_at=datetime.datetime(2025, 3, 4, 9, tzinfo=datetime.UTC), outcome="success"
    )
    full_rebuild()
    march = {"kpi": "consent_completion", "scope": "pod", "scope_id": installer.pod_id, "grain": "month"}
    assert KpiSnapshot.objects.get(**march, period_start=datetime.date(2025, 3, 1)).numerator == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert results(sync(api, installer.user, [consent_event(version, install_id="INS-7")])) == [("applied", "")]
    assert ConsentRecord.objects.get().complete
    job = KpiJob.objects.get()
    # Only the consent part, for the install's first visit's day.
    assert (job.status, job.parts, job.days) == ("done", ["consent"], ["2025-03-04"])
    snapshot = KpiSnapshot.objects.get(**march, period_start=datetime.date(2025, 3, 1))
    assert (snapshot.numerator, snapshot.denominator, snapshot.value) == (1, 1, 1.0)


def test_a_consent_record_of_an_install_not_imported_asks_for_no_refresh(api):
    from tests.factories import GeographyFactory
    from tests.onboarding.consent_fixtures import consent_event, consent_flow, installer_in, results, sync

    geography = GeographyFactory(code="fr", name="France")
    _document, version = consent_flow(geography)
    installer = installer_in(geography)
    assert results(sync(api, installer.user, [consent_event(version, install_id="NOT-YET")])) == [("applied", "")]
    assert not KpiJob.objects.exists()


def test_an_import_recomputes_only_the_kpis_that_read_its_rows():
    field_data_import(actor=None, files=GOOD)
    everything = field_data_import(actor=None, files=LATER)
    # The first visits' KPIs in one part: ranked once.
    assert [job.parts for job in everything.jobs] == [["first-visits+consent", "incidents", "people"]]
    resolved_later = LATER["incidents.csv"].replace("2025-03-04T10:00:00Z", "2025-03-05T10:00:00Z")
    incidents_only = field_data_import(actor=None, files={"incidents.csv": resolved_later})
    assert [job.parts for job in incidents_only.jobs] == [["incidents"]]
    revisit = "install_id,visited_at,outcome\nI-1,2024-10-30T09:00:00Z,failed\n"
    visits_only = field_data_import(actor=None, files={"visits.csv": revisit})
    assert [job.parts for job in visits_only.jobs] == [["first-visits+consent"]]


def test_a_job_refuses_parts_it_does_not_know_or_that_overlap():
    from kpis.jobs import kpi_job_request

    day = datetime.date(2025, 3, 1)
    for parts in (["first-visits+nothing"], ["consent", "first-visits+consent"], ["people+people"]):
        with pytest.raises(ValueError, match="unknown or overlapping parts"):
            kpi_job_request(actor=None, since=day, until=day, parts=parts)
    assert not KpiJob.objects.exists()


def test_runs_of_every_grain_computed_in_one_pass_equal_each_computed_alone():
    from kpis.computation import kpis_compute_runs
    from kpis.periods import periods_between

    field_data_import(actor=None, files=GOOD)
    field_data_import(actor=None, files=LATER)
    runs = [
        periods_between(datetime.date(2024, 8, 1), datetime.date(2024, 9, 30), "month"),
        periods_between(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31), "month"),
        periods_between(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30), "quarter"),
        periods_between(datetime.date(2024, 8, 26), datetime.date(2024, 9, 8), "week"),
    ]
    for periods in runs:
        kpis_compute(since=periods[0].start, until=periods[-1].end, grains=[periods[0].grain])
    alone = stored()
    KpiSnapshot.objects.all().delete()
    assert kpis_compute_runs(runs=runs) == len(alone)
    assert stored() == alone


def test_each_part_of_an_import_refreshes_the_days_of_its_own_rows():
    field_data_import(actor=None, files=GOOD)
    [job] = field_data_import(actor=None, files=LATER).jobs
    visits = sorted(job.days["first-visits+consent"])
    # I-1's first two visits (its new first in August, its old first in
    # September), I-2's and I-3's first; not I-1's third visit (2024-09-20),
    # whose day holds none of its figures.
    assert visits == ["2024-08-30", "2024-09-12", "2025-03-03", "2025-06-02"]
    # The incident's days, a week apart from its opening to its resolution; no visit's day.
    incidents = job.days["incidents"]
    assert incidents[0] == "2025-01-20" and incidents[-1] == "2025-03-04" and "2024-08-30" not in incidents
    # The audit moved from October to February: both months.
    assert job.days["people"] == ["2024-10-16", "2025-02-16"]


def test_a_job_by_part_refuses_a_part_without_days_or_mixed_arguments():
    from kpis.jobs import kpi_job_request

    day = datetime.date(2025, 3, 1)
    with pytest.raises(ValueError, match="needs a day within the range"):
        kpi_job_request(actor=None, since=day, until=day, part_days={"incidents": {day}, "people": set()})
    with pytest.raises(ValueError, match="not with days or parts"):
        kpi_job_request(actor=None, since=day, until=day, days=[day], part_days={"incidents": {day}})
    assert not KpiJob.objects.exists()
