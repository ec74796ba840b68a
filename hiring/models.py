"""Hiring: a pod's requisitions, their candidates and the screening that
decides them (docs/product.md, Hiring).

Stage changes are the candidates' history and are only ever appended;
scorecards are written once per interviewer and task. Hiring a candidate
creates the installer through the organisation's own hire service, so
everything after the hire (bootcamp, onboarding, KPIs) treats them like any
other installer. Rules that must never be broken are database constraints
too, so that no code path can break them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from installer_ops import values
from installer_ops.models import HiringSource, Installer, Level, Pod


class RequisitionRole(models.TextChoices):
    # Stored as the API's codes: the role is hiring's own vocabulary.
    INSTALLER = "installer", _("Installer")
    INSTALLER_LEAD = "installer-lead", _("Installer lead")
    PRODUCT_LIAISON = "product-liaison", _("Product liaison")
    RELIABILITY_ENGINEER = "reliability-engineer", _("Reliability engineer")


class RequisitionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")


class Requisition(models.Model):
    """A role to fill in a pod, at a level, by a date."""

    pod = models.ForeignKey(Pod, on_delete=models.PROTECT, related_name="requisitions", verbose_name=_("pod"))
    role = models.CharField(_("role"), max_length=32, choices=RequisitionRole.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.INSTALLER_1)
    opened_on = models.DateField(_("opened on"), validators=[values.validate_plausible_date])
    fill_by = models.DateField(_("fill by"), validators=[values.validate_plausible_date])
    status = models.CharField(
        _("status"), max_length=16, choices=RequisitionStatus.choices, default=RequisitionStatus.OPEN
    )
    filled_by = models.OneToOneField(
        "Candidate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filled_requisition",
        verbose_name=_("filled by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        constraints = [
            values.window_check("requisition", "opened_on"),
            values.window_check("requisition", "fill_by"),
            models.CheckConstraint(condition=Q(role__in=RequisitionRole.values), name="requisition_role_valid"),
            models.CheckConstraint(condition=Q(status__in=RequisitionStatus.values), name="requisition_status_valid"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="requisition_level_valid"),
            models.CheckConstraint(
                condition=Q(fill_by__gte=F("opened_on")),
                name="requisition_fill_by_after_opening",
                violation_error_message=_("The target date cannot precede the opening date."),
            ),
            # Filled, and by whom, come together or not at all.
            models.CheckConstraint(
                condition=Q(status=RequisitionStatus.FILLED, filled_by__isnull=False)
                | (~Q(status=RequisitionStatus.FILLED) & Q(filled_by__isnull=True)),
                name="requisition_filled_consistent",
            ),
        ]
        indexes = [models.Index(fields=["pod", "status"], name="requisition_pod_status")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.pod} ({self.opened_on})"

    @property
    def is_open(self) -> bool:
        return self.status == RequisitionStatus.OPEN


class CandidateStage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREEN = "screen", _("Screen")
    PRACTICAL = "practical", _("Practical")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The pipeline in order: a candidate moves one step forward at a time.
PIPELINE = [
    CandidateStage.APPLIED,
    CandidateStage.SCREEN,
    CandidateStage.PRACTICAL,
    CandidateStage.INTERVIEW,
    CandidateStage.OFFER,
    CandidateStage.HIRED,
]
OPEN_STAGES = PIPELINE[:-1]
CLOSED_STAGES = [CandidateStage.HIRED, CandidateStage.REJECTED, CandidateStage.WITHDRAWN]
# Reached from any open stage, with a reason.
EXITS = [CandidateStage.REJECTED, CandidateStage.WITHDRAWN]


# The API's codes of the sources (`maker-community`, ...), stored as the installer's values.
SOURCE_CODES = {value: value.replace("_", "-") for value in HiringSource.values}
SOURCE_BY_CODE = {code: value for value, code in SOURCE_CODES.items()}
SOURCE_API_CODES = tuple(SOURCE_BY_CODE)


class Candidate(models.Model):
    """A person applying for one requisition. `source` shares the
    installer's vocabulary (installer_ops.models.HiringSource), so a hire
    carries it over unchanged and the KPIs group both by one code."""

    requisition = models.ForeignKey(
        Requisition, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("requisition")
    )
    name = models.CharField(_("name"), max_length=150, validators=[values.validate_no_nul])
    email = models.EmailField(_("email"))
    source = models.CharField(_("source"), max_length=32, choices=HiringSource.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=CandidateStage.choices, default=CandidateStage.APPLIED)
    applied_on = models.DateField(_("applied on"), validators=[values.validate_plausible_date])
    stage_changed_at = models.DateTimeField(_("stage changed at"))
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="candidates_to_score", verbose_name=_("interviewers")
    )
    installer = models.OneToOneField(
        Installer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidate",
        verbose_name=_("installer"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["requisition", "applied_on", "id"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            values.window_check("candidate", "applied_on"),
            models.CheckConstraint(condition=Q(stage__in=CandidateStage.values), name="candidate_stage_valid"),
            models.CheckConstraint(condition=Q(source__in=HiringSource.values), name="candidate_source_valid"),
            # Hired, and the installer it made, come together or not at all.
            models.CheckConstraint(
                condition=Q(stage=CandidateStage.HIRED, installer__isnull=False)
                | (~Q(stage=CandidateStage.HIRED) & Q(installer__isnull=True)),
                name="candidate_hired_consistent",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "requisition",
                name="candidate_email_once_per_requisition",
                violation_error_message=_("This email has applied for this requisition already."),
            ),
        ]
        indexes = [models.Index(fields=["requisition", "stage"], name="candidate_requisition_stage")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class StageChange(models.Model):
    """One move of a candidate between stages: the pipeline's history,
    appended by the services and never changed. The first row of every
    candidate comes from "" (added) to applied, so time in each stage can
    always be read from here."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("candidate")
    )
    from_stage = models.CharField(_("from"), max_length=16, choices=CandidateStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=CandidateStage.choices)
    reason = models.TextField(_("reason"), max_length=2000, blank=True, validators=[values.validate_no_nul])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["candidate", "at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        constraints = [
            models.CheckConstraint(condition=~Q(from_stage=F("to_stage")), name="stage_change_moves"),
            models.CheckConstraint(
                condition=Q(from_stage="") | Q(from_stage__in=CandidateStage.values), name="stage_change_from_valid"
            ),
            models.CheckConstraint(condition=Q(to_stage__in=CandidateStage.values), name="stage_change_to_valid"),
        ]
        indexes = [models.Index(fields=["to_stage", "at"], name="stage_change_to_at")]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.from_stage or '—'} → {self.to_stage}"

    def save(self, *args, **kwargs):
        # Append-only: a stage change is history (the admin shows it read-only).
        if not self._state.adding:
            raise ValueError("A stage change is never changed once recorded.")
        super().save(*args, **kwargs)


class TaskKind(models.TextChoices):
    PRACTICAL = "practical", _("Practical task")
    INTERVIEW = "interview", _("Interview")


# The failure-scenario interview, which the rubric's minimums may require.
FAILURE_SCENARIO = "failure-scenario"


class ScreeningTask(models.Model):
    """A task of the library (a practical task or the failure-scenario
    interview) with what interviewers look for. A retired task is no longer
    offered for new scorecards; those written against it keep pointing at
    it, so it is never deleted."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices)
    what_to_look_for = models.TextField(_("what to look for"), max_length=4000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("screening task")
        verbose_name_plural = _("screening tasks")
        constraints = [models.CheckConstraint(condition=Q(kind__in=TaskKind.values), name="screening_task_kind_valid")]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.TextChoices):
    STRONG_YES = "strong-yes", _("Strong yes")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    STRONG_NO = "strong-no", _("Strong no")


SCORE_MIN, SCORE_MAX = 1, 4
# The rubric's dimensions, as scorecard columns (anchors in hiring/rubric.py).
DIMENSIONS = ("field_problem_solving", "customer_empathy", "security_hygiene")


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )


class Scorecard(models.Model):
    """One interviewer's scores of one candidate on one task of the library."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("candidate")
    )
    task = models.ForeignKey(ScreeningTask, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("task"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("interviewer")
    )
    field_problem_solving = _score_field(_("field problem-solving"))
    customer_empathy = _score_field(_("customer empathy"))
    security_hygiene = _score_field(_("security hygiene"))
    notes = models.TextField(_("notes"), max_length=4000, blank=True, validators=[values.validate_no_nul])
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["candidate", "task__position", "created_at", "id"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{d}__gte": SCORE_MIN, f"{d}__lte": SCORE_MAX}), name=f"scorecard_{d}_1_to_4"
                )
                for d in DIMENSIONS
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=Recommendation.values), name="scorecard_recommendation_valid"
            ),
            models.UniqueConstraint(
                fields=["candidate", "task", "interviewer"],
                name="one_scorecard_per_interviewer_and_task",
                violation_error_message=_("This interviewer has scored this candidate on this task already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.task} · {self.interviewer}"

    @property
    def scores(self) -> dict[str, int]:
        return {d: getattr(self, d) for d in DIMENSIONS}


def _minimum_field(label, default):
    return models.DecimalField(
        label,
        max_digits=3,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("The lowest average score, across the candidate's scorecards, that allows a hire."),
    )


class RubricMinimums(models.Model):
    """What a candidate's scorecards must reach before a hire: one row,
    set by administrators (hiring.services.minimums_set). The defaults,
    written by the migration that creates the row: an average of at least
    2.5 in field problem-solving and customer empathy (halfway from
    "developing" to "solid"), 3.0 in security hygiene (solid: installers
    hold customers' devices and footage), at least two scorecards, and the
    failure-scenario interview among them."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    field_problem_solving = _minimum_field(_("minimum field problem-solving"), "2.50")
    customer_empathy = _minimum_field(_("minimum customer empathy"), "2.50")
    security_hygiene = _minimum_field(_("minimum security hygiene"), "3.00")
    min_scorecards = models.PositiveSmallIntegerField(
        _("minimum scorecards"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    require_failure_scenario = models.BooleanField(_("failure-scenario interview required"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("rubric minimums")
        verbose_name_plural = _("rubric minimums")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="rubric_minimums_single_row"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{d}__gte": SCORE_MIN, f"{d}__lte": SCORE_MAX}), name=f"rubric_{d}_1_to_4"
                )
                for d in DIMENSIONS
            ),
            models.CheckConstraint(
                condition=Q(min_scorecards__gte=1, min_scorecards__lte=20), name="rubric_min_scorecards_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rubric minimums"))

    @classmethod
    def current(cls) -> "RubricMinimums":
        """The one row (the migration creates it; a database emptied by hand gets the defaults again)."""
        return cls.objects.get_or_create(pk=cls.SINGLETON)[0]
