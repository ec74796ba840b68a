"""With the broker down, requests that enqueue work still succeed; the sweep
sends the recorded work later. (The broker's outage is simulated here; the
integration test stops a real redis-server.)"""

import datetime

import pytest
from kombu.exceptions import OperationalError

from kpis.jobs import kpi_jobs_sweep
from kpis.models import Audit, KpiJob, KpiSnapshot
from kpis.tasks import run_kpi_job
from tests.factories import PodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(run_kpi_job, "apply_async", refuse)
    return monkeypatch


def test_a_recompute_requested_with_the_broker_down_answers_202_and_the_sweep_runs_it(
    api, broker_down, django_capture_on_commit_callbacks
):
    pod = PodFactory(code="p1")
    Audit.objects.create(external_id="A", pod=pod, audited_on=datetime.date(2025, 3, 10), passed=True)
    executive = UserFactory(role="executive")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(executive).post(
            "/api/v1/kpis/recompute/",
            {"since": "2025-03-01", "until": "2025-03-31", "grains": ["month"]},
            format="json",
        )
    assert response.status_code == 202
    job = KpiJob.objects.get()
    assert (job.status, job.enqueued_at) == ("queued", None)
    assert kpi_jobs_sweep() == 0  # still down
    broker_down.undo()
    assert kpi_jobs_sweep(grace=datetime.timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == "done" and job.enqueued_at is not None
    assert KpiSnapshot.objects.filter(kpi="audit_pass_rate", scope="org").get().value == 1.0
    assert kpi_jobs_sweep(grace=datetime.timedelta(0)) == 0  # nothing left to send


def test_an_import_with_the_broker_down_succeeds_and_leaves_its_recompute_for_the_sweep(
    api, broker_down, django_capture_on_commit_callbacks
):
    PodFactory(code="p1")
    bot = UserFactory(role="admin")
    row = {"audit_id": "A-1", "pod_code": "p1", "installer": "", "audited_on": "2025-03-10", "passed": "true"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(bot).post("/api/v1/audits/", {"rows": [row]}, format="json")
    assert response.status_code == 201, response.json()
    assert Audit.objects.count() == 1
    assert KpiJob.objects.filter(status="queued", enqueued_at__isnull=True).count() == 1
    assert not KpiSnapshot.objects.exists()


def test_every_scheduled_task_can_be_published():
    # A task whose own time limit is below the global soft limit is refused
    # at publish time unless it sets its own soft limit: beat would fail daily.
    from django.conf import settings

    from installer_ops.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = app.tasks[entry["task"]]
        if task.time_limit:
            assert task.soft_time_limit and task.soft_time_limit <= task.time_limit, entry["task"]
