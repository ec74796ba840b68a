"""Reads of the onboarding library pages (administrators author it, so
these read organisation-wide): documents with their current version and
the kits holding an older copy, scenarios with their use, profiles with
their versions and kits. Each runs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery

from .models import ConfigProfile, Day1Kit, Document, DocumentKind, DocumentVersion, DrillScenario


@dataclass
class DocumentRow:
    document: Document
    current: DocumentVersion | None
    stale_kits: int


def _held_field(kind: str) -> str:
    return "runbook_version" if kind == DocumentKind.RUNBOOK else "playbook_version"


def documents_for_library() -> list[DocumentRow]:
    """Every document, its newest version and how many kits hold an older copy (3 queries)."""
    newest = DocumentVersion.objects.filter(document=OuterRef("pk"), language=settings.LANGUAGE_CODE).order_by(
        "-number"
    )
    documents = list(
        Document.objects.select_related("geography")
        .annotate(current_id=Subquery(newest.values("pk")[:1]))
        .order_by("kind", "title")
    )
    current = DocumentVersion.objects.in_bulk([d.current_id for d in documents if d.current_id])
    held = defaultdict(list)  # document id -> [(number held, kits)]
    for field in ("runbook_version", "playbook_version"):
        rows = Day1Kit.objects.values_list(f"{field}__document_id", f"{field}__number").annotate(n=Count("pk"))
        for document_id, number, count in rows:
            held[document_id].append((number, count))
    result = []
    for document in documents:
        version = current.get(document.current_id)
        stale = sum(n for number, n in held[document.pk] if version is not None and number < version.number)
        result.append(DocumentRow(document=document, current=version, stale_kits=stale))
    return result


def document_versions(document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("published_by").order_by("-number")


@dataclass
class VersionRow:
    """One number of a document: its source-language version and the
    translations of it, the source first."""

    source: DocumentVersion
    languages: list[DocumentVersion]

    @property
    def number(self) -> int:
        return self.source.number


def document_version_rows(document: Document) -> list[VersionRow]:
    """The document's numbers, newest first, each with its languages (1 query).
    A number exists once its source-language version does."""
    rows: dict[int, list[DocumentVersion]] = defaultdict(list)
    for version in document_versions(document):
        rows[version.number].append(version)
    result = []
    for number in sorted(rows, reverse=True):
        versions = sorted(rows[number], key=lambda v: (v.language != settings.LANGUAGE_CODE, v.language))
        if versions[0].language == settings.LANGUAGE_CODE:
            result.append(VersionRow(source=versions[0], languages=versions))
    return result


def kits_flagged_by(version: DocumentVersion) -> int:
    """Kits this publication flagged for reprint: they hold an older copy and
    were flagged at the moment it was published (the service stamps both alike)."""
    held = _held_field(version.document.kind)
    return Day1Kit.objects.filter(
        **{f"{held}__document_id": version.document_id, f"{held}__number__lt": version.number},
        reprint_needed_since=version.published_at,
    ).count()


def scenarios_for_library() -> QuerySet[DrillScenario]:
    """Active scenarios first, each with the number of drills that used it."""
    return DrillScenario.objects.annotate(drill_count=Count("drills")).order_by("-active", "title")


@dataclass
class ProfileRow:
    latest: ConfigProfile
    versions: int
    kits: int


def profiles_for_library() -> list[ProfileRow]:
    """One row per profile name: its latest version, how many versions, how many kits (1 query)."""
    profiles = ConfigProfile.objects.defer("content").annotate(kit_count=Count("kits")).order_by("name", "-version")
    rows: dict[str, ProfileRow] = {}
    for profile in profiles:
        row = rows.get(profile.name)
        if row is None:
            rows[profile.name] = ProfileRow(latest=profile, versions=1, kits=profile.kit_count)
        else:
            row.versions += 1
            row.kits += profile.kit_count
    return list(rows.values())


def profile_versions(profile: ConfigProfile) -> QuerySet[ConfigProfile]:
    """Every version of the profile's name, newest first, with its kits."""
    return ConfigProfile.objects.filter(name=profile.name).annotate(kit_count=Count("kits")).order_by("-version")
