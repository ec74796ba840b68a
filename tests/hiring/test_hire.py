"""The hire: refused while the candidate is not at offer, the requisition is
not open or any minimum of the rubric is unmet, listing each; otherwise one
transaction creates the installer (source, hire date, level), fills the
requisition and sends one invitation after commit."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from hiring import services
from hiring.models import Candidate, Requisition, StageChange
from installer_ops.exceptions import DomainConflict
from installer_ops.models import AuditEntry, Installer, Level

pytestmark = pytest.mark.django_db
ALL_MINIMUMS = ["scorecards", "failure_scenario", "field_problem_solving", "customer_empathy", "security_hygiene"]


def refused_codes(hiring, candidate, **extra):
    with pytest.raises(DomainConflict) as refused:
        services.candidate_hire(
            actor=hiring.lead_a, candidate=candidate, employee_id="E-777", start_on=hiring.today, **extra
        )
    assert not Installer.objects.filter(employee_id="E-777").exists()
    return [d["code"] for d in refused.value.details], refused.value


def set_minimums(hiring, **changes):
    values = {
        "field_problem_solving": Decimal("2.5"),
        "customer_empathy": Decimal("2.5"),
        "security_hygiene": Decimal("3"),
        "min_scorecards": 2,
        "require_failure_scenario": True,
    }
    services.minimums_set(actor=hiring.admin, **{**values, **changes})


def test_before_the_offer_every_reason_is_listed(hiring):
    codes, refusal = refused_codes(hiring, hiring.candidate)
    assert codes == ["stage", *ALL_MINIMUMS]
    assert all(d["label"] and d["detail"] for d in refusal.details)
    assert "Cora Candidate" in refusal.message


def test_at_offer_without_scorecards_each_minimum_is_listed(hiring):
    c = hiring.move_to(hiring.candidate, "offer")
    assert refused_codes(hiring, c)[0] == ALL_MINIMUMS


@pytest.mark.parametrize(
    ("scores", "unmet"),
    [
        ({"field_problem_solving": 1, "customer_empathy": 3, "security_hygiene": 3}, ["field_problem_solving"]),
        ({"field_problem_solving": 3, "customer_empathy": 1, "security_hygiene": 3}, ["customer_empathy"]),
        # 3 and 2 average 2.5: below security hygiene's 3.0, enough for the others' 2.5.
        ({"field_problem_solving": 2, "customer_empathy": 2, "security_hygiene": 2}, ["security_hygiene"]),
        ({"field_problem_solving": 1, "customer_empathy": 1, "security_hygiene": 1}, ALL_MINIMUMS[2:]),
    ],
)
def test_each_average_below_its_minimum_is_listed(hiring, scores, unmet):
    c = hiring.move_to(hiring.candidate, "offer")
    hiring.score(c, hiring.interviewer, "device-provisioning")  # 3, 3, 3
    hiring.score(c, hiring.lead_a, "failure-scenario", scores=scores)
    codes, refusal = refused_codes(hiring, c)
    assert codes == unmet
    detail = next(d["detail"] for d in refusal.details if d["code"] == unmet[0])
    assert "Average" in detail


def test_an_average_exactly_at_the_minimum_meets_it(hiring):
    c = hiring.move_to(hiring.candidate, "offer")
    hiring.score(
        c,
        hiring.interviewer,
        "device-provisioning",
        scores={"field_problem_solving": 2, "customer_empathy": 3, "security_hygiene": 3},
    )
    hiring.score(
        c,
        hiring.lead_a,
        "failure-scenario",
        scores={"field_problem_solving": 3, "customer_empathy": 2, "security_hygiene": 3},
    )
    assert services.candidate_hire(actor=hiring.lead_a, candidate=c, employee_id="E-1", start_on=hiring.today)


def test_the_count_and_the_failure_scenario_follow_the_minimums(hiring):
    c = hiring.move_to(hiring.candidate, "offer")
    hiring.score(c, hiring.interviewer, "device-provisioning")
    hiring.score(c, hiring.lead_a, "surface-mount-wiring")
    assert refused_codes(hiring, c)[0] == ["failure_scenario"]
    set_minimums(hiring, min_scorecards=3, require_failure_scenario=True)
    assert refused_codes(hiring, c)[0] == ["scorecards", "failure_scenario"]
    set_minimums(hiring, min_scorecards=2, require_failure_scenario=False)
    assert services.candidate_hire(actor=hiring.lead_a, candidate=c, employee_id="E-2", start_on=hiring.today)


def test_a_hire_creates_the_installer_fills_the_requisition_and_invites_once_after_commit(
    hiring, django_capture_on_commit_callbacks
):
    c = hiring.ready(hiring.candidate)
    start = hiring.today + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        installer = services.candidate_hire(actor=hiring.lead_a, candidate=c, employee_id="E-500", start_on=start)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["cora@example.com"]]

    installer = Installer.objects.select_related("user").get(pk=installer.pk)
    assert installer.pod == hiring.pod_a and installer.stage == "hired"
    assert installer.hiring_source == "referral" and installer.hired_on == start
    assert installer.level == Level.INSTALLER_2  # the requisition's
    assert installer.user.name == "Cora Candidate" and installer.user.email == "cora@example.com"
    c = Candidate.objects.get(pk=c.pk)
    assert c.stage == "hired" and c.installer == installer
    last = StageChange.objects.filter(candidate=c).latest("at", "id")
    assert (last.from_stage, last.to_stage) == ("offer", "hired")
    requisition = Requisition.objects.get(pk=hiring.requisition.pk)
    assert requisition.status == "filled" and requisition.filled_by == c
    actions = set(AuditEntry.objects.values_list("object_type", "action"))
    assert {("candidate", "hire"), ("requisition", "fill"), ("installer", "hire")} <= actions


def test_a_hire_at_another_level(hiring, django_capture_on_commit_callbacks):
    c = hiring.ready(hiring.candidate)
    installer = services.candidate_hire(
        actor=hiring.admin, candidate=c, employee_id="E-501", start_on=hiring.today, level=Level.SENIOR_INSTALLER
    )
    assert installer.level == Level.SENIOR_INSTALLER


def test_a_filled_requisition_hires_nobody_else(hiring, django_capture_on_commit_callbacks):
    second = hiring.ready(hiring.add("Bea Second", interviewers=[hiring.interviewer]))
    services.candidate_hire(
        actor=hiring.lead_a, candidate=hiring.ready(hiring.candidate), employee_id="E-1", start_on=hiring.today
    )
    assert refused_codes(hiring, second)[0] == ["requisition"]


def test_a_hire_refused_by_the_organisation_writes_nothing(hiring, django_capture_on_commit_callbacks):
    c = hiring.ready(hiring.candidate)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        services.candidate_hire(
            actor=hiring.lead_a, candidate=c, employee_id=hiring.installer_a1.employee_id, start_on=hiring.today
        )
    assert "employee_id" in refused.value.message_dict
    assert Candidate.objects.get(pk=c.pk).stage == "offer"
    assert Requisition.objects.get(pk=hiring.requisition.pk).status == "open"
    assert mail.outbox == []


def test_the_start_date_is_checked(hiring):
    c = hiring.ready(hiring.candidate)
    for start in (c.applied_on - datetime.timedelta(days=1), datetime.date(9999, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            services.candidate_hire(actor=hiring.lead_a, candidate=c, employee_id="E-3", start_on=start)
        assert "start_on" in refused.value.message_dict


def test_only_the_pods_lead_or_an_administrator_hires(hiring):
    c = hiring.ready(hiring.candidate)
    for outsider in (hiring.lead_b, hiring.interviewer, hiring.executive):
        with pytest.raises(PermissionDenied):
            services.candidate_hire(actor=outsider, candidate=c, employee_id="E-4", start_on=hiring.today)
