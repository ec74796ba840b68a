"""The person page (installer-detail, /org/installers/<id>/): one installer's
record, bootcamp, onboarding and history; its scope; the links to it from
every page that names a person; a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bootcamp import services as bootcamp_services
from bootcamp.models import Enrollment
from installer_ops.audit import audit_record
from installer_ops.models import AuditEntry, Level
from onboarding import services
from onboarding.models import Clearance
from tests.bootcamp.fixtures import tablet_check
from tests.factories import InstallerFactory, UserFactory

pytestmark = pytest.mark.django_db


def person_url(installer) -> str:
    return f"/org/installers/{installer.pk}/"


def fill(o, installer, n: int) -> None:
    """`n` enrollments (one active, the rest withdrawn), check-off events,
    shadow days, drills, clearances and audit entries for `installer`."""
    now = timezone.now()
    for i in range(n):
        cohort = bootcamp_services.cohort_create(
            actor=None,
            name=f"Cohort {installer.pk}-{i}",
            program_version=o.b.version,
            start_on=datetime.date(2026, 1, 5) + datetime.timedelta(days=7 * i),
            lead=o.lead,
            pods=[installer.pod],
            capacity=5,
        )
        Enrollment.objects.create(cohort=cohort, installer=installer, withdrawn_at=None if i == 0 else now)
    active = Enrollment.objects.get(installer=installer, withdrawn_at__isnull=True)
    tablet_check(active, *(o.b.items * n)[:n])
    assignment = services.shadow_assign(actor=o.lead, installer=installer, mentor=o.mentor)
    for i in range(n):
        day = services.shadow_day_record(
            actor=o.lead, assignment=assignment, day=timezone.localdate() - datetime.timedelta(days=i + 1), site="S"
        )
        services.shadow_day_confirm(actor=o.mentor.user, shadow_day=day)
    for i in range(n):
        drill = services.drill_schedule(actor=o.lead, installer=installer, scenario=o.scenario, scheduled_for=now)
        services.drill_record(
            actor=o.lead, drill=drill, passed=i % 2 == 0, minutes_to_recover=20 if i % 2 == 0 else None
        )
    Clearance.objects.bulk_create(
        Clearance(
            installer=installer,
            cleared_by=o.lead,
            cleared_at=now - datetime.timedelta(days=400 * (i + 1)),
            valid_until=timezone.localdate() - datetime.timedelta(days=35 * (i + 1)),
        )
        for i in range(n)
    )
    for i in range(n):
        audit_record(actor=o.lead, action="note", target=installer, changes={"note": i})


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_the_page_runs_the_same_queries_for_2_and_20_of_everything(client, onboarding, django_assert_num_queries, who):
    o = onboarding
    small, large = InstallerFactory(pod=o.b.pod_a), InstallerFactory(pod=o.b.pod_a)
    fill(o, small, 2)
    fill(o, large, 20)
    client.force_login(o.lead if who == "lead" else UserFactory(role="admin"))
    client.get(person_url(small))  # session and role caches warm alike for both
    with CaptureQueriesContext(connection) as counted:
        first = client.get(person_url(small))
    assert first.status_code == 200
    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get(person_url(large))
    page = response.content.decode()
    # The large page did show all of it (the count is not a count of nothing).
    assert page.count('href="/lead/enrollments/') == 20
    assert page.count(">Node offline</td>") == 20
    assert page.count("awaiting the mentor") + page.count(">confirmed<") == 20
    assert page.count(">Past<") + page.count(">Expired<") == 20
    if who == "admin":
        assert re.search(r"Page 1 of [2-9]", page)  # 20 notes and the services' entries: more than one page


def test_the_page_shows_the_record_bootcamp_onboarding_and_links(client, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit(acknowledge=False)
    o.shadow(days=2, confirm=False)
    client.force_login(o.lead)
    page = client.get(person_url(o.installer)).content.decode()
    assert o.installer.employee_id in page and o.installer.pod.name in page
    assert f'href="{reverse("pod-detail", args=[o.installer.pod_id])}"' in page
    assert f'href="{reverse("lead-enrollment", args=[o.b.enrollment.pk])}"' in page
    assert f'href="{reverse("v1:api-packet", args=[o.installer.pk])}"' in page
    assert f'href="{reverse("onboarding-installer", args=[o.installer.pk])}"' in page
    assert f'href="{person_url(o.mentor)}"' in page  # the mentor is a person too
    assert "NODE-0001" in page and "Runbook v1 is not acknowledged yet." in page
    assert "Readiness gate: 3 requirements unmet" in page  # kit, shadow week, drill
    assert "Record a promotion" in page  # the lead of the pod may change the record
    assert "awaiting the mentor" in page and "Not cleared yet." in page
    # The pod's lead reads the person's history (the whole log stays the administrators').
    assert "Day-1 kit issued" in page and "administrators and the pod" not in page


def test_scope_another_pod_and_executives_answer_404_installers_403(client, onboarding):
    o = onboarding
    client.force_login(o.b.lead_b)
    assert client.get(person_url(o.installer)).status_code == 404
    client.force_login(UserFactory(role="executive"))
    assert client.get(person_url(o.installer)).status_code == 404
    client.force_login(o.installer.user)
    assert client.get(person_url(o.installer)).status_code == 403  # their own page is my-record
    client.force_login(o.b.lead_b)
    assert client.get(person_url(o.b.other)).status_code == 404
    assert client.get("/org/installers/999999/").status_code == 404


def test_admin_reads_the_history_newest_first_paginated_and_only_this_persons(client, onboarding):
    o = onboarding
    admin = UserFactory(role="admin")
    for i in range(25):
        audit_record(actor=admin, action=f"note-{i:02}", target=o.installer)
    audit_record(actor=admin, action="about-someone-else", target=o.b.other)
    audit_record(actor=admin, action="about-the-login", target=o.installer.user)
    client.force_login(admin)
    first = client.get(person_url(o.installer)).content.decode()
    assert "about-someone-else" not in first
    assert first.index("about-the-login") < first.index("note-24") < first.index("note-23")
    assert "Page 1 of 2" in first and "Record a promotion" in first
    entries = AuditEntry.objects.filter(object_type__in=["installer", "user", "enrollment"]).count()
    second = client.get(person_url(o.installer), {"page": 2}).content.decode()
    shown = len(re.findall(r"note-\d\d", first)) + len(re.findall(r"note-\d\d", second))
    assert shown == 25 and entries > 25
    assert ">Enrolled<br>" in second  # the enrollment's own entry is part of this person's history
    assert client.get(person_url(o.installer), {"page": "x"}).status_code == 200  # a bad page is page 1


def test_clearances_current_and_past(client, onboarding):
    o = onboarding
    now, today = timezone.now(), timezone.localdate()
    Clearance.objects.create(
        installer=o.installer, cleared_by=o.lead, cleared_at=now - datetime.timedelta(days=400), valid_until=today
    )
    Clearance.objects.create(
        installer=o.installer, cleared_by=o.lead, cleared_at=now, valid_until=today + datetime.timedelta(days=365)
    )
    client.force_login(o.lead)
    page = client.get(person_url(o.installer)).content.decode()
    assert page.count(">Current<") == 1 and page.count(">Past<") == 1
    assert (today + datetime.timedelta(days=365)).isoformat() in page


def test_a_refused_promotion_comes_back_with_its_error_and_the_way_to_the_record(client, org):
    client.force_login(org.lead_a)
    url = person_url(org.installer_a1)
    refused = client.post(url + "promote/", {"to_level": Level.INSTALLER_1, "effective_on": "2026-01-05"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "A promotion goes to a level above" in body and f'href="{url}"' in body


def test_every_page_that_names_the_installer_links_to_the_person_page(client, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit(acknowledge=False)  # onboarding: on the board
    o.shadow(days=1, confirm=False)
    client.force_login(o.lead)
    link = f'href="{person_url(o.installer)}"'
    enrollment_url = reverse("lead-enrollment", args=[o.b.enrollment.pk])
    matrix = client.get(reverse("lead-cohort", args=[o.b.cohort.pk])).content.decode()
    assert link in matrix
    modules = list(o.b.version.modules.order_by("position"))
    for module in modules:  # each cell opens the enrollment at its module
        assert f'href="{enrollment_url}#module-{module.pk}"' in matrix
    assert f'href="{enrollment_url}"' in matrix  # and the overall cell, at the top
    pages = {
        "installer list": reverse("installer-list"),
        "pod page": reverse("pod-detail", args=[o.installer.pod_id]),
        "enrollment": enrollment_url,
        "onboarding board": reverse("onboarding-board"),
        "onboarding page": reverse("onboarding-installer", args=[o.installer.pk]),
    }
    missing = [name for name, url in pages.items() if link not in client.get(url).content.decode()]
    assert not missing, missing
    onboarding_page = client.get(pages["onboarding page"]).content.decode()
    assert f'href="{person_url(o.mentor)}"' in onboarding_page


def test_the_history_reads_as_the_rest_of_the_page_not_as_stored(client, onboarding):
    """The history showed what audit.py stores: "pod: 2", "level: 1",
    "hiring source: internal_transfer", "hired on: 2026-11-06", "stage: hired →
    bootcamp" and the action codes "hire", "advance stage"."""
    from installer_ops.services.people import installer_hire, installers_stage_advance

    o = onboarding
    hired = installer_hire(
        actor=o.lead,
        employee_id="FI-4242",
        name="Ada Readable",
        pod=o.b.pod_a,
        hired_on=datetime.date(2026, 11, 6),
        hiring_source="internal_transfer",
    )
    installers_stage_advance(actor=o.lead, installers=[hired], stage="bootcamp")
    client.force_login(o.lead)
    page = client.get(person_url(hired)).content.decode()
    history = page[page.index('id="history-title"') :]
    for shown in (
        "Hired<br>",
        "Stage advanced<br>",
        f"Pod:</span> {o.b.pod_a.name}<",
        "Level:</span> Installer I<",
        "Hiring source:</span> Internal transfer<",
        "Hired on:</span> 6 Nov 2026<",
        "Stage:</span> Hired → Bootcamp<",
    ):
        assert shown in history, shown
    for stored in ("internal_transfer", "2026-11-06", f"pod:</span> {o.b.pod_a.pk}<", ">hire<br>"):
        assert stored not in history, stored


def test_the_history_names_the_mentor_kit_and_drill_the_services_recorded(client, onboarding):
    """shadow_assign records the mentor as an Installer's id and kit_issue,
    drill_schedule, kit_acknowledge a profile's, the copies' and a scenario's:
    the history read the mentor's id as a login's (another person, or "—")
    and showed the others as bare numbers ("Profile: 3"), a drill's outcome
    as its code ("passed")."""
    o = onboarding
    # A login whose id is the mentor installer's id: the person the history named instead.
    users = type(o.mentor.user).objects
    if not users.filter(pk=o.mentor.pk).exists():
        UserFactory(id=o.mentor.pk, name="Ivo Impostor")
    impostor = users.get(pk=o.mentor.pk)
    o.shadow(days=0)
    kit = o.issue_kit(acknowledge=False)
    services.kit_acknowledge(actor=o.installer.user, kit=kit, version=kit.runbook_version)
    o.drill()
    client.force_login(o.lead)
    page = client.get(person_url(o.installer)).content.decode()
    history = page[page.index('id="history-title"') :]
    for shown in (
        f"Mentor:</span> {o.mentor}<",
        f"Configuration profile:</span> {o.profile}<",
        f"Runbook:</span> {kit.runbook_version}<",
        f"Playbook:</span> {kit.playbook_version}<",
        f"Scenario:</span> {o.scenario}<",
        f"Version:</span> {kit.runbook_version}<",
        "Outcome:</span> Passed<",
    ):
        assert shown in history, shown
    assert f"Mentor:</span> {impostor.get_full_name()}<" not in history
