"""The demo's hiring data (seed_demo): open requisitions with candidates at
every stage, scorecards, and hires through the hire service whose history
(time to hire, clearance within 60 days, first-year retention) spans
months, with some who left."""

import datetime
import io
import statistics

import pytest
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from hiring.models import (
    Candidate,
    CandidateStage,
    Requisition,
    RequisitionStatus,
    RubricMinimums,
    Scorecard,
    ScreeningTask,
    StageChange,
)
from hiring.rubric import rubric_shortfalls
from installer_ops.models import AuditEntry, HiringSource, Stage
from kpis.models import KpiCode, KpiSnapshot, Scope
from onboarding.models import Clearance

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_promised_hiring_data(settings):
    # One seed (it takes seconds), several checks.
    settings.DEBUG = True  # seed_demo refuses without it
    # As after a flush (every transactional test): the migration's default tasks
    # and minimums are gone, and the demo still seeds.
    ScreeningTask.objects.all().delete()
    RubricMinimums.objects.all().delete()
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    open_requisitions_with_candidates_at_every_stage()
    scorecards_from_several_interviewers()
    hires_through_the_hire_now_in_bootcamp_onboarding_cleared_or_gone(today)
    time_to_hire_clearance_and_retention_with_history(today)
    stage_history_in_order_and_in_the_past()


def open_requisitions_with_candidates_at_every_stage():
    open_requisitions = Requisition.objects.filter(status=RequisitionStatus.OPEN)
    assert open_requisitions.count() == 2
    assert len({r.pod_id for r in open_requisitions}) == 2
    stages = set(Candidate.objects.filter(requisition__in=open_requisitions).values_list("stage", flat=True))
    assert stages == set(CandidateStage.values) - {CandidateStage.HIRED}
    assert 25 <= Candidate.objects.count() <= 40
    assert set(Candidate.objects.values_list("source", flat=True)) == set(HiringSource.values)
    # The demo lead runs one of them and is named to interview on the other.
    lead_pods = Requisition.objects.filter(pod__memberships__user__username="lead", pod__memberships__ended_on=None)
    assert open_requisitions.filter(pk__in=lead_pods).count() == 1
    assert Candidate.objects.filter(requisition__in=open_requisitions, interviewers__username="lead").exists()
    # One at offer can be hired; another is still short of the rubric's minimums.
    at_offer = [rubric_shortfalls(c) for c in Candidate.objects.filter(stage=CandidateStage.OFFER)]
    assert sorted(len(shortfalls) > 0 for shortfalls in at_offer) == [False, True]


def scorecards_from_several_interviewers():
    assert Scorecard.objects.count() >= 30
    assert Scorecard.objects.values("interviewer").distinct().count() >= 3
    assert Scorecard.objects.filter(task__slug="failure-scenario").exists()
    assert Scorecard.objects.filter(recommendation__in=["no", "strong-no"]).exists()


def hires_through_the_hire_now_in_bootcamp_onboarding_cleared_or_gone(today):
    hired = list(Candidate.objects.filter(stage=CandidateStage.HIRED).select_related("installer", "requisition"))
    assert len(hired) >= 10
    for candidate in hired:
        installer = candidate.installer
        assert candidate.requisition.status == RequisitionStatus.FILLED
        assert candidate.requisition.filled_by_id == candidate.pk
        assert installer.hiring_source == candidate.source and installer.pod_id == candidate.requisition.pod_id
        assert installer.hired_on >= candidate.applied_on
        assert rubric_shortfalls(candidate) == []
    assert {c.installer.stage for c in hired} >= {Stage.BOOTCAMP, Stage.ONBOARDING, Stage.CLEARED, Stage.LEFT}
    assert AuditEntry.objects.filter(object_type="candidate", action="hire").count() == len(hired)
    # Hire dates spread over more than a year, up to the last weeks.
    hired_on = sorted(c.installer.hired_on for c in hired)
    assert (today - hired_on[0]).days > 450 and (today - hired_on[-1]).days < 30


def time_to_hire_clearance_and_retention_with_history(today):
    hired = list(Candidate.objects.filter(stage=CandidateStage.HIRED).select_related("installer"))
    days = [(timezone.localtime(c.stage_changed_at).date() - c.applied_on).days for c in hired]
    assert min(days) >= 10 and max(days) <= 35 and 14 <= statistics.median(days) <= 20
    assert len({c.stage_changed_at.date().replace(day=1) for c in hired}) >= 8  # hired across many months
    # First-year retention is not 100 %: of the hires a year in, some left within the year.
    a_year_in = [c.installer for c in hired if c.installer.hired_on + datetime.timedelta(days=365) < today]
    left_early = [i for i in a_year_in if i.left_on and (i.left_on - i.hired_on).days < 365]
    assert 0 < len(left_early) < len(a_year_in)
    first_clearance = dict(
        Clearance.objects.filter(installer__candidate__in=hired)
        .values("installer_id")
        .annotate(first=Min("cleared_at"))
        .values_list("installer_id", "first")
    )
    assert len(first_clearance) >= 4
    # The KPIs computed at the end of the seed read it.
    for kpi in (KpiCode.TIME_TO_HIRE, KpiCode.FIRST_YEAR_RETENTION):
        values = KpiSnapshot.objects.filter(kpi=kpi, scope=Scope.ORG, grain="quarter", value__isnull=False)
        assert values.exists(), kpi
    assert KpiSnapshot.objects.filter(kpi=KpiCode.FIRST_YEAR_RETENTION, scope=Scope.ORG, value__lt=1).exists()


def stage_history_in_order_and_in_the_past():
    now = timezone.now()
    changes = {}
    for change in StageChange.objects.order_by("candidate_id", "id"):
        changes.setdefault(change.candidate_id, []).append(change)
    for candidate in Candidate.objects.all():
        history = changes[candidate.pk]
        assert history[0].from_stage == "" and history[0].to_stage == CandidateStage.APPLIED
        assert history[0].at.date() == candidate.applied_on
        assert [c.at for c in history] == sorted(c.at for c in history)
        assert history[-1].at == candidate.stage_changed_at <= now
        assert [c.to_stage for c in history][-1] == candidate.stage
        for card in candidate.scorecards.all():
            assert history[0].at < card.created_at < candidate.stage_changed_at
    assert not Requisition.objects.filter(created_at__gt=now).exists()
