"""Requisitions: opened by the pod's lead or an administrator, cancelled
once while open; and who sees them and their candidates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from hiring import policies, services
from hiring.models import Requisition
from installer_ops.exceptions import DomainConflict
from installer_ops.models import AuditEntry

pytestmark = pytest.mark.django_db


def open_in(hiring, pod, actor, **extra):
    return services.requisition_open(
        actor=actor, pod=pod, role="reliability-engineer", fill_by=hiring.today + datetime.timedelta(days=30), **extra
    )


def test_a_lead_opens_in_the_pods_they_lead_and_an_administrator_anywhere(hiring):
    requisition = open_in(hiring, hiring.pod_a, hiring.lead_a)
    assert requisition.status == "open" and requisition.opened_on == hiring.today
    assert requisition.created_by == hiring.lead_a
    assert AuditEntry.objects.filter(object_type="requisition", object_id=str(requisition.pk), action="open").exists()
    assert open_in(hiring, hiring.pod_b, hiring.admin).pod == hiring.pod_b
    for outsider in (hiring.lead_b, hiring.executive, hiring.installer_a1.user, hiring.interviewer):
        with pytest.raises(PermissionDenied):
            open_in(hiring, hiring.pod_a, outsider)


def test_requisition_input_is_checked(hiring):
    with pytest.raises(ValidationError) as refused:
        services.requisition_open(
            actor=hiring.lead_a,
            pod=hiring.pod_a,
            role="installer",
            opened_on=hiring.today,
            fill_by=hiring.today - datetime.timedelta(days=1),
        )
    assert "fill_by" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.requisition_open(
            actor=hiring.lead_a, pod=hiring.pod_a, role="janitor", fill_by=datetime.date(9999, 1, 1)
        )
    assert {"role", "fill_by"} <= set(refused.value.message_dict)


def test_the_database_holds_filled_and_filled_by_together(hiring):
    with pytest.raises(IntegrityError), transaction.atomic():
        Requisition.objects.filter(pk=hiring.requisition.pk).update(status="filled")


def test_a_requisition_is_cancelled_once_with_its_reason(hiring):
    requisition = services.requisition_cancel(actor=hiring.lead_a, requisition=hiring.requisition, reason=" Budget ")
    assert requisition.status == "cancelled"
    entry = AuditEntry.objects.get(object_type="requisition", action="cancel")
    assert entry.changes == {"status": ["open", "cancelled"], "reason": "Budget"}
    with pytest.raises(DomainConflict):
        services.requisition_cancel(actor=hiring.lead_a, requisition=requisition)
    with pytest.raises(PermissionDenied):
        services.requisition_cancel(actor=hiring.lead_b, requisition=requisition)


def test_scopes(hiring):
    theirs = open_in(hiring, hiring.pod_b, hiring.lead_b)
    other = services.candidate_add(
        actor=hiring.lead_b, requisition=theirs, name="Olga Other", email="olga@example.com", source="agency"
    )
    unassigned = hiring.add("Una Unassigned")
    visible = {
        hiring.lead_a: {hiring.candidate, unassigned},
        hiring.lead_b: {other},
        hiring.interviewer: {hiring.candidate},
        hiring.admin: {hiring.candidate, unassigned, other},
        hiring.executive: set(),
        hiring.installer_a1.user: set(),
    }
    for user, candidates in visible.items():
        assert set(policies.candidates_visible_to(user)) == candidates, user
    assert set(policies.requisitions_visible_to(hiring.interviewer)) == {hiring.requisition}
    assert set(policies.requisitions_visible_to(hiring.lead_b)) == {theirs}
    assert not policies.requisitions_visible_to(hiring.executive).exists()
    # Executives count every candidate without seeing one; installers count none.
    assert policies.candidates_counted_for(hiring.executive).count() == 3
    assert policies.candidates_counted_for(hiring.installer_a1.user) is None
