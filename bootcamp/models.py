"""Bootcamp: versioned programs, cohorts, enrollments and the check-off history.

The history (CheckoffEvent) is append-only and is the audit trail; the item
states (ItemState) are derived from it by bootcamp.services and can always be
rebuilt from it.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from installer_ops import values
from installer_ops.models import Installer, Pod


class Program(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["title"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.title


# Limits of a program version and a cohort, held by the models (and so by
# full_clean in every service) and by the database; forms and serializers
# only repeat them so that the API schema and the form widgets can show them.
MAX_WORKING_DAYS = 60
MAX_COHORT_CAPACITY = 200


class ProgramVersion(models.Model):
    """One version of a program. Once published it never changes: editing
    makes a new version, and cohorts stay pinned to theirs."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="versions", verbose_name=_("program"))
    number = models.PositiveIntegerField(_("version"))
    working_days = models.PositiveSmallIntegerField(
        _("working days"), default=10, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)]
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["program", "-number"]
        verbose_name = _("program version")
        verbose_name_plural = _("program versions")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_version_number_unique"),
            models.CheckConstraint(condition=Q(working_days__gte=1), name="program_version_has_days"),
            models.CheckConstraint(
                condition=Q(working_days__lte=MAX_WORKING_DAYS), name="program_version_days_at_most_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.title} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Module(models.Model):
    version = models.ForeignKey(
        ProgramVersion, on_delete=models.CASCADE, related_name="modules", verbose_name=_("program version")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    first_day = models.PositiveSmallIntegerField(_("first working day"))
    last_day = models.PositiveSmallIntegerField(_("last working day"))

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="module_position_unique"),
            models.CheckConstraint(
                condition=Q(first_day__gte=1) & Q(last_day__gte=F("first_day")), name="module_day_range_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    TASK = "task", _("Task")
    PRACTICAL = "practical", _("Practical exercise")
    KNOWLEDGE_CHECK = "knowledge_check", _("Knowledge check")


class Item(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="items", verbose_name=_("module"))
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.TASK)
    needs_signoff = models.BooleanField(_("needs lead sign-off"), default=False)
    needs_evidence = models.BooleanField(_("needs a photo as evidence"), default=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["module", "position"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["module", "position"], name="item_position_unique")]

    def __str__(self) -> str:
        return self.title


class Cohort(models.Model):
    name = models.CharField(_("name"), max_length=120)
    program_version = models.ForeignKey(
        ProgramVersion, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("program version")
    )
    start_on = models.DateField(_("starts on"), validators=[values.validate_plausible_date])
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_cohorts", verbose_name=_("lead")
    )
    pods = models.ManyToManyField(Pod, related_name="cohorts", verbose_name=_("pods"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=12, validators=[MinValueValidator(1), MaxValueValidator(MAX_COHORT_CAPACITY)]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            values.window_check("cohort", "start_on"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_positive"),
            models.CheckConstraint(condition=Q(capacity__lte=MAX_COHORT_CAPACITY), name="cohort_capacity_at_most_max"),
            # The same form sent twice must not make two cohorts; the service
            # also refuses a same-named cohort whose period overlaps.
            models.UniqueConstraint(
                Lower("name"),
                "start_on",
                name="cohort_name_start_unique",
                violation_error_message=_("A cohort with this name starts on this date already."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("cohort"))
    installer = models.ForeignKey(
        Installer, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("installer")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["cohort", "installer__user__name"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["installer"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_enrollment_per_installer",
                violation_error_message=_("This installer already has an active enrollment."),
            ),
            models.UniqueConstraint(fields=["cohort", "installer"], name="enrollment_once_per_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.installer} in {self.cohort}"


class EventType(models.TextChoices):
    CHECKED = "item.checked", _("Checked")
    UNCHECKED = "item.unchecked", _("Unchecked")
    SIGNED_OFF = "item.signed_off", _("Signed off")
    REJECTED = "item.rejected", _("Sign-off rejected")


class CheckoffEvent(models.Model):
    """One check-off, un-check, sign-off or rejection. Never updated, never
    deleted. The id is made by the device (UUIDv4) for the installer's
    events, so a replay of the same event finds the same row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="events", verbose_name=_("enrollment")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="events", verbose_name=_("item"))
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkoff_events", verbose_name=_("by")
    )
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    device_seq = models.PositiveIntegerField(_("device sequence"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("device time"), validators=[values.validate_device_time])
    received_at = models.DateTimeField(_("received at"))
    # The time the event is ordered by: the device's time, or the receipt
    # time when the device's clock is implausible (docs/architecture.md, Sync protocol).
    effective_at = models.DateTimeField(_("effective time"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["effective_at", "id"]
        verbose_name = _("check-off event")
        verbose_name_plural = _("check-off events")
        constraints = [
            models.CheckConstraint(condition=Q(type__in=EventType.values), name="event_type_valid"),
            models.CheckConstraint(
                condition=values.device_time_q("occurred_at"), name="event_device_time_representable"
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "item", "effective_at"], name="event_enrollment_item_time")]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.item} ({self.enrollment})"


class ItemState(models.Model):
    """The current state of one item of one enrollment: a cache of the fold
    of its events (bootcamp.state.fold_item_events), rewritten whenever an
    event for it is accepted."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="item_states", verbose_name=_("enrollment")
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="states", verbose_name=_("item"))
    checked = models.BooleanField(_("checked"), default=False)
    signed_off = models.BooleanField(_("signed off"), default=False)
    rejection_comment = models.TextField(_("rejection comment"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    # The item.checked event the current check rests on: a photo taken with
    # an earlier check (before an un-check or a rejection) does not count.
    checked_event = models.UUIDField(_("checked by event"), null=True, blank=True)
    # Whether a photo of `checked_event` has arrived (Evidence). An item that
    # needs evidence is not done without it (bootcamp/item_done.py).
    evidence_received = models.BooleanField(_("evidence received"), default=False)

    class Meta:
        verbose_name = _("item state")
        verbose_name_plural = _("item states")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "item"], name="item_state_unique"),
            models.CheckConstraint(condition=Q(signed_off=False) | Q(checked=True), name="signed_off_implies_checked"),
            models.CheckConstraint(
                condition=Q(evidence_received=False) | Q(checked=True), name="evidence_received_implies_checked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {'signed off' if self.signed_off else 'checked' if self.checked else 'open'}"


def evidence_storage():
    """Where photos are kept: STORAGES["evidence"] (the file system under
    var/media/ by default, S3-compatible object storage in production)."""
    from django.core.files.storage import storages

    return storages["evidence"]


class EvidenceType(models.TextChoices):
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    WEBP = "image/webp", "WebP"


MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


class Evidence(models.Model):
    """A photo proving an item was done, taken on the tablet with the
    item.checked event it belongs to. The id is made by the device, so an
    upload retried after a cut finds the same row. Written once, never
    changed: the file's name carries its checksum."""

    id = models.UUIDField(primary_key=True, editable=False)
    event = models.ForeignKey(
        CheckoffEvent, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("check-off event")
    )
    # The event's enrollment and item, kept here so that scoping and the
    # enrollment's payload read one table.
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("enrollment")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("item"))
    file = models.FileField(_("file"), storage=evidence_storage, max_length=200)
    content_type = models.CharField(_("type"), max_length=20, choices=EvidenceType.choices)
    size = models.PositiveIntegerField(_("size in bytes"), validators=[MaxValueValidator(MAX_EVIDENCE_BYTES)])
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("taken at"), validators=[values.validate_device_time])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["taken_at", "id"]
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        constraints = [
            models.CheckConstraint(condition=Q(content_type__in=EvidenceType.values), name="evidence_type_valid"),
            models.CheckConstraint(condition=Q(size__lte=MAX_EVIDENCE_BYTES), name="evidence_size_limit"),
            models.CheckConstraint(condition=values.device_time_q("taken_at"), name="evidence_time_representable"),
        ]
        indexes = [models.Index(fields=["enrollment", "item"], name="evidence_enrollment_item")]

    def __str__(self) -> str:
        return f"{self.item} ({self.enrollment}): {self.id}"


class ReminderLog(models.Model):
    """That a recipient is to be reminded of an overdue module on a day, and
    when the mail went out: the unique key makes 'once per module per day'
    hold however often the job runs; `delivered_at` stays empty until the mail
    server took the message, so a failed send is sent by the next run."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("enrollment")
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+", verbose_name=_("module"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    sent_on = models.DateField(_("sent on"))
    line = models.TextField(_("line"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "module", "recipient", "sent_on"], name="one_reminder_per_module_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module} overdue for {self.enrollment}, told {self.recipient} on {self.sent_on}"


class ReminderRun(models.Model):
    """A day whose reminder run finished: the catch-up sweep runs the day's
    reminders when this row is missing past the scheduled time (the broker
    was down when beat fired)."""

    day = models.DateField(_("day"), unique=True)
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")

    def __str__(self) -> str:
        return str(self.day)
