"""Reads of the person page: one installer's record, bootcamp, onboarding and
history, gathered from every app below in a fixed number of queries (it
lives in onboarding, the highest app it reads)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from bootcamp.models import Enrollment
from bootcamp.selectors import EnrollmentProgress, enrollments_progress, enrollments_visible_to
from installer_ops.models import AuditEntry, Installer, PodMembership
from installer_ops.selectors import installer_with_history, pod_contacts

from .consent_selectors import ConsentRow, latest_consent_records
from .models import Clearance, Day1Kit, OutageDrill, ShadowAssignment, ShadowDay
from .selectors import Readiness, readiness_of


@dataclass
class EnrollmentRow:
    """One enrollment as the person page lists it."""

    progress: EnrollmentProgress
    overdue: int

    @property
    def enrollment(self) -> Enrollment:
        return self.progress.enrollment


@dataclass
class ClearanceRow:
    clearance: Clearance
    current: bool


@dataclass
class Person:
    installer: Installer
    contacts: list[PodMembership]
    enrollments: list[EnrollmentRow]
    readiness: Readiness
    kit: Day1Kit | None
    mentors: list[ShadowAssignment]
    shadow_days: list[ShadowDay]
    drills: list[OutageDrill]
    clearances: list[ClearanceRow] = field(default_factory=list)
    consent_records: list[ConsentRow] = field(default_factory=list)

    @property
    def enrollment_ids(self) -> list[int]:
        return [row.enrollment.pk for row in self.enrollments]


def person_of(user, installer_id: int) -> Installer:
    """The installer `user` may see, with their promotions; raises Installer.DoesNotExist."""
    return installer_with_history(user, installer_id)


def person(user, installer: Installer, today: datetime.date) -> Person:
    """Everything the person page shows but the history: the same number of
    queries however many enrollments, shadow days, drills or clearances."""
    enrollments = list(
        enrollments_visible_to(user)
        .filter(installer=installer)
        .select_related("cohort__program_version__program")
        .order_by("-enrolled_at", "-pk")
    )
    rows = [EnrollmentRow(p, len(p.overdue_modules(today))) for p in enrollments_progress(enrollments)]
    kit = (
        Day1Kit.objects.filter(installer=installer)
        .select_related("profile", "runbook_version__document", "playbook_version__document")
        .first()
    )
    clearances = list(
        Clearance.objects.filter(installer=installer).select_related("cleared_by").order_by("-cleared_at", "-pk")
    )
    return Person(
        installer=installer,
        contacts=list(pod_contacts(installer.pod)),
        enrollments=rows,
        readiness=readiness_of([installer], today)[0],
        kit=kit,
        mentors=list(
            ShadowAssignment.objects.filter(installer=installer).select_related("mentor__user").order_by("assigned_at")
        ),
        shadow_days=list(
            ShadowDay.objects.filter(assignment__installer=installer)
            .select_related("assignment__mentor__user")
            .order_by("day")
        ),
        drills=list(
            OutageDrill.objects.filter(installer=installer)
            .select_related("scenario", "run_by")
            .order_by("-scheduled_for", "-pk")
        ),
        # The newest clearance is the one in force while it is valid; the older ones are history.
        clearances=[
            ClearanceRow(c, current=index == 0 and c.valid_until >= today) for index, c in enumerate(clearances)
        ],
        consent_records=latest_consent_records(installer),
    )


def person_history(installer: Installer, enrollment_ids: list[int]) -> QuerySet[AuditEntry]:
    """Audit entries about the installer, their login and their enrollments,
    newest first. Entries name their object by type and id
    (installer_ops/audit.py), so these are matched by type and id."""
    about = Q(object_type=Installer._meta.model_name, object_id=str(installer.pk)) | Q(
        object_type=installer.user._meta.model_name, object_id=str(installer.user_id)
    )
    if enrollment_ids:
        about |= Q(object_type=Enrollment._meta.model_name, object_id__in=[str(pk) for pk in enrollment_ids])
    return AuditEntry.objects.filter(about).select_related("actor").order_by("-at", "-id")
