"""The facts behind a KPI figure: the rows one scope's period is computed
from (incidents for MTTR, installs and their first visits for first-time
success, ...), for those who may read field rows (kpis/policies.py:
field_rows_visible_to: a pod's lead their pods', administrators all of
them; executives read aggregates only and get none). Paged; a page runs a
fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from installer_ops.models import Installer, Promotion
from onboarding.models import ConsentRecord, OutageDrill

from .models import Audit, Incident, Install, KpiCode, Scope, VisitOutcome
from .periods import Period
from .policies import can_read_field_data, field_rows_visible_to

PER_PAGE = 25


@dataclass
class Cell:
    text: str = ""
    url: str | None = None
    when: datetime.datetime | datetime.date | None = None  # shown as a date or time in the reader's format
    number: bool = False


@dataclass
class Facts:
    title: str
    columns: list[str]
    page: object  # a Paginator page of the underlying rows
    rows: list[list[Cell]] = field(default_factory=list)


def _in_scope(scope: str, scope_id: int, pod_path: str, installer_path: str | None) -> Q:
    if scope == Scope.POD:
        return Q(**{f"{pod_path}_id": scope_id})
    if scope == Scope.GEOGRAPHY:
        return Q(**{f"{pod_path}__geography_id": scope_id})
    if scope == Scope.VERTICAL:
        return Q(**{f"{pod_path}__vertical_id": scope_id})
    if scope == Scope.COHORT and installer_path is not None:
        # The installer's enrollment that is not withdrawn, as the KPIs' cohort scope ("": the row is the installer).
        prefix = f"{installer_path}__enrollments" if installer_path else "enrollments"
        return Q(**{f"{prefix}__cohort_id": scope_id, f"{prefix}__withdrawn_at__isnull": True})
    return Q()


def _person(installer) -> Cell:
    if installer is None:
        return Cell("—")
    return Cell(installer.name, url=reverse("installer-detail", args=[installer.pk]))


def _hours(later, earlier) -> Cell:
    return Cell(f"{(later - earlier).total_seconds() / 3600:.1f} h", number=True)


def _incidents(period: Period, where: Q):
    rows = Incident.objects.filter(where, resolved_at__gte=period.start_at(), resolved_at__lt=period.end_at())
    rows = rows.select_related("node", "node__pod").order_by("resolved_at", "pk")

    def row(inc):
        return [
            Cell(inc.external_id),
            Cell(inc.get_severity_display()),
            Cell(inc.node.serial),
            Cell(inc.node.pod.name),
            Cell(when=inc.opened_at),
            Cell(when=inc.resolved_at),
            _hours(inc.resolved_at, inc.opened_at),
        ]

    columns = [_("Incident"), _("Severity"), _("Node"), _("Pod"), _("Detected"), _("Restored"), _("Hours")]
    return _("Incidents resolved in the period"), columns, rows, row


def _first_visits(period: Period, where: Q):
    window = datetime.timedelta(days=settings.FIRST_TIME_REVISIT_DAYS)
    rows = (
        Install.objects.filter(where)
        .annotate(first_at=Min("visits__visited_at"))
        .filter(first_at__gte=period.start_at(), first_at__lt=period.end_at())
        .select_related("pod", "installer__user")
        .prefetch_related("visits")
        .order_by("first_at", "pk")
    )

    def row(install):
        visits = sorted(install.visits.all(), key=lambda v: v.visited_at)
        first = visits[0]
        revisits = [v for v in visits[1:] if v.visited_at <= first.visited_at + window]
        success = first.outcome == VisitOutcome.SUCCESS and not revisits
        return [
            Cell(install.external_id),
            Cell(install.pod.name),
            _person(install.installer),
            Cell(when=first.visited_at),
            Cell(first.get_outcome_display()),
            Cell(str(len(revisits)), number=True),
            Cell(_("Yes") if success else _("No")),
        ]

    columns = [
        _("Install"),
        _("Pod"),
        _("Installer"),
        _("First visit"),
        _("Outcome"),
        _("Visits within %(days)s days after") % {"days": settings.FIRST_TIME_REVISIT_DAYS},
        _("First-time success"),
    ]
    return _("Installs first visited in the period"), columns, rows, row


def _audits(period: Period, where: Q):
    rows = Audit.objects.filter(where, audited_on__gte=period.start, audited_on__lte=period.end)
    rows = rows.select_related("pod", "installer__user").order_by("audited_on", "pk")

    def row(audit):
        return [
            Cell(audit.external_id),
            Cell(audit.pod.name),
            _person(audit.installer),
            Cell(when=audit.audited_on),
            Cell(_("Passed") if audit.passed else _("Failed")),
            Cell(audit.findings),
        ]

    columns = [_("Audit"), _("Pod"), _("Installer"), _("Audited on"), _("Result"), _("Findings")]
    return _("Audits held in the period"), columns, rows, row


def _separations(period: Period, where: Q):
    rows = Installer.objects.filter(where, left_on__gte=period.start, left_on__lte=period.end)
    rows = rows.select_related("pod", "user").order_by("left_on", "pk")

    def row(installer):
        return [
            _person(installer),
            Cell(installer.pod.name),
            Cell(when=installer.left_on),
            Cell(_("Voluntary") if installer.left_voluntarily else _("Involuntary")),
        ]

    return _("Installers who left in the period"), [_("Installer"), _("Pod"), _("Left on"), _("Kind")], rows, row


def _promotions(period: Period, where: Q):
    rows = Promotion.objects.filter(where, effective_on__gte=period.start, effective_on__lte=period.end)
    rows = rows.select_related("installer__pod", "installer__user").order_by("effective_on", "pk")

    def row(promotion):
        return [
            _person(promotion.installer),
            Cell(promotion.installer.pod.name),
            Cell(promotion.get_from_level_display()),
            Cell(promotion.get_to_level_display()),
            Cell(when=promotion.effective_on),
        ]

    columns = [_("Installer"), _("Pod"), _("From"), _("To"), _("Effective on")]
    return _("Promotions in the period"), columns, rows, row


def _clearances(period: Period, where: Q):
    rows = (
        Installer.objects.filter(where)
        .annotate(first_cleared=Min("clearances__cleared_at"))
        .filter(first_cleared__gte=period.start_at(), first_cleared__lt=period.end_at())
        .select_related("pod", "user")
        .order_by("first_cleared", "pk")
    )

    def row(installer):
        cleared_on = installer.first_cleared.astimezone(period.start_at().tzinfo).date()
        return [
            _person(installer),
            Cell(installer.pod.name),
            Cell(when=installer.hired_on),
            Cell(when=installer.first_cleared),
            Cell(str((cleared_on - installer.hired_on).days), number=True),
        ]

    columns = [_("Installer"), _("Pod"), _("Hired on"), _("First cleared"), _("Days")]
    return _("Installers first cleared in the period"), columns, rows, row


def _first_drills(period: Period, where: Q):
    rows = OutageDrill.objects.filter(where, attempt=1, completed_at__gte=period.start_at())
    rows = rows.filter(completed_at__lt=period.end_at()).select_related("installer__pod", "installer__user", "scenario")
    rows = rows.order_by("completed_at", "pk")

    def row(drill):
        return [
            _person(drill.installer),
            Cell(drill.installer.pod.name),
            Cell(str(drill.scenario)),
            Cell(when=drill.completed_at),
            Cell(drill.get_outcome_display()),
        ]

    columns = [_("Installer"), _("Pod"), _("Scenario"), _("Completed"), _("Outcome")]
    return _("First drills completed in the period"), columns, rows, row


def _consented_installs(period: Period, where: Q):
    records = ConsentRecord.objects.filter(install_ref=OuterRef("external_id"))
    counted = records.order_by().values("install_ref").annotate(n=Count("pk")).values("n")
    rows = (
        Install.objects.filter(where)
        .annotate(first_at=Min("visits__visited_at"))
        .filter(first_at__gte=period.start_at(), first_at__lt=period.end_at())
        .annotate(
            records=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
            consented=Exists(records.filter(complete=True, superseded=False)),
        )
        .select_related("pod", "installer__user")
        .order_by("first_at", "pk")
    )

    def row(install):
        return [
            Cell(install.external_id),
            Cell(install.pod.name),
            _person(install.installer),
            Cell(when=install.first_at),
            Cell(str(install.records), number=True),
            Cell(_("Yes") if install.consented else _("No")),
        ]

    columns = [
        _("Install"),
        _("Pod"),
        _("Installer"),
        _("First visit"),
        _("Consent records"),
        _("Complete and current"),
    ]
    return _("Installs first visited in the period"), columns, rows, row


# kpi -> (builder, pod path, installer path) of the rows its figures count;
# installer path "": the rows are installers, None: no cohort scope.
SOURCES = {
    KpiCode.MTTR: (_incidents, "node__pod", None),
    KpiCode.FIRST_TIME_SUCCESS: (_first_visits, "pod", "installer"),
    KpiCode.AUDIT_PASS_RATE: (_audits, "pod", "installer"),
    KpiCode.CONSENT_COMPLETION: (_consented_installs, "pod", None),
    KpiCode.CHURN: (_separations, "pod", ""),
    KpiCode.PROMOTION_RATE: (_promotions, "installer__pod", "installer"),
    KpiCode.DAYS_TO_CLEARANCE: (_clearances, "pod", ""),
    KpiCode.DRILL_FIRST_PASS: (_first_drills, "installer__pod", "installer"),
}
# Why the other KPIs list no rows here, said plainly.
NOT_LISTED = {
    KpiCode.BOOTCAMP_COMPLETION: gettext_lazy("Each cohort's enrollments and their progress are on the cohort's page."),
    KpiCode.COHORT_FIRST_TIME_SUCCESS: gettext_lazy(
        "These are the installs of First-time install success first visited in the installer's first 90 days "
        "after clearance; that KPI's page lists its installs."
    ),
}


def facts_behind(user, *, kpi: str, scope: str, scope_id: int, period: Period, page_number) -> Facts | None:
    """The page of rows behind one scope's figure for `period`, limited to the
    pods `user` may read; None for those who read aggregates only and for
    KPIs whose rows are listed elsewhere."""
    if not can_read_field_data(user) or kpi not in SOURCES:
        return None
    build, pod_path, installer_path = SOURCES[kpi]
    title, columns, rows, row = build(period, _in_scope(scope, scope_id, pod_path, installer_path))
    rows = field_rows_visible_to(user, rows, pod_path)
    page = Paginator(rows, PER_PAGE).get_page(page_number)
    return Facts(title=title, columns=columns, page=page, rows=[row(item) for item in page.object_list])
