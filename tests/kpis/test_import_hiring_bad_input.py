"""Bad input in candidates.csv and scorecards.csv: each bad value is an error
naming its file, line and column, and nothing is written (no candidate,
stage change, scorecard, audit entry or recompute)."""

import datetime

import pytest
from django.utils import timezone

from hiring import services as hiring_services
from hiring.models import Candidate, ScreeningTask
from kpis.importing import ImportRefused, field_data_import
from tests.kpis.hiring_files import CANDIDATE_HEADER, counts, hiring_org_of, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def hiring_org(org):
    return hiring_org_of(org)


FUTURE = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()

# (file, row, column, value, what the reason says); row 0 is on line 2.
BAD_VALUES = [
    ("candidates.csv", 0, "requisition", "999999", "unknown requisition “999999”"),
    ("candidates.csv", 0, "requisition", "R-1", "unknown requisition “R-1”"),
    ("candidates.csv", 0, "requisition", "9" * 40, "unknown requisition"),
    ("candidates.csv", 0, "requisition", "", "is required"),
    ("candidates.csv", 0, "name", "", "is required"),
    ("candidates.csv", 0, "email", "not-an-email", "“not-an-email” is not an email address"),
    ("candidates.csv", 0, "source", "newspaper", "“newspaper” is not one of: "),
    ("candidates.csv", 0, "source", "", "is required"),
    ("candidates.csv", 1, "stage", "onboarding", "“onboarding” is not one of: "),
    ("candidates.csv", 1, "stage", "hired", "reached only through the hire"),
    ("candidates.csv", 0, "applied_on", "2025-02-30", "is not an ISO 8601 date"),
    ("candidates.csv", 0, "applied_on", "12/03/2025", "is not an ISO 8601 date"),
    ("candidates.csv", 0, "applied_on", "1999-12-31", "must lie between 2000-01-01 and"),
    ("candidates.csv", 0, "applied_on", FUTURE, "is in the future"),
    ("candidates.csv", 0, "applied_on", "", "is required"),
    ("candidates.csv", 2, "reason", "", "is required for a candidate who is rejected or withdrew"),
    ("candidates.csv", 2, "reason", "x" * 2001, "must be at most 2000 characters"),
    ("candidates.csv", 1, "interviewers", "ivo nobody", "unknown interviewer “nobody”"),
    ("candidates.csv", 1, "interviewers", "inst-a1", "“inst-a1” cannot interview"),
    ("candidates.csv", 0, "name", "Ana\x00", "must not contain NUL characters"),
    ("scorecards.csv", 0, "field_problem_solving", "5", "“5” is not a score from 1 to 4"),
    ("scorecards.csv", 0, "customer_empathy", "0", "“0” is not a score from 1 to 4"),
    ("scorecards.csv", 0, "security_hygiene", "three", "“three” is not a score from 1 to 4"),
    ("scorecards.csv", 0, "security_hygiene", "2.5", "“2.5” is not a score from 1 to 4"),
    ("scorecards.csv", 0, "field_problem_solving", "", "is required"),
    ("scorecards.csv", 0, "task", "juggling", "unknown task “juggling”"),
    ("scorecards.csv", 0, "interviewer", "nobody", "unknown interviewer “nobody”"),
    ("scorecards.csv", 0, "interviewer", "exec", "“exec” cannot interview"),
    ("scorecards.csv", 0, "interviewer", "lead-b", "“lead-b” is not named to interview this candidate"),
    ("scorecards.csv", 0, "recommendation", "maybe", "“maybe” is not one of: "),
    ("scorecards.csv", 0, "candidate_email", "nobody@example.com", "unknown candidate “nobody@example.com”"),
    ("scorecards.csv", 0, "requisition", "424242", "unknown requisition “424242”"),
    ("scorecards.csv", 0, "notes", "n" * 4001, "must be at most 4000 characters"),
]


def refused(files) -> list:
    before = counts()
    with pytest.raises(ImportRefused) as refusal:
        field_data_import(actor=None, files=files)
    assert counts() == before
    return refusal.value.errors


def where(errors) -> list[tuple[str, int, str]]:
    return [(e.file, e.line, e.column) for e in errors]


@pytest.mark.parametrize(("file", "index", "column", "value", "reason"), BAD_VALUES)
def test_each_bad_value_names_its_file_line_and_column_and_nothing_is_written(
    hiring_org, file, index, column, value, reason
):
    o = hiring_org
    rows = [dict(row) for row in (o.candidates if file == "candidates.csv" else o.scorecards)]
    rows[index][column] = value
    files = o.files(candidates=rows) if file == "candidates.csv" else o.files(scorecards=rows)
    errors = refused(files)
    assert where(errors) == [(file, index + 2, column)]
    assert reason in errors[0].reason


def test_a_missing_column_is_an_error_of_the_header(hiring_org):
    o = hiring_org
    header = [c for c in CANDIDATE_HEADER if c != "source"]
    rows = [{k: v for k, v in row.items() if k != "source"} for row in o.candidates]
    errors = refused({**o.files(), "candidates.csv": to_csv(header, rows)})
    assert ("candidates.csv", 1, "source") in where(errors)
    assert "missing column in the header row" in errors[0].reason


def test_a_scorecard_given_twice_for_one_interviewer_and_task_is_a_duplicate(hiring_org):
    o = hiring_org
    again = {**o.scorecards[0], "candidate_email": "Ivan@Example.com", "field_problem_solving": "2"}
    errors = refused(o.files(scorecards=[*o.scorecards, again]))
    assert where(errors) == [("scorecards.csv", 5, "interviewer")]
    assert "duplicate scorecard by “ivo” on “device-provisioning”, first on line 2" in errors[0].reason


def test_a_recorded_scorecard_given_again_with_other_scores_is_refused(hiring_org):
    o = hiring_org
    field_data_import(actor=None, files=o.files())
    changed = {**o.scorecards[1], "security_hygiene": "2"}
    errors = refused(o.files(scorecards=[changed]))
    assert where(errors) == [("scorecards.csv", 2, "interviewer")]
    assert "has scored this candidate on “failure-scenario” already" in errors[0].reason


def test_a_candidate_given_twice_for_one_requisition_is_a_duplicate_in_any_letter_case(hiring_org):
    o = hiring_org
    twice = {**o.candidates[0], "email": "ANA@example.com", "name": "Ana Again"}
    errors = refused(o.files(candidates=[*o.candidates, twice]))
    assert where(errors) == [("candidates.csv", 5, "email")]
    assert "first on line 2" in errors[0].reason


def test_a_new_candidate_needs_an_open_requisition(hiring_org):
    o = hiring_org
    errors = refused(o.files([{**o.candidates[0], "requisition": str(o.cancelled.pk)}], []))
    assert where(errors) == [("candidates.csv", 2, "requisition")]
    assert f"requisition {o.cancelled.pk} is cancelled" in errors[0].reason


def test_a_closed_candidate_does_not_move_and_takes_no_new_scorecard(hiring_org):
    o = hiring_org
    field_data_import(actor=None, files=o.files())
    errors = refused(o.files([{**o.candidates[2], "stage": "interview"}], []))
    assert where(errors) == [("candidates.csv", 2, "stage")]
    assert "the candidate is rejected; a closed candidate does not move" in errors[0].reason
    new_card = {**o.scorecards[2], "task": "debug-small-model"}
    errors = refused(o.files([], [new_card]))
    assert where(errors) == [("scorecards.csv", 2, "candidate_email")]
    assert "scorecards are written while the pipeline is open" in errors[0].reason


def test_a_retired_task_takes_no_new_scorecard(hiring_org):
    o = hiring_org
    ScreeningTask.objects.filter(slug="device-provisioning").update(active=False)
    errors = refused(o.files())
    assert where(errors) == [("scorecards.csv", 2, "task")]
    assert "is no longer in use" in errors[0].reason


def test_a_bad_candidate_row_is_reported_once_not_again_by_its_scorecards(hiring_org):
    o = hiring_org
    rows = [dict(row) for row in o.candidates]
    rows[1]["source"] = "newspaper"
    errors = refused(o.files(candidates=rows))
    assert where(errors) == [("candidates.csv", 3, "source")]


def test_every_error_of_both_files_is_listed_at_once(hiring_org):
    o = hiring_org
    candidates = [dict(row) for row in o.candidates]
    candidates[0]["applied_on"] = "2025-13-01"
    candidates[2]["source"] = "?"
    scorecards = [dict(row) for row in o.scorecards]
    scorecards[0]["customer_empathy"] = "9"
    scorecards[1]["task"] = "nope"
    errors = refused(o.files(candidates, scorecards))
    assert where(errors) == [
        ("candidates.csv", 2, "applied_on"),
        ("candidates.csv", 4, "source"),
        ("scorecards.csv", 2, "customer_empathy"),
        ("scorecards.csv", 3, "task"),
    ]


def test_a_forward_move_on_a_requisition_no_longer_open_is_refused(hiring_org):
    o = hiring_org
    field_data_import(actor=None, files=o.files(scorecards=[]))
    hiring_services.requisition_cancel(actor=o.lead_a, requisition=o.requisition)
    errors = refused(o.files([{**o.candidates[0], "stage": "screen"}], []))
    assert where(errors) == [("candidates.csv", 2, "stage")]
    assert "its candidates can only be rejected or withdraw" in errors[0].reason
    # Leaving is still recorded.
    withdrawn = {**o.candidates[0], "stage": "withdrawn", "reason": "Took another offer."}
    field_data_import(actor=None, files=o.files([withdrawn], []))
    assert Candidate.objects.get(email="ana@example.com").stage == "withdrawn"
