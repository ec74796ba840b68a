import datetime

import pytest
from django.utils import timezone

from hiring import services
from hiring.models import PIPELINE, CandidateStage, ScreeningTask
from installer_ops.models import Level
from installer_ops.roles import Role
from tests.factories import UserFactory

GOOD = {"field_problem_solving": 3, "customer_empathy": 3, "security_hygiene": 3}


@pytest.fixture
def hiring(org):
    """The `org` fixture plus an open requisition of pod A (opened by its
    lead), an interviewer (a lead of no pod) and a candidate who applied two
    weeks ago with that interviewer named, and helpers."""
    o = org
    today = timezone.localdate()
    o.today = today
    o.requisition = services.requisition_open(
        actor=o.lead_a,
        pod=o.pod_a,
        role="installer",
        level=Level.INSTALLER_2,
        opened_on=today - datetime.timedelta(days=20),
        fill_by=today + datetime.timedelta(days=10),
    )
    o.interviewer = UserFactory(role=Role.LEAD, username="interviewer", name="Ivo Interviewer")
    o.candidate = services.candidate_add(
        actor=o.lead_a,
        requisition=o.requisition,
        name="Cora Candidate",
        email="cora@example.com",
        source="referral",
        applied_on=today - datetime.timedelta(days=14),
        interviewers=[o.interviewer],
    )
    o.tasks = {task.slug: task for task in ScreeningTask.objects.all()}

    def add(name="Dan Dee", email=None, source="agency", requisition=None, **extra):
        return services.candidate_add(
            actor=o.lead_a,
            requisition=requisition or o.requisition,
            name=name,
            email=email or f"{name.split()[0].lower()}@example.com",
            source=source,
            **extra,
        )

    def move_to(candidate, stage):
        """Move forward step by step until `stage` (an open stage)."""
        target = PIPELINE.index(CandidateStage(stage))
        while PIPELINE.index(CandidateStage(candidate.stage)) < target:
            following = PIPELINE[PIPELINE.index(CandidateStage(candidate.stage)) + 1]
            candidate = services.candidate_stage_move(actor=o.lead_a, candidate=candidate, stage=following)
        return candidate

    def score(candidate, by, task="device-provisioning", scores=None, recommendation="yes"):
        return services.scorecard_submit(
            actor=by,
            candidate=candidate,
            task=o.tasks[task],
            scores=scores or GOOD,
            recommendation=recommendation,
        )

    def ready(candidate):
        """At offer with scorecards that meet the default minimums."""
        candidate = move_to(candidate, "offer")
        score(candidate, o.interviewer, "device-provisioning")
        score(candidate, o.lead_a, "failure-scenario")
        return candidate

    o.add, o.move_to, o.score, o.ready = add, move_to, score, ready
    return o
