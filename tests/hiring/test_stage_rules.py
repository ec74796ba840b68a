"""Candidates: added to open requisitions only, moved one stage forward at a
time or out with a reason, never out of a closed stage, hired only by a hire."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hiring import services
from hiring.models import Candidate, StageChange
from installer_ops.exceptions import DomainConflict
from installer_ops.models import AuditEntry

pytestmark = pytest.mark.django_db


def moves(candidate):
    return list(
        StageChange.objects.filter(candidate=candidate).order_by("at", "id").values_list("from_stage", "to_stage")
    )


def test_a_new_candidate_is_applied_with_the_first_stage_change_and_an_audit_entry(hiring):
    c = hiring.candidate
    assert c.stage == "applied" and c.source == "referral"
    assert moves(c) == [("", "applied")]
    assert list(c.interviewers.all()) == [hiring.interviewer]
    entry = AuditEntry.objects.get(object_type="candidate", object_id=str(c.pk))
    assert entry.action == "create" and entry.actor == hiring.lead_a


@pytest.mark.parametrize("stage", ["screen", "practical", "interview", "offer"])
def test_each_step_forward_is_allowed_and_recorded(hiring, stage):
    c = hiring.move_to(hiring.candidate, stage)
    assert Candidate.objects.get(pk=c.pk).stage == stage
    assert moves(c)[-1][1] == stage
    assert len(moves(c)) == ["screen", "practical", "interview", "offer"].index(stage) + 2


def test_a_skip_is_refused_with_the_allowed_moves(hiring):
    with pytest.raises(DomainConflict) as refused:
        services.candidate_stage_move(actor=hiring.lead_a, candidate=hiring.candidate, stage="practical")
    assert refused.value.details == {"stage": "applied", "allowed": ["screen", "rejected", "withdrawn"]}
    assert "Screen" in refused.value.message
    assert Candidate.objects.get(pk=hiring.candidate.pk).stage == "applied"
    assert moves(hiring.candidate) == [("", "applied")]


def test_backwards_and_the_same_stage_are_refused(hiring):
    c = hiring.move_to(hiring.candidate, "practical")
    for stage in ("screen", "applied", "practical"):
        with pytest.raises(DomainConflict):
            services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage=stage)
    assert Candidate.objects.get(pk=c.pk).stage == "practical"


def test_hired_is_reached_only_through_the_hire(hiring):
    c = hiring.move_to(hiring.candidate, "offer")
    with pytest.raises(DomainConflict) as refused:
        services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage="hired")
    assert "hire" in refused.value.message
    assert refused.value.details["allowed"] == ["rejected", "withdrawn"]


@pytest.mark.parametrize("stage", ["rejected", "withdrawn"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_leaving_the_pipeline_needs_a_reason(hiring, stage, reason):
    with pytest.raises(ValidationError) as refused:
        services.candidate_stage_move(actor=hiring.lead_a, candidate=hiring.candidate, stage=stage, reason=reason)
    assert "reason" in refused.value.message_dict
    assert Candidate.objects.get(pk=hiring.candidate.pk).stage == "applied"


@pytest.mark.parametrize("from_stage", ["applied", "screen", "practical", "interview", "offer"])
def test_reject_or_withdraw_from_any_open_stage_with_a_reason(hiring, from_stage):
    c = hiring.move_to(hiring.candidate, from_stage)
    c = services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage="withdrawn", reason="Took another offer")
    assert c.stage == "withdrawn"
    last = StageChange.objects.filter(candidate=c).latest("at", "id")
    assert (last.from_stage, last.to_stage, last.reason, last.actor) == (
        from_stage,
        "withdrawn",
        "Took another offer",
        hiring.lead_a,
    )
    assert AuditEntry.objects.filter(object_id=str(c.pk), action="move stage").latest("at").changes["reason"] == (
        "Took another offer"
    )


@pytest.mark.parametrize("closed", ["rejected", "withdrawn"])
@pytest.mark.parametrize("stage", ["applied", "screen", "rejected", "withdrawn", "hired"])
def test_a_closed_candidate_does_not_move(hiring, closed, stage):
    c = services.candidate_stage_move(actor=hiring.lead_a, candidate=hiring.candidate, stage=closed, reason="No")
    with pytest.raises(DomainConflict) as refused:
        services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage=stage, reason="Again")
    assert refused.value.details == {"stage": closed, "allowed": []}


def test_a_hired_candidate_does_not_move(hiring, django_capture_on_commit_callbacks):
    c = hiring.ready(hiring.candidate)
    services.candidate_hire(actor=hiring.lead_a, candidate=c, employee_id="E-900", start_on=hiring.today)
    with pytest.raises(DomainConflict):
        services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage="rejected", reason="Changed our mind")


def test_an_unknown_stage_is_a_field_error(hiring):
    with pytest.raises(ValidationError) as refused:
        services.candidate_stage_move(actor=hiring.lead_a, candidate=hiring.candidate, stage="onboarding")
    assert "stage" in refused.value.message_dict


def test_a_closed_requisition_moves_its_candidates_only_out(hiring):
    c = hiring.move_to(hiring.candidate, "screen")
    services.requisition_cancel(actor=hiring.lead_a, requisition=hiring.requisition, reason="Budget frozen")
    with pytest.raises(DomainConflict) as refused:
        services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage="practical")
    assert refused.value.details["allowed"] == ["rejected", "withdrawn"]
    c = services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage="rejected", reason="Cancelled")
    assert c.stage == "rejected"


def test_only_the_pods_lead_or_an_administrator_moves_candidates(hiring):
    for outsider in (hiring.lead_b, hiring.interviewer, hiring.executive, hiring.installer_a1.user):
        with pytest.raises(PermissionDenied):
            services.candidate_stage_move(actor=outsider, candidate=hiring.candidate, stage="screen")
    assert (
        services.candidate_stage_move(actor=hiring.admin, candidate=hiring.candidate, stage="screen").stage == "screen"
    )


def test_candidates_join_open_requisitions_only(hiring):
    services.requisition_cancel(actor=hiring.lead_a, requisition=hiring.requisition)
    with pytest.raises(DomainConflict):
        hiring.add("Late Larry")


def test_one_application_per_email_and_requisition(hiring):
    with pytest.raises(ValidationError) as refused:
        hiring.add("Cora Again", email="CORA@example.com")
    assert "email" in refused.value.message_dict
    other = services.requisition_open(
        actor=hiring.lead_a, pod=hiring.pod_a, role="installer", fill_by=hiring.today + datetime.timedelta(days=30)
    )
    assert hiring.add("Cora Again", email="cora@example.com", requisition=other).requisition == other


def test_candidate_input_is_checked(hiring):
    with pytest.raises(ValidationError) as refused:
        hiring.add("Future Fay", applied_on=hiring.today + datetime.timedelta(days=1))
    assert "applied_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        hiring.add("Wrong Source", source="newspaper")
    assert "source" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        hiring.add("Ina Installer", interviewers=[hiring.installer_a1.user, hiring.executive])
    assert len(refused.value.message_dict["interviewers"]) == 2
    with pytest.raises(PermissionDenied):
        services.candidate_add(
            actor=hiring.lead_b,
            requisition=hiring.requisition,
            name="X",
            email="x@example.com",
            source="agency",
        )


def test_interviewers_are_set_by_the_pods_lead(hiring):
    c = services.candidate_interviewers_set(
        actor=hiring.lead_a, candidate=hiring.candidate, interviewers=[hiring.interviewer, hiring.lead_b]
    )
    assert set(c.interviewers.all()) == {hiring.interviewer, hiring.lead_b}
    entry = AuditEntry.objects.filter(object_id=str(c.pk), action="update").get()
    assert sorted(entry.changes["interviewers"][1]) == sorted([hiring.interviewer.pk, hiring.lead_b.pk])
    with pytest.raises(PermissionDenied):
        services.candidate_interviewers_set(actor=hiring.interviewer, candidate=c, interviewers=[])
