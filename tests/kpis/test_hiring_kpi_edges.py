"""The hiring KPIs at their edges, on PostgreSQL and SQLite alike (smoke):
no hires, one hire, ties for the median and the 90th percentile, the 60th
and 365th days, a window that ends today, the hire's day in the
organisation's time zone, a blank source, a rerun, and a hire made through
the hiring services."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hiring.models import Candidate, Requisition, StageChange
from kpis.computation import kpis_compute
from kpis.models import KpiSnapshot
from kpis.sources import SOURCE_IDS
from onboarding.models import Clearance
from tests.factories import PodFactory, UserFactory
from tests.hiring.conftest import hiring  # noqa: F401 - the fixture
from tests.kpis.test_hiring_kpis import hire_installer

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]
UTC = datetime.UTC
JAN, FEB = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)
NOW = datetime.datetime(2025, 4, 20, 12, tzinfo=UTC)
HIRING = ["time_to_hire", "candidate_conversion", "hire_clearance_60d", "first_year_retention"]


@pytest.fixture
def pod():
    return PodFactory()


@pytest.fixture
def requisition(pod):
    return Requisition.objects.create(
        pod=pod, role="installer", opened_on=datetime.date(2024, 12, 1), fill_by=datetime.date(2025, 6, 30)
    )


def candidate(requisition, applied_on, stage="applied", hired_at=None, source="referral", history=()):
    n = Candidate.objects.count()
    installer = None
    if stage == "hired":
        installer = hire_installer(requisition.pod, hired_at.date(), source)
    row = Candidate.objects.create(
        requisition=requisition,
        name=f"Person {n}",
        email=f"p{n}@example.com",
        source=source,
        stage=stage,
        applied_on=applied_on,
        stage_changed_at=hired_at or datetime.datetime.combine(applied_on, datetime.time(9), tzinfo=UTC),
        installer=installer,
    )
    for before, after in zip(["", *history], history, strict=False):
        StageChange.objects.create(candidate=row, from_stage=before, to_stage=after, at=row.stage_changed_at)
    return row


def hired(requisition, days, *, applied_on=JAN, source="referral", hour=10):
    at = datetime.datetime.combine(applied_on + datetime.timedelta(days), datetime.time(hour), tzinfo=UTC)
    return candidate(requisition, applied_on, "hired", at, source)


def compute(since=JAN, until=datetime.date(2025, 4, 30), grains=("month",)):
    return kpis_compute(since=since, until=until, grains=list(grains), kpis=HIRING, now=NOW)


def snapshot(kpi, start=JAN, scope="org", scope_id=0, grain="month"):
    return KpiSnapshot.objects.filter(kpi=kpi, scope=scope, scope_id=scope_id, grain=grain, period_start=start).first()


def test_no_facts_no_figures_and_no_hires_no_time_to_hire(requisition):
    compute()
    assert not KpiSnapshot.objects.exists()
    candidate(requisition, JAN, "rejected", history=["applied", "screen", "rejected"])
    candidate(requisition, JAN, "screen", history=["applied", "screen"])
    compute()
    assert snapshot("time_to_hire") is None  # nobody hired: no facts, no snapshot
    conversion = snapshot("candidate_conversion")
    # Applicants but no hire: a figure of 0 %, not "no value"; one still in the pipeline makes it provisional.
    assert (conversion.value, conversion.numerator, conversion.denominator) == (0.0, 0, 2)
    assert conversion.provisional
    assert conversion.details == {
        "reached": {"applied": 2, "screen": 2, "practical": 0, "interview": 0, "offer": 0, "hired": 0},
        "open": 1,
        "rejected": 1,
        "withdrawn": 0,
    }


def test_one_hire_is_its_own_median_and_90th_percentile(requisition):
    hired(requisition, 17)
    compute()
    s = snapshot("time_to_hire")
    assert (s.value, s.numerator, s.denominator) == (17.0, 17.0, 1.0)
    assert s.details == {"median_days": 17.0, "p90_days": 17.0}
    conversion = snapshot("candidate_conversion")
    assert (conversion.value, conversion.provisional) == (1.0, False)


@pytest.mark.parametrize(
    ("days", "median", "p90"),
    [
        ([14, 14, 14, 20], 14.0, 18.2),  # a tie at the median; the 90th percentile between 14 and 20
        ([10, 20], 15.0, 19.0),  # an even count: the median halfway between the two
        ([5, 5, 5, 5, 5], 5.0, 5.0),  # all tied
        ([30, 1, 9], 9.0, 25.8),  # order of the facts does not matter
    ],
)
def test_the_median_and_90th_percentile_interpolate_between_ranks(requisition, days, median, p90):
    for n in days:
        hired(requisition, n)
    compute()
    s = snapshot("time_to_hire")
    assert s.value == pytest.approx(median) and s.details["median_days"] == pytest.approx(median)
    assert s.details["p90_days"] == pytest.approx(p90)
    assert (s.numerator, s.denominator) == (sum(days), len(days))


def test_the_hire_day_is_taken_in_the_organisation_time_zone(settings, requisition):
    settings.KPI_TIME_ZONE = "Europe/Berlin"
    # 31 January 23:30 UTC is 1 February in Berlin: a February hire, 31 days after applying.
    candidate(requisition, JAN, "hired", datetime.datetime(2025, 1, 31, 23, 30, tzinfo=UTC))
    compute()
    assert snapshot("time_to_hire") is None
    assert snapshot("time_to_hire", FEB).value == 31.0


def test_the_60th_day_still_counts_and_the_61st_does_not(pod):
    lead = UserFactory()
    hired_on = datetime.date(2024, 12, 1)  # day 60: 30 January
    for after in (59, 60, 61, None):
        installer = hire_installer(pod, hired_on, "agency")
        if after is not None:
            at = datetime.datetime.combine(hired_on + datetime.timedelta(after), datetime.time(23), tzinfo=UTC)
            Clearance.objects.create(installer=installer, cleared_by=lead, cleared_at=at, valid_until=at.date())
    compute()
    s = snapshot("hire_clearance_60d")
    assert (s.numerator, s.denominator) == (2, 4)
    assert s.details == {"window_days": 60}
    assert snapshot("hire_clearance_60d", scope="source", scope_id=SOURCE_IDS["agency"]).value == 0.5


def test_a_window_ending_today_is_not_counted_yet(pod):
    today = NOW.date()
    hire_installer(pod, today - datetime.timedelta(60), "referral")  # its 60th day is today
    hire_installer(pod, today - datetime.timedelta(61), "referral")  # its 60th day was yesterday
    compute(since=today.replace(day=1), until=today)
    assert snapshot("hire_clearance_60d", today.replace(day=1)).denominator == 1


def test_leaving_on_the_365th_day_is_not_a_year_employed(pod):
    hired_on = datetime.date(2024, 2, 1)  # day 365: 31 January 2025
    hire_installer(pod, hired_on, "maker_community", hired_on + datetime.timedelta(365), voluntary=True)
    hire_installer(pod, hired_on, "maker_community", hired_on + datetime.timedelta(366), voluntary=True)
    hire_installer(pod, hired_on, "maker_community", hired_on + datetime.timedelta(10), voluntary=False)
    hire_installer(pod, hired_on, "maker_community")
    compute()
    s = snapshot("first_year_retention")
    assert (s.numerator, s.denominator) == (2, 4)
    assert s.details == {"left_voluntarily": 1, "left_involuntarily": 1}


def test_a_blank_source_counts_for_the_organisation_but_no_source(pod):
    hire_installer(pod, datetime.date(2024, 2, 1), "")
    compute()
    assert snapshot("first_year_retention").denominator == 1
    assert not KpiSnapshot.objects.filter(scope="source").exists()


def test_a_rerun_writes_nothing_and_a_vanished_hire_is_zeroed(requisition):
    row = hired(requisition, 12)
    assert compute() > 0
    assert compute() == 0  # the details (nested counts included) compare equal as stored
    installer = row.installer
    row.delete()
    installer.delete()
    compute()
    s = snapshot("time_to_hire")
    assert (s.value, s.numerator, s.denominator, s.details) == (None, 0, 0, {"median_days": None, "p90_days": None})


def test_a_hire_through_the_services_is_counted_in_the_month_it_was_made(hiring, settings):  # noqa: F811
    from hiring import services

    candidate = hiring.ready(hiring.candidate)  # applied two weeks ago
    services.candidate_hire(actor=hiring.lead_a, candidate=candidate, employee_id="E-HIRE", start_on=hiring.today)
    hired_on = timezone.localtime(timezone.now(), ZoneInfo(settings.KPI_TIME_ZONE)).date()
    applied_on = hiring.candidate.applied_on
    kpis_compute(since=applied_on.replace(day=1), until=hired_on, grains=["month"], kpis=HIRING)
    s = snapshot("time_to_hire", hired_on.replace(day=1))
    assert (s.value, s.denominator) == ((hired_on - applied_on).days, 1)
    by_source = snapshot("time_to_hire", hired_on.replace(day=1), "source", SOURCE_IDS["referral"])
    assert by_source.value == (hired_on - applied_on).days
    by_pod = snapshot("candidate_conversion", applied_on.replace(day=1), "pod", hiring.pod_a.pk)
    assert by_pod.details["reached"]["offer"] == 1 and by_pod.details["reached"]["hired"] == 1
