"""The organisation: people, geographies, verticals, pods, the career ladder.

Rules that must never be broken are written as database constraints as well
as in the services, so that no code path (admin, shell, a bug) can break them.
"""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from . import values


class User(AbstractUser):
    """A login. One full-name field rather than first/last: names around the
    world do not split that way, and the field data carries a single name."""

    first_name = None
    last_name = None
    name = models.CharField(_("name"), max_length=150, blank=True)
    # A language code of settings.LANGUAGES (checked by the service, not as
    # choices here, so that adding a language needs no migration); blank
    # means the browser's Accept-Language decides.
    language = models.CharField(_("language"), max_length=16, blank=True)
    # When the last invitation mail went out (after the mail server took it); None: never invited.
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    def __str__(self) -> str:
        return self.get_full_name()


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known IANA time zone."), params={"value": value})


class Geography(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    locale = models.CharField(_("locale"), max_length=16, default="en", help_text=_("BCP 47 tag, e.g. en-GB."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("geography")
        verbose_name_plural = _("geographies")

    def __str__(self) -> str:
        return self.name


class Vertical(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vertical")
        verbose_name_plural = _("verticals")

    def __str__(self) -> str:
        return self.name


class Pod(models.Model):
    """The unit that owns one vertical in one geography."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    vertical = models.ForeignKey(Vertical, on_delete=models.PROTECT, related_name="pods", verbose_name=_("vertical"))
    geography = models.ForeignKey(Geography, on_delete=models.PROTECT, related_name="pods", verbose_name=_("geography"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("pod")
        verbose_name_plural = _("pods")

    def __str__(self) -> str:
        return self.name


class PodRole(models.TextChoices):
    INSTALLER_LEAD = "installer_lead", _("Installer lead")
    PRODUCT_LIAISON = "product_liaison", _("Product liaison")
    RELIABILITY_ENGINEER = "reliability_engineer", _("Reliability engineer")


class PodMembership(models.Model):
    """Who holds one of a pod's three staffing roles, from when to when.

    Ended memberships are kept: they say who was responsible at a given date.
    """

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("pod"))
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="pod_memberships", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=32, choices=PodRole.choices)
    phone = models.CharField(_("escalation phone"), max_length=40, blank=True)
    started_on = models.DateField(_("started on"), validators=[values.validate_plausible_date])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[values.validate_plausible_date])

    class Meta:
        ordering = ["pod", "role", "-started_on"]
        verbose_name = _("pod role")
        verbose_name_plural = _("pod roles")
        constraints = [
            values.window_check("pod_membership", "started_on"),
            values.window_check("pod_membership", "ended_on", nullable=True),
            models.UniqueConstraint(
                fields=["pod", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_active_holder_per_pod_role",
                violation_error_message=_("This pod already has an active holder of that role."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pod_membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(role__in=PodRole.values),
                name="pod_membership_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.pod}: {self.user}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class Level(models.IntegerChoices):
    """The career ladder, stored as its rank so that 'higher' is a comparison
    the database can check."""

    INSTALLER_1 = 1, _("Installer I")
    INSTALLER_2 = 2, _("Installer II")
    SENIOR_INSTALLER = 3, _("Senior Installer")
    INSTALLER_LEAD = 4, _("Installer Lead")

    @classmethod
    def from_code(cls, code: str) -> "Level":
        return LEVEL_BY_CODE[code]

    @property
    def code(self) -> str:
        return CODE_BY_LEVEL[self]


# The codes used by the API and the CSV import (docs/architecture.md, Field-data import).
CODE_BY_LEVEL = {
    Level.INSTALLER_1: "installer-1",
    Level.INSTALLER_2: "installer-2",
    Level.SENIOR_INSTALLER: "senior-installer",
    Level.INSTALLER_LEAD: "installer-lead",
}
LEVEL_BY_CODE = {code: level for level, code in CODE_BY_LEVEL.items()}
LEVEL_CODES = tuple(LEVEL_BY_CODE)
# Only Senior Installer and above may be shadowing mentors (docs/product.md, Organisation).
MENTOR_MIN_LEVEL = Level.SENIOR_INSTALLER


class Stage(models.TextChoices):
    HIRED = "hired", _("Hired")
    BOOTCAMP = "bootcamp", _("Bootcamp")
    ONBOARDING = "onboarding", _("Onboarding")
    CLEARED = "cleared", _("Cleared")
    LEFT = "left", _("Left")


# The forward order of the lifecycle; "left" may follow any stage.
STAGE_ORDER = [Stage.HIRED, Stage.BOOTCAMP, Stage.ONBOARDING, Stage.CLEARED]


class HiringSource(models.TextChoices):
    MAKER_COMMUNITY = "maker_community", _("Maker community")
    TECHNICAL_COLLEGE = "technical_college", _("Technical college")
    REFERRAL = "referral", _("Referral")
    AGENCY = "agency", _("Agency")
    INTERNAL_TRANSFER = "internal_transfer", _("Internal transfer")
    # A known source that is none of the above (a job board, a walk-in). Blank on
    # an installer means "not recorded" (hired before hiring was kept here).
    OTHER = "other", _("Other")


class Installer(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="installer", verbose_name=_("login"))
    employee_id = models.CharField(_("employee id"), max_length=40, unique=True)
    pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="installers", verbose_name=_("pod"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.INSTALLER_1)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.HIRED)
    hired_on = models.DateField(_("hired on"), validators=[values.validate_plausible_date])
    hiring_source = models.CharField(_("hiring source"), max_length=32, choices=HiringSource.choices, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=[values.validate_plausible_date])
    left_voluntarily = models.BooleanField(_("left voluntarily"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["user__name", "employee_id"]
        verbose_name = _("installer")
        verbose_name_plural = _("installers")
        constraints = [
            values.window_check("installer", "hired_on"),
            values.window_check("installer", "left_on", nullable=True),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="installer_level_valid"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="installer_stage_valid"),
            # Left, a separation date and the voluntary flag come together or not at all.
            models.CheckConstraint(
                condition=(
                    Q(stage=Stage.LEFT, left_on__isnull=False, left_voluntarily__isnull=False)
                    | (~Q(stage=Stage.LEFT) & Q(left_on__isnull=True, left_voluntarily__isnull=True))
                ),
                name="installer_separation_consistent",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("hired_on")),
                name="installer_leaves_after_hire",
            ),
        ]
        indexes = [
            models.Index(fields=["pod", "stage"], name="installer_pod_stage"),
            models.Index(fields=["hired_on"], name="installer_hired_on"),
            models.Index(fields=["left_on"], name="installer_left_on"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.employee_id})"

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def level_code(self) -> str:
        return CODE_BY_LEVEL[Level(self.level)]

    @property
    def has_left(self) -> bool:
        return self.stage == Stage.LEFT


class Promotion(models.Model):
    installer = models.ForeignKey(
        Installer, on_delete=models.CASCADE, related_name="promotions", verbose_name=_("installer")
    )
    from_level = models.PositiveSmallIntegerField(_("from level"), choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(_("to level"), choices=Level.choices)
    effective_on = models.DateField(_("effective on"), validators=[values.validate_plausible_date])
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["installer", "effective_on", "id"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            values.window_check("promotion", "effective_on"),
            models.CheckConstraint(
                condition=Q(to_level__gt=F("from_level")),
                name="promotion_only_upward",
                violation_error_message=_("A promotion goes to a higher level."),
            ),
            models.CheckConstraint(condition=Q(from_level__gte=1, to_level__lte=4), name="promotion_levels_valid"),
        ]
        indexes = [models.Index(fields=["effective_on"], name="promotion_effective_on")]

    def __str__(self) -> str:
        return f"{self.installer}: {Level(self.from_level).label} → {Level(self.to_level).label} ({self.effective_on})"


class AuditEntry(models.Model):
    """Who changed which record, when, how and through which door. Written by
    the services in their own transaction (installer_ops/audit.py), never edited."""

    class Source(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        ADMIN = "admin", _("Admin")
        IMPORT = "import", _("Import")
        COMMAND = "command", _("Command")
        JOB = "job", _("Job")
        TABLET = "tablet", _("Tablet")
        SYSTEM = "system", _("System")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    source = models.CharField(_("through"), max_length=8, choices=Source.choices)
    action = models.CharField(_("action"), max_length=32)
    object_type = models.CharField(_("record type"), max_length=64, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type} {self.object_repr}"


class LoginSession(models.Model):
    """Which session a login opened. The database session engine stores a
    session's user only inside its encoded data, with no index by user, so
    "every session of this person" cannot be asked of it; ending a person's
    access at once (a separation) reads the keys recorded here at each log-in
    instead of decoding every session (installer_ops/login_sessions.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("user"))
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
