"""The facts behind a hiring KPI's figure (kpis/facts.py does the others'):
the hires, candidates and installers one scope's period is computed from.
Candidates are personal records, read through hiring's own policy
(hiring.policies.candidates_visible_to: a pod's lead their pods' and the
candidates they interview, administrators all); installers through the
field rows' (kpis/policies.py). Executives read aggregates only and get
none: can_read_field_data says no before anything is read."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring.models import PIPELINE, CandidateStage
from hiring.policies import candidates_visible_to
from installer_ops.models import HiringSource, Installer

from .facts import PER_PAGE, Cell, Facts, _person
from .hiring_kpis import CLEARANCE_WINDOW_DAYS, RETENTION_DAYS
from .models import KpiCode, Scope
from .periods import Period, kpi_zone
from .policies import can_read_field_data, field_rows_visible_to
from .sources import SOURCE_BY_ID

SOURCE_LABELS = dict(HiringSource.choices)


def _in_scope(scope: str, scope_id: int, pod_path: str, source_field: str) -> Q:
    if scope == Scope.POD:
        return Q(**{f"{pod_path}_id": scope_id})
    if scope == Scope.GEOGRAPHY:
        return Q(**{f"{pod_path}__geography_id": scope_id})
    if scope == Scope.VERTICAL:
        return Q(**{f"{pod_path}__vertical_id": scope_id})
    if scope == Scope.SOURCE:
        return Q(**{source_field: SOURCE_BY_ID.get(scope_id, "?")})
    return Q()


def _source(value: str) -> Cell:
    return Cell(str(SOURCE_LABELS[value])) if value else Cell("—")


def _days(number: int) -> Cell:
    return Cell(str(number), number=True)


def _yes_no(flag: bool) -> Cell:
    return Cell(_("Yes") if flag else _("No"))


def _hires(user, period: Period, where: Q):
    rows = candidates_visible_to(user).filter(
        where, stage=CandidateStage.HIRED, stage_changed_at__gte=period.start_at(), stage_changed_at__lt=period.end_at()
    )
    rows = rows.select_related("requisition__pod", "installer__user").order_by("stage_changed_at", "pk")

    def row(candidate):
        hired_on = timezone.localtime(candidate.stage_changed_at, kpi_zone()).date()
        return [
            _person(candidate.installer),
            Cell(candidate.requisition.pod.name),
            _source(candidate.source),
            Cell(when=candidate.applied_on),
            Cell(when=hired_on),
            _days((hired_on - candidate.applied_on).days),
        ]

    columns = [_("Hired"), _("Pod"), _("Source"), _("Applied on"), _("Hired on"), _("Days")]
    return _("Candidates hired in the period"), columns, rows, row


def _furthest(candidate) -> str:
    stages = [candidate.stage, *(change.to_stage for change in candidate.stage_changes.all())]
    ranks = [PIPELINE.index(CandidateStage(stage)) for stage in stages if stage in PIPELINE]
    return PIPELINE[max(ranks, default=0)].label


def _applicants(user, period: Period, where: Q):
    rows = candidates_visible_to(user).filter(where, applied_on__gte=period.start, applied_on__lte=period.end)
    rows = rows.select_related("requisition__pod").prefetch_related("stage_changes").order_by("applied_on", "pk")

    def row(candidate):
        return [
            # The rows are the ones hiring's policy lets `user` read: so is the candidate's page.
            Cell(candidate.name, url=reverse("hiring-candidate", args=[candidate.pk])),
            Cell(candidate.requisition.pod.name),
            _source(candidate.source),
            Cell(when=candidate.applied_on),
            Cell(str(_furthest(candidate))),
            Cell(candidate.get_stage_display()),
        ]

    columns = [_("Candidate"), _("Pod"), _("Source"), _("Applied on"), _("Furthest stage"), _("Stage now")]
    return _("Candidates who applied in the period"), columns, rows, row


def _window(period: Period, days: int) -> dict:
    # The hires whose `days`-th day after hire falls in the period.
    shift = datetime.timedelta(days=days)
    return {"hired_on__gte": period.start - shift, "hired_on__lte": period.end - shift}


def _cleared(user, period: Period, where: Q):
    rows = Installer.objects.filter(where, **_window(period, CLEARANCE_WINDOW_DAYS))
    rows = field_rows_visible_to(user, rows.annotate(first_cleared=Min("clearances__cleared_at")), "pod")
    rows = rows.select_related("pod", "user").order_by("hired_on", "pk")

    def row(installer):
        cleared_on = installer.first_cleared and timezone.localtime(installer.first_cleared, kpi_zone()).date()
        days = (cleared_on - installer.hired_on).days if cleared_on else None
        return [
            _person(installer),
            Cell(installer.pod.name),
            _source(installer.hiring_source),
            Cell(when=installer.hired_on),
            Cell(when=installer.first_cleared),
            _days(days) if days is not None else Cell("—"),
            _yes_no(days is not None and days <= CLEARANCE_WINDOW_DAYS),
        ]

    columns = [
        _("Installer"),
        _("Pod"),
        _("Source"),
        _("Hired on"),
        _("First cleared"),
        _("Days"),
        _("Within %(days)s days") % {"days": CLEARANCE_WINDOW_DAYS},
    ]
    return _("Hires whose 60th day fell in the period"), columns, rows, row


def _retained(user, period: Period, where: Q):
    rows = field_rows_visible_to(user, Installer.objects.filter(where, **_window(period, RETENTION_DAYS)), "pod")
    rows = rows.select_related("pod", "user").order_by("hired_on", "pk")

    def row(installer):
        anniversary = installer.hired_on + datetime.timedelta(days=RETENTION_DAYS)
        return [
            _person(installer),
            Cell(installer.pod.name),
            _source(installer.hiring_source),
            Cell(when=installer.hired_on),
            Cell(when=installer.left_on),
            _yes_no(installer.left_on is None or installer.left_on > anniversary),
        ]

    columns = [_("Installer"), _("Pod"), _("Source"), _("Hired on"), _("Left on"), _("Employed after a year")]
    return _("Hires whose 365th day fell in the period"), columns, rows, row


# kpi -> (builder, pod path, source field) of the rows its figures count.
SOURCES = {
    KpiCode.TIME_TO_HIRE: (_hires, "requisition__pod", "source"),
    KpiCode.CANDIDATE_CONVERSION: (_applicants, "requisition__pod", "source"),
    KpiCode.HIRE_CLEARANCE_60D: (_cleared, "pod", "hiring_source"),
    KpiCode.FIRST_YEAR_RETENTION: (_retained, "pod", "hiring_source"),
}


def hiring_facts_behind(user, *, kpi: str, scope: str, scope_id: int, period: Period, page_number) -> Facts | None:
    """The page of rows behind one hiring figure, limited to what `user` may
    read; None for those who read aggregates only."""
    if not can_read_field_data(user) or kpi not in SOURCES:
        return None
    build, pod_path, source_field = SOURCES[kpi]
    title, columns, rows, row = build(user, period, _in_scope(scope, scope_id, pod_path, source_field))
    page = Paginator(rows, PER_PAGE).get_page(page_number)
    return Facts(title=title, columns=columns, page=page, rows=[row(item) for item in page.object_list])
