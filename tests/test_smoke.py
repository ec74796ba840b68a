"""The embedded default: seed_demo and the main pages on whatever database
the run uses (`make test` runs this file on SQLite as well as PostgreSQL)."""

import logging

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from bootcamp.models import Cohort
from bootcamp.selectors import cohort_summaries

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")


def test_seed_demo_and_the_main_pages(settings, capsys, caplog):
    from installer_ops.models import Installer, Pod, PodMembership, Promotion, Stage

    settings.DEBUG = True
    with caplog.at_level(logging.WARNING):
        call_command("seed_demo")
    # With no broker the jobs run in-process: nothing may warn about a broker.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    out = capsys.readouterr().out
    for login in ("lead", "installer", "exec", "admin"):
        assert f"  {login} " in out
    assert Pod.objects.count() == 6
    assert 38 <= Installer.objects.count() <= 45
    assert set(Installer.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Installer.objects.values_list("level", flat=True)) >= {1, 2, 3}
    assert Promotion.objects.count() > 10
    assert Installer.objects.filter(stage=Stage.LEFT, left_voluntarily=False).exists()
    staffed_roles = {
        pod.code: PodMembership.objects.filter(pod=pod, ended_on__isnull=True).count() for pod in Pod.objects.all()
    }
    assert sorted(staffed_roles.values()) == [2, 3, 3, 3, 3, 3]

    call_command("seed_demo")  # a second run changes nothing
    assert Pod.objects.count() == 6

    pages = {
        "lead": [
            "/lead/",
            "/lead/cohorts/new/",
            "/lead/onboarding/",
            "/org/",
            "/org/installers/",
            "/org/installers/new/",
            "/runbooks/",
            "/runbooks/field-runbook/v2/",
            "/runbooks/incident-playbook/v1.pdf",
        ],
        "installer": ["/app/", "/app/sw.js", "/app/manifest.webmanifest", "/app/jsi18n/", "/me/"],
        "exec": ["/dashboard/", "/dashboard/?grain=quarter", "/dashboard/?format=csv", "/org/"],
        "admin": ["/org/", "/lead/", "/org/installers/", "/admin/", "/admin/installer_ops/installer/", "/api/docs/"],
    }
    for username, urls in pages.items():
        client = Client()
        assert log_in(client, username).status_code == 302
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
    assert Client().get("/healthz").status_code == 200

    # Every cohort state, and every cohort's matrix and enrollments open for its lead.

    cohorts = list(Cohort.objects.select_related("program_version", "lead"))
    assert {s.status for s in cohort_summaries(cohorts, timezone.localdate())} == {"planned", "running", "completed"}
    client = Client()
    assert log_in(client, "lead").status_code == 302
    for cohort in Cohort.objects.filter(lead__username="lead"):
        assert client.get(f"/lead/cohorts/{cohort.pk}/").status_code == 200
        for enrollment in cohort.enrollments.all():
            assert client.get(f"/lead/enrollments/{enrollment.pk}/").status_code == 200


def log_in(client, username):
    # Through the login form, as a person does (the lockout backend needs the request).
    return client.post("/accounts/login/", {"username": username, "password": "installer-ops-demo"})
