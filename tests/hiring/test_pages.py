"""The hiring pages: who sees what (403 for other roles, 404 for another
pod's requisition or candidate), the requisitions page (open first, filters,
pagination, empty states, pods not staffed), opening and cancelling a
requisition, adding a candidate, and moves on the pipeline board with the
service's refusals shown under the field."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from hiring import services
from hiring.models import Candidate, Requisition, RequisitionStatus, StageChange
from installer_ops.models import AuditEntry
from installer_ops.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/hiring/"


def board_url(requisition) -> str:
    return f"/hiring/requisitions/{requisition.pk}/"


def candidate_url(candidate, tail="") -> str:
    return f"/hiring/candidates/{candidate.pk}/{tail}"


def text(response) -> str:
    return response.content.decode()


def open_requisition(hiring, pod=None, actor=None, days=30, role="installer"):
    return services.requisition_open(
        actor=actor or hiring.lead_a,
        pod=pod or hiring.pod_a,
        role=role,
        fill_by=hiring.today + datetime.timedelta(days=days),
    )


# --- who sees what -----------------------------------------------------------------------


def test_executives_and_installers_are_refused_every_hiring_page(client, hiring):
    urls = [LIST, "/hiring/requisitions/new/", board_url(hiring.requisition), candidate_url(hiring.candidate)]
    urls.append(candidate_url(hiring.candidate, "scorecard/"))
    for user in (hiring.executive, hiring.installer_a1.user):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, (user, url)
            assert "Cora Candidate" not in text(response)


def test_another_pods_requisition_and_candidate_answer_404(client, hiring):
    client.force_login(hiring.lead_b)
    for url in (
        board_url(hiring.requisition),
        candidate_url(hiring.candidate),
        candidate_url(hiring.candidate, "scorecard/"),
    ):
        assert client.get(url).status_code == 404, url
    posts = {
        f"{board_url(hiring.requisition)}cancel/": {},
        f"{board_url(hiring.requisition)}candidates/": {"name": "X", "email": "x@example.com"},
        candidate_url(hiring.candidate, "stage/"): {"stage": "screen"},
        candidate_url(hiring.candidate, "hire/"): {"employee_id": "E-1", "start_on": "2026-01-01", "level": 1},
        candidate_url(hiring.candidate, "interviewers/"): {},
        candidate_url(hiring.candidate, "scorecard/"): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert Candidate.objects.get(pk=hiring.candidate.pk).stage == "applied"
    assert Requisition.objects.get(pk=hiring.requisition.pk).status == RequisitionStatus.OPEN
    page = text(client.get(LIST))
    assert "Cora Candidate" not in page and "Pod A" not in page


def test_an_interviewer_sees_the_candidates_they_score_and_runs_nothing(client, hiring):
    hiring.add("Other Applicant")
    client.force_login(hiring.interviewer)
    page = text(client.get(LIST))
    assert "Candidates you interview" in page and "Cora Candidate" in page and "Not scored yet" in page
    board = text(client.get(board_url(hiring.requisition)))
    assert "Cora Candidate" in board and "Other Applicant" not in board
    assert "Move <span" not in board and "Add a candidate" not in board and "Cancel the requisition" not in board
    assert "The pod's lead runs this requisition." in board
    # Moves and hires are the lead's: refused (403), nothing written.
    assert client.post(candidate_url(hiring.candidate, "stage/"), {"stage": "screen"}).status_code == 403
    assert Candidate.objects.get(pk=hiring.candidate.pk).stage == "applied"
    other = Candidate.objects.get(name="Other Applicant")
    assert client.get(candidate_url(other)).status_code == 404


def test_an_administrator_sees_every_pod_and_may_not_score_unless_named(client, hiring):
    theirs = open_requisition(hiring, pod=hiring.pod_b, actor=hiring.lead_b)
    client.force_login(hiring.admin)
    page = text(client.get(LIST))
    assert "Pod A" in page and "Pod B" in page and f'href="{board_url(theirs)}"' in page
    assert client.get(candidate_url(hiring.candidate)).status_code == 200
    assert client.get(candidate_url(hiring.candidate, "scorecard/")).status_code == 403


# --- the requisitions page -----------------------------------------------------------------


def test_open_requisitions_come_first_then_the_others(client, hiring):
    later = open_requisition(hiring, days=60, role="product-liaison")
    cancelled = open_requisition(hiring, days=5, role="reliability-engineer")
    older = services.requisition_open(
        actor=hiring.lead_a,
        pod=hiring.pod_a,
        role="installer",
        opened_on=hiring.today - datetime.timedelta(days=90),
        fill_by=hiring.today + datetime.timedelta(days=1),
    )
    for closed in (cancelled, older):
        services.requisition_cancel(actor=hiring.lead_a, requisition=closed)
    client.force_login(hiring.lead_a)
    page = text(client.get(LIST))
    order = [int(n) for n in re.findall(r'<td class="row-title"><a href="/hiring/requisitions/(\d+)/"', page)]
    # Open: the nearest target date first; closed: the latest opened first, whatever their target.
    assert order == [hiring.requisition.pk, later.pk, cancelled.pk, older.pk]
    assert "1 of 1 candidate<" in page


def test_filters_and_their_empty_state(client, hiring):
    client.force_login(hiring.lead_a)
    page = text(client.get(LIST, {"status": "cancelled"}))
    assert "No requisition matches these filters." in page
    assert 'aria-label="Requisitions"' not in page
    page = text(client.get(LIST, {"status": "open", "role": "installer", "pod": hiring.pod_a.pk}))
    assert f'href="{board_url(hiring.requisition)}"' in page
    # Another pod is no choice of the lead's filter: refused as an unknown one.
    response = client.get(LIST, {"pod": hiring.pod_b.pk})
    assert response.status_code == 400 and "Select a valid choice" in text(response)


def test_the_empty_states_say_what_to_do(client, hiring):
    lone = UserFactory(role=Role.LEAD)
    client.force_login(lone)
    page = text(client.get(LIST))
    assert "No requisitions to show: you lead no pod and interview no candidate yet." in page
    assert "Open a requisition" not in page
    assert "You lead no pod" in text(client.get("/hiring/requisitions/new/"))
    client.force_login(hiring.lead_b)
    assert "No requisitions yet. Open one for a role your pod needs" in text(client.get(LIST))


def test_the_list_is_paginated(client, hiring):
    for days in range(1, 27):
        open_requisition(hiring, days=days)
    client.force_login(hiring.lead_a)
    first = text(client.get(LIST))
    assert "27 requisitions" in first and "Page 1 of 2" in first
    second = text(client.get(LIST, {"page": 2}))
    assert len(re.findall(r'<td class="row-title">', second)) == 2


def test_a_pod_not_staffed_shows_its_open_requisitions_and_how_to_open_one(client, hiring):
    liaison = open_requisition(hiring, role="product-liaison")
    client.force_login(hiring.lead_a)
    page = text(client.get(LIST))
    assert "1 pod is not staffed" in page
    notice = page[page.index("pod is not staffed") : page.index("<h2>Requisitions</h2>")]
    assert f'href="{board_url(liaison)}"' in notice  # the product liaison it misses
    assert f'href="{board_url(hiring.requisition)}"' in notice  # "Also open:" the installer
    assert f"?pod={hiring.pod_a.pk}&amp;role=reliability-engineer" in notice
    form = text(client.get("/hiring/requisitions/new/", {"pod": hiring.pod_a.pk, "role": "reliability-engineer"}))
    assert '<option value="reliability-engineer" selected>' in form


# --- opening, cancelling, adding -----------------------------------------------------------


def test_a_lead_opens_a_requisition_and_a_bad_date_is_refused_under_its_field(client, hiring):
    client.force_login(hiring.lead_a)
    data = {"pod": hiring.pod_a.pk, "role": "installer", "level": 1, "fill_by": "2020-01-01"}
    response = client.post("/hiring/requisitions/new/", data)
    assert response.status_code == 400
    assert re.search(r'id="id_fill_by_error">The (target )?date', text(response))
    assert Requisition.objects.count() == 1
    response = client.post("/hiring/requisitions/new/", {**data, "pod": hiring.pod_b.pk, "fill_by": "2099-01-01"})
    assert response.status_code == 400 and "Select a valid choice" in text(response)
    fill_by = (hiring.today + datetime.timedelta(days=9)).isoformat()
    response = client.post("/hiring/requisitions/new/", {**data, "fill_by": fill_by})
    opened = Requisition.objects.latest("id")
    assert response.status_code == 302 and response.url == board_url(opened)
    assert (opened.pod, opened.created_by) == (hiring.pod_a, hiring.lead_a)


def test_a_requisition_is_cancelled_once(client, hiring):
    client.force_login(hiring.lead_a)
    response = client.post(f"{board_url(hiring.requisition)}cancel/", {"reason": "x" * 2001})
    assert response.status_code == 400 and 'id="id_reason_error"' in text(response)
    response = client.post(f"{board_url(hiring.requisition)}cancel/", {"reason": "Budget moved"})
    assert response.status_code == 302
    assert Requisition.objects.get(pk=hiring.requisition.pk).status == RequisitionStatus.CANCELLED
    response = client.post(f"{board_url(hiring.requisition)}cancel/", {"reason": ""}, follow=True)
    assert "The requisition is cancelled already." in text(response)
    assert "Cancel the requisition" not in text(response) and "Add a candidate" not in text(response)


def test_a_candidate_is_added_and_a_second_application_is_refused_under_the_email(client, hiring):
    client.force_login(hiring.lead_a)
    data = {
        "name": "Nora Newcomer",
        "email": "nora@example.com",
        "source": "technical_college",
        "applied_on": hiring.today.isoformat(),
        "interviewers": [hiring.interviewer.pk],
    }
    url = f"{board_url(hiring.requisition)}candidates/"
    assert client.post(url, data).status_code == 302
    nora = Candidate.objects.get(name="Nora Newcomer")
    assert list(nora.interviewers.all()) == [hiring.interviewer] and nora.source == "technical_college"
    response = client.post(url, {**data, "name": "Nora Again", "email": "NORA@example.com"})
    assert response.status_code == 400
    assert 'id="id_email_error">This email has applied for this requisition already.' in text(response)
    assert not Candidate.objects.filter(name="Nora Again").exists()
    future = (hiring.today + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {**data, "email": "x@example.com", "applied_on": future})
    assert 'id="id_applied_on_error">An application date cannot be in the future.' in text(response)


# --- the pipeline board --------------------------------------------------------------------


def test_the_board_shows_each_stage_with_source_time_in_stage_and_the_allowed_moves(client, hiring):
    c = hiring.move_to(hiring.candidate, "practical")
    # Days in a stage are calendar days in the reader's zone: noon of their day three days ago
    # is three days whatever the hour (3 days and 1 hour back was four in Berlin after 23:00 UTC).
    zone = zoneinfo.ZoneInfo(hiring.requisition.pod.geography.time_zone)
    noon = timezone.localtime(timezone.now(), zone).replace(hour=12, minute=0, second=0, microsecond=0)
    Candidate.objects.filter(pk=c.pk).update(stage_changed_at=noon - datetime.timedelta(days=3))
    client.force_login(hiring.lead_a)
    page = text(client.get(board_url(hiring.requisition)))
    practical = page[page.index('id="column-practical"') : page.index('id="column-interview"')]
    assert "Cora Candidate" in practical and "Referral" in practical and "in Practical for 3 days" in practical
    assert 'name="stage" value="interview"' in practical
    assert 'value="rejected"' in practical and 'value="withdrawn"' in practical
    assert 'value="screen"' not in practical  # no step back: the service allows none


def test_a_move_from_the_board_comes_back_to_the_board(client, hiring):
    client.force_login(hiring.lead_a)
    response = client.post(candidate_url(hiring.candidate, "stage/"), {"stage": "screen", "back": "board"})
    assert response.status_code == 302 and response.url == board_url(hiring.requisition)
    assert Candidate.objects.get(pk=hiring.candidate.pk).stage == "screen"
    entry = AuditEntry.objects.filter(action="move stage").latest("id")
    assert (entry.actor, entry.source) == (hiring.lead_a, "page")
    response = client.post(candidate_url(hiring.candidate, "stage/"), {"stage": "practical"})
    assert response.url == candidate_url(hiring.candidate)


def test_leaving_without_a_reason_is_refused_under_the_reason_with_the_form_open(client, hiring):
    client.force_login(hiring.lead_a)
    response = client.post(
        candidate_url(hiring.candidate, "stage/"), {"stage": "withdrawn", "reason": "  ", "back": "board"}
    )
    assert response.status_code == 400
    page = text(response)
    assert f'id="reason-board-{hiring.candidate.pk}-error">Give a reason.' in page
    assert '<details class="exit" open>' in page
    assert 'value="withdrawn" checked' in page
    assert Candidate.objects.get(pk=hiring.candidate.pk).stage == "applied"
    assert StageChange.objects.filter(candidate=hiring.candidate).count() == 1


def test_a_move_the_pipeline_does_not_allow_is_refused_with_why(client, hiring):
    client.force_login(hiring.lead_a)
    response = client.post(candidate_url(hiring.candidate, "stage/"), {"stage": "offer", "back": "board"})
    assert response.status_code == 400
    assert "from Applied the next stage is Screen" in text(response)
    response = client.post(candidate_url(hiring.candidate, "stage/"), {"stage": "nonsense"})
    assert response.status_code == 400 and "“nonsense” is not a stage." in text(response)
    assert Candidate.objects.get(pk=hiring.candidate.pk).stage == "applied"


def test_rejected_and_withdrawn_are_shown_apart_with_their_reason(client, hiring):
    gone = hiring.move_to(hiring.add("Wes Withdrawn"), "screen")
    services.candidate_stage_move(actor=hiring.lead_a, candidate=gone, stage="withdrawn", reason="Took another offer")
    client.force_login(hiring.lead_a)
    page = text(client.get(board_url(hiring.requisition)))
    columns, closed = page.split('id="closed-title"')
    assert "Wes Withdrawn" not in columns
    assert "Wes Withdrawn" in closed and "Took another offer" in closed and "Screen" in closed
