"""Shared set-up of the hiring import tests: a pod with an open requisition,
an interviewer, and candidates.csv / scorecards.csv that import cleanly."""

import csv
import datetime
import io

from django.utils import timezone

from hiring import services as hiring_services
from hiring.models import Candidate, Scorecard, StageChange
from installer_ops.models import AuditEntry
from installer_ops.roles import Role
from kpis.models import KpiJob
from tests.factories import UserFactory

CANDIDATE_HEADER = ["requisition", "name", "email", "source", "applied_on", "stage", "reason", "interviewers"]
SCORECARD_HEADER = [
    "requisition",
    "candidate_email",
    "task",
    "interviewer",
    "field_problem_solving",
    "customer_empathy",
    "security_hygiene",
    "recommendation",
    "notes",
]


def to_csv(header: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Candidate.objects.count(),
        Candidate.interviewers.through.objects.count(),
        StageChange.objects.count(),
        Scorecard.objects.count(),
        AuditEntry.objects.count(),
        KpiJob.objects.count(),
    )


def hiring_org_of(org):
    """The `org` fixture plus an open requisition of pod A, a filled one, an interviewer
    (a lead of no pod), and good rows: a candidate at applied, one at
    interview with two scorecards, one rejected at screen with one."""
    o = org
    today = timezone.localdate()
    o.applied_on = (today - datetime.timedelta(days=12)).isoformat()
    o.requisition = hiring_services.requisition_open(
        actor=o.lead_a,
        pod=o.pod_a,
        role="installer",
        opened_on=today - datetime.timedelta(days=30),
        fill_by=today + datetime.timedelta(days=20),
    )
    o.cancelled = hiring_services.requisition_cancel(
        actor=o.lead_a,
        requisition=hiring_services.requisition_open(
            actor=o.lead_a, pod=o.pod_a, role="product-liaison", fill_by=today + datetime.timedelta(days=20)
        ),
    )
    o.interviewer = UserFactory(role=Role.LEAD, username="ivo", name="Ivo Interviewer")
    req = str(o.requisition.pk)
    o.candidates = [
        {
            "requisition": req,
            "name": "Ana Applied",
            "email": "ana@example.com",
            "source": "maker-community",
            "applied_on": o.applied_on,
            "stage": "",
            "reason": "",
            "interviewers": "",
        },
        {
            "requisition": req,
            "name": "Ivan Interview",
            "email": "ivan@example.com",
            "source": "technical-college",
            "applied_on": o.applied_on,
            "stage": "interview",
            "reason": "",
            "interviewers": "ivo; admin",
        },
        {
            "requisition": req,
            "name": "Rita Rejected",
            "email": "rita@example.com",
            "source": "agency",
            "applied_on": o.applied_on,
            "stage": "rejected",
            "reason": "Skipped the certificate check in the practical.",
            "interviewers": "",
        },
    ]
    o.scorecards = [
        {
            "requisition": req,
            "candidate_email": "IVAN@example.com",
            "task": "device-provisioning",
            "interviewer": "ivo",
            "field_problem_solving": "3",
            "customer_empathy": "4",
            "security_hygiene": "3",
            "recommendation": "yes",
            "notes": "Verified the image before flashing.",
        },
        {
            "requisition": req,
            "candidate_email": "ivan@example.com",
            "task": "failure-scenario",
            "interviewer": "lead-a",
            "field_problem_solving": "3",
            "customer_empathy": "3",
            "security_hygiene": "4",
            "recommendation": "strong-yes",
            "notes": "",
        },
        {
            "requisition": req,
            "candidate_email": "rita@example.com",
            "task": "surface-mount-wiring",
            "interviewer": "lead-a",
            "field_problem_solving": "2",
            "customer_empathy": "2",
            "security_hygiene": "1",
            "recommendation": "strong-no",
            "notes": "",
        },
    ]

    def files(candidates=None, scorecards=None) -> dict[str, str]:
        return {
            "candidates.csv": to_csv(CANDIDATE_HEADER, o.candidates if candidates is None else candidates),
            "scorecards.csv": to_csv(SCORECARD_HEADER, o.scorecards if scorecards is None else scorecards),
        }

    o.files = files
    return o
