"""Onboarding reference data (fixtures/onboarding.json) and demo records."""

import datetime
import json
import random
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from installer_ops.models import PodRole, Stage

from . import services
from .demo_consent import seed_consent_flows, seed_document_translations
from .demo_languages import seed_languages
from .models import ConfigProfile, Document, DocumentVersion, DrillScenario
from .policies import mentors_available_to

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _reference() -> dict:
    return json.loads((FIXTURES / "onboarding.json").read_text(encoding="utf-8"))


def _document(spec: dict) -> Document:
    return Document.objects.filter(slug=spec["slug"]).first() or services.document_create(
        actor=None, kind=spec["kind"], slug=spec["slug"], title=spec["title"]
    )


def load_reference_data() -> tuple[ConfigProfile, list[DocumentVersion]]:
    """The documents, the canonical profile and the scenario library; loading twice changes nothing."""
    data = _reference()
    versions = [
        services.document_publish(
            actor=None, document=_document(spec), body=(FIXTURES / spec["body"]).read_text(encoding="utf-8")
        )
        for spec in data["documents"]
    ]
    profile = services.config_profile_create(actor=None, **data["profile"])
    for scenario in data["scenarios"]:
        DrillScenario.objects.update_or_create(code=scenario["code"], defaults=scenario)
    return profile, versions


def seed_onboarding(organisation, today) -> None:
    """Kits, shadow weeks, drills and clearances so that the board has
    someone in every column, a reprint list and an expiring clearance."""
    rng = random.Random(11)  # noqa: S311 - demo data, the same every time
    leads = {
        m.pod_id: m.user
        for pod in organisation.pods.values()
        for m in pod.memberships.filter(role=PodRole.INSTALLER_LEAD, ended_on__isnull=True)
    }
    admin = organisation.users["admin"]

    # Long-cleared installers got their kits with the runbook's earlier
    # edition (before the offline-recovery section); publishing the current
    # edition afterwards flags their kits for reprint.
    data = _reference()
    for spec in data["documents"]:
        body = (FIXTURES / spec["body"]).read_text(encoding="utf-8")
        if spec["kind"] == "runbook":
            body = body.split("## 9.")[0].rstrip() + "\n"
        services.document_publish(actor=None, document=_document(spec), body=body)
    profile = services.config_profile_create(actor=None, **data["profile"])
    cleared = [i for e, i in organisation.installers.items() if organisation.target_stages[e] == Stage.CLEARED]
    for index, installer in enumerate(cleared):
        installer.refresh_from_db()
        lead = leads.get(installer.pod_id, admin)
        # One clearance in four falls due within the month: the board flags it.
        days_ago = rng.randint(340, 360) if index % 4 == 0 else rng.randint(30, 300)
        cleared_on = max(today - datetime.timedelta(days=days_ago), installer.hired_on + datetime.timedelta(days=21))
        services.clearance_record_historical(actor=lead, installer=installer, cleared_on=min(cleared_on, today))
        kit = services.kit_issue(
            actor=lead, installer=installer, device_serial=f"EDGE-{4000 + index:04d}", profile=profile
        )
        for version in (kit.runbook_version, kit.playbook_version):
            services.kit_acknowledge(actor=installer.user, kit=kit, version=version)
    profile, versions = load_reference_data()
    # A German, Spanish, French or Japanese installer's tablet and packet
    # show their language; each geography has its consent flow.
    seed_document_translations([v.document for v in versions])
    seed_languages(organisation)
    seed_consent_flows(organisation)

    # Installers in onboarding: each a little further along than the last.
    scenarios = list(DrillScenario.objects.order_by("code"))
    newcomers = sorted(
        (i for e, i in organisation.installers.items() if organisation.target_stages[e] == Stage.ONBOARDING),
        key=lambda i: i.employee_id,
    )
    for index, installer in enumerate(newcomers):
        lead = leads.get(installer.pod_id, admin)
        kit = services.kit_issue(
            actor=lead, installer=installer, device_serial=f"EDGE-{5000 + index:04d}", profile=profile
        )
        if index == 0:
            continue  # kit issued, copies not yet acknowledged
        for version in (kit.runbook_version, kit.playbook_version):
            services.kit_acknowledge(actor=installer.user, kit=kit, version=version)
        # A mentor the lead may pair them with: a senior of a pod they lead.
        mentor = mentors_available_to(lead).exclude(pk=installer.pk).order_by("pod_id", "pk").first()
        assignment = services.shadow_assign(actor=lead, installer=installer, mentor=mentor)
        confirmed_days = min(5, index + 2)  # 3, 4, 5, 5, 5
        for offset in range(confirmed_days):
            day = services.shadow_day_record(
                actor=None,
                assignment=assignment,
                day=today - datetime.timedelta(days=offset + 2),
                site=f"Customer site {offset + 1}",
            )
            services.shadow_day_confirm(actor=mentor.user, shadow_day=day)
        if index >= 3:
            outcomes = [False, True] if index == 3 else [True] if index == 4 else [False]
            for passed in outcomes:
                drill = services.drill_schedule(
                    actor=lead,
                    installer=installer,
                    scenario=scenarios[index % len(scenarios)],
                    scheduled_for=timezone.now() - datetime.timedelta(days=1),
                )
                services.drill_record(
                    actor=lead,
                    drill=drill,
                    passed=passed,
                    minutes_to_recover=rng.randint(12, 40) if passed else None,
                    notes="Demo drill",
                )
