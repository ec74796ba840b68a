"""Hiring's API: the shapes of section "API surface", 400 for bad input, 404
outside the scope, 409 for conflicts, and a fixed number of queries."""

import datetime
import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hiring.models import Candidate, Requisition

pytestmark = pytest.mark.django_db
SCORES = {"field_problem_solving": 3, "customer_empathy": 3, "security_hygiene": 3}


def test_requisitions_are_listed_created_and_cancelled(api, hiring):
    client = api.as_user(hiring.lead_a)
    body = client.get("/api/v1/requisitions/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) == {"id", "pod", "pod_code", "role", "level", "opened_on", "fill_by", "status", "filled_by"}
    assert (row["role"], row["level"], row["status"], row["filled_by"]) == ("installer", "installer-2", "open", None)

    created = client.post(
        "/api/v1/requisitions/",
        {"pod": hiring.pod_a.pk, "role": "product-liaison", "level": "senior-installer", "fill_by": "2099-01-01"},
    )
    assert created.status_code == 400 and "fill_by" in created.json()  # beyond the plausible window
    fill_by = (hiring.today + datetime.timedelta(days=30)).isoformat()
    created = client.post(
        "/api/v1/requisitions/", {"pod": hiring.pod_a.pk, "role": "product-liaison", "fill_by": fill_by}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["level"] == "installer-1"
    # Another pod reads as unknown in the body; a role that does not exist is a field error.
    refused = client.post("/api/v1/requisitions/", {"pod": hiring.pod_b.pk, "role": "installer", "fill_by": fill_by})
    assert refused.status_code == 400 and "pod" in refused.json()
    refused = client.post("/api/v1/requisitions/", {"pod": hiring.pod_a.pk, "role": "boss", "fill_by": fill_by})
    assert refused.status_code == 400 and "role" in refused.json()

    url = f"/api/v1/requisitions/{created.json()['id']}/cancel/"
    assert client.post(url, {"reason": "No budget"}).json()["status"] == "cancelled"
    again = client.post(url, {})
    assert again.status_code == 409 and again.json()["details"] == {"status": "cancelled"}
    assert client.post(url, {"reason": ["a list"]}).status_code == 400


def test_another_pods_requisition_and_candidate_answer_404(api, hiring):
    for user in (hiring.lead_b, hiring.executive, hiring.installer_a1.user):
        client = api.as_user(user)
        assert client.get("/api/v1/requisitions/").json()["count"] == 0
        assert client.get(f"/api/v1/requisitions/{hiring.requisition.pk}/").status_code == 404
        assert client.get("/api/v1/candidates/").json()["count"] == 0
        assert client.get(f"/api/v1/candidates/{hiring.candidate.pk}/").status_code == 404
    client = api.as_user(hiring.lead_b)
    for url in ("stage/", "scorecards/", "hire/", "interviewers/"):
        assert client.post(f"/api/v1/candidates/{hiring.candidate.pk}/{url}", {}).status_code == 404
    assert client.post(f"/api/v1/requisitions/{hiring.requisition.pk}/cancel/", {}).status_code == 404
    assert Requisition.objects.get(pk=hiring.requisition.pk).status == "open"


def test_candidates_are_created_filtered_and_shaped(api, hiring):
    client = api.as_user(hiring.lead_a)
    created = client.post(
        "/api/v1/candidates/",
        {
            "requisition": hiring.requisition.pk,
            "name": "Mia Maker",
            "email": "mia@example.com",
            "source": "maker-community",
            "interviewers": [hiring.interviewer.pk],
        },
    )
    assert created.status_code == 201, created.json()
    row = created.json()
    assert set(row) == {
        "id",
        "name",
        "email",
        "source",
        "requisition",
        "stage",
        "applied_on",
        "stage_changed_at",
        "interviewers",
        "installer",
    }
    assert (row["source"], row["stage"], row["interviewers"]) == ("maker-community", "applied", [hiring.interviewer.pk])
    assert Candidate.objects.get(pk=row["id"]).source == "maker_community"

    def names(query):
        response = client.get(f"/api/v1/candidates/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(r["name"] for r in response.json()["results"])

    assert names(f"requisition={hiring.requisition.pk}") == ["Cora Candidate", "Mia Maker"]
    assert names("source=maker-community") == ["Mia Maker"]
    assert names("source=referral&stage=applied") == ["Cora Candidate"]
    assert names("stage=screen") == []
    assert client.get("/api/v1/candidates/?source=maker_community").status_code == 400
    assert client.get("/api/v1/candidates/?stage=hiredish").status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"source": "newspaper"}, "source"),
        ({"source": ["agency"]}, "source"),
        ({"email": "not-an-email"}, "email"),
        ({"name": "a\x00b"}, "name"),
        ({"applied_on": "2026-02-30"}, "applied_on"),
        ({"applied_on": "1999-12-31"}, "applied_on"),
        ({"interviewers": [999999]}, "interviewers"),
    ],
)
def test_bad_candidate_input_is_a_400_naming_the_field(api, hiring, body, field):
    base = {"requisition": hiring.requisition.pk, "name": "Nia", "email": "nia@example.com", "source": "agency"}
    response = api.as_user(hiring.lead_a).post("/api/v1/candidates/", {**base, **body})
    assert response.status_code == 400 and field in response.json(), response.json()


def test_a_candidate_for_another_pods_requisition_is_a_400(api, hiring):
    body = {"requisition": hiring.requisition.pk, "name": "Nia", "email": "nia@example.com", "source": "agency"}
    assert api.as_user(hiring.lead_b).post("/api/v1/candidates/", body).json().keys() == {"requisition"}
    assert api.as_user(hiring.executive).post("/api/v1/candidates/", body).status_code == 403


def test_stage_moves_answer_200_400_or_409(api, hiring):
    client = api.as_user(hiring.lead_a)
    url = f"/api/v1/candidates/{hiring.candidate.pk}/stage/"
    moved = client.post(url, {"stage": "screen"})
    assert moved.status_code == 200 and moved.json()["stage"] == "screen"
    skipped = client.post(url, {"stage": "offer"})
    assert skipped.status_code == 409
    assert skipped.json()["details"] == {"stage": "screen", "allowed": ["practical", "rejected", "withdrawn"]}
    assert "Practical" in skipped.json()["detail"]
    no_reason = client.post(url, {"stage": "rejected"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert client.post(url, {"stage": "nowhere"}).status_code == 400
    assert client.post(url, {"stage": "hired"}).status_code == 409
    assert client.post(url, {"stage": "rejected", "reason": "Not now"}).json()["stage"] == "rejected"
    assert api.as_user(hiring.interviewer).post(url, {"stage": "withdrawn", "reason": "x"}).status_code == 403


def test_scorecards_answer_201_400_or_409_and_are_read_by_whom_they_should(api, hiring):
    url = f"/api/v1/candidates/{hiring.candidate.pk}/scorecards/"
    client = api.as_user(hiring.interviewer)
    body = {"task": "device-provisioning", "scores": SCORES, "recommendation": "yes", "notes": "Careful."}
    created = client.post(url, body)
    assert created.status_code == 201, created.json()
    assert created.json()["scores"] == SCORES and created.json()["task"] == "device-provisioning"
    second = client.post(url, {**body, "notes": "Again"})
    assert second.status_code == 409
    for bad, field in (
        ({"scores": {**SCORES, "security_hygiene": 5}}, "scores"),
        ({"scores": {**SCORES, "customer_empathy": 0}}, "scores"),
        ({"scores": [3, 3, 3]}, "scores"),
        ({"task": "juggling"}, "task"),
        ({"recommendation": "maybe"}, "recommendation"),
    ):
        response = client.post(url, {**body, "task": "surface-mount-wiring", **bad})
        assert response.status_code == 400 and field in response.json(), (bad, response.json())
    api.as_user(hiring.lead_a).post(url, {**body, "task": "failure-scenario"})
    # The pod's lead reads every scorecard; an interviewer their own.
    assert len(api.as_user(hiring.lead_a).get(url).json()) == 2
    own = api.as_user(hiring.interviewer).get(url).json()
    assert [card["interviewer"] for card in own] == [hiring.interviewer.pk]
    assert api.as_user(hiring.admin).post(url, body).status_code == 403  # not named an interviewer


def test_hire_answers_409_listing_what_is_missing_then_201(api, hiring, django_capture_on_commit_callbacks):
    client = api.as_user(hiring.lead_a)
    url = f"/api/v1/candidates/{hiring.candidate.pk}/hire/"
    body = {"employee_id": "E-4242", "start_on": hiring.today.isoformat()}
    refused = client.post(url, body)
    assert refused.status_code == 409
    assert [d["code"] for d in refused.json()["details"]] == [
        "stage",
        "scorecards",
        "failure_scenario",
        "field_problem_solving",
        "customer_empathy",
        "security_hygiene",
    ]
    assert client.post(url, {"employee_id": "E-4242", "start_on": "31/12/2026"}).status_code == 400
    assert client.post(url, {"start_on": hiring.today.isoformat()}).json().keys() == {"employee_id"}
    hiring.ready(hiring.candidate)
    with django_capture_on_commit_callbacks(execute=True):
        hired = client.post(url, {**body, "level": "installer-1"})
    assert hired.status_code == 201, hired.json()
    installer = hired.json()
    assert (installer["employee_id"], installer["pod"], installer["level"]) == (
        "E-4242",
        hiring.pod_a.pk,
        "installer-1",
    )
    assert (installer["hiring_source"], installer["hired_on"], installer["stage"]) == (
        "referral",
        hiring.today.isoformat(),
        "hired",
    )
    assert len(mail.outbox) == 1
    requisition = client.get(f"/api/v1/requisitions/{hiring.requisition.pk}/").json()
    assert (requisition["status"], requisition["filled_by"]) == ("filled", hiring.candidate.pk)
    assert client.post(url, body).status_code == 409


def test_the_summary_counts_without_personal_data(api, hiring):
    hiring.add("Pia Private", email="pia@private.example", source="maker_community")
    response = api.as_user(hiring.executive).get("/api/v1/hiring/summary/")
    assert response.status_code == 200
    body = response.json()
    text = response.content.decode()
    for personal in ("Cora", "cora@example.com", "Pia", "private.example"):
        assert personal not in text
    assert body["candidates"] == 2 and body["stages"]["applied"] == 2
    by_source = {row["source"]: row for row in body["sources"]}
    assert by_source["referral"]["total"] == 1 and by_source["maker-community"]["stages"]["applied"] == 1
    assert body["requisitions"] == {"open": 1, "filled": 0, "cancelled": 0}
    assert body["open_requisitions"] == [
        {"pod": hiring.pod_a.pk, "pod_code": "pod-a", "pod_name": "Pod A", "role": "installer", "count": 1}
    ]
    assert api.as_user(hiring.lead_b).get("/api/v1/hiring/summary/").json()["candidates"] == 0
    assert api.as_user(hiring.installer_a1.user).get("/api/v1/hiring/summary/").status_code == 403


def test_the_rubric_is_read_with_its_anchors_and_set_by_administrators(api, hiring):
    body = api.as_user(hiring.lead_a).get("/api/v1/hiring/rubric/").json()
    assert [d["code"] for d in body["dimensions"]] == ["field_problem_solving", "customer_empathy", "security_hygiene"]
    assert all([a["score"] for a in d["anchors"]] == [1, 2, 3, 4] and d["label"] for d in body["dimensions"])
    assert [t["slug"] for t in body["tasks"]] == [
        "surface-mount-wiring",
        "device-provisioning",
        "debug-small-model",
        "failure-scenario",
    ]
    assert body["minimums"]["security_hygiene"] == 3.0 and body["minimums"]["min_scorecards"] == 2
    assert api.as_user(hiring.installer_a1.user).get("/api/v1/hiring/rubric/").status_code == 403
    minimums = {k: v for k, v in body["minimums"].items() if k != "updated_at"}
    assert api.as_user(hiring.lead_a).put("/api/v1/hiring/rubric/", minimums).status_code == 403
    bad = api.as_user(hiring.admin).put("/api/v1/hiring/rubric/", {**minimums, "customer_empathy": 4.5})
    assert bad.status_code == 400 and "customer_empathy" in bad.json()
    partial = {k: v for k, v in minimums.items() if k != "require_failure_scenario"}
    missing = api.as_user(hiring.admin).put("/api/v1/hiring/rubric/", partial)
    assert missing.status_code == 400 and "require_failure_scenario" in missing.json()
    done = api.as_user(hiring.admin).put("/api/v1/hiring/rubric/", {**minimums, "min_scorecards": 3})
    assert done.status_code == 200 and done.json()["minimums"]["min_scorecards"] == 3


def test_an_interviewer_reads_the_candidates_they_score_only(api, hiring):
    hiring.add("Una Unassigned")
    client = api.as_user(hiring.interviewer)
    assert [r["name"] for r in client.get("/api/v1/candidates/").json()["results"]] == ["Cora Candidate"]
    assert client.get(f"/api/v1/requisitions/{hiring.requisition.pk}/").status_code == 200


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize("who", ["lead_a", "admin"])
def test_the_candidate_list_runs_a_fixed_number_of_queries(api, hiring, who):
    client = api.as_user(getattr(hiring, who))
    counts = []
    for target in (2, 20):
        while Candidate.objects.count() < target:
            n = Candidate.objects.count()
            hiring.add(f"Cand {n}", email=f"c{n}@example.com", interviewers=[hiring.interviewer, hiring.lead_b])
        queries, rows = count_queries(client, "/api/v1/candidates/?page_size=100")
        assert rows == target
        counts.append(queries)
    # The count, the page and the interviewers' ids (a lead's pods are a subquery).
    assert counts == [3, 3], counts


def test_the_requisition_list_runs_a_fixed_number_of_queries(api, hiring):
    client = api.as_user(hiring.lead_a)
    counts = []
    for target in (2, 20):
        while Requisition.objects.count() < target:
            client.post(
                "/api/v1/requisitions/",
                {"pod": hiring.pod_a.pk, "role": "installer", "fill_by": hiring.today.isoformat()},
            )
        counts.append(count_queries(client, "/api/v1/requisitions/?page_size=100")[0])
    assert counts == [2, 2], counts  # the count and the page, with the pods joined


JUNK = [None, [], "text", 10**30, {"stage": None}, {"scores": None}, {"task": 10**30}, {"employee_id": "a\x00"}]
JUNK += [{"start_on": 123}, {"interviewers": "x"}, {"interviewers": [10**30]}, {"requisition": 10**30}]
JUNK += [{"pod": -1, "role": None}, {"scores": {"field_problem_solving": 10**30}}, {"reason": "\ud800"}]


@pytest.mark.parametrize("body", JUNK, ids=range(len(JUNK)))
def test_junk_bodies_never_answer_500(api, hiring, body):
    client = api.as_user(hiring.admin)
    c, r = hiring.candidate.pk, hiring.requisition.pk
    urls = ["/api/v1/requisitions/", f"/api/v1/requisitions/{r}/cancel/", "/api/v1/candidates/"]
    urls += [f"/api/v1/candidates/{c}/{action}/" for action in ("stage", "interviewers", "scorecards", "hire")]
    for url in urls:
        response = client.post(url, json.dumps(body), content_type="application/json")
        # Refused, or (a cancel's reason is optional) done: never a server error, always JSON.
        assert response.status_code in (200, 400, 409), (url, response.status_code, response.content[:200])
        assert response["Content-Type"] == "application/json"
    assert client.put("/api/v1/hiring/rubric/", json.dumps(body), content_type="application/json").status_code == 400


@pytest.mark.parametrize("query", ["requisition=1" + "0" * 30, "requisition=-1", "source=x", "stage=\x00", "pod=abc"])
def test_bad_filters_answer_400_or_an_empty_list(api, hiring, query):
    for url in ("/api/v1/candidates/", "/api/v1/requisitions/"):
        response = api.as_user(hiring.lead_a).get(f"{url}?{query}")
        assert response.status_code in (200, 400), (url, query, response.status_code)
