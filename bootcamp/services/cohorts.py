"""Cohorts and enrolments."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from installer_ops import values
from installer_ops.audit import audit_record, audit_record_many
from installer_ops.models import Installer, Pod, Stage, User
from installer_ops.policies import installers_visible_to, require
from installer_ops.services import installers_stage_advance

from .. import policies
from ..calendar import nth_working_day
from ..models import Cohort, Enrollment, ProgramVersion


@transaction.atomic
def cohort_create(
    *,
    actor: User | None,
    name: str,
    program_version: ProgramVersion,
    start_on: datetime.date,
    pods: list[Pod],
    capacity: int,
    lead: User | None = None,
) -> Cohort:
    """Plan a cohort for installers of `pods`, led by `lead` (by default the
    actor: a lead plans their own cohorts)."""
    pods = list(pods)
    require(policies.can_plan_cohort(actor, pods))
    lead = lead or actor
    if lead is None:
        raise ValidationError({"lead": _("A cohort needs a lead.")})
    if not program_version.is_published:
        raise ValidationError({"program_version": _("Cohorts run published program versions only.")})
    if not pods:
        raise ValidationError({"pods": _("A cohort is for installers of at least one pod.")})
    name = name.strip()
    cohort = Cohort(name=name, program_version=program_version, start_on=start_on, lead=lead, capacity=capacity)
    _refuse_overlapping_namesake(cohort)  # first: its message says more than the constraint's
    cohort.full_clean()
    try:
        # A form sent twice at once passes both checks above; the
        # database's unique (name, start) lets exactly one of them in.
        with transaction.atomic():
            cohort.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("A cohort with this name starts on this date already.")}) from exc
    cohort.pods.set(pods)
    audit_record(
        actor=actor,
        action="create",
        target=cohort,
        changes={
            "name": name,
            "program_version": program_version,
            "start_on": start_on,
            "lead": lead,
            "pods": pods,
            "capacity": capacity,
        },
    )
    return cohort


def _refuse_overlapping_namesake(cohort: Cohort) -> None:
    """Two cohorts may share a name (a "Berlin December" every year) but
    not a period: leads, installers and reminders tell cohorts apart by it."""
    if not isinstance(cohort.start_on, datetime.date) or values.date_problem(cohort.start_on):
        return  # full_clean refuses the date itself (and 9999-12-31 has no end to compute)
    ends_on = nth_working_day(cohort.start_on, cohort.program_version.working_days)
    for other in Cohort.objects.filter(name__iexact=cohort.name).select_related("program_version"):
        other_ends_on = nth_working_day(other.start_on, other.program_version.working_days)
        if other.start_on <= ends_on and cohort.start_on <= other_ends_on:
            raise ValidationError(
                {
                    "name": _("“%(name)s” already runs from %(start)s to %(end)s; choose another name.")
                    % {"name": other.name, "start": date_format(other.start_on), "end": date_format(other_ends_on)}
                }
            )


@transaction.atomic
def enrollment_bulk_create(*, actor: User | None, cohort: Cohort, installers: list[Installer]) -> list[Enrollment]:
    """Enrol installers in a cohort, all or none: each must be of one of the
    cohort's pods, at stage hired, without an active enrollment, and the
    cohort must have room. Their stage moves to bootcamp. The actor must be
    the cohort's lead or an administrator, and see every installer enrolled."""
    require(policies.can_enrol(actor, cohort), _("Only the cohort's lead enrols installers in it."))
    if actor is not None and installers_visible_to(actor).filter(pk__in=[i.pk for i in installers]).count() != len(
        {i.pk for i in installers}
    ):
        raise ValidationError({"installers": _("Choose installers of the pods you lead.")})
    if not installers:
        raise ValidationError({"installers": _("Choose at least one installer.")})
    # Lock the cohort so that two concurrent bulk enrolments cannot both pass
    # the capacity check, and the installers so that their stage is current.
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    fresh = Installer.objects.select_for_update().select_related("user").in_bulk([i.pk for i in installers])
    installers = [fresh[i.pk] for i in installers]  # the caller's order: enrollments come back in it
    pod_ids = set(cohort.pods.values_list("pk", flat=True))
    already = set(
        Enrollment.objects.filter(installer__in=installers, withdrawn_at__isnull=True).values_list(
            "installer", flat=True
        )
    )
    errors = []
    for installer in installers:
        if installer.pod_id not in pod_ids:
            errors.append(_("%(name)s is not in one of the cohort's pods.") % {"name": installer.name})
        elif installer.pk in already:
            errors.append(_("%(name)s already has an active enrollment.") % {"name": installer.name})
        elif installer.stage != Stage.HIRED:
            errors.append(
                _("%(name)s is at stage %(stage)s, not hired.")
                % {"name": installer.name, "stage": Stage(installer.stage).label}
            )
    taken = cohort.enrollments.filter(withdrawn_at__isnull=True).count()
    if taken + len(installers) > cohort.capacity:
        errors.append(_("The cohort has %(free)s free places.") % {"free": max(cohort.capacity - taken, 0)})
    if errors:
        raise ValidationError({"installers": errors})
    enrollments = Enrollment.objects.bulk_create([Enrollment(cohort=cohort, installer=i) for i in installers])
    audit_record_many(actor=actor, action="enrol", targets=enrollments)
    installers_stage_advance(actor=actor, installers=installers, stage=Stage.BOOTCAMP)
    return enrollments
