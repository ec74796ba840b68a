"""Onboarding: configuration profiles, day-1 kits, runbook documents,
shadowing, outage drills and clearance (docs/product.md, Onboarding and the readiness gate)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from installer_ops import values
from installer_ops.models import Installer


class ConfigProfile(models.Model):
    """The canonical configuration a device is provisioned with. A version is
    never edited; its SHA-256 is of the exact content."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    content = models.TextField(_("canonical configuration"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("configuration profile")
        verbose_name_plural = _("configuration profiles")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="profile_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class DocumentKind(models.TextChoices):
    RUNBOOK = "runbook", _("Runbook")
    PLAYBOOK = "playbook", _("Incident playbook")


class Document(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """A numbered, immutable version of a runbook or playbook. The checksum
    (SHA-256 of the Markdown body) is printed on every page."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("body (Markdown)"))
    checksum = models.CharField(_("checksum"), max_length=64, editable=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number}"


class Day1Kit(models.Model):
    """The installer's day-1 kit: a provisioned device and offline copies of
    the runbook and playbook, each acknowledged by the installer."""

    installer = models.OneToOneField(Installer, on_delete=models.PROTECT, related_name="kit")
    device_serial = models.CharField(_("device serial"), max_length=64, unique=True)
    profile = models.ForeignKey(ConfigProfile, on_delete=models.PROTECT, related_name="kits")
    runbook_version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="+")
    playbook_version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="+")
    runbook_acknowledged_at = models.DateTimeField(_("runbook acknowledged at"), null=True, blank=True)
    playbook_acknowledged_at = models.DateTimeField(_("playbook acknowledged at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    # Set when a newer runbook or playbook is published than the copy held.
    reprint_needed_since = models.DateTimeField(_("reprint needed since"), null=True, blank=True)

    class Meta:
        verbose_name = _("day-1 kit")
        verbose_name_plural = _("day-1 kits")

    def __str__(self) -> str:
        return f"Kit {self.device_serial} for {self.installer}"


class ShadowAssignment(models.Model):
    installer = models.ForeignKey(Installer, on_delete=models.PROTECT, related_name="shadowing")
    mentor = models.ForeignKey(Installer, on_delete=models.PROTECT, related_name="mentoring")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shadow assignment")
        verbose_name_plural = _("shadow assignments")
        constraints = [
            models.CheckConstraint(condition=~Q(installer=F("mentor")), name="no_self_mentoring"),
            models.UniqueConstraint(fields=["installer", "mentor"], name="shadow_pair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.installer} shadows {self.mentor}"


class ShadowDay(models.Model):
    assignment = models.ForeignKey(ShadowAssignment, on_delete=models.PROTECT, related_name="days")
    day = models.DateField(_("day"), validators=[values.validate_plausible_date])
    site = models.CharField(_("site"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("shadow day")
        verbose_name_plural = _("shadow days")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "day"], name="one_shadow_day_per_date"),
            values.window_check("shadow_day", "day"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} on {self.day}"


class DrillScenario(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    recovery_target_minutes = models.PositiveIntegerField(_("recovery target (minutes)"))
    # A retired scenario is no longer offered for new drills; the drills run
    # against it keep pointing at it, so it is never deleted.
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("drill scenario")
        verbose_name_plural = _("drill scenarios")

    def __str__(self) -> str:
        return self.title


class DrillOutcome(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class OutageDrill(models.Model):
    """A simulated outage run by a lead. `attempt` numbers an installer's
    drills in the order they were run, so the first attempt is recorded."""

    installer = models.ForeignKey(Installer, on_delete=models.PROTECT, related_name="drills")
    scenario = models.ForeignKey(DrillScenario, on_delete=models.PROTECT, related_name="drills")
    scheduled_for = models.DateTimeField(_("scheduled for"), validators=[values.validate_plausible_datetime])
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=DrillOutcome.choices, default=DrillOutcome.SCHEDULED
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), null=True, blank=True)
    minutes_to_recover = models.PositiveIntegerField(_("time to recover (minutes)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["installer", "scheduled_for"]
        verbose_name = _("outage drill")
        verbose_name_plural = _("outage drills")
        constraints = [
            values.window_check("drill", "scheduled_for", is_datetime=True),
            models.UniqueConstraint(fields=["installer", "attempt"], name="drill_attempt_unique"),
            models.CheckConstraint(
                condition=Q(outcome=DrillOutcome.SCHEDULED, completed_at__isnull=True, attempt__isnull=True)
                | (~Q(outcome=DrillOutcome.SCHEDULED) & Q(completed_at__isnull=False, attempt__isnull=False)),
                name="drill_completion_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} for {self.installer} ({self.get_outcome_display()})"


class Clearance(models.Model):
    """Who cleared whom for independent deployment, when, and until when."""

    installer = models.ForeignKey(Installer, on_delete=models.PROTECT, related_name="clearances")
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cleared_at = models.DateTimeField(_("cleared at"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["installer", "-cleared_at"]
        get_latest_by = "cleared_at"
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")

    def __str__(self) -> str:
        return f"{self.installer} cleared until {self.valid_until}"
