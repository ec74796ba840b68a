"""The recompute page starts a job through the API's service (kpi_job_request)
and shows its progress bar, refreshed by htmx until the job is done or failed."""

import datetime
import re

import pytest
from django.utils import timezone

from installer_ops.models import User
from kpis.jobs import NIGHTLY_DAYS
from kpis.models import Audit, KpiJob, KpiSnapshot

pytestmark = pytest.mark.django_db
URL = "/kpis/recompute/"
POLLING = re.compile(r'hx-get="/kpis/jobs/[0-9a-f-]+/progress/"\s+hx-trigger="every 1s"')


def progress_url(job) -> str:
    return f"/kpis/jobs/{job.pk}/progress/"


def test_the_form_defaults_to_the_nightly_window_and_every_grain(client, org):
    client.force_login(org.admin)
    response = client.get(URL)
    assert response.status_code == 200
    today = timezone.localdate()
    html = response.content.decode()
    assert f'value="{(today - datetime.timedelta(days=NIGHTLY_DAYS)).isoformat()}"' in html
    assert f'value="{today.isoformat()}"' in html
    assert html.count('name="grains"') == 3 and html.count("checked") >= 3
    assert "No recomputes yet." in html


def test_starting_a_recompute_runs_the_job_and_the_bar_shows_it_done_without_polling(
    client, org, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    Audit.objects.create(external_id="A1", pod=org.pod_a, audited_on=today.replace(day=1), passed=True)
    client.force_login(org.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {"since": today.replace(day=1).isoformat(), "until": today.isoformat(), "grains": ["month"]}
        )
    assert response.status_code == 302
    job = KpiJob.objects.get()
    assert response["Location"] == f"{URL}?job={job.pk}"
    # Eager in the tests: the job ran once the request's transaction committed.
    assert (job.status, job.progress, job.requested_by, job.grains) == ("done", 1.0, org.admin, ["month"])
    assert KpiSnapshot.objects.filter(kpi="audit_pass_rate", grain="month").exists()
    page = client.get(response["Location"]).content.decode()
    assert '<progress max="100" value="100"' in page
    assert "Done" in page and "snapshot" in page
    assert not POLLING.search(page)
    fragment = client.get(progress_url(job)).content.decode()
    assert '<progress max="100" value="100"' in fragment and not POLLING.search(fragment)


def test_a_running_job_shows_its_progress_and_keeps_polling(client, org):
    job = KpiJob.objects.create(
        since=datetime.date(2025, 1, 1), until=datetime.date(2025, 6, 30), grains=["week", "month"]
    )
    KpiJob.objects.filter(pk=job.pk).update(status="running", progress=0.5)
    client.force_login(org.admin)
    fragment = client.get(progress_url(job))
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert '<progress max="100" value="50"' in html
    assert "Running" in html
    assert POLLING.search(html)
    page = client.get(f"{URL}?job={job.pk}").content.decode()
    assert POLLING.search(page) and "vendor/htmx/htmx.min.js" in page
    # The worker finishes: the next poll answers the fragment without the trigger.
    KpiJob.objects.filter(pk=job.pk).update(status="done", progress=1.0, written=7)
    html = client.get(progress_url(job)).content.decode()
    assert not POLLING.search(html)
    assert "7 snapshots written." in html


def test_a_failed_job_shows_its_error_and_stops_polling(client, org):
    job = KpiJob.objects.create(since=datetime.date(2025, 1, 1), until=datetime.date(2025, 1, 31), grains=["month"])
    KpiJob.objects.filter(pk=job.pk).update(status="failed", progress=0.0, error="OperationalError('disk full')")
    client.force_login(org.admin)
    html = client.get(progress_url(job)).content.decode()
    assert "The recompute failed:" in html
    assert "OperationalError(&#x27;disk full&#x27;)" in html
    assert not POLLING.search(html)


@pytest.mark.parametrize(
    ("since", "until", "field", "message"),
    [
        ("2025-03-01", "2025-02-01", "since", "The start is after the end."),
        ("1999-12-31", "2000-02-01", "since", "Recomputes start on 2000-01-01 or later."),
        ("2001-01-01", "9999-01-01", "until", "Recomputes end on"),
        ("2000-01-01", "2015-01-01", "until", "at most 10 years"),
        ("not-a-date", "2025-01-01", "since", "Enter a valid date."),
    ],
)
def test_a_bad_range_is_refused_under_its_field_and_starts_nothing(client, org, since, until, field, message):
    client.force_login(org.admin)
    response = client.post(URL, {"since": since, "until": until, "grains": ["month"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert not KpiJob.objects.exists()


def test_no_grain_is_refused(client, org):
    client.force_login(org.admin)
    response = client.post(URL, {"since": "2025-01-01", "until": "2025-01-31"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_recent_jobs_are_listed_newest_first(client, org):
    for month in (1, 2):
        KpiJob.objects.create(
            since=datetime.date(2025, month, 1), until=datetime.date(2025, month, 28), grains=["month"]
        )
    client.force_login(org.admin)
    html = client.get(URL).content.decode()
    assert html.index("1 Feb 2025 – 28 Feb 2025") < html.index("1 Jan 2025 – 28 Jan 2025")


@pytest.mark.parametrize("who", ["lead_a", "installer_a1"])
def test_leads_and_installers_may_not_recompute(client, org, who):
    user = getattr(org, who)
    client.force_login(user if isinstance(user, User) else user.user)
    job = KpiJob.objects.create(since=datetime.date(2025, 1, 1), until=datetime.date(2025, 1, 31), grains=["month"])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"since": "2025-01-01", "until": "2025-01-31", "grains": ["month"]}).status_code == 403
    assert client.get(progress_url(job)).status_code == 403
    assert KpiJob.objects.count() == 1


def test_executives_may_recompute_as_the_policy_says(client, org):
    client.force_login(org.executive)
    response = client.post(URL, {"since": "2025-01-01", "until": "2025-01-31", "grains": ["month"]})
    assert response.status_code == 302
    assert KpiJob.objects.get().requested_by == org.executive


def test_an_unknown_job_is_a_404_and_a_malformed_one_is_ignored(client, org):
    client.force_login(org.admin)
    assert client.get("/kpis/jobs/00000000-0000-0000-0000-000000000000/progress/").status_code == 404
    response = client.get(f"{URL}?job=not-a-uuid")
    assert response.status_code == 200
    assert "to follow its progress here" in response.content.decode()
