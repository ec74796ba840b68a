"""Reads of the bootcamp, and their scoping by role.

Progress is counted in the database per (enrollment, module) in one grouped
query; everything else (due dates, overdue, completion) is arithmetic on
those counts, so every page and endpoint runs a fixed number of queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from installer_ops.models import Stage
from installer_ops.selectors import installers_matching, installers_visible_to

from .calendar import nth_working_day
from .evidence_selectors import evidence_rows_for
from .item_done import AWAITING_SIGNOFF, DONE, is_item_done  # "item done" is defined once there
from .models import CheckoffEvent, Cohort, Enrollment, Item, ItemState, Module, ProgramVersion

# The scopes are the policies' (bootcamp/policies.py); selectors read through them.
from .policies import cohorts_visible_to, enrollments_visible_to, programs_visible_to  # noqa: F401 - re-exported


def program_versions_with_outline() -> QuerySet[ProgramVersion]:
    return ProgramVersion.objects.select_related("program").prefetch_related("modules__items")


# --- the outline of a program version ------------------------------------------------


@dataclass
class ModuleOutline:
    module: Module
    items: list[Item] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return len(self.items)


def version_outlines(version_ids: set[int]) -> dict[int, list[ModuleOutline]]:
    """Modules (in order) with their items (in order), per version: two queries."""
    outlines: dict[int, list[ModuleOutline]] = defaultdict(list)
    by_module = {}
    for module in Module.objects.filter(version_id__in=version_ids).order_by("version_id", "position"):
        by_module[module.pk] = ModuleOutline(module)
        outlines[module.version_id].append(by_module[module.pk])
    for item in Item.objects.filter(module__version_id__in=version_ids).order_by("position"):
        by_module[item.module_id].items.append(item)
    return outlines


def module_due_on(cohort: Cohort, module: Module) -> datetime.date:
    return nth_working_day(cohort.start_on, module.last_day)


def cohort_ends_on(cohort: Cohort) -> datetime.date:
    return nth_working_day(cohort.start_on, cohort.program_version.working_days)


# --- progress ------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleCounts:
    done: int = 0
    awaiting_signoff: int = 0


def module_counts(enrollment_ids) -> dict[tuple[int, int], ModuleCounts]:
    """Done and awaiting-sign-off item counts per (enrollment, module): one grouped query."""
    rows = (
        ItemState.objects.filter(enrollment_id__in=enrollment_ids)
        .values("enrollment_id", "item__module_id")
        .annotate(done=Count("pk", filter=DONE), awaiting=Count("pk", filter=AWAITING_SIGNOFF))
    )
    return {(r["enrollment_id"], r["item__module_id"]): ModuleCounts(r["done"], r["awaiting"]) for r in rows}


@dataclass
class ModuleProgress:
    outline: ModuleOutline
    due_on: datetime.date
    done: int
    awaiting_signoff: int

    @property
    def total(self) -> int:
        return self.outline.item_count

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def waiting_for_signoff(self) -> bool:
        """Not complete, but every open item is checked and waits for the
        lead's sign-off: nothing is left for the installer to do."""
        return not self.complete and self.done + self.awaiting_signoff == self.total

    def overdue_on(self, today: datetime.date) -> bool:
        # A module that only waits for the lead is not the installer's delay:
        # it shows as awaiting sign-off (the lead's counts), never as overdue.
        return not self.complete and not self.waiting_for_signoff and self.due_on < today


@dataclass
class EnrollmentProgress:
    enrollment: Enrollment
    modules: list[ModuleProgress]

    @property
    def done(self) -> int:
        return sum(m.done for m in self.modules)

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules)

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def complete(self) -> bool:
        return all(m.complete for m in self.modules)

    @property
    def awaiting_signoff(self) -> int:
        return sum(m.awaiting_signoff for m in self.modules)

    def overdue_modules(self, today: datetime.date) -> list[ModuleProgress]:
        return [m for m in self.modules if m.overdue_on(today)]


def enrollments_progress(enrollments: list[Enrollment]) -> list[EnrollmentProgress]:
    """Progress of each enrollment (cohort and program version selected):
    three queries whatever the number of enrollments."""
    if not enrollments:
        return []
    outlines = version_outlines({e.cohort.program_version_id for e in enrollments})
    counts = module_counts([e.pk for e in enrollments])
    result = []
    for enrollment in enrollments:
        modules = []
        for outline in outlines[enrollment.cohort.program_version_id]:
            c = counts.get((enrollment.pk, outline.module.pk), ModuleCounts())
            modules.append(
                ModuleProgress(outline, module_due_on(enrollment.cohort, outline.module), c.done, c.awaiting_signoff)
            )
        result.append(EnrollmentProgress(enrollment, modules))
    return result


@dataclass
class CohortSummary:
    cohort: Cohort
    enrolled: int
    progress: float
    overdue: int
    awaiting_signoff: int
    status: str
    ends_on: datetime.date


def cohort_status(cohort: Cohort, progress: list[EnrollmentProgress], today: datetime.date) -> str:
    """planned before the start date; completed once every enrollment is
    complete; running otherwise (also when late: overdue shows that)."""
    if today < cohort.start_on:
        return "planned"
    if progress and all(p.complete for p in progress):
        return "completed"
    return "running"


def cohort_summaries(cohorts: list[Cohort], today: datetime.date) -> list[CohortSummary]:
    """Progress bar, overdue and awaiting counts per cohort: four queries."""
    enrollments = list(
        Enrollment.objects.filter(cohort__in=cohorts, withdrawn_at__isnull=True).select_related(
            "cohort__program_version"
        )
    )
    by_cohort = defaultdict(list)
    for progress in enrollments_progress(enrollments):
        by_cohort[progress.enrollment.cohort_id].append(progress)
    summaries = []
    for cohort in cohorts:
        rows = by_cohort[cohort.pk]
        done, total = sum(p.done for p in rows), sum(p.total for p in rows)
        summaries.append(
            CohortSummary(
                cohort=cohort,
                enrolled=len(rows),
                progress=done / total if total else 0.0,
                overdue=sum(len(p.overdue_modules(today)) for p in rows),
                awaiting_signoff=sum(p.awaiting_signoff for p in rows),
                status=cohort_status(cohort, rows, today),
                ends_on=cohort_ends_on(cohort),
            )
        )
    return summaries


def cohort_matrix(cohort: Cohort, user) -> tuple[list[ModuleOutline], list[EnrollmentProgress]]:
    """Installers by modules for one cohort, those whose records `user` may
    see (a cohort may train pods of other leads): four queries whatever its size."""
    enrollments = list(
        cohort.enrollments.filter(withdrawn_at__isnull=True, installer__in=installers_visible_to(user))
        .select_related("cohort__program_version", "installer__user", "installer__pod")
        .order_by("installer__user__name")
    )
    outlines = version_outlines({cohort.program_version_id})[cohort.program_version_id]
    return outlines, enrollments_progress(enrollments)


def installers_enrollable(cohort: Cohort, user, search: str = "") -> QuerySet:
    """Installers a lead may add to the cohort: of the cohort's pods and in
    the lead's scope, at stage hired, with no active enrollment."""
    queryset = (
        installers_visible_to(user)
        .filter(pod__in=cohort.pods.all(), stage=Stage.HIRED)
        .exclude(Exists(Enrollment.objects.filter(installer=OuterRef("pk"), withdrawn_at__isnull=True)))
        .order_by("user__name")
    )
    return installers_matching(queryset, search) if search else queryset


def enrollment_history(enrollment: Enrollment) -> dict[int, list[CheckoffEvent]]:
    """Every event of the enrollment, per item, in the order they count."""
    history = defaultdict(list)
    for event in enrollment.events.select_related("actor").order_by("effective_at", "id"):
        history[event.item_id].append(event)
    return history


def item_states_of(enrollment: Enrollment) -> dict[int, ItemState]:
    return {state.item_id: state for state in enrollment.item_states.all()}


# --- the API's read shape ----------------------------------------------------------------


def _row_done(row: dict) -> bool:
    return is_item_done(
        checked=row["checked"],
        signed_off=row["signed_off"],
        needs_signoff=row["needs_signoff"],
        needs_evidence=row["needs_evidence"],
        evidence_received=not row["awaiting_evidence"] and row["checked"],
    )


def _waiting_for_signoff(item_rows: list[dict]) -> bool:
    """ModuleProgress.waiting_for_signoff on the read shape's item rows."""
    open_rows = [r for r in item_rows if not _row_done(r)]
    return bool(open_rows) and all(
        r["checked"] and r["needs_signoff"] and not r["awaiting_evidence"] for r in open_rows
    )


def enrollment_states(
    enrollments: list[Enrollment], outlines: dict[int, list[ModuleOutline]] | None = None
) -> list[dict]:
    """The read shape of enrollments (docs/architecture.md, API surface) in four
    queries whatever their number: modules, items, item states, and the photos
    of the checks that need one (that last none while no such item is checked).
    `outlines` the caller has already read (the sync) spare the first two."""
    if not enrollments:
        return []
    versions = {e.cohort.program_version_id for e in enrollments}
    if outlines is None or not versions <= outlines.keys():
        outlines = version_outlines(versions)
    states = {
        (s.enrollment_id, s.item_id): s for s in ItemState.objects.filter(enrollment__in=[e.pk for e in enrollments])
    }
    asks_for_photo = {item.pk for rows in outlines.values() for o in rows for item in o.items if item.needs_evidence}
    photos = evidence_rows_for(
        s.checked_event for s in states.values() if s.checked_event and s.item_id in asks_for_photo
    )
    shaped = []
    for enrollment in enrollments:
        done = total = 0
        module_rows = []
        for outline in outlines[enrollment.cohort.program_version_id]:
            item_rows = []
            for item in outline.items:
                state = states.get((enrollment.pk, item.pk))
                checked = bool(state and state.checked)
                signed_off = bool(state and state.signed_off)
                evidence_received = bool(state and state.evidence_received)
                done += is_item_done(
                    checked=checked,
                    signed_off=signed_off,
                    needs_signoff=item.needs_signoff,
                    needs_evidence=item.needs_evidence,
                    evidence_received=evidence_received,
                )
                total += 1
                item_rows.append(
                    {
                        "id": item.pk,
                        "title": item.title,
                        "kind": item.kind,
                        "needs_signoff": item.needs_signoff,
                        "needs_evidence": item.needs_evidence,
                        "description": item.description,
                        "checked": checked,
                        "signed_off": signed_off,
                        "rejection_comment": state.rejection_comment if state else "",
                        # The check a photo must belong to, and whether one is still to arrive.
                        "checked_event": str(state.checked_event) if state and state.checked_event else None,
                        "awaiting_evidence": checked and item.needs_evidence and not evidence_received,
                        # Photos of the current check only: an earlier check's are history.
                        "evidence": photos.get(state.checked_event, []) if state and state.checked_event else [],
                    }
                )
            module_rows.append(
                {
                    "id": outline.module.pk,
                    "title": outline.module.title,
                    "due_on": module_due_on(enrollment.cohort, outline.module),
                    "complete": all(_row_done(r) for r in item_rows),
                    "waiting_for_signoff": _waiting_for_signoff(item_rows),
                    "items": item_rows,
                }
            )
        shaped.append(
            {
                "id": enrollment.pk,
                "installer": enrollment.installer_id,
                "cohort": enrollment.cohort_id,
                "progress": round(done / total, 4) if total else 0.0,
                "modules": module_rows,
            }
        )
    return shaped
