"""The hiring KPIs (time to hire, candidate conversion, hires cleared within
60 days, first-year retention) and the source scope, against the
plain-Python reference (tests/kpis/hiring_reference.py) on random small
data sets, in two time zones. Marked smoke: SQLite computes the time to
hire's percentiles on its own path, so the embedded run checks it too."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiring.models import PIPELINE, Candidate, Requisition, StageChange
from installer_ops.models import HiringSource, Installer, Stage
from kpis.computation import kpis_compute
from kpis.models import KpiSnapshot
from kpis.periods import periods_between
from onboarding.models import Clearance
from tests.factories import GeographyFactory, InstallerFactory, PodFactory, UserFactory, VerticalFactory
from tests.kpis import hiring_reference as reference
from tests.kpis.reference import stored

pytestmark = pytest.mark.smoke
UTC = datetime.UTC
SINCE, UNTIL = datetime.date(2025, 1, 1), datetime.date(2025, 4, 30)
NOW = datetime.datetime(2025, 4, 20, 12, tzinfo=UTC)
HIRING = ("time_to_hire", "candidate_conversion", "hire_clearance_60d", "first_year_retention")
STAGES = [stage.value for stage in PIPELINE]

# Hire dates whose first year or first 60 days end inside SINCE..UNTIL, and around them.
hire_day = st.one_of(
    st.dates(datetime.date(2023, 12, 1), datetime.date(2024, 5, 15)),
    st.dates(datetime.date(2024, 10, 15), datetime.date(2025, 4, 30)),
)
apply_day = st.dates(datetime.date(2024, 11, 15), datetime.date(2025, 4, 30))
source = st.sampled_from(HiringSource.values)


@st.composite
def datasets(draw):
    n_pods = draw(st.integers(1, 3))
    installers = [
        {
            "pod": draw(st.integers(0, n_pods - 1)),
            "source": draw(st.one_of(st.just(""), source)),
            "hired_on": draw(hire_day),
            "left_after": draw(st.one_of(st.none(), st.sampled_from([0, 364, 365, 366]), st.integers(0, 500))),
            "voluntary": draw(st.booleans()),
            # Days after the hire (the 60th is still within) and the hour of the day.
            "clearances": draw(
                st.lists(
                    st.tuples(st.one_of(st.sampled_from([59, 60, 61]), st.integers(-2, 120)), st.integers(0, 23)),
                    max_size=2,
                )
            ),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    candidates = []
    for _ in range(draw(st.integers(0, 8))):
        # Hires often enough that a period holds several: medians and percentiles of more than one.
        outcome = draw(st.sampled_from(["open", "rejected", "withdrawn", "hired", "hired", "hired"]))
        candidates.append(
            {
                "pod": draw(st.integers(0, n_pods - 1)),
                "source": draw(source),
                "applied_on": draw(apply_day),
                "furthest": 4 if outcome == "hired" else draw(st.integers(0, 4)),
                "outcome": outcome,
                # Few distinct durations, so that medians and percentiles meet ties.
                "days": draw(st.one_of(st.sampled_from([3, 14, 14, 20]), st.integers(0, 45))),
                "hour": draw(st.integers(0, 23)),
                # Rows written before the history was kept: the stage alone says how far they got.
                "history": draw(st.booleans()),
            }
        )
    zone = draw(st.sampled_from(["UTC", "Pacific/Auckland", "America/Los_Angeles"]))
    return {"pods": n_pods, "installers": installers, "candidates": candidates, "zone": zone}


def hire_installer(pod, hired_on, source, left_on=None, voluntary=None):
    return InstallerFactory(
        pod=pod,
        hired_on=hired_on,
        hiring_source=source,
        stage=Stage.LEFT if left_on else Stage.HIRED,
        left_on=left_on,
        left_voluntarily=voluntary if left_on else None,
    )


def load(data):
    """The data set in the database, and its plain-Python twin."""
    geographies = [GeographyFactory(code="geo-a"), GeographyFactory(code="geo-b")]
    verticals = [VerticalFactory(code="retail"), VerticalFactory(code="health")]
    pods = [PodFactory(geography=geographies[i % 2], vertical=verticals[i // 2]) for i in range(data["pods"])]
    lead = UserFactory()
    twin = {"installers": [], "clearances": [], "candidates": []}
    for spec in data["installers"]:
        left_on = None if spec["left_after"] is None else spec["hired_on"] + datetime.timedelta(spec["left_after"])
        installer = hire_installer(pods[spec["pod"]], spec["hired_on"], spec["source"], left_on, spec["voluntary"])
        twin["installers"].append(
            {
                "id": installer.pk,
                "pod": installer.pod_id,
                "source": spec["source"],
                "hired_on": spec["hired_on"],
                "left_on": left_on,
                "voluntary": spec["voluntary"],
            }
        )
        for after, hour in spec["clearances"]:
            day = spec["hired_on"] + datetime.timedelta(after)
            at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=UTC)
            Clearance.objects.create(installer=installer, cleared_by=lead, cleared_at=at, valid_until=day)
            twin["clearances"].append({"installer": installer.pk, "cleared_at": at})
    requisitions = [
        Requisition.objects.create(
            pod=pod, role="installer", opened_on=datetime.date(2024, 11, 1), fill_by=datetime.date(2025, 6, 30)
        )
        for pod in pods
    ]
    for index, spec in enumerate(data["candidates"]):
        applied_at = datetime.datetime.combine(spec["applied_on"], datetime.time(9), tzinfo=UTC)
        path = STAGES[: spec["furthest"] + 1]
        stage = {"open": path[-1], "hired": "hired"}.get(spec["outcome"], spec["outcome"])
        if spec["outcome"] in ("rejected", "withdrawn", "hired"):
            path = [*path, stage]
        hired_at = applied_at + datetime.timedelta(days=spec["days"], hours=spec["hour"] - 9)
        installer = None
        if stage == "hired":
            installer = hire_installer(pods[spec["pod"]], hired_at.date() + datetime.timedelta(7), spec["source"])
            twin["installers"].append(
                {
                    "id": installer.pk,
                    "pod": installer.pod_id,
                    "source": spec["source"],
                    "hired_on": installer.hired_on,
                    "left_on": None,
                    "voluntary": None,
                }
            )
        candidate = Candidate.objects.create(
            requisition=requisitions[spec["pod"]],
            name=f"Candidate {index}",
            email=f"c{index}@example.com",
            source=spec["source"],
            stage=stage,
            applied_on=spec["applied_on"],
            stage_changed_at=hired_at if stage == "hired" else applied_at + datetime.timedelta(days=len(path)),
            installer=installer,
        )
        history = list(zip(["", *path], path, strict=False)) if spec["history"] else []
        for step, (before, after) in enumerate(history):
            at = hired_at if after == "hired" else applied_at + datetime.timedelta(days=step)
            StageChange.objects.create(candidate=candidate, from_stage=before, to_stage=after, at=at)
        twin["candidates"].append(
            {
                "pod": pods[spec["pod"]].pk,
                "source": spec["source"],
                "applied_on": spec["applied_on"],
                "stage": stage,
                "hired_at": hired_at if stage == "hired" else None,
                "history": [after for _before, after in history],
            }
        )
    twin["pods"] = [{"id": p.pk, "geography": p.geography_id, "vertical": p.vertical_id} for p in pods]
    return twin


def wipe():
    KpiSnapshot.objects.all().delete()
    StageChange.objects.all().delete()
    Requisition.objects.update(filled_by=None)
    Candidate.objects.all().delete()
    Requisition.objects.all().delete()
    Clearance.objects.all().delete()
    Installer.objects.all().delete()


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-4


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=datasets(), grain=st.sampled_from(["week", "month", "quarter"]))
def test_the_hiring_kpis_match_the_reference(data, grain):
    wipe()
    twin = load(data)
    with override_settings(KPI_TIME_ZONE=data["zone"]):
        tz = ZoneInfo(data["zone"])
        today = NOW.astimezone(tz).date()
        kpis_compute(since=SINCE, until=UNTIL, grains=[grain], kpis=list(HIRING), now=NOW)
        snapshots = {(s.kpi, s.scope, s.scope_id, s.period_start): s for s in KpiSnapshot.objects.filter(grain=grain)}
        for scope, by_id in reference.matchers(twin["pods"]).items():
            for scope_id, match in by_id.items():
                for period in periods_between(SINCE, UNTIL, grain):

                    def snap(kpi, scope=scope, scope_id=scope_id, period=period):
                        return stored(snapshots, kpi, scope, scope_id, period.start)

                    where = (scope, scope_id, period.start)
                    expected = reference.time_to_hire(twin["candidates"], period, match, tz)
                    s = snap("time_to_hire")
                    assert s.denominator == expected["count"], where
                    assert close(s.numerator, expected["total"]), where
                    assert close(s.value, expected["median"]), where
                    assert close(s.details["median_days"], expected["median"]), where
                    assert close(s.details["p90_days"], expected["p90"]), where

                    expected = reference.conversion(twin["candidates"], period, match)
                    s = snap("candidate_conversion")
                    assert (s.numerator, s.denominator) == (expected["hired"], expected["applied"]), where
                    assert s.details["reached"] == expected["reached"], where
                    assert (s.details["open"], s.details["rejected"], s.details["withdrawn"]) == (
                        expected["open"],
                        expected["rejected"],
                        expected["withdrawn"],
                    ), where
                    assert s.provisional == bool(expected["open"]), where

                    cleared, hires = reference.clearance_60d(
                        twin["installers"], twin["clearances"], period, match, today, tz
                    )
                    s = snap("hire_clearance_60d")
                    assert (s.numerator, s.denominator) == (cleared, hires), where
                    assert close(s.value, cleared / hires if hires else None), where

                    stayed, hires, voluntary = reference.retention(twin["installers"], period, match, today)
                    s = snap("first_year_retention")
                    assert (s.numerator, s.denominator) == (stayed, hires), where
                    assert s.details["left_voluntarily"] == voluntary, where
                    assert s.details["left_involuntarily"] == hires - stayed - voluntary, where
    # Hiring has no cohort figures, and the source scope is the hiring KPIs' alone.
    assert not any(key[1] == "cohort" for key in snapshots)
    assert {key[0] for key in snapshots if key[1] == "source"} <= set(HIRING)
