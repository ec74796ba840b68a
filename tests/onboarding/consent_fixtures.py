"""Consent flows for the tests: a geography's flow published in English (and
German), an installer of that geography, and events as the tablet sends them."""

import base64
import io
import uuid

from django.utils import timezone
from PIL import Image, ImageDraw

from installer_ops.roles import Role
from onboarding import document_services
from onboarding.consent_steps import consent_steps
from tests.factories import GeographyFactory, InstallerFactory, PodFactory, UserFactory

FLOW_V1 = """# Consent at the customer's site

Follow these steps at every site before the node records.

- [photo] Post the signage at each entrance and photograph it
- [ ] Hand over the privacy notice
- [ ] Verify the redaction on the live view
- [ ] Agree the region of interest with the customer
"""

FLOW_V1_DE = """# Einwilligung beim Kunden

Diese Schritte an jedem Standort befolgen.

- [photo] Hinweisschilder an jedem Eingang anbringen und fotografieren
- [ ] Datenschutzhinweis übergeben
- [ ] Schwärzung im Livebild prüfen
- [ ] Erfassungsbereich mit dem Kunden abstimmen
"""

FLOW_V2 = FLOW_V1 + "- [ ] Note the representative's role\n"


def signature_png(width: int = 300, height: int = 100) -> str:
    """A small drawn signature as the tablet sends it: a PNG data URL."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (60, 20), (120, 70), (200, 30), (280, 60)], fill=(16, 32, 43, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def admin():
    return UserFactory(role=Role.ADMIN)


def consent_flow(geography, body=FLOW_V1, slug=None, actor=None):
    actor = actor or admin()
    document = document_services.document_create(
        actor=actor,
        kind="consent",
        slug=slug or f"consent-{geography.code}",
        title=f"Consent in {geography.name}",
        geography=geography,
    )
    return document, document_services.document_publish(actor=actor, document=document, body=body)


def installer_in(geography=None):
    geography = geography or GeographyFactory()
    return InstallerFactory(pod=PodFactory(geography=geography))


def photos_for(version, steps) -> list[dict]:
    """A declared photo for each ticked step that asks for one, as the tablet sends them."""
    asks = {step.id for step in consent_steps(version.body) if step.needs_photo}
    return [{"id": str(uuid.uuid4()), "step": step} for step in steps if step in asks]


def consent_event(version, install_id="INS-1", steps=None, representative="Ana Ruiz", signature=None, **extra):
    steps = [1, 2, 3, 4] if steps is None else steps
    if "photos" not in extra and isinstance(steps, list) and all(isinstance(s, int) for s in steps):
        extra["photos"] = photos_for(version, steps)
    return {
        "id": str(extra.pop("id", uuid.uuid4())),
        "type": "consent.recorded",
        "device_seq": extra.pop("device_seq", 1),
        "occurred_at": extra.pop("occurred_at", timezone.now()).isoformat(),
        "install_id": install_id,
        "flow": version.pk,
        "steps_done": steps,
        "representative": representative,
        "signature": signature_png() if signature is None else signature,
        **extra,
    }


def sync(api, user, events, device_id="tablet-1"):
    return api.as_user(user).post("/api/v1/sync/", {"device_id": device_id, "events": events}, format="json")


def results(response):
    return [(r["status"], r["reason"]) for r in response.json()["results"]]
