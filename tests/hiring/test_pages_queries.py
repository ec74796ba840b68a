"""Each hiring page runs the same number of queries for 2 rows as for 20:
requisitions on the list, candidates on the board and on the interviewer's
list, scorecards and stage changes on the candidate's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hiring import services
from installer_ops.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Ceilings too, so that a page that grows by a constant is noticed: when written the
# pages ran 14, 9, 14 and 11 queries (the session, the login, its time zone and its
# role take four of each).
MOST = {"list": 16, "board": 11, "candidate": 16, "scorecard": 13}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def grow_requisitions(hiring, n):
    for i in range(n):
        requisition = services.requisition_open(
            actor=hiring.lead_a, pod=hiring.pod_a, role="installer", fill_by=hiring.requisition.fill_by
        )
        candidate = hiring.add(
            f"Applicant {n}-{i}", email=f"a{n}-{i}@example.com", requisition=requisition, interviewers=[hiring.lead_a]
        )
        hiring.move_to(candidate, "offer")


def grow_candidates(hiring, n):
    for i in range(n):
        candidate = hiring.add(f"Candidate {n}-{i}", email=f"c{n}-{i}@example.com", interviewers=[hiring.lead_a])
        hiring.move_to(candidate, ["applied", "screen", "practical", "interview", "offer"][i % 5])
        if i % 3 == 0:
            hiring.score(candidate, hiring.lead_a)
        if i % 4 == 0:
            services.candidate_stage_move(actor=hiring.lead_a, candidate=candidate, stage="rejected", reason="No")


def grow_scorecards(hiring, candidate, n):
    for i in range(n):
        interviewer = UserFactory(role=Role.LEAD)
        services.candidate_interviewers_set(
            actor=hiring.lead_a, candidate=candidate, interviewers=[*candidate.interviewers.all(), interviewer]
        )
        hiring.score(candidate, interviewer, ["device-provisioning", "failure-scenario"][i % 2])


def test_the_requisitions_page(client, hiring):
    client.force_login(hiring.lead_a)
    grow_requisitions(hiring, 2)
    small = queries(client, "/hiring/")
    grow_requisitions(hiring, 18)
    assert queries(client, "/hiring/") == small <= MOST["list"]


def test_the_pipeline_board(client, hiring):
    client.force_login(hiring.lead_a)
    url = f"/hiring/requisitions/{hiring.requisition.pk}/"
    grow_candidates(hiring, 2)
    small = queries(client, url)
    grow_candidates(hiring, 18)
    assert queries(client, url) == small <= MOST["board"]


def test_the_candidates_page_and_the_scorecard_form(client, hiring):
    client.force_login(hiring.lead_a)
    candidate = hiring.move_to(hiring.candidate, "interview")
    url = f"/hiring/candidates/{candidate.pk}/"
    grow_scorecards(hiring, candidate, 2)
    small = queries(client, url)
    form = queries(client, url + "scorecard/")
    grow_scorecards(hiring, candidate, 18)
    assert queries(client, url) == small <= MOST["candidate"]
    assert queries(client, url + "scorecard/") == form <= MOST["scorecard"]
