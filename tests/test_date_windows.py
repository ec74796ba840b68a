"""Dates from people and integrations lie in the plausible window at every
door (page, API, service), the database holds the same window, and a
command lists the rows already outside it."""

import datetime
import zoneinfo

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bootcamp.models import Cohort
from installer_ops import date_windows, values
from installer_ops.models import Installer
from kpis.models import Install, Visit

pytestmark = pytest.mark.django_db


def test_the_window_runs_from_2000_to_five_years_ahead():
    today = datetime.date(2026, 11, 23)
    assert values.window_end(today) == datetime.date(2031, 11, 23)
    assert values.window_end(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)
    assert values.date_problem(datetime.date(2000, 1, 1), today=today) is None
    assert values.date_problem(datetime.date(1999, 12, 31), today=today)
    assert values.date_problem(datetime.date(2031, 11, 24), today=today)
    late_evening = datetime.datetime(2031, 11, 23, 23, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    assert values.datetime_problem(late_evening, today=today)  # already the 24th in UTC
    assert values.datetime_problem(datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.UTC), today=today)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-02-30T10:00:00Z", "is not an ISO 8601 time"),
        ("2026-11-02T25:00:00Z", "is not an ISO 8601 time"),
        ("2026-11-02T10:00:00+25:00", "is not an ISO 8601 time"),
        ("2026-11-02T10:00:00+14:01", "has an offset beyond ±14:00"),
        ("yesterday", "is not an ISO 8601 time"),
    ],
)
def test_impossible_times_are_refused_never_raised(text, problem):
    assert values.parse_iso_datetime(text) == (None, problem)


def test_a_time_without_offset_is_utc():
    parsed, problem = values.parse_iso_datetime("2026-11-02T10:00:00")
    assert problem is None and parsed == datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize("start_on", ["9999-12-31", "1999-12-31", "2040-01-05"])
def test_a_cohort_outside_the_window_is_refused_on_the_api_and_the_page(api, client, bootcamp, start_on):
    b = bootcamp
    payload = {"name": "Far", "program_version": b.version.pk, "start_on": start_on, "pods": [b.pod_a.pk]}
    response = api.as_user(b.lead_a).post("/api/v1/cohorts/", payload, format="json")
    assert response.status_code == 400
    assert "start_on" in response.json() and "2000-01-01" in response.json()["start_on"][0]
    client.force_login(b.lead_a)
    page = client.post("/lead/cohorts/new/", {**payload, "capacity": 8})
    assert page.status_code == 200 and "must lie between 2000-01-01" in page.content.decode()
    assert not Cohort.objects.filter(name="Far").exists()
    # Nothing stays broken: the lists and the lead's home still answer.
    assert client.get("/lead/").status_code == 200
    assert api.as_user(b.lead_a).get("/api/v1/cohorts/").status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/installers/", {"employee_id": "FI-1", "name": "N", "hired_on": "1999-01-01"}, "hired_on"),
        (
            "/api/v1/installers/{installer}/promote/",
            {"to_level": "installer-2", "effective_on": "9999-01-01"},
            "effective_on",
        ),
        ("/api/v1/installers/{installer}/separate/", {"left_on": "9999-12-31", "voluntary": True}, "left_on"),
    ],
)
def test_people_dates_outside_the_window_are_a_400_naming_the_field(api, org, url, body, field):
    if "employee_id" in body:
        body = {**body, "pod": org.pod_a.pk}
    response = api.as_user(org.lead_a).post(url.format(installer=org.installer_a1.pk), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    org.installer_a1.refresh_from_db()
    assert org.installer_a1.level == 1 and org.installer_a1.left_on is None
    assert not Installer.objects.filter(employee_id="FI-1").exists()


@pytest.mark.parametrize(
    ("scheduled_for", "message"),
    [("9999-06-01T10:00:00Z", "must lie between"), ("2026-12-01T10:00:00+14:30", "offset beyond")],
)
def test_a_drill_outside_the_window_or_offset_is_a_400(api, onboarding, scheduled_for, message):
    o = onboarding
    o.finish_bootcamp()
    body = {"installer": o.installer.pk, "scenario": o.scenario.pk, "scheduled_for": scheduled_for}
    response = api.as_user(o.lead).post("/api/v1/drills/", body, format="json")
    assert response.status_code == 400, response.content
    assert message in str(response.json()["scheduled_for"])


def test_the_database_holds_the_window_whatever_the_door(bootcamp):
    b = bootcamp
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.filter(pk=b.cohort.pk).update(start_on=datetime.date(9999, 12, 31))
    install = Install.objects.create(external_id="I-1", site="Depot", pod=b.pod_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(
            install=install, visited_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC), outcome="success"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(
            install=install, visited_at=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC), outcome="success"
        )


def test_the_command_lists_rows_outside_the_rolling_window(bootcamp, capsys):
    b = bootcamp
    call_command("dates_out_of_window")
    assert "No row lies outside the window." in capsys.readouterr().out
    # 2090 passes the database's fixed bound but not the five years ahead.
    Cohort.objects.filter(pk=b.cohort.pk).update(start_on=datetime.date(2090, 1, 2))
    with pytest.raises(CommandError) as failed:
        call_command("dates_out_of_window")
    assert failed.value.returncode == 1
    assert f"bootcamp.Cohort.start_on pk={b.cohort.pk}: 2090-01-02" in capsys.readouterr().out
    call_command("dates_out_of_window", "--database")
    assert "No row lies outside the window." in capsys.readouterr().out


def test_every_windowed_column_is_listed():
    labels = {column.label for column in date_windows.windowed_columns()}
    assert {
        "bootcamp.Cohort.start_on",
        "bootcamp.CheckoffEvent.occurred_at",
        "installer_ops.Installer.hired_on",
        "installer_ops.Installer.left_on",
        "kpis.Visit.visited_at",
        "kpis.Incident.opened_at",
        "kpis.Audit.audited_on",
        "onboarding.OutageDrill.scheduled_for",
        "onboarding.ShadowDay.day",
    } <= labels


def test_the_migration_stops_before_its_constraints_when_rows_lie_outside(bootcamp, monkeypatch):
    """An installation with such rows learns which and what to run, instead
    of a migration failing half-way (simulated by narrowing the database's bound)."""
    b = bootcamp
    Cohort.objects.filter(pk=b.cohort.pk).update(start_on=datetime.date(2040, 1, 2))
    monkeypatch.setattr(values, "DB_WINDOW_END", datetime.date(2030, 1, 1))
    with pytest.raises(RuntimeError) as stopped:
        date_windows.refuse_rows_outside("bootcamp")(django_apps, None)
    assert f"bootcamp.Cohort.start_on pk={b.cohort.pk}: 2040-01-02" in str(stopped.value)
    assert "manage.py dates_out_of_window --database" in str(stopped.value)
    date_windows.refuse_rows_outside("kpis")(django_apps, None)  # nothing outside there


def test_a_wrong_device_time_reads_back_in_every_time_zone():
    for text in ("0001-01-02T00:00:00Z", "9999-12-30T00:00:00Z"):
        parsed, problem = values.parse_iso_datetime(text)
        assert problem is None and values.device_time_problem(parsed) is None
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
            shown = timezone.localtime(parsed, timezone=zoneinfo.ZoneInfo(zone))
            assert shown.utcoffset() is not None
