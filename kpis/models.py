"""Field data (nodes, installs and their visits, incidents, compliance audits)
and the KPI snapshots computed from it (docs/product.md, KPIs).

Rows that come from other systems carry those systems' ids (`external_id`,
`serial`), so that importing the same file again changes nothing."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from installer_ops import values
from installer_ops.models import Installer, Pod
from onboarding.models import ConsentRecord


class Node(models.Model):
    serial = models.CharField(_("serial"), max_length=64, unique=True)
    site = models.CharField(_("site"), max_length=200)
    pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="nodes", verbose_name=_("pod"))
    installer = models.ForeignKey(
        Installer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nodes",
        verbose_name=_("installed by"),
    )
    installed_on = models.DateField(_("installed on"), validators=[values.validate_plausible_date])

    class Meta:
        constraints = [
            values.window_check("node", "installed_on"),
        ]
        ordering = ["serial"]
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        indexes = [models.Index(fields=["pod", "installed_on"], name="node_pod_installed")]

    def __str__(self) -> str:
        return self.serial


class Install(models.Model):
    external_id = models.CharField(_("install id"), max_length=64, unique=True)
    site = models.CharField(_("site"), max_length=200)
    pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="installs", verbose_name=_("pod"))
    installer = models.ForeignKey(
        Installer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="installs",
        verbose_name=_("installer"),
    )

    class Meta:
        ordering = ["external_id"]
        verbose_name = _("install")
        verbose_name_plural = _("installs")

    def __str__(self) -> str:
        return self.external_id


class VisitOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILED = "failed", _("Failed")
    PARTIAL = "partial", _("Partial")


class Visit(models.Model):
    install = models.ForeignKey(Install, on_delete=models.CASCADE, related_name="visits", verbose_name=_("install"))
    visited_at = models.DateTimeField(_("visited at"), validators=[values.validate_plausible_datetime])
    outcome = models.CharField(_("outcome"), max_length=16, choices=VisitOutcome.choices)

    class Meta:
        ordering = ["install", "visited_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            values.window_check("visit", "visited_at", is_datetime=True),
            models.UniqueConstraint(fields=["install", "visited_at"], name="one_visit_per_install_and_time"),
            models.CheckConstraint(condition=Q(outcome__in=VisitOutcome.values), name="visit_outcome_valid"),
        ]
        indexes = [models.Index(fields=["visited_at"], name="visit_visited_at")]

    def __str__(self) -> str:
        return f"{self.install} at {self.visited_at:%Y-%m-%d}: {self.outcome}"


class Severity(models.TextChoices):
    SEV1 = "sev1", "SEV-1"
    SEV2 = "sev2", "SEV-2"
    SEV3 = "sev3", "SEV-3"
    SEV4 = "sev4", "SEV-4"


class Incident(models.Model):
    external_id = models.CharField(_("incident id"), max_length=64, unique=True)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("node"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    opened_at = models.DateTimeField(_("opened at (detected)"), validators=[values.validate_plausible_datetime])
    resolved_at = models.DateTimeField(
        _("resolved at (service restored)"), null=True, blank=True, validators=[values.validate_plausible_datetime]
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            values.window_check("incident", "opened_at", is_datetime=True),
            values.window_check("incident", "resolved_at", is_datetime=True, nullable=True),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("opened_at")),
                name="incident_resolved_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["resolved_at"], name="incident_resolved_at"),
            models.Index(fields=["opened_at"], name="incident_opened_at"),
        ]

    def __str__(self) -> str:
        return self.external_id


class Audit(models.Model):
    external_id = models.CharField(_("audit id"), max_length=64, unique=True)
    pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="audits", verbose_name=_("pod"))
    installer = models.ForeignKey(
        Installer, on_delete=models.SET_NULL, null=True, blank=True, related_name="audits", verbose_name=_("installer")
    )
    audited_on = models.DateField(_("audited on"), validators=[values.validate_plausible_date])
    passed = models.BooleanField(_("passed"))
    findings = models.TextField(_("findings"), blank=True)
    # The consent recorded at the audited site, when the audit checked it
    # (the import's optional `consent_record` column).
    consent_record = models.ForeignKey(
        ConsentRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("consent record"),
    )

    class Meta:
        constraints = [
            values.window_check("audit", "audited_on"),
        ]
        ordering = ["-audited_on"]
        verbose_name = _("compliance audit")
        verbose_name_plural = _("compliance audits")
        indexes = [models.Index(fields=["pod", "audited_on"], name="audit_pod_audited_on")]

    def __str__(self) -> str:
        return self.external_id


class KpiCode(models.TextChoices):
    MTTR = "mttr", _("Mean time to recover (hours)")
    FIRST_TIME_SUCCESS = "first_time_success", _("First-time install success")
    AUDIT_PASS_RATE = "audit_pass_rate", _("Compliance audit pass rate")
    CONSENT_COMPLETION = "consent_completion", _("Consent completion")
    CHURN = "churn", _("Installer churn")
    PROMOTION_RATE = "promotion_rate", _("Internal promotion rate")
    BOOTCAMP_COMPLETION = "bootcamp_completion", _("Bootcamp completion rate")
    DAYS_TO_CLEARANCE = "days_to_clearance", _("Days from hire to clearance")
    DRILL_FIRST_PASS = "drill_first_pass", _("First-attempt drill pass rate")
    COHORT_FIRST_TIME_SUCCESS = "cohort_first_time_success", _("First-time success, first 90 days in the field")
    TIME_TO_HIRE = "time_to_hire", _("Time to hire (median days)")
    CANDIDATE_CONVERSION = "candidate_conversion", _("Candidate conversion (applied to hired)")
    HIRE_CLEARANCE_60D = "hire_clearance_60d", _("Hires cleared within 60 days")
    FIRST_YEAR_RETENTION = "first_year_retention", _("First-year retention")


class Scope(models.TextChoices):
    ORG = "org", _("Organisation")
    GEOGRAPHY = "geography", _("Geography")
    VERTICAL = "vertical", _("Vertical")
    POD = "pod", _("Pod")
    COHORT = "cohort", _("Cohort")
    # The candidate's source (the installer's hiring source): hiring KPIs only.
    SOURCE = "source", _("Hiring source")


class Grain(models.TextChoices):
    WEEK = "week", _("ISO week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class KpiSnapshot(models.Model):
    """One KPI for one scope and period, with what it was computed from.
    `scope_id` is 0 for the organisation (a real id otherwise), so that the
    unique key holds on every database. `value` is null when the denominator
    is zero: no value, never 0."""

    kpi = models.CharField(_("KPI"), max_length=32, choices=KpiCode.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=0)
    grain = models.CharField(_("grain"), max_length=8, choices=Grain.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (last day)"))
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"))
    denominator = models.FloatField(_("denominator"))
    provisional = models.BooleanField(_("provisional"), default=False)
    details = models.JSONField(_("details"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["kpi", "scope", "scope_id", "grain", "period_start"]
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "scope", "scope_id", "grain", "period_start"], name="one_snapshot_per_kpi_scope_period"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="snapshot_period_valid"),
        ]
        indexes = [models.Index(fields=["kpi", "grain", "scope", "period_start"], name="snapshot_lookup")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.scope}:{self.scope_id} {self.grain} {self.period_start}: {self.value}"


class KpiJob(models.Model):
    """A requested recompute and its progress, readable while a worker runs it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    since = models.DateField(_("since"), validators=[values.validate_plausible_date])
    until = models.DateField(_("until"), validators=[values.validate_plausible_date])
    grains = models.JSONField(_("grains"), default=list)
    # A refresh: only the periods holding one of these days (ISO dates), or
    # {part: its days} where each part has its own (an import's refresh,
    # kpis/jobs.py _days_of_part); empty: every period of [since, until].
    days = models.JSONField(_("days touched"), default=list, blank=True)
    # The parts workers run side by side (kpis/rebuild_parts.py), and those finished.
    parts = models.JSONField(_("parts"), default=list, blank=True)
    parts_done = models.JSONField(_("parts done"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    written = models.PositiveIntegerField(_("snapshots written"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        "installer_ops.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the broker took the job; null while it waits for the sweep (broker was down).
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        constraints = [
            values.window_check("kpi_job", "since"),
            values.window_check("kpi_job", "until"),
        ]
        ordering = ["-created_at"]
        verbose_name = _("KPI job")
        verbose_name_plural = _("KPI jobs")

    def __str__(self) -> str:
        return f"KPI job {self.since}–{self.until}: {self.status}"

    @property
    def grain_labels(self) -> list[str]:
        """The job's periods as the form names them ("ISO week", not "week")."""
        labels = dict(Grain.choices)
        return [str(labels.get(grain, grain)) for grain in self.grains]


class KpiTarget(models.Model):
    """The target of a KPI: the organisation's default (scope org) or an override for one scope."""

    kpi = models.CharField(_("KPI"), max_length=32, choices=KpiCode.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.ORG)
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=0)
    target = models.FloatField(_("target"))

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [models.UniqueConstraint(fields=["kpi", "scope", "scope_id"], name="one_target_per_kpi_scope")]

    def __str__(self) -> str:
        return f"{self.kpi} target {self.target} ({self.scope}:{self.scope_id})"
