"""Hiring in the admin: every model listed and opened; requisitions,
candidates, stage changes and scorecards read-only; the task library
edited with an audit entry; the minimums saved through minimums_set."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from hiring.models import RubricMinimums, ScreeningTask
from installer_ops.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_every_hiring_page_of_the_admin_answers(client, hiring):
    hiring.score(hiring.candidate, hiring.interviewer)
    client.force_login(hiring.admin)
    for model in apps.get_app_config("hiring").get_models():
        opts = model._meta
        assert client.get(reverse(f"admin:hiring_{opts.model_name}_changelist")).status_code == 200, opts.label
        obj = model._default_manager.order_by("pk").first()
        page = client.get(reverse(f"admin:hiring_{opts.model_name}_change", args=[obj.pk]))
        assert page.status_code == 200, opts.label
        editable = opts.model_name in ("screeningtask", "rubricminimums")
        assert (b'name="_save"' in page.content) == editable, opts.label


def test_nothing_is_added_to_requisitions_or_candidates_in_the_admin(client, hiring):
    client.force_login(hiring.admin)
    for name in ("requisition", "candidate", "stagechange", "scorecard", "rubricminimums"):
        assert client.get(f"/admin/hiring/{name}/add/").status_code == 403, name
    page = f"/admin/hiring/candidate/{hiring.candidate.pk}/change/"
    assert client.post(page, {"stage": "offer"}).status_code == 403


def test_the_minimums_are_saved_through_the_service(client, hiring):
    client.force_login(hiring.admin)
    response = client.post(
        "/admin/hiring/rubricminimums/1/change/",
        {
            "field_problem_solving": "3.00",
            "customer_empathy": "2.75",
            "security_hygiene": "3.25",
            "min_scorecards": "3",
            "require_failure_scenario": "on",
        },
    )
    assert response.status_code == 302
    minimums = RubricMinimums.current()
    assert (minimums.customer_empathy, minimums.min_scorecards, minimums.updated_by) == (
        Decimal("2.75"),
        3,
        hiring.admin,
    )
    entry = AuditEntry.objects.get(object_type="rubricminimums")
    assert entry.actor == hiring.admin and entry.source == "admin"


def test_a_task_is_retired_not_deleted_and_the_change_audited(client, hiring):
    client.force_login(hiring.admin)
    task = ScreeningTask.objects.get(slug="debug-small-model")
    response = client.post(
        f"/admin/hiring/screeningtask/{task.pk}/change/",
        {"title": task.title, "kind": task.kind, "what_to_look_for": task.what_to_look_for, "position": 3},
    )
    assert response.status_code == 302
    assert not ScreeningTask.objects.get(pk=task.pk).active
    assert AuditEntry.objects.filter(object_type="screeningtask", action="update").exists()
    assert client.get(f"/admin/hiring/screeningtask/{task.pk}/delete/").status_code == 403
