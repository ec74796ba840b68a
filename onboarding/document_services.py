"""Writes of the document library: runbooks, incident playbooks and
consent flows, and their versions per language.

A version's number belongs to the document: the source language
(settings.LANGUAGE_CODE, English) publishes a new number; a translation is
published against the current number, once per language, so that "v3" means
the same content in every language. A version is never edited: a
correction is the next number. Publishing a new number of a runbook or
playbook flags the kits holding an older copy for reprint; of a consent flow,
it makes every installer of its geography acknowledge it again (the readiness
gate compares numbers, so nothing is flagged in the database)."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops.audit import audit_record
from installer_ops.models import Geography, Installer, User
from installer_ops.policies import require
from installer_ops.unique_rows import save_unique

from .consent_steps import consent_steps, steps_problem
from .models import ConsentAcknowledgement, Day1Kit, Document, DocumentKind, DocumentVersion
from .policies import can_acknowledge_consent, can_author_documents


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def offered_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def document_create(
    *, actor: User | None, kind: str, slug: str, title: str, geography: Geography | None = None
) -> Document:
    """A new runbook, playbook or (with its geography) consent flow, with no version yet."""
    require(can_author_documents(actor))
    kind = DocumentKind(kind)
    if kind == DocumentKind.CONSENT and geography is None:
        raise ValidationError({"geography": _("A consent flow belongs to a geography.")})
    if kind != DocumentKind.CONSENT:
        geography = None
    elif Document.objects.filter(kind=DocumentKind.CONSENT, geography=geography).exists():
        raise ValidationError(
            {
                "geography": _("%(geography)s has a consent flow already: publish its next version.")
                % {"geography": geography}
            }
        )
    document = Document(kind=kind, slug=slug, title=title, geography=geography)
    document.full_clean()
    save_unique(document)
    changes = {"kind": kind.value, "slug": slug, "title": title}
    if geography is not None:
        changes["geography"] = geography
    audit_record(actor=actor, action="create", target=document, changes=changes)
    return document


def _check_body(document: Document, body: str, language: str, source: DocumentVersion | None) -> None:
    if not body.strip():
        raise ValidationError({"body": _("A document version needs a body.")})
    if language not in offered_languages():
        raise ValidationError({"language": _("%(code)s is not a language the product speaks.") % {"code": language}})
    if document.kind == DocumentKind.CONSENT:
        source_steps = consent_steps(source.body) if source is not None else None
        if problem := steps_problem(body, source_steps=source_steps):
            raise ValidationError({"body": problem})


@transaction.atomic
def document_publish(
    *, actor: User | None, document: Document, body: str, language: str | None = None, title: str = ""
) -> DocumentVersion:
    """Publish the next version of a document in the source language, or the
    translation of its current version into another language, with the
    title in that language (blank: the document's). Publishing the body of
    the current version again changes nothing."""
    require(can_author_documents(actor))
    language = language or settings.LANGUAGE_CODE
    title = (title or "").strip()
    if title and language == settings.LANGUAGE_CODE:
        raise ValidationError(
            {"title": _("An English version has the document's own title; a translation may have its own.")}
        )
    Document.objects.select_for_update().filter(pk=document.pk).first()
    latest = document.versions.filter(language=settings.LANGUAGE_CODE).order_by("-number").first()
    translation = language != settings.LANGUAGE_CODE
    if translation and latest is None:
        raise ValidationError({"language": _("Publish the first version in English before its translations.")})
    _check_body(document, body, language, latest if translation else None)
    if translation:
        existing = document.versions.filter(number=latest.number, language=language).first()
        if existing is not None:
            if existing.body == body and existing.title == title:
                return existing
            if existing.body == body:
                raise ValidationError(
                    {
                        "title": _(
                            "v%(number)s in this language is published already with its title, which never changes."
                        )
                        % {"number": latest.number}
                    }
                )
            raise ValidationError(
                {
                    "body": _(
                        "v%(number)s in this language is published already and never changes: "
                        "publish the next English version, then its translation."
                    )
                    % {"number": latest.number}
                }
            )
        number = latest.number
    else:
        if latest is not None and latest.body == body:
            return latest
        number = (latest.number + 1) if latest else 1
    now = timezone.now()
    version = DocumentVersion(
        document=document,
        number=number,
        language=language,
        title=title,
        body=body,
        checksum=sha256_of(body),
        published_at=now,
        published_by=actor,
    )
    version.full_clean()
    version.save()
    changes = {"version": number, "language": language, "checksum": version.checksum}
    if title:
        changes["title"] = title
    if not translation and document.kind in (DocumentKind.RUNBOOK, DocumentKind.PLAYBOOK):
        held = "runbook_version" if document.kind == DocumentKind.RUNBOOK else "playbook_version"
        changes["kits flagged for reprint"] = Day1Kit.objects.filter(
            **{f"{held}__document": document, f"{held}__number__lt": number},
            reprint_needed_since__isnull=True,
        ).update(reprint_needed_since=now)
    audit_record(actor=actor, action="publish version", target=document, changes=changes)
    return version


@transaction.atomic
def consent_acknowledge(
    *, actor: User | None, installer: Installer, version: DocumentVersion
) -> ConsentAcknowledgement:
    """The installer acknowledges the current version of their geography's
    consent flow (in whichever language they read it). Acknowledging it again
    changes nothing."""
    require(can_acknowledge_consent(actor, installer))
    if version.document.kind != DocumentKind.CONSENT:
        raise ValidationError({"version": _("This is not a consent flow.")})
    pod_geography = installer.pod.geography_id
    if version.document.geography_id != pod_geography:
        raise ValidationError({"version": _("This is the consent flow of another geography.")})
    current = (
        DocumentVersion.objects.filter(document_id=version.document_id, language=settings.LANGUAGE_CODE)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    if current != version.number:
        raise ValidationError(
            {
                "version": _("v%(old)s is superseded by v%(new)s: acknowledge the current version.")
                % {"old": version.number, "new": current}
            }
        )
    Installer.objects.select_for_update().filter(pk=installer.pk).first()
    acknowledgement, created = ConsentAcknowledgement.objects.get_or_create(
        installer=installer, version=version, defaults={"acknowledged_at": timezone.now()}
    )
    if created:
        audit_record(actor=actor, action="acknowledge consent flow", target=installer, changes={"version": version})
    return acknowledgement
