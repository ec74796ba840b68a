"""Reads of documents across languages: which version a reader gets (their
language, else English), the current consent flow of each geography, and
the consent records a person may see. Each runs a fixed number of queries."""

from django.conf import settings
from django.db.models import QuerySet

from installer_ops.models import Installer
from installer_ops.policies import installers_visible_to, is_system_or_admin

from .models import ConsentRecord, DocumentKind, DocumentVersion


def _preferred(rows, language: str):
    """Of the rows of one number, the one in `language`, else the source language's."""
    by_language = {row.language: row for row in rows}
    return by_language.get(language) or by_language.get(settings.LANGUAGE_CODE)


def version_in_language(slug: str, number: int, language: str | None) -> DocumentVersion | None:
    """Version `number` of the document `slug` in `language`, else in English (one query)."""
    rows = DocumentVersion.objects.select_related("document", "document__geography").filter(
        document__slug=slug, number=number, language__in={language or settings.LANGUAGE_CODE, settings.LANGUAGE_CODE}
    )
    return _preferred(list(rows), language or settings.LANGUAGE_CODE)


def versions_in_language(versions: list[DocumentVersion], language: str | None) -> dict[int, DocumentVersion]:
    """For each (source-language) version, the same number in `language` where
    it is published, else itself; keyed by the given version's pk (one query)."""
    language = language or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE or not versions:
        return {v.pk: v for v in versions}
    wanted = {(v.document_id, v.number) for v in versions}
    translated = {
        (row.document_id, row.number): row
        for row in DocumentVersion.objects.select_related("document").filter(
            document_id__in={d for d, _n in wanted}, number__in={n for _d, n in wanted}, language=language
        )
        if (row.document_id, row.number) in wanted
    }
    return {v.pk: translated.get((v.document_id, v.number), v) for v in versions}


def translations_of(version: DocumentVersion) -> list[DocumentVersion]:
    """Every language's row of this version's number, the source first."""
    rows = DocumentVersion.objects.filter(document_id=version.document_id, number=version.number)
    return sorted(rows, key=lambda row: (row.language != settings.LANGUAGE_CODE, row.language))


def current_consent_flows(geography_ids=None) -> dict[int, DocumentVersion]:
    """The current (newest source-language) version of each geography's
    consent flow, by geography id (one query)."""
    rows = (
        DocumentVersion.objects.filter(document__kind=DocumentKind.CONSENT, language=settings.LANGUAGE_CODE)
        .select_related("document", "document__geography")
        .order_by("document_id", "-number")
    )
    if geography_ids is not None:
        rows = rows.filter(document__geography_id__in=list(geography_ids))
    current: dict[int, DocumentVersion] = {}
    for row in rows:
        current.setdefault(row.document.geography_id, row)
    return current


def consent_flows_for(actor, language: str | None) -> list[DocumentVersion]:
    """The current consent flows `actor` works with, in `language` where
    translated: an installer's geography's; a lead's, their pods'
    geographies'; an administrator's or executive's, every geography's."""
    installer = Installer.objects.filter(user=actor).select_related("pod").first() if actor else None
    if installer is not None:
        geographies = [installer.pod.geography_id]
    elif is_system_or_admin(actor):
        geographies = None
    else:
        geographies = set(installers_visible_to(actor).values_list("pod__geography_id", flat=True).distinct())
    current = list(current_consent_flows(geographies).values())
    shown = versions_in_language(current, language)
    return [shown[v.pk] for v in current]


def consent_records_visible_to(actor) -> QuerySet[ConsentRecord]:
    """The consent records of the installers `actor` may see, without the signatures' bytes."""
    return (
        ConsentRecord.objects.filter(installer__in=installers_visible_to(actor))
        .defer("signature_png")
        .select_related("installer", "version__document__geography")
    )
