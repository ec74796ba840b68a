"""Reads of hiring, scoped through hiring/policies.py, each in a fixed
number of queries whatever the number of rows."""

from django.db.models import Count, Prefetch, QuerySet

from installer_ops.models import HiringSource, User

from . import policies
from .models import Candidate, CandidateStage, Requisition, RequisitionStatus, Scorecard, ScreeningTask


def requisitions_for_listing(user) -> QuerySet[Requisition]:
    return policies.requisitions_visible_to(user).select_related("pod").order_by("-opened_on", "-id")


def candidates_for_listing(user) -> QuerySet[Candidate]:
    """Visible candidates with their interviewers' ids (one more query per page)."""
    return (
        policies.candidates_visible_to(user)
        .prefetch_related(Prefetch("interviewers", queryset=User.objects.only("id").order_by("id")))
        .order_by("requisition_id", "applied_on", "id")
    )


def scorecards_of(user, candidate: Candidate) -> QuerySet[Scorecard]:
    return (
        policies.scorecards_visible_to(user, candidate)
        .select_related("task", "interviewer")
        .order_by("task__position", "created_at", "id")
    )


def active_tasks() -> QuerySet[ScreeningTask]:
    return ScreeningTask.objects.filter(active=True).order_by("position", "title")


def hiring_summary(user) -> dict | None:
    """Counts only, never a candidate's name or email: candidates per stage,
    per source and per source and stage, and requisitions per status and
    the open ones per pod and role. None when `user` reads no hiring
    figures (installers). Three queries."""
    candidates = policies.candidates_counted_for(user)
    if candidates is None:
        return None
    by_source_stage = {
        (row["source"], row["stage"]): row["n"]
        for row in candidates.order_by().values("source", "stage").annotate(n=Count("id"))
    }
    stages = {stage: sum(n for (_, s), n in by_source_stage.items() if s == stage) for stage in CandidateStage.values}
    sources = [
        {
            "source": source,
            "total": sum(n for (src, _), n in by_source_stage.items() if src == source),
            "stages": {stage: by_source_stage.get((source, stage), 0) for stage in CandidateStage.values},
        }
        for source in HiringSource.values
    ]
    requisitions = policies.requisitions_counted_for(user)
    by_status = {row["status"]: row["n"] for row in requisitions.order_by().values("status").annotate(n=Count("id"))}
    open_rows = (
        requisitions.filter(status=RequisitionStatus.OPEN)
        .order_by("pod__name", "role")
        .values("pod", "pod__code", "pod__name", "role")
        .annotate(n=Count("id"))
    )
    return {
        "candidates": sum(stages.values()),
        "stages": stages,
        "sources": sources,
        "requisitions": {status: by_status.get(status, 0) for status in RequisitionStatus.values},
        "open_requisitions": [
            {
                "pod": r["pod"],
                "pod_code": r["pod__code"],
                "pod_name": r["pod__name"],
                "role": r["role"],
                "count": r["n"],
            }
            for r in open_rows
        ],
    }
