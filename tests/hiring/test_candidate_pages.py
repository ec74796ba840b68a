"""The candidate's page (scorecards side by side, stage history, the hire
and its refusal listing every unmet minimum), the scorecard form (anchors
beside each score, one scorecard per interviewer and task, the refusal under
the task), and the interviewers form."""

import json
import re

import pytest
from django.conf import settings

from bootcamp import selectors as bootcamp_selectors
from bootcamp import services as bootcamp_services
from bootcamp.models import ProgramVersion
from hiring import services
from hiring.models import Candidate, Scorecard
from hiring.rubric import ANCHORS
from installer_ops.models import Installer

pytestmark = pytest.mark.django_db

SCORES = {"field_problem_solving": 3, "customer_empathy": 4, "security_hygiene": 3}


def candidate_url(candidate, tail="") -> str:
    return f"/hiring/candidates/{candidate.pk}/{tail}"


def text(response) -> str:
    return response.content.decode()


def scorecard_data(hiring, task="device-provisioning", **changes):
    return {
        "task": hiring.tasks[task].pk,
        **SCORES,
        "recommendation": "yes",
        "notes": "Calm and methodical.",
        **changes,
    }


# --- the scorecard form --------------------------------------------------------------------


def test_the_form_shows_each_score_beside_its_anchored_description_in_groups_with_legends(client, hiring):
    client.force_login(hiring.interviewer)
    page = text(client.get(candidate_url(hiring.candidate, "scorecard/")))
    for legend in ("Task", "Field problem-solving", "Customer empathy", "Security hygiene", "Recommendation"):
        assert f"<legend>{legend}</legend>" in page
    security = page[page.index("<legend>Security hygiene</legend>") : page.index("<legend>Recommendation</legend>")]
    for score, anchor in ANCHORS["security_hygiene"].items():
        label = re.search(rf'for="id_security_hygiene_{score - 1}">(.*?)</label>', security, re.S).group(1)
        assert f'value="{score}"' in label and f"{score}: </span>" in label
        assert str(anchor).replace("'", "&#x27;") in label
    assert "Failure-scenario interview" in page and "what they suspect first" in page


def test_an_interviewer_saves_a_scorecard_and_a_second_of_the_task_is_refused_under_the_task(client, hiring):
    client.force_login(hiring.interviewer)
    url = candidate_url(hiring.candidate, "scorecard/")
    response = client.post(url, scorecard_data(hiring))
    assert response.status_code == 302 and response.url == candidate_url(hiring.candidate)
    card = Scorecard.objects.get(candidate=hiring.candidate)
    assert (card.interviewer, card.task.slug, card.customer_empathy, card.recommendation) == (
        hiring.interviewer,
        "device-provisioning",
        4,
        "yes",
    )
    page = text(client.get(url))
    assert "you scored this already" in page
    response = client.post(url, scorecard_data(hiring, recommendation="no"))
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="id_task_error">(.*?)</p>', text(response)).group(1)
    assert "has scored Cora Candidate on “Provisioning a device” already" in error
    assert Scorecard.objects.filter(candidate=hiring.candidate).count() == 1


def test_a_missing_score_is_refused_under_its_dimension(client, hiring):
    client.force_login(hiring.interviewer)
    data = scorecard_data(hiring)
    del data["customer_empathy"]
    data["security_hygiene"] = 7
    response = client.post(candidate_url(hiring.candidate, "scorecard/"), data)
    assert response.status_code == 400
    page = text(response)
    assert 'id="id_customer_empathy_error">This field is required.' in page
    assert 'id="id_security_hygiene_error">Select a valid choice.' in page
    assert 'value="3" id="id_field_problem_solving_2" required checked' in page  # what was chosen stays chosen
    assert not Scorecard.objects.exists()


def test_a_lead_who_is_not_named_scores_the_candidates_of_their_pod_only(client, hiring):
    client.force_login(hiring.lead_a)
    assert client.post(candidate_url(hiring.candidate, "scorecard/"), scorecard_data(hiring)).status_code == 302
    closed = hiring.add("Cy Closed")
    hiring.move_to(closed, "screen")
    services.candidate_stage_move(actor=hiring.lead_a, candidate=closed, stage="rejected", reason="No show")
    response = client.post(candidate_url(closed, "scorecard/"), scorecard_data(hiring))
    assert response.status_code == 400
    assert "Cy Closed is rejected; scorecards are written while the pipeline is open." in text(response)


# --- the candidate's page ------------------------------------------------------------------


def test_the_lead_reads_every_scorecard_side_by_side_and_an_interviewer_their_own(client, hiring):
    c = hiring.candidate
    hiring.lead_a.name = "Zoe Lead"  # after "Ivo Interviewer": a task's columns go by interviewer's name
    hiring.lead_a.save(update_fields=["name"])
    hiring.score(c, hiring.interviewer, "device-provisioning")
    hiring.score(c, hiring.lead_a, "device-provisioning", scores={**SCORES, "security_hygiene": 2})
    hiring.score(c, hiring.lead_a, "failure-scenario", recommendation="strong-no")
    client.force_login(hiring.lead_a)
    page = text(client.get(candidate_url(c)))
    grid = page[page.index('aria-label="Scorecards side by side"') : page.index("</table>", page.index("side by side"))]
    assert re.search(r'scope="colgroup" colspan="2" class="task">Provisioning a device<', grid)
    assert re.search(r'scope="colgroup" colspan="1" class="task">Failure-scenario interview<', grid)
    assert grid.count('class="interviewer"') == 3 and "Ivo Interviewer" in grid
    security = grid[grid.index("Security hygiene") : grid.index("Recommendation")]
    assert re.findall(r'class="score score-\d">(\d)<', security) == ["3", "2", "3"]
    assert "2.67" in security and "3.00" in security and "not met" in security
    assert "Strong no" in grid
    client.force_login(hiring.interviewer)
    own = text(client.get(candidate_url(c)))
    assert own.count('class="interviewer"') == 1 and "You see your own scorecards" in own
    assert "Average" not in own and "Hire Cora Candidate" not in own


def test_the_stage_history_shows_each_move_with_its_reason_and_who(client, hiring):
    c = hiring.move_to(hiring.candidate, "screen")
    services.candidate_stage_move(actor=hiring.lead_a, candidate=c, stage="rejected", reason="Salary expectations")
    client.force_login(hiring.lead_a)
    page = text(client.get(candidate_url(c)))
    history = page[page.index('id="history-title"') :]
    assert history.count("<tr>") == 4  # the head and three moves
    assert "added" in history and "Salary expectations" in history and hiring.lead_a.get_full_name() in history
    assert "Reject or withdraw" not in page  # a closed candidate does not move


def test_the_hire_is_refused_listing_every_unmet_minimum(client, hiring):
    c = hiring.move_to(hiring.candidate, "offer")
    hiring.score(c, hiring.interviewer, "device-provisioning", scores={**SCORES, "security_hygiene": 2})
    client.force_login(hiring.lead_a)
    response = client.post(
        candidate_url(c, "hire/"), {"employee_id": "E-900", "start_on": hiring.today.isoformat(), "level": 2}
    )
    assert response.status_code == 400
    page = text(response)
    refusal = page[page.index('<div class="error-box" role="alert">') :]
    refusal = refusal[: refusal.index("</div>")]
    assert "Cora Candidate cannot be hired yet." in refusal
    items = re.findall(r"<li><strong>(.*?)</strong>: (.*?)</li>", refusal)
    assert [label for label, _ in items] == ["Scorecards", "Failure-scenario interview", "Security hygiene"]
    assert "1 of the 2 scorecards needed." in dict(items)["Scorecards"]
    assert "Average 2; the minimum is 3." in dict(items)["Security hygiene"]
    assert 'value="E-900"' in page  # the form keeps what was typed
    assert not Installer.objects.filter(employee_id="E-900").exists()
    assert Candidate.objects.get(pk=c.pk).stage == "offer"


def test_a_taken_employee_id_is_refused_under_its_field(client, hiring):
    c = hiring.ready(hiring.candidate)
    client.force_login(hiring.lead_a)
    taken = hiring.installer_a1.employee_id
    response = client.post(candidate_url(c, "hire/"), {"employee_id": taken, "start_on": hiring.today, "level": 2})
    assert response.status_code == 400
    assert 'id="id_employee_id_error">An installer with this employee id exists already.' in text(response)
    response = client.post(candidate_url(c, "hire/"), {"employee_id": "", "start_on": "", "level": 9})
    assert response.status_code == 400 and 'id="id_start_on_error">This field is required.' in text(response)


def test_a_hire_creates_the_installer_in_the_pod_who_can_then_be_enrolled(client, hiring):
    c = hiring.ready(hiring.candidate)
    client.force_login(hiring.lead_a)
    response = client.post(
        candidate_url(c, "hire/"), {"employee_id": "E-901", "start_on": hiring.today.isoformat(), "level": 2}
    )
    assert response.status_code == 302 and response.url == candidate_url(c)
    installer = Installer.objects.get(employee_id="E-901")
    assert (installer.pod, installer.name, installer.stage, installer.hiring_source) == (
        hiring.pod_a,
        "Cora Candidate",
        "hired",
        "referral",
    )
    page = text(client.get(candidate_url(c)))
    assert f'href="/org/installers/{installer.pk}/"' in page and 'href="/lead/"' in page
    assert "is hired: an installer of Pod A" in page
    assert "Hire Cora Candidate" not in page
    version = ProgramVersion.objects.filter(published_at__isnull=False).first() or _program()
    cohort = bootcamp_services.cohort_create(
        actor=hiring.lead_a,
        name="Spring",
        program_version=version,
        start_on=hiring.today,
        pods=[hiring.pod_a],
        capacity=5,
    )
    assert installer in bootcamp_selectors.installers_enrollable(cohort, hiring.lead_a, "")


def _program():
    spec = json.loads((settings.BASE_DIR / "fixtures" / "program_default.json").read_text())
    return bootcamp_services.program_load(actor=None, **spec)


def test_the_interviewers_are_named_on_the_page(client, hiring):
    client.force_login(hiring.lead_a)
    url = candidate_url(hiring.candidate, "interviewers/")
    response = client.post(url, {"interviewers": [hiring.lead_a.pk, hiring.interviewer.pk]})
    assert response.status_code == 302
    assert set(hiring.candidate.interviewers.all()) == {hiring.lead_a, hiring.interviewer}
    response = client.post(url, {"interviewers": [hiring.installer_a1.user.pk]})
    assert response.status_code == 400 and "Select a valid choice" in text(response)
    assert set(hiring.candidate.interviewers.all()) == {hiring.lead_a, hiring.interviewer}
