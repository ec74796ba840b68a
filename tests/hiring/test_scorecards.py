"""Scorecards: written by an assigned interviewer or the pod's lead, on a task
in use, with three scores from 1 to 4, once per interviewer and task; and
the rubric's minimums, set by administrators."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from hiring import services
from hiring.models import RubricMinimums, Scorecard
from installer_ops.exceptions import DomainConflict
from installer_ops.models import AuditEntry
from tests.hiring.conftest import GOOD

pytestmark = pytest.mark.django_db


def test_an_assigned_interviewer_scores_and_it_is_audited(hiring):
    card = hiring.score(hiring.candidate, hiring.interviewer, "surface-mount-wiring", recommendation="strong-yes")
    assert card.scores == GOOD and card.interviewer == hiring.interviewer
    entry = AuditEntry.objects.get(object_type="candidate", action="score")
    assert entry.changes["task"] == "surface-mount-wiring" and entry.changes["interviewer"] == hiring.interviewer.pk


def test_one_scorecard_per_interviewer_and_task(hiring):
    c = hiring.candidate
    hiring.score(c, hiring.interviewer, "device-provisioning")
    with pytest.raises(DomainConflict) as refused:
        hiring.score(c, hiring.interviewer, "device-provisioning", scores={**GOOD, "customer_empathy": 4})
    assert refused.value.details == {"task": "device-provisioning", "interviewer": hiring.interviewer.pk}
    # Another task by the same interviewer, and the same task by someone else, are new scorecards.
    hiring.score(c, hiring.interviewer, "failure-scenario")
    hiring.score(c, hiring.lead_a, "device-provisioning")
    assert Scorecard.objects.filter(candidate=c).count() == 3


def test_the_database_holds_one_scorecard_per_interviewer_and_task(hiring):
    card = hiring.score(hiring.candidate, hiring.interviewer)
    twin = Scorecard(
        candidate=card.candidate, task=card.task, interviewer=card.interviewer, recommendation="no", **GOOD
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.parametrize(
    "scores",
    [
        {**GOOD, "field_problem_solving": 0},
        {**GOOD, "customer_empathy": 5},
        {**GOOD, "security_hygiene": -1},
        {**GOOD, "security_hygiene": "3"},
        {**GOOD, "security_hygiene": 2.5},
        {**GOOD, "security_hygiene": True},
        {"field_problem_solving": 3, "customer_empathy": 3},
    ],
)
def test_scores_outside_1_to_4_are_refused_naming_the_dimension(hiring, scores):
    bad = next(d for d in GOOD if scores.get(d) not in (1, 2, 3, 4) or isinstance(scores.get(d), bool))
    with pytest.raises(ValidationError) as refused:
        hiring.score(hiring.candidate, hiring.interviewer, scores=scores)
    assert list(refused.value.message_dict) == [bad]
    assert not Scorecard.objects.exists()


def test_the_database_holds_scores_between_1_and_4(hiring):
    card = hiring.score(hiring.candidate, hiring.interviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scorecard.objects.filter(pk=card.pk).update(security_hygiene=5)


def test_who_may_score(hiring):
    c = hiring.candidate
    # The pod's lead scores without being named; an administrator who is not named does not.
    hiring.score(c, hiring.lead_a, "surface-mount-wiring")
    for outsider in (hiring.lead_b, hiring.admin, hiring.executive, hiring.installer_a1.user):
        with pytest.raises(PermissionDenied):
            hiring.score(c, outsider, "surface-mount-wiring")
    # Nobody writes a scorecard in someone else's name, except an administrator or the system (an import).
    with pytest.raises(PermissionDenied):
        services.scorecard_submit(
            actor=hiring.lead_a,
            candidate=c,
            task=hiring.tasks["debug-small-model"],
            scores=GOOD,
            recommendation="yes",
            interviewer=hiring.interviewer,
        )
    card = services.scorecard_submit(
        actor=hiring.admin,
        candidate=c,
        task=hiring.tasks["debug-small-model"],
        scores=GOOD,
        recommendation="yes",
        interviewer=hiring.interviewer,
    )
    assert card.interviewer == hiring.interviewer


def test_a_retired_task_takes_no_new_scorecards(hiring):
    task = hiring.tasks["debug-small-model"]
    task.active = False
    task.save()
    with pytest.raises(ValidationError) as refused:
        hiring.score(hiring.candidate, hiring.interviewer, "debug-small-model")
    assert "task" in refused.value.message_dict


def test_a_closed_candidate_takes_no_scorecards(hiring):
    c = services.candidate_stage_move(actor=hiring.lead_a, candidate=hiring.candidate, stage="rejected", reason="No")
    with pytest.raises(DomainConflict):
        hiring.score(c, hiring.interviewer)


def test_notes_and_recommendation_are_checked(hiring):
    with pytest.raises(ValidationError) as refused:
        hiring.score(hiring.candidate, hiring.interviewer, recommendation="maybe")
    assert "recommendation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.scorecard_submit(
            actor=hiring.interviewer,
            candidate=hiring.candidate,
            task=hiring.tasks["device-provisioning"],
            scores=GOOD,
            recommendation="yes",
            notes="a\x00b",
        )
    assert "notes" in refused.value.message_dict


def test_the_default_minimums_exist_and_administrators_set_them(hiring):
    minimums = RubricMinimums.current()
    assert (minimums.field_problem_solving, minimums.customer_empathy, minimums.security_hygiene) == (
        Decimal("2.50"),
        Decimal("2.50"),
        Decimal("3.00"),
    )
    assert minimums.min_scorecards == 2 and minimums.require_failure_scenario
    new = {
        "field_problem_solving": Decimal("3"),
        "customer_empathy": Decimal("2"),
        "security_hygiene": Decimal("3.5"),
        "min_scorecards": 3,
        "require_failure_scenario": False,
    }
    for outsider in (hiring.lead_a, hiring.executive, hiring.interviewer):
        with pytest.raises(PermissionDenied):
            services.minimums_set(actor=outsider, **new)
    services.minimums_set(actor=hiring.admin, **new)
    minimums = RubricMinimums.current()
    assert minimums.min_scorecards == 3 and minimums.security_hygiene == Decimal("3.5")
    assert minimums.updated_by == hiring.admin
    entry = AuditEntry.objects.get(object_type="rubricminimums")
    assert set(entry.changes) == set(new)
    with pytest.raises(ValidationError) as refused:
        services.minimums_set(actor=hiring.admin, **{**new, "security_hygiene": Decimal("4.5"), "min_scorecards": 0})
    assert {"security_hygiene", "min_scorecards"} <= set(refused.value.message_dict)
