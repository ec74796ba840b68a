"""The demo's documents in every language and its consent flows (seed_demo).

The bodies are under fixtures/documents/: `<slug>.md` in English and
`<slug>.<language>.md` for each translation; a geography's consent flow is
`consent-<geography code>.md`. A flow whose body has a second edition (a
section after a horizontal rule, `---`, at the end) was published without it
first, and the second edition came later: its installers acknowledged the
first, most of them the second too, and some sites were still recorded
against the first afterwards (onboarding/demo_consent_records.py). The
publication and acknowledgement times are set back to when they would have
happened, so that the history (and the consent completion KPI) reads right."""

import datetime
import json
import random
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from installer_ops.models import Geography, Installer, Stage

from .document_services import consent_acknowledge, document_create, document_publish, offered_languages
from .models import ConsentAcknowledgement, Document, DocumentKind, DocumentVersion

DOCUMENTS = Path(settings.BASE_DIR) / "fixtures" / "documents"
FIRST_EDITION_DAYS_AGO = 380  # every geography's flow, a little over a year ago
SECOND_EDITION_DAYS_AGO = 25
SECOND_EDITION = "\n---\n"
# Installers of the cleared and onboarding stages who have not acknowledged
# their geography's flow (the newest newcomer; a newcomer otherwise ready,
# who waits in the board's consent column; a cleared installer), and who
# acknowledged the first edition only: the readiness gate shows them unmet.
NOT_YET_ACKNOWLEDGED = {"FI-1013", "FI-1016", "FI-1034"}
STILL_ON_FIRST_EDITION = {"FI-1018", "FI-1030"}


def translations(slug: str, edition=None) -> dict[str, str]:
    """The translated bodies of a document under fixtures/documents/, by
    language, for the languages the product offers."""
    offered = offered_languages() - {settings.LANGUAGE_CODE}
    found = {}
    for path in sorted(DOCUMENTS.glob(f"{slug}.*.md")):
        language = path.name[len(slug) + 1 : -len(".md")]
        if language in offered:
            body = path.read_text(encoding="utf-8")
            found[language] = edition(body) if edition else body
    return found


def first_edition(body: str) -> str:
    return body.split(SECOND_EDITION)[0].rstrip() + "\n" if SECOND_EDITION in body else body


def translated_title(document: Document, slug: str, language: str) -> str:
    """The document's title in `language` (fixtures/documents/titles.json; a
    consent flow's names its geography), or blank for the document's own."""
    titles = json.loads((DOCUMENTS / "titles.json").read_text(encoding="utf-8"))
    kind = "consent" if document.kind == DocumentKind.CONSENT else slug
    title = titles.get(kind, {}).get(language, "")
    return title.format(geography=document.geography.name) if document.geography_id else title


def publish_translations(document: Document, slug: str, edition=None) -> list[DocumentVersion]:
    """Translations of the document's current version, one per language, each with its title."""
    return [
        document_publish(
            actor=None,
            document=document,
            body=body,
            language=language,
            title=translated_title(document, slug, language),
        )
        for language, body in translations(slug, edition).items()
    ]


def seed_document_translations(documents: list[Document]) -> None:
    """The runbook and the playbook in every language: translations of their current version."""
    for document in documents:
        publish_translations(document, document.slug)


def _acknowledging(organisation) -> list[Installer]:
    """The cleared and onboarding installers who acknowledge their geography's flow."""
    stages = {Stage.CLEARED, Stage.ONBOARDING}
    ids = [
        organisation.installers[e].pk
        for e, stage in organisation.target_stages.items()
        if stage in stages and e not in NOT_YET_ACKNOWLEDGED
    ]
    return list(Installer.objects.filter(pk__in=ids).select_related("user", "pod").order_by("employee_id"))


def _acknowledge(installers, versions: dict[int, list[DocumentVersion]], until, rng, acknowledged: list) -> None:
    """Each installer acknowledges their geography's current version, in
    their language where it is translated; `acknowledged` collects each
    acknowledgement with the time it happened."""
    for installer in installers:
        rows = versions.get(installer.pod.geography_id)
        if not rows:
            continue
        english = next(v for v in rows if v.language == settings.LANGUAGE_CODE)
        hired = datetime.datetime.combine(installer.hired_on, datetime.time(9), tzinfo=datetime.UTC)
        at = max(english.published_at, hired + datetime.timedelta(days=5)) + datetime.timedelta(
            hours=rng.randint(2, 96)
        )
        if at >= until:
            continue  # they joined after this version was replaced
        version = next((v for v in rows if v.language == installer.user.language), english)
        acknowledged.append((consent_acknowledge(actor=installer.user, installer=installer, version=version), at))


def _publish_flow(document: Document, body: str, slug: str, edition, published_at) -> list[DocumentVersion]:
    versions = [document_publish(actor=None, document=document, body=edition(body))]
    versions += publish_translations(document, slug, edition)
    DocumentVersion.objects.filter(pk__in=[v.pk for v in versions]).update(published_at=published_at)
    for version in versions:
        version.published_at = published_at
    return versions


def seed_consent_flows(organisation) -> None:
    """A consent flow per geography with a body under fixtures/documents/,
    published with its translations, acknowledged by most of its installers."""
    rng = random.Random(23)  # noqa: S311 - demo data, the same every time
    now = timezone.now()
    first_at = now - datetime.timedelta(days=FIRST_EDITION_DAYS_AGO)
    second_at = now - datetime.timedelta(days=SECOND_EDITION_DAYS_AGO)
    bodies, first = {}, {}
    for geography in Geography.objects.order_by("code"):
        slug = f"consent-{geography.code}"
        path = DOCUMENTS / f"{slug}.md"
        if not path.exists():
            continue
        document = Document.objects.filter(kind=DocumentKind.CONSENT, geography=geography).first() or document_create(
            actor=None,
            kind=DocumentKind.CONSENT,
            slug=slug,
            title=f"Consent at customer sites: {geography.name}",
            geography=geography,
        )
        body = path.read_text(encoding="utf-8")
        bodies[geography.pk] = (document, body, slug)
        first[geography.pk] = _publish_flow(document, body, slug, first_edition, first_at)

    installers = _acknowledging(organisation)
    acknowledged: list[tuple[ConsentAcknowledgement, datetime.datetime]] = []
    has_second = {g for g, (_d, body, _s) in bodies.items() if SECOND_EDITION in body}
    _acknowledge(installers, {g: v for g, v in first.items() if g not in has_second}, now, rng, acknowledged)
    _acknowledge(installers, {g: first[g] for g in has_second}, second_at, rng, acknowledged)
    second = {}
    for g in has_second:
        document, body, slug = bodies[g]
        second[g] = _publish_flow(document, body, slug, lambda text: text, second_at)
    renewing = [i for i in installers if i.employee_id not in STILL_ON_FIRST_EDITION]
    _acknowledge(renewing, second, now, rng, acknowledged)
    for acknowledgement, at in acknowledged:
        acknowledgement.acknowledged_at = min(at, now)
    ConsentAcknowledgement.objects.bulk_update([a for a, _at in acknowledged], ["acknowledged_at"])
