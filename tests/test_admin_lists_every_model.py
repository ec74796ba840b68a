"""The admin lists every model of the project's apps, each changelist and
object page answers for an administrator on demo data, and the history
(audit entries, check-off events, item states, promotions, clearances,
published versions with their modules and items, document versions,
snapshots, jobs, reminders) refuses additions, changes and deletions."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from installer_ops.models import User

pytestmark = pytest.mark.django_db
PROJECT_APPS = ["installer_ops", "bootcamp", "onboarding", "hiring", "kpis"]
HISTORY = [
    "installer_ops.AuditEntry",
    "installer_ops.Promotion",
    "bootcamp.CheckoffEvent",
    "bootcamp.ItemState",
    "bootcamp.ProgramVersion",
    "bootcamp.Module",
    "bootcamp.Item",
    "bootcamp.ReminderLog",
    "bootcamp.Evidence",
    "onboarding.Clearance",
    "onboarding.DocumentVersion",
    # Written by the tablet (acknowledgements, consent recorded at a site); read here.
    "onboarding.ConsentAcknowledgement",
    "onboarding.ConsentRecord",
    "onboarding.ConsentPhoto",
    "kpis.KpiSnapshot",
    "kpis.KpiJob",
    # Kept in the library, whose services freeze a scenario a drill has used.
    "onboarding.DrillScenario",
    # Hiring is run through its services (stage order, the hire's checks); the admin reads it.
    "hiring.Requisition",
    "hiring.Candidate",
    "hiring.StageChange",
    "hiring.Scorecard",
]


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_of_the_project_is_registered():
    missing = [model._meta.label for model in project_models() if not admin.site.is_registered(model)]
    assert missing == []


def rows_where_the_demo_has_none():
    """The demo leaves a few tables empty (nothing overdue yet, no recompute
    asked for): one plausible row each, so that every object page is opened."""
    from bootcamp.models import Enrollment, ReminderLog, ReminderRun
    from kpis.models import KpiJob, KpiTarget

    today = timezone.localdate()
    enrollment = Enrollment.objects.select_related("installer__user", "cohort").first()
    module = enrollment.cohort.program_version.modules.first()
    if not ReminderLog.objects.exists():
        ReminderLog.objects.create(
            enrollment=enrollment, module=module, recipient=enrollment.installer.user, sent_on=today
        )
    if not ReminderRun.objects.exists():
        ReminderRun.objects.create(day=today)
    if not KpiJob.objects.exists():
        KpiJob.objects.create(since=today - datetime.timedelta(days=30), until=today, grains=["month"])
    if not KpiTarget.objects.exists():
        KpiTarget.objects.create(kpi="churn", target=0.05)
    consent_rows_where_the_demo_has_none(enrollment.installer)


def consent_rows_where_the_demo_has_none(installer):
    """A consent flow of the installer's geography, their acknowledgement and a record."""
    from onboarding import document_selectors, document_services
    from onboarding.models import ConsentAcknowledgement, ConsentRecord
    from tests.onboarding.consent_data import publish_flow, record_consent

    geography = installer.pod.geography
    version = document_selectors.current_consent_flows([geography.pk]).get(geography.pk)
    if version is None:
        version = publish_flow(geography, slug="admin-test-consent")
    if not ConsentAcknowledgement.objects.exists():
        document_services.consent_acknowledge(actor=None, installer=installer, version=version)
    if not ConsentRecord.objects.exists():
        record_consent(installer, version)


def test_every_changelist_and_object_page_answers_for_an_administrator(client, settings):
    settings.DEBUG = True  # seed_demo refuses without it
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123 - discarded output
    rows_where_the_demo_has_none()
    client.force_login(User.objects.get(username="admin"))
    empty, failures = [], []
    for model in project_models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist)
        if response.status_code != 200:
            failures.append((changelist, response.status_code))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            empty.append(opts.label)
            continue
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = client.get(change)
        if response.status_code != 200:
            failures.append((change, response.status_code))
        if opts.label in HISTORY:
            assert b'name="_save"' not in response.content, f"{opts.label} offers a save button"
    assert failures == []
    assert empty == []


@pytest.mark.parametrize("label", HISTORY)
def test_history_refuses_additions_changes_and_deletions(label):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_staff=True, is_superuser=True, is_active=True)
    obj = model()
    assert model_admin.has_view_permission(request, obj)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_a_history_record_cannot_be_changed_or_deleted_by_post(client, org):
    from installer_ops.audit import audit_record
    from installer_ops.models import AuditEntry

    entry = audit_record(actor=org.admin, action="update", target=org.pod_a, changes={"name": ("A", "B")})
    client.force_login(org.admin)
    base = f"/admin/installer_ops/auditentry/{entry.pk}"
    assert client.post(f"{base}/change/", {"action": "forged"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/installer_ops/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "update"
