"""The authorization matrix, generated from the URL configuration.

Every route (pages and API, the admin apart: it is for staff only) has a
rule below. Object routes are requested, as a lead and an installer of
another pod, and (for personal records) as another installer of the same pod
and as an executive, against the target installer's objects: the answer is
403 or 404 and never carries the target's data. List routes must not show
the target's rows to the other pod. A new route without a rule fails
test_every_route_has_a_rule."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bootcamp.models import Item
from hiring import services as hiring_services
from kpis.models import Audit, Incident, Install, KpiJob, KpiTarget, Node, Visit
from onboarding.models import ShadowDay
from tests.bootcamp.fixtures import tablet_check
from tests.bootcamp.photos import photo_for
from tests.factories import InstallerFactory, UserFactory
from tests.onboarding.consent_data import publish_flow, record_consent, store_photo

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
MARKER = "Zelda Quartermain"  # the target installer's name: it must not leak
FIELD_MARKERS = ["TARGET-NODE", "TARGET-INSTALL", "TARGET-INC", "TARGET-AUDIT"]

# No per-pod or per-person data behind these (or the same for everyone by design).
OPEN = {
    "home", "healthz", "favicon", "login", "logout", "app", "app-service-worker", "app-manifest", "app-jsi18n",
    "api-token", "api-root", "api-schema", "api-docs", "installer-hire", "lead-cohort-create",
    # Organisation-wide reference data: the same for every role.
    "geography-list", "geography-detail", "vertical-list", "vertical-detail", "pod-list", "pod-detail",
    "program-list", "program-detail", "runbook-list", "runbook-detail", "runbook-print", "runbook-pdf",
    "runbook-print-css",
    # Programs are the organisation's templates: leads and admins author them (the policy decides).
    "program-versions",
    # The current runbook and playbook, the same for every installer (the tablet keeps them offline).
    "api-current-documents",
    # A person's own account (no one else's data), and the token-guarded password and invitation links.
    "account", "account-language", "account-token-create", "account-token-revoke", "password_change",
    "password_change_done", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete", "invitation-accept",
    # Single sign-on: the provider's round trip, no one's data until it names a person.
    "oidc_authentication_init", "oidc_authentication_callback",
    # The program builder: the organisation's templates, the same for every author (can_author_programs
    # refuses installers and executives).
    "lead-program-create", "lead-program-compare", "lead-program-version", "lead-program-version-draft",
    "lead-program-settings", "lead-program-publish", "lead-program-module-add", "lead-program-module",
    "lead-program-module-move", "lead-program-module-remove", "lead-program-item-add", "lead-program-item",
    "lead-program-item-move", "lead-program-item-remove",
    # Organisation-wide KPI targets: read by executives and administrators, set by administrators.
    "kpi-targets",
    # The hiring rubric (anchors, task library, minimums): the same for everyone; installers are refused.
    "api-hiring-rubric",
    # The requisition form: it offers only the pods the viewer hires for (the service decides).
    "hiring-requisition-create",
}  # fmt: skip
# Lists: what the other pod sees must not include the target's rows.
LISTS = {
    "org-overview", "installer-list", "my-record", "dashboard", "onboarding-board", "lead-cohorts",
    "api-me", "api-kpis", "cohort-list", "enrollment-list", "kit-list", "shadow-assignment-list",
    "shadow-day-list", "drill-list", "node-list", "install-list", "visit-list", "incident-list", "audit-list",
    "api-sync", "api-kpis-recompute", "lead-queue", "lead-queue-signoffs",
    "kpi-recompute",  # executives and administrators recompute; recent jobs name who asked
    "lead-programs",  # lists the cohorts on each version: only those the viewer sees
    "kpi-detail",  # a KPI's page: aggregates, and the facts behind them only from the viewer's pods
    # Hiring: requisitions and candidates of the pods led (or interviewed for); the summary is counts only.
    "requisition-list", "candidate-list", "api-hiring-summary",
    # The hiring page: requisitions of the pods led or interviewed for, and the candidates to score.
    "hiring-requisitions",
    # A lead's pending sign-offs (their pods' installers); installers and executives are refused (403).
    "api-signoffs-pending",
    # Consent: the current flows of the viewer's geographies; the records of the installers they see
    # (the page: leads and administrators, 403 otherwise).
    "api-consent-flows", "consent-record-list", "onboarding-consent-records",
}  # fmt: skip
# The path arguments of list routes that take some.
LIST_KWARGS = {"kpi-detail": {"code": "first_time_success"}}
# Administrators only: everyone else is refused (403) without the target's data.
ADMIN_ONLY = {
    "api-audit-log", "audit-log",
    # The onboarding library: authored by administrators (onboarding.policies.can_author_documents).
    "library-documents", "library-document-create", "library-scenarios", "library-scenario-create",
    "library-profiles", "library-profile-create",
}  # fmt: skip
PERSONAL = "personal"  # also refused to another installer of the same pod and to executives
# Object routes: how to reach the target's object, and whether it is a personal record.
OBJECTS = {
    "pod-detail@org": (lambda t: {"pod_id": t.pod.pk}, None),
    "installer-detail@org": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "installer-promote@org": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "installer-separate@org": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "installer-invitation-send": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "onboarding-installer": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "onboarding-kit": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "onboarding-kit-reprint": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "onboarding-mentor": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "onboarding-shadow-day": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "onboarding-drill": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    "onboarding-drill-result": (lambda t: {"installer_id": t.installer.pk, "drill_id": t.drill.pk}, PERSONAL),
    "onboarding-clear": (lambda t: {"installer_id": t.installer.pk}, PERSONAL),
    # A consent record, its page and its signature: seen by whoever sees the installer.
    "onboarding-consent-record": (lambda t: {"record_id": t.consent_record.pk}, PERSONAL),
    "consent-record-detail": (lambda t: {"pk": t.consent_record.pk}, PERSONAL),
    "api-consent-signature": (lambda t: {"pk": t.consent_record.pk}, PERSONAL),
    # A step's photo (GET; the PUT takes only the recording installer's own records).
    "api-consent-photo": (lambda t: {"pk": t.consent_record.pk, "photo_id": t.consent_photo.pk}, PERSONAL),
    # The target's geography's flow: acknowledged only by an installer of that geography (the other
    # pod is in another one), on their own login.
    "api-consent-acknowledge": (lambda t: {"pk": t.consent_version.pk}, None),
    "lead-cohort": (lambda t: {"cohort_id": t.cohort.pk}, None),
    "lead-cohort-enrol": (lambda t: {"cohort_id": t.cohort.pk}, None),
    "lead-cohort-csv": (lambda t: {"cohort_id": t.cohort.pk}, None),
    "lead-enrollment": (lambda t: {"enrollment_id": t.enrollment.pk}, PERSONAL),
    "lead-enrollment-signoff": (lambda t: {"enrollment_id": t.enrollment.pk, "item_id": t.item.pk}, PERSONAL),
    "api-kpi-job": (lambda t: {"job_id": t.job.pk}, None),
    "kpi-job-progress": (lambda t: {"job_id": t.job.pk}, None),
    "kpi-target-remove": (lambda t: {"target_id": t.kpi_target.pk}, None),
    "api-readiness": (lambda t: {"pk": t.installer.pk}, PERSONAL),
    "api-clearance": (lambda t: {"pk": t.installer.pk}, PERSONAL),
    "api-packet": (lambda t: {"pk": t.installer.pk}, PERSONAL),
    "api-enrollment-signoffs": (lambda t: {"enrollment_id": t.enrollment.pk}, PERSONAL),
    # A photo (GET; the PUT takes only the caller's own check-offs): seen by whoever sees the enrollment.
    "api-evidence": (lambda t: {"evidence_id": t.evidence.pk}, PERSONAL),
    "pod-roles": (lambda t: {"pk": t.pod.pk}, None),
    "installer-detail@api": (lambda t: {"pk": t.installer.pk}, PERSONAL),
    "installer-promote@api": (lambda t: {"pk": t.installer.pk}, PERSONAL),
    "installer-separate@api": (lambda t: {"pk": t.installer.pk}, PERSONAL),
    "cohort-detail": (lambda t: {"pk": t.cohort.pk}, None),
    "cohort-enrollments": (lambda t: {"pk": t.cohort.pk}, None),
    "enrollment-detail": (lambda t: {"pk": t.enrollment.pk}, PERSONAL),
    "kit-detail": (lambda t: {"pk": t.kit.pk}, PERSONAL),
    "kit-acknowledge": (lambda t: {"pk": t.kit.pk}, PERSONAL),
    "kit-copies": (lambda t: {"pk": t.kit.pk}, PERSONAL),
    "kit-reprint": (lambda t: {"pk": t.kit.pk}, PERSONAL),
    "shadow-day-confirm": (lambda t: {"pk": t.shadow_day.pk}, PERSONAL),
    "drill-detail": (lambda t: {"pk": t.drill.pk}, PERSONAL),
    "drill-result": (lambda t: {"pk": t.drill.pk}, PERSONAL),
    "runbook-publish": (lambda t: {"slug": "field-runbook"}, None),
    "library-document": (lambda t: {"slug": "field-runbook"}, None),
    "library-document-preview": (lambda t: {"slug": "field-runbook"}, None),
    "library-scenario": (lambda t: {"scenario_id": t.scenario.pk}, None),
    "library-scenario-active": (lambda t: {"scenario_id": t.scenario.pk}, None),
    "library-profile": (lambda t: {"profile_id": t.profile.pk}, None),
    "node-detail": (lambda t: {"pk": t.node.pk}, None),
    "install-detail": (lambda t: {"pk": t.install.pk}, None),
    "visit-detail": (lambda t: {"pk": t.visit.pk}, None),
    "incident-detail": (lambda t: {"pk": t.incident.pk}, None),
    "audit-detail": (lambda t: {"pk": t.audit.pk}, None),
    # Hiring: executives and installers see no requisition or candidate at all (aggregates only).
    "requisition-detail": (lambda t: {"pk": t.requisition.pk}, PERSONAL),
    "requisition-cancel": (lambda t: {"pk": t.requisition.pk}, PERSONAL),
    "candidate-detail": (lambda t: {"pk": t.candidate.pk}, PERSONAL),
    "candidate-stage": (lambda t: {"pk": t.candidate.pk}, PERSONAL),
    "candidate-interviewers": (lambda t: {"pk": t.candidate.pk}, PERSONAL),
    "candidate-scorecards": (lambda t: {"pk": t.candidate.pk}, PERSONAL),
    "candidate-hire": (lambda t: {"pk": t.candidate.pk}, PERSONAL),
    # The hiring pages: the pipeline board and its writes, the candidate's page, scorecard and hire.
    "hiring-requisition": (lambda t: {"requisition_id": t.requisition.pk}, PERSONAL),
    "hiring-requisition-cancel": (lambda t: {"requisition_id": t.requisition.pk}, PERSONAL),
    "hiring-candidate-add": (lambda t: {"requisition_id": t.requisition.pk}, PERSONAL),
    "hiring-candidate": (lambda t: {"candidate_id": t.candidate.pk}, PERSONAL),
    "hiring-candidate-stage": (lambda t: {"candidate_id": t.candidate.pk}, PERSONAL),
    "hiring-candidate-interviewers": (lambda t: {"candidate_id": t.candidate.pk}, PERSONAL),
    "hiring-scorecard": (lambda t: {"candidate_id": t.candidate.pk}, PERSONAL),
    "hiring-candidate-hire": (lambda t: {"candidate_id": t.candidate.pk}, PERSONAL),
}


def routes():
    """(rule name, route name, pattern) for every route but the admin's and the format-suffix twins."""
    found = {}

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if not str(p.pattern).startswith("admin/"):
                    walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and "format" not in p.pattern.regex.groupindex:
                path = prefix + str(p.pattern)
                # Page and API routes may share a name ("installer-detail"): told apart here.
                twin = f"{p.name}@{'api' if path.startswith('api/') else 'org'}"
                key = twin if twin in OBJECTS else p.name
                found[key] = (p.name, path)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_has_a_rule():
    unruled = set(routes()) - OPEN - LISTS - ADMIN_ONLY - set(OBJECTS)
    assert not unruled, f"routes without an authorization rule: {sorted(unruled)}"
    assert not (set(OBJECTS) - set(routes())), "rules for routes that no longer exist"


@pytest.fixture
def target(onboarding):
    """The target installer (pod A) and their records; viewers from elsewhere."""
    o = onboarding
    o.installer.user.name = MARKER
    o.installer.user.save()
    o.pod = o.installer.pod
    o.cohort, o.enrollment = o.b.cohort, o.b.enrollment
    o.item = Item.objects.filter(module__version=o.cohort.program_version).first()
    # An item waiting for the lead's sign-off, so that the pending lists have a row of the target's.
    o.pending_item = Item.objects.filter(module__version=o.cohort.program_version, needs_signoff=True).first()
    tablet_check(o.enrollment, o.pending_item)
    # A photo of the target's: the fixture's program has no item asking for one, so one is made to.
    Item.objects.filter(pk=o.item.pk).update(needs_evidence=True)
    tablet_check(o.enrollment, o.item)
    o.evidence = photo_for(o.enrollment, o.item).evidence
    o.kit = o.issue_kit(acknowledge=False)
    o.shadow_day = ShadowDay.objects.filter(assignment=o.shadow(days=1, confirm=False)).get()
    o.drill = o.drill()
    o.consent_version = publish_flow(o.pod.geography, slug="target-consent")
    o.consent_record = record_consent(
        o.installer, o.consent_version, install_ref="TARGET-INSTALL", representative=MARKER
    )
    o.consent_photo = store_photo(o.consent_record)
    o.node = Node.objects.create(serial="TARGET-NODE", site="s", pod=o.pod, installed_on=datetime.date(2025, 1, 1))
    o.install = Install.objects.create(external_id="TARGET-INSTALL", site="s", pod=o.pod, installer=o.installer)
    o.visit = Visit.objects.create(
        install=o.install, visited_at=datetime.datetime(2025, 1, 2, tzinfo=UTC), outcome="success"
    )
    o.incident = Incident.objects.create(
        external_id="TARGET-INC",
        node=o.node,
        severity="sev2",
        opened_at=datetime.datetime(2025, 1, 3, tzinfo=datetime.UTC),
    )
    o.audit = Audit.objects.create(
        external_id="TARGET-AUDIT", pod=o.pod, installer=o.installer, audited_on=datetime.date(2025, 1, 4), passed=True
    )
    o.job = KpiJob.objects.create(
        since=datetime.date(2025, 1, 1), until=datetime.date(2025, 1, 31), requested_by=o.lead
    )
    o.kpi_target = KpiTarget.objects.create(kpi="mttr", scope="pod", scope_id=o.pod.pk, target=4)
    # A requisition of the target's pod and a candidate bearing the marker (a namesake applying).
    o.requisition = hiring_services.requisition_open(
        actor=o.lead, pod=o.pod, role="installer", fill_by=datetime.date.today() + datetime.timedelta(days=30)
    )
    o.candidate = hiring_services.candidate_add(
        actor=o.lead, requisition=o.requisition, name=MARKER, email="zelda@example.com", source="referral"
    )
    other_pod = o.b.pod_b
    o.viewers = {
        "lead of another pod": o.b.lead_b,
        "installer of another pod": InstallerFactory(pod=other_pod).user,
    }
    o.personal_viewers = {
        "another installer of the same pod": o.b.other.user,
        "executive": UserFactory(role="executive"),
    }
    return o


def url_for(path: str, kwargs: dict) -> str:
    import re

    def fill(match):
        name = match.group("name") or match.group("re")
        return str(kwargs[name])

    url = re.sub(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<re>\w+)>[^)]*\)", fill, path)
    return "/" + url.replace("^", "").replace("$", "")


def answer(client, url):
    """GET, or POST where the route only takes writes."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {}, content_type="application/json")
    return response


def test_objects_of_another_pod_or_person_answer_403_or_404_without_their_data(client, target):
    leaks = []
    for rule, (_name, path) in routes().items():
        if rule not in OBJECTS:
            continue
        kwargs_of, kind = OBJECTS[rule]
        url = url_for(path, kwargs_of(target))
        viewers = {**target.viewers, **(target.personal_viewers if kind == PERSONAL else {})}
        for who, user in viewers.items():
            client.force_login(user)
            response = answer(client, url)
            body = response.content.decode(errors="replace")
            if response.status_code not in (403, 404) or MARKER in body:
                leaks.append(f"{who} -> {url}: {response.status_code}")
    assert not leaks, "\n".join(leaks)


def test_lists_show_the_other_pod_none_of_the_targets_rows(client, target):
    leaks = []
    for rule, (_name, path) in routes().items():
        if rule not in LISTS:
            continue
        # The page or list, and its CSV export where it has one.
        page = url_for(path, LIST_KWARGS.get(rule, {}))
        for url in (page, page + "?format=csv"):
            for who, user in target.viewers.items():
                client.force_login(user)
                response = client.get(url)
                body = response.content.decode(errors="replace")
                if response.status_code >= 500 or any(m in body for m in [MARKER, *FIELD_MARKERS]):
                    leaks.append(f"{who} -> {url}: {response.status_code}")
            # Executives read aggregates of every pod, never a person's record.
            client.force_login(target.personal_viewers["executive"])
            response = client.get(url)
            if response.status_code >= 500 or MARKER in response.content.decode(errors="replace"):
                leaks.append(f"executive -> {url}: {response.status_code}")
    assert not leaks, "\n".join(leaks)


def test_admin_only_routes_refuse_everyone_else(client, target):
    refused = []
    for rule, (_name, path) in routes().items():
        if rule not in ADMIN_ONLY:
            continue
        url = url_for(path, {})
        for who, user in {
            **target.viewers,
            **target.personal_viewers,
            "lead of the pod": target.lead,
            "the installer": target.installer.user,
        }.items():
            client.force_login(user)
            # The 403 page has the layout, whose header names the person signed
            # in: the target installer's own name there is no leak.
            own_name = user == target.installer.user
            for response in (client.get(url), client.get(url + "?format=csv")):
                leaked = MARKER in response.content.decode(errors="replace") and not own_name
                if response.status_code != 403 or leaked:
                    refused.append(f"{who} -> {url}: {response.status_code}")
    assert not refused, "\n".join(refused)


def test_kpis_of_another_pod_or_cohort_answer_as_an_unknown_id(client, target):
    """A lead reads the figures of the pods they lead and the cohorts they
    see; another pod's or cohort's answer exactly as an id that does not exist."""
    outsider = target.viewers["lead of another pod"]
    client.force_login(outsider)
    for scope, scope_id in (("pod", target.pod.pk), ("cohort", target.cohort.pk)):
        theirs = client.get(f"/api/v1/kpis/?scope={scope}&scope_id={scope_id}&grain=month")
        unknown = client.get(f"/api/v1/kpis/?scope={scope}&scope_id=999999&grain=month")
        assert theirs.status_code == unknown.status_code == 404, (scope, theirs.status_code)
        assert theirs.json().keys() == unknown.json().keys()
    assert client.get("/api/v1/kpis/?scope=org&grain=month").status_code == 200
    client.force_login(target.lead)
    for scope, scope_id in (("pod", target.pod.pk), ("cohort", target.cohort.pk)):
        assert client.get(f"/api/v1/kpis/?scope={scope}&scope_id={scope_id}&grain=month").status_code == 200
    client.force_login(target.viewers["installer of another pod"])
    assert client.get("/api/v1/kpis/?scope=org&grain=month").status_code == 403


def test_a_cohort_of_two_pods_shows_each_lead_only_their_pods_installers(client, target):
    """The cohort's matrix, its CSV and the enrollment list, seen by the lead
    of the other pod the cohort trains: their own installer, not the target."""
    other_lead = target.viewers["lead of another pod"]
    other_pod = target.b.pod_b
    target.cohort.pods.add(other_pod)
    theirs = InstallerFactory(pod=other_pod, user__name="Olaf Ownpod")
    from bootcamp import services as bootcamp_services

    bootcamp_services.enrollment_bulk_create(actor=None, cohort=target.cohort, installers=[theirs])
    client.force_login(other_lead)
    for url in (f"/lead/cohorts/{target.cohort.pk}/", f"/lead/cohorts/{target.cohort.pk}/progress.csv"):
        body = client.get(url).content.decode()
        assert "Olaf Ownpod" in body and MARKER not in body, url
    for url in ("/api/v1/enrollments/", f"/api/v1/enrollments/?cohort={target.cohort.pk}"):
        listed = {row["installer"] for row in client.get(url).json()["results"]}
        assert listed == {theirs.pk}, url


def test_the_markers_do_show_to_those_in_scope(client, target):
    # So that the list check above cannot pass for want of anything to find.
    client.force_login(target.lead)
    assert MARKER in client.get("/org/installers/").content.decode()
    assert "TARGET-NODE" in client.get("/api/v1/nodes/").content.decode()
    assert client.get(f"/api/v1/kits/{target.kit.pk}/").status_code == 200
    assert client.get(f"/api/v1/evidence/{target.evidence.pk}").status_code == 200
    assert MARKER in client.get("/api/v1/candidates/").content.decode()
    assert MARKER in client.get(f"/hiring/requisitions/{target.requisition.pk}/").content.decode()
    assert MARKER in client.get(f"/hiring/candidates/{target.candidate.pk}/").content.decode()
    assert MARKER in client.get("/api/v1/signoffs/pending/").content.decode()
    assert MARKER in client.get("/lead/onboarding/consent/").content.decode()
    assert MARKER in client.get(f"/lead/onboarding/consent/{target.consent_record.pk}/").content.decode()
    assert MARKER in client.get("/api/v1/consent-records/").content.decode()
    assert client.get(f"/api/v1/consent-records/{target.consent_record.pk}/signature.png").status_code == 200
    photo = f"/api/v1/consent-records/{target.consent_record.pk}/photos/{target.consent_photo.pk}"
    assert client.get(photo).status_code == 200
