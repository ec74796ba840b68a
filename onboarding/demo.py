"""Onboarding reference data (fixtures/onboarding.json) and demo records."""

import json
from pathlib import Path

from django.conf import settings

from . import services
from .models import ConfigProfile, Document, DocumentVersion, DrillScenario

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def load_reference_data() -> tuple[ConfigProfile, list[DocumentVersion]]:
    """The documents, the canonical profile and the scenario library; loading twice changes nothing."""
    data = json.loads((FIXTURES / "onboarding.json").read_text(encoding="utf-8"))
    versions = []
    for spec in data["documents"]:
        document = Document.objects.filter(slug=spec["slug"]).first() or services.document_create(
            kind=spec["kind"], slug=spec["slug"], title=spec["title"]
        )
        body = (FIXTURES / spec["body"]).read_text(encoding="utf-8")
        versions.append(services.document_publish(document=document, body=body))
    profile = services.config_profile_create(**data["profile"])
    for scenario in data["scenarios"]:
        DrillScenario.objects.update_or_create(code=scenario["code"], defaults=scenario)
    return profile, versions
