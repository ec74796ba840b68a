"""A recompute that fails is recorded as failed with its error, never left
"running"; the request that asked for it still succeeds; the dashboard says
the figures may be out of date until a recompute finishes; ranges are bounded."""

import pytest

from kpis import jobs
from kpis.models import KpiJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive():
    return UserFactory(role="executive")


def recompute(api, user, since="2025-01-01", until="2025-03-31"):
    return api.as_user(user).post(
        "/api/v1/kpis/recompute/", {"since": since, "until": until, "grains": ["month"]}, format="json"
    )


def test_a_failing_recompute_is_recorded_failed_and_the_dashboard_says_so(
    api, client, executive, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("the aggregate broke")

    monkeypatch.setattr(jobs, "kpis_compute", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = recompute(api, executive)
    assert response.status_code == 202  # the request succeeds; the job carries the failure
    job = KpiJob.objects.get()
    assert job.status == KpiJob.Status.FAILED and "the aggregate broke" in job.error and job.finished_at
    client.force_login(executive)
    assert "The last recompute failed" in client.get("/dashboard/").content.decode()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute(api, executive).status_code == 202
    assert KpiJob.objects.filter(status=KpiJob.Status.DONE).count() == 1
    assert "The last recompute failed" not in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize(
    ("since", "until", "field"),
    [
        ("1900-01-01", "2025-01-01", "since"),
        ("2020-01-01", "2100-12-31", "until"),
        ("2000-01-01", "2015-01-01", "until"),
    ],
)
def test_recompute_ranges_are_bounded(api, executive, since, until, field):
    response = recompute(api, executive, since, until)
    assert response.status_code == 400 and field in response.json()
    assert not KpiJob.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--since", "1900-01-01", "--until", "2001-01-01"], "--since: Recomputes start on 2000-01-01 or later."),
        (["--since", "2026-01-01", "--until", "2100-01-01"], "--until: Recomputes end on"),
        (["--since", "2027-01-01", "--until", "2026-01-01"], "--since: The start is after the end."),
    ],
)
def test_the_command_refuses_the_ranges_the_api_refuses(arguments, message):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("compute_kpis", *arguments)
