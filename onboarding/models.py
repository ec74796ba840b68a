"""Onboarding: configuration profiles, day-1 kits, runbook documents,
shadowing, outage drills and clearance (docs/product.md, Onboarding and the readiness gate)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from installer_ops import values
from installer_ops.models import Geography, Installer


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
    CONSENT = "consent", _("Consent flow")


class Document(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    # A consent flow is its geography's (one per geography); runbooks and playbooks are everyone's.
    geography = models.ForeignKey(
        Geography,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_flows",
        verbose_name=_("geography"),
    )

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="consent", geography__isnull=False) | (~Q(kind="consent") & Q(geography__isnull=True)),
                name="document_consent_has_geography",
            ),
            models.UniqueConstraint(
                fields=["geography"], condition=Q(kind="consent"), name="one_consent_flow_per_geography"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """A numbered, immutable version of a document in one language. The
    number is the document's: English publishes a new one, and a translation
    carries the number of the English version it translates. The checksum
    (SHA-256 of the Markdown body) is printed on every page."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    # A code of settings.LANGUAGES, checked by the service (as User.language).
    language = models.CharField(_("language"), max_length=16, default="en")
    # A translation's own title ("Einwilligung am Standort"); blank: the document's (English) title.
    title = models.CharField(_("title in this language"), max_length=200, blank=True, default="")
    body = models.TextField(_("body (Markdown)"))
    checksum = models.CharField(_("checksum"), max_length=64, editable=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number", "language"], name="document_version_language_unique")
        ]

    def __str__(self) -> str:
        if self.language != settings.LANGUAGE_CODE:
            return f"{self.shown_title} v{self.number} ({self.language})"
        return f"{self.document.title} v{self.number}"

    @property
    def shown_title(self) -> str:
        """The title a reader of this version sees: its language's, else the document's."""
        return self.title or self.document.title


class Day1Kit(models.Model):
    """The installer's day-1 kit: a provisioned device and offline copies of
    the runbook and playbook, each acknowledged by the installer."""

    installer = models.OneToOneField(
        Installer, on_delete=models.PROTECT, related_name="kit", verbose_name=_("installer")
    )
    device_serial = models.CharField(_("device serial"), max_length=64, unique=True)
    profile = models.ForeignKey(
        ConfigProfile, on_delete=models.PROTECT, related_name="kits", verbose_name=_("configuration profile")
    )
    runbook_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("runbook copy")
    )
    playbook_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("playbook copy")
    )
    runbook_acknowledged_at = models.DateTimeField(_("runbook acknowledged at"), null=True, blank=True)
    playbook_acknowledged_at = models.DateTimeField(_("playbook acknowledged at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"))
    # Set when a newer runbook or playbook is published than the copy held.
    reprint_needed_since = models.DateTimeField(_("reprint needed since"), null=True, blank=True)

    class Meta:
        verbose_name = _("day-1 kit")
        verbose_name_plural = _("day-1 kits")

    def __str__(self) -> str:
        return f"Kit {self.device_serial} for {self.installer}"


class ShadowAssignment(models.Model):
    installer = models.ForeignKey(
        Installer, on_delete=models.PROTECT, related_name="shadowing", verbose_name=_("installer")
    )
    mentor = models.ForeignKey(Installer, on_delete=models.PROTECT, related_name="mentoring", verbose_name=_("mentor"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
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
    assignment = models.ForeignKey(
        ShadowAssignment, on_delete=models.PROTECT, related_name="days", verbose_name=_("shadow assignment")
    )
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

    installer = models.ForeignKey(
        Installer, on_delete=models.PROTECT, related_name="drills", verbose_name=_("installer")
    )
    scenario = models.ForeignKey(
        DrillScenario, on_delete=models.PROTECT, related_name="drills", verbose_name=_("drill scenario")
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), validators=[values.validate_plausible_datetime])
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
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

    installer = models.ForeignKey(
        Installer, on_delete=models.PROTECT, related_name="clearances", verbose_name=_("installer")
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("cleared by")
    )
    cleared_at = models.DateTimeField(_("cleared at"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["installer", "-cleared_at"]
        get_latest_by = "cleared_at"
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")

    def __str__(self) -> str:
        return f"{self.installer} cleared until {self.valid_until}"


class ConsentAcknowledgement(models.Model):
    """An installer read and acknowledged a version of their geography's
    consent flow (in one of its languages). Only an acknowledgement of the
    current number meets the readiness requirement."""

    installer = models.ForeignKey(
        Installer, on_delete=models.PROTECT, related_name="consent_acknowledgements", verbose_name=_("installer")
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        verbose_name=_("consent flow version"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        ordering = ["installer", "-acknowledged_at"]
        verbose_name = _("consent flow acknowledgement")
        verbose_name_plural = _("consent flow acknowledgements")
        constraints = [models.UniqueConstraint(fields=["installer", "version"], name="consent_ack_unique")]

    def __str__(self) -> str:
        return f"{self.installer} acknowledged {self.version}"


class ConsentRecord(models.Model):
    """The consent procedure followed at one customer site, recorded on the
    tablet (offline) and sent as a `consent.recorded` event: its id is the
    event's. `install_ref` is the install's id as the field data knows it
    (the install may be imported after the visit). onboarding/consent_records.py
    says what `complete` and `superseded` mean."""

    id = models.UUIDField(primary_key=True, editable=False)
    installer = models.ForeignKey(
        Installer, on_delete=models.PROTECT, related_name="consent_records", verbose_name=_("installer")
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="consent_records",
        verbose_name=_("consent flow version"),
    )
    install_ref = models.CharField(_("install id"), max_length=64)
    steps_done = models.JSONField(_("steps done"), default=list)
    # The photos the tablet took for the steps that ask for one, declared with
    # the record ([{"id": uuid, "step": n}]) and sent after it (ConsentPhoto).
    photos = models.JSONField(_("photos declared"), default=list, blank=True)
    representative = models.CharField(_("customer's representative"), max_length=200, blank=True)
    # The signature drawn on the tablet: a PNG of at most 200 KB, kept in the
    # database so that it is written in the same transaction as its record.
    signature_png = models.BinaryField(_("signature"), blank=True, editable=False)
    signature_sha256 = models.CharField(max_length=64, blank=True, editable=False, verbose_name=_("signature SHA-256"))
    complete = models.BooleanField(_("complete"))
    superseded = models.BooleanField(_("recorded against a superseded version"))
    device_id = models.CharField(_("device"), max_length=64)
    device_seq = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("device sequence"))
    occurred_at = models.DateTimeField(_("recorded at (device)"), validators=[values.validate_device_time])
    received_at = models.DateTimeField(_("received at"))
    effective_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-effective_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [
            models.CheckConstraint(
                condition=values.device_time_q("occurred_at"), name="consent_record_device_time_representable"
            ),
        ]
        indexes = [
            # With the two flags consent completion reads: PostgreSQL gathers an
            # install's records from the index alone, never the rows with their
            # signatures (a tenth of the pages at a million installs; docs/scaling.md).
            models.Index(fields=["install_ref", "complete", "superseded"], name="consent_record_install"),
            models.Index(fields=["installer", "effective_at"], name="consent_record_installer"),
        ]

    def __str__(self) -> str:
        return f"Consent at {self.install_ref} ({self.version})"


from .consent_models import ConsentPhoto  # noqa: E402, F401 - a model of this app, kept in its own module
