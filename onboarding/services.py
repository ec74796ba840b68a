"""Writes of onboarding: kits, documents, shadowing, drills, clearance."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bootcamp.models import Enrollment
from bootcamp.selectors import enrollments_progress
from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import MENTOR_MIN_LEVEL, Installer, Level, Stage, User
from installer_ops.policies import can_change_installer, require
from installer_ops.services import installers_stage_advance
from installer_ops.unique_rows import save_unique

from .document_services import document_create, document_publish, sha256_of  # noqa: F401 - the writes of documents
from .models import (
    Clearance,
    ConfigProfile,
    Day1Kit,
    DocumentKind,
    DocumentVersion,
    DrillOutcome,
    DrillScenario,
    OutageDrill,
    ShadowAssignment,
    ShadowDay,
)
from .policies import can_author_documents, can_confirm_shadow_day, can_hold_kit, mentor_known_to
from .selectors import current_document_version, installer_readiness


def _lock(installer: Installer) -> Installer:
    return Installer.objects.select_for_update().select_related("user", "pod").get(pk=installer.pk)


# --- profiles and documents -------------------------------------------------------


@transaction.atomic
def config_profile_create(*, actor: User | None, name: str, content: str) -> ConfigProfile:
    """The next version of the named profile; loading the same content again
    returns the existing version."""
    require(can_author_documents(actor))
    latest = ConfigProfile.objects.select_for_update().filter(name=name).order_by("-version").first()
    if latest is not None and latest.content == content:
        return latest
    profile = ConfigProfile(
        name=name, version=(latest.version + 1) if latest else 1, content=content, sha256=sha256_of(content)
    )
    profile.full_clean()
    save_unique(profile)
    audit_record(actor=actor, action="create", target=profile, changes={"name": name, "version": profile.version})
    return profile


def _current_copies() -> tuple[DocumentVersion, DocumentVersion]:
    runbook = current_document_version(DocumentKind.RUNBOOK)
    playbook = current_document_version(DocumentKind.PLAYBOOK)
    if runbook is None or playbook is None:
        raise ValidationError(
            {"non_field_errors": _("Publish a runbook and an incident playbook before issuing kits.")}
        )
    return runbook, playbook


# --- day-1 kits ---------------------------------------------------------------------


@transaction.atomic
def kit_issue(*, actor: User | None, installer: Installer, device_serial: str, profile: ConfigProfile) -> Day1Kit:
    """Issue the day-1 kit: the provisioned device and offline copies of the
    current runbook and playbook (to be acknowledged by the installer)."""
    require(can_change_installer(actor, installer))
    onboarding_stage_sync(installers=[installer])
    installer = _lock(installer)
    if installer.stage == Stage.LEFT:
        raise ValidationError({"installer": _("%(name)s has left.") % {"name": installer.name}})
    if Day1Kit.objects.filter(installer=installer).exists():
        raise ValidationError(
            {"installer": _("%(name)s has a kit already; reprint its copies instead.") % {"name": installer.name}}
        )
    serial = device_serial.strip()
    if not serial:
        raise ValidationError({"device_serial": _("The device serial is required.")})
    if Day1Kit.objects.filter(device_serial=serial).exists():
        raise ValidationError({"device_serial": _("Device %(serial)s is in another kit.") % {"serial": serial}})
    runbook, playbook = _current_copies()
    kit = Day1Kit(
        installer=installer,
        device_serial=serial,
        profile=profile,
        runbook_version=runbook,
        playbook_version=playbook,
        issued_by=actor,
        issued_at=timezone.now(),
    )
    kit.full_clean()
    kit.save()
    audit_record(
        actor=actor,
        action="issue kit",
        target=installer,
        changes={"device_serial": serial, "profile": profile, "runbook": runbook, "playbook": playbook},
    )
    return kit


@transaction.atomic
def kit_reprint(*, actor: User | None, kit: Day1Kit) -> Day1Kit:
    """Replace the kit's copies with the current versions; the installer
    acknowledges them again."""
    require(can_change_installer(actor, kit.installer))
    kit = Day1Kit.objects.select_for_update().select_related("installer").get(pk=kit.pk)
    before = (kit.runbook_version_id, kit.playbook_version_id)
    runbook, playbook = _current_copies()
    if runbook.pk != kit.runbook_version_id:
        kit.runbook_version, kit.runbook_acknowledged_at = runbook, None
    if playbook.pk != kit.playbook_version_id:
        kit.playbook_version, kit.playbook_acknowledged_at = playbook, None
    kit.reprint_needed_since = None
    kit.save()
    audit_record(
        actor=actor,
        action="reprint kit",
        target=kit.installer,
        changes={"copies": (list(before), [kit.runbook_version_id, kit.playbook_version_id])},
    )
    return kit


@transaction.atomic
def kit_acknowledge(*, actor: User | None, kit: Day1Kit, version: DocumentVersion) -> Day1Kit:
    """The installer acknowledges the copy they hold (their own kit only)."""
    kit = Day1Kit.objects.select_for_update().select_related("installer").get(pk=kit.pk)
    if not can_hold_kit(actor, kit):
        raise ValidationError({"non_field_errors": _("Only the kit's holder acknowledges its copies.")})
    now = timezone.now()
    if version.pk == kit.runbook_version_id:
        kit.runbook_acknowledged_at = kit.runbook_acknowledged_at or now
    elif version.pk == kit.playbook_version_id:
        kit.playbook_acknowledged_at = kit.playbook_acknowledged_at or now
    else:
        raise ValidationError({"version": _("This is not the version your kit holds; ask your lead for a reprint.")})
    kit.save(update_fields=["runbook_acknowledged_at", "playbook_acknowledged_at"])
    audit_record(actor=actor, action="acknowledge copy", target=kit.installer, changes={"version": version})
    return kit


# --- shadowing -------------------------------------------------------------------------


@transaction.atomic
def shadow_assign(*, actor: User | None, installer: Installer, mentor: Installer) -> ShadowAssignment:
    """Pair `installer` with `mentor` for the shadow week (idempotent). A
    mentor outside the actor's scope is refused without a word about them."""
    require(can_change_installer(actor, installer))
    if not mentor_known_to(actor, mentor):
        raise ValidationError({"mentor": _("No such installer.")})
    if mentor.pk == installer.pk:
        raise ValidationError({"mentor": _("An installer cannot shadow themselves.")})
    if mentor.level < MENTOR_MIN_LEVEL:
        raise ValidationError(
            {
                "mentor": _("Mentors are %(level)s or above; %(name)s is %(current)s.")
                % {"level": Level(MENTOR_MIN_LEVEL).label, "name": mentor.name, "current": Level(mentor.level).label}
            }
        )
    if mentor.stage == Stage.LEFT:
        raise ValidationError({"mentor": _("%(name)s has left.") % {"name": mentor.name}})
    existing = ShadowAssignment.objects.filter(installer=installer, mentor=mentor).first()
    if existing:
        return existing
    assignment = ShadowAssignment(installer=installer, mentor=mentor, assigned_by=actor)
    assignment.full_clean()
    assignment.save()
    audit_record(actor=actor, action="assign mentor", target=installer, changes={"mentor": mentor})
    return assignment


@transaction.atomic
def shadow_day_record(
    *, actor: User | None, assignment: ShadowAssignment, day: datetime.date, site: str, notes: str = ""
) -> ShadowDay:
    require(can_change_installer(actor, assignment.installer))
    if day > timezone.localdate():
        raise ValidationError({"day": _("A shadow day is recorded once it happened.")})
    if ShadowDay.objects.filter(assignment=assignment, day=day).exists():
        raise ValidationError({"day": _("This day is recorded already.")})
    shadow_day = ShadowDay(assignment=assignment, day=day, site=site.strip(), notes=notes)
    shadow_day.full_clean()
    shadow_day.save()
    audit_record(
        actor=actor, action="record shadow day", target=assignment.installer, changes={"day": day, "site": site}
    )
    return shadow_day


@transaction.atomic
def shadow_day_confirm(*, actor: User | None, shadow_day: ShadowDay) -> ShadowDay:
    """The mentor, on their own login, confirms the day happened."""
    shadow_day = (
        ShadowDay.objects.select_for_update()
        .select_related("assignment__mentor", "assignment__installer")
        .get(pk=shadow_day.pk)
    )
    if not can_confirm_shadow_day(actor, shadow_day):
        raise ValidationError({"non_field_errors": _("Only the mentor confirms a shadow day.")})
    if shadow_day.confirmed_at is None:
        shadow_day.confirmed_at = timezone.now()
        shadow_day.save(update_fields=["confirmed_at"])
        audit_record(
            actor=actor,
            action="confirm shadow day",
            target=shadow_day.assignment.installer,
            changes={"day": shadow_day.day},
        )
    return shadow_day


# --- outage drills ---------------------------------------------------------------------


@transaction.atomic
def drill_schedule(
    *, actor: User | None, installer: Installer, scenario: DrillScenario, scheduled_for: datetime.datetime
) -> OutageDrill:
    require(can_change_installer(actor, installer))
    if not DrillScenario.objects.filter(pk=scenario.pk, active=True).exists():
        raise ValidationError({"scenario": _("%(title)s is retired.") % {"title": scenario.title}})
    drill = OutageDrill(installer=installer, scenario=scenario, scheduled_for=scheduled_for, run_by=actor)
    drill.full_clean()
    drill.save()
    audit_record(
        actor=actor,
        action="schedule drill",
        target=installer,
        changes={"scenario": scenario, "scheduled_for": scheduled_for},
    )
    return drill


@transaction.atomic
def drill_record(
    *, actor: User | None, drill: OutageDrill, passed: bool, minutes_to_recover: int | None, notes: str = ""
) -> OutageDrill:
    """Record a drill's outcome. Attempts are numbered in the order drills
    are run, so the installer's first attempt stays known."""
    require(can_change_installer(actor, drill.installer))
    _lock(drill.installer)
    drill = OutageDrill.objects.select_for_update().get(pk=drill.pk)
    if drill.outcome != DrillOutcome.SCHEDULED:
        raise ValidationError({"outcome": _("This drill's outcome is recorded already.")})
    if passed and minutes_to_recover is None:
        raise ValidationError({"minutes_to_recover": _("A passed drill has a time to recover.")})
    done = OutageDrill.objects.filter(installer_id=drill.installer_id).aggregate(n=Max("attempt"))["n"] or 0
    drill.outcome = DrillOutcome.PASSED if passed else DrillOutcome.FAILED
    drill.attempt = done + 1
    drill.minutes_to_recover = minutes_to_recover
    drill.notes = notes
    drill.completed_at = timezone.now()
    drill.run_by = actor
    drill.full_clean()
    drill.save()
    audit_record(
        actor=actor,
        action="record drill",
        target=drill.installer,
        changes={"outcome": drill.outcome, "attempt": drill.attempt, "minutes_to_recover": minutes_to_recover},
    )
    return drill


# --- stages and clearance ---------------------------------------------------------------


@transaction.atomic
def onboarding_stage_sync(*, installers: list[Installer] | None = None) -> int:
    """Move to onboarding every installer in bootcamp whose enrollment is
    complete (the bootcamp does not call up; onboarding asks). Returns how
    many moved; idempotent."""
    queryset = Enrollment.objects.filter(withdrawn_at__isnull=True, installer__stage=Stage.BOOTCAMP).select_related(
        "cohort__program_version", "installer__user"
    )
    if installers is not None:
        queryset = queryset.filter(installer__in=installers)
    complete = [p.enrollment.installer for p in enrollments_progress(list(queryset)) if p.complete]
    if complete:
        installers_stage_advance(actor=None, installers=complete, stage=Stage.ONBOARDING)
    return len(complete)


@transaction.atomic
def installer_clear(*, actor: User | None, installer: Installer) -> Clearance:
    """Clear an installer for independent deployment, or refuse (409) with
    exactly the requirements still unmet; a refusal writes nothing."""
    require(can_change_installer(actor, installer))
    installer = _lock(installer)
    readiness = installer_readiness(installer)
    unmet = [r for r in readiness.requirements if not r.met]
    if unmet:
        raise DomainConflict(
            _("%(name)s cannot be cleared yet.") % {"name": installer.name},
            details=[{"code": r.code, "label": str(r.label), "detail": r.detail} for r in unmet],
        )
    now = timezone.now()
    clearance = Clearance(
        installer=installer,
        cleared_by=actor,
        cleared_at=now,
        valid_until=timezone.localdate() + relativedelta(months=settings.CLEARANCE_VALID_MONTHS),
    )
    clearance.full_clean()
    clearance.save()
    audit_record(actor=actor, action="clear", target=installer, changes={"valid_until": clearance.valid_until})
    if installer.stage != Stage.CLEARED:
        installers_stage_advance(actor=actor, installers=[installer], stage=Stage.CLEARED)
    return clearance


@transaction.atomic
def clearance_record_historical(*, actor: User | None, installer: Installer, cleared_on: datetime.date) -> Clearance:
    """Record a clearance granted before Installer Ops kept the records (the
    gate's evidence is on paper): only for someone already at stage cleared,
    never in the future."""
    require(can_change_installer(actor, installer))
    installer = _lock(installer)
    if installer.stage != Stage.CLEARED:
        raise ValidationError({"installer": _("Only installers at stage cleared have a clearance to record.")})
    if cleared_on > timezone.localdate() or cleared_on < installer.hired_on:
        raise ValidationError({"cleared_on": _("The date must fall between the hire date and today.")})
    cleared_at = timezone.make_aware(datetime.datetime.combine(cleared_on, datetime.time(12)))
    clearance = Clearance(
        installer=installer,
        cleared_by=actor,
        cleared_at=cleared_at,
        valid_until=cleared_on + relativedelta(months=settings.CLEARANCE_VALID_MONTHS),
    )
    clearance.full_clean()
    clearance.save()
    audit_record(actor=actor, action="record past clearance", target=installer, changes={"cleared_on": cleared_on})
    return clearance
