"""Writes to the organisation. Every change of an installer or a pod role goes
through one of these functions, whatever the caller (API, page, admin, import,
seed); each refuses what makes no sense with a ValidationError naming the field.
"""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    STAGE_ORDER,
    Geography,
    HiringSource,
    Installer,
    Level,
    Pod,
    PodMembership,
    PodRole,
    Promotion,
    Stage,
    User,
    Vertical,
)
from .roles import Role


def role_groups_ensure() -> dict[str, Group]:
    """The four role groups exist (idempotent)."""
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def user_create(
    *,
    username: str,
    name: str,
    email: str = "",
    role: Role | None = None,
    password: str | None = None,
) -> User:
    """A login. Without a password the account cannot log in until one is set."""
    user = User(username=username, name=name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    if role == Role.ADMIN:
        user.is_staff = True
        user.is_superuser = True
    user.full_clean()
    user.save()
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@transaction.atomic
def geography_create(*, code: str, name: str, time_zone: str = "UTC", locale: str = "en") -> Geography:
    geography = Geography(code=code, name=name, time_zone=time_zone, locale=locale)
    geography.full_clean()
    geography.save()
    return geography


@transaction.atomic
def vertical_create(*, code: str, name: str) -> Vertical:
    vertical = Vertical(code=code, name=name)
    vertical.full_clean()
    vertical.save()
    return vertical


@transaction.atomic
def pod_create(*, code: str, name: str, vertical: Vertical, geography: Geography) -> Pod:
    pod = Pod(code=code, name=name, vertical=vertical, geography=geography)
    pod.full_clean()
    pod.save()
    return pod


def pod_role_assign_validate(
    *, pod: Pod, role: PodRole | str, user: User, started_on: datetime.date
) -> PodMembership | None:
    """Check a hand-over of `role` in `pod` to `user`; returns the current
    holder's membership (to be ended), or None when the role is vacant."""
    current = PodMembership.objects.filter(pod=pod, role=PodRole(role), ended_on__isnull=True).first()
    if current is None:
        return None
    if current.user_id == user.pk:
        raise ValidationError({"user": _("%(name)s already holds this role.") % {"name": user}})
    if started_on < current.started_on:
        raise ValidationError(
            {
                "started_on": _("The current holder started on %(date)s; a handover cannot start earlier.")
                % {"date": current.started_on.isoformat()}
            }
        )
    return current


@transaction.atomic
def pod_role_assign(
    *, pod: Pod, role: PodRole | str, user: User, started_on: datetime.date, phone: str = ""
) -> PodMembership:
    """Make `user` the holder of `role` in `pod` from `started_on`.

    The current holder, if any, hands over on that date: their membership ends
    the day the new one starts, so there is never a gap or an overlap.
    """
    role = PodRole(role)
    # Lock the pod so that two concurrent assignments of one role serialise.
    Pod.objects.select_for_update().filter(pk=pod.pk).first()
    current = pod_role_assign_validate(pod=pod, role=role, user=user, started_on=started_on)
    if current is not None:
        current.ended_on = started_on
        current.full_clean()
        current.save(update_fields=["ended_on"])
    membership = PodMembership(pod=pod, role=role, user=user, started_on=started_on, phone=phone)
    membership.full_clean()
    membership.save()
    if role == PodRole.INSTALLER_LEAD:
        user.groups.add(Group.objects.get_or_create(name=Role.LEAD.value)[0])
    return membership


@transaction.atomic
def pod_role_end(*, membership: PodMembership, ended_on: datetime.date) -> PodMembership:
    if membership.ended_on is not None:
        raise ValidationError(
            {"ended_on": _("This role ended on %(date)s already.") % {"date": membership.ended_on.isoformat()}}
        )
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": _("A role cannot end before it started.")})
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    return membership


@transaction.atomic
def installer_hire(
    *,
    employee_id: str,
    name: str,
    pod: Pod,
    hired_on: datetime.date,
    level: Level | int = Level.INSTALLER_1,
    hiring_source: HiringSource | str = "",
    email: str = "",
    username: str | None = None,
    password: str | None = None,
) -> Installer:
    """A new installer with a login, at stage `hired`."""
    employee_id = employee_id.strip()
    if not employee_id:
        raise ValidationError({"employee_id": _("An employee id is required.")})
    if not name.strip():
        raise ValidationError({"name": _("A name is required.")})
    if Installer.objects.filter(employee_id=employee_id).exists():
        raise ValidationError({"employee_id": _("An installer with this employee id exists already.")})
    username = (username or employee_id).strip().lower()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This login name is taken.")})
    user = user_create(username=username, name=name.strip(), email=email, role=Role.INSTALLER, password=password)
    installer = Installer(
        user=user,
        employee_id=employee_id,
        pod=pod,
        level=Level(level),
        hiring_source=hiring_source,
        hired_on=hired_on,
        stage=Stage.HIRED,
    )
    installer.full_clean()
    installer.save()
    return installer


def _locked(installer: Installer) -> Installer:
    """Re-read the installer under a row lock: concurrent promotions or
    separations of one person must not interleave."""
    return Installer.objects.select_for_update().select_related("user").get(pk=installer.pk)


@transaction.atomic
def installer_promote(
    *, installer: Installer, to_level: Level | int, effective_on: datetime.date, by: User | None = None
) -> Promotion:
    """Record a promotion to a higher level and move the installer to it."""
    installer = _locked(installer)
    to_level = Level(to_level)
    if installer.has_left:
        raise ValidationError(
            {"installer": _("%(name)s has left; a promotion makes no sense.") % {"name": installer.name}}
        )
    if to_level <= installer.level:
        raise ValidationError(
            {"to_level": _("A promotion goes to a level above %(level)s.") % {"level": Level(installer.level).label}}
        )
    if effective_on < installer.hired_on:
        raise ValidationError(
            {
                "effective_on": _("A promotion cannot take effect before the hire date (%(date)s).")
                % {"date": installer.hired_on.isoformat()}
            }
        )
    latest = installer.promotions.order_by("-effective_on").first()
    if latest is not None and effective_on < latest.effective_on:
        raise ValidationError(
            {
                "effective_on": _("The last promotion took effect on %(date)s; promotions are recorded in order.")
                % {"date": latest.effective_on.isoformat()}
            }
        )
    promotion = Promotion(
        installer=installer, from_level=installer.level, to_level=to_level, effective_on=effective_on, recorded_by=by
    )
    promotion.full_clean()
    promotion.save()
    installer.level = to_level
    installer.save(update_fields=["level", "updated_at"])
    return promotion


@transaction.atomic
def installer_separate(
    *, installer: Installer, left_on: datetime.date, voluntary: bool, by: User | None = None
) -> Installer:
    """Record that an installer left, on which date and whether voluntarily.
    Their login is deactivated: they no longer reach the product."""
    installer = _locked(installer)
    if installer.has_left:
        raise ValidationError(
            {
                "left_on": _("%(name)s left on %(date)s already.")
                % {"name": installer.name, "date": installer.left_on.isoformat()}
            }
        )
    if left_on < installer.hired_on:
        raise ValidationError(
            {
                "left_on": _("A separation cannot precede the hire date (%(date)s).")
                % {"date": installer.hired_on.isoformat()}
            }
        )
    latest = installer.promotions.order_by("-effective_on").first()
    if latest is not None and left_on < latest.effective_on:
        raise ValidationError(
            {
                "left_on": _("A promotion took effect on %(date)s, after this date.")
                % {"date": latest.effective_on.isoformat()}
            }
        )
    installer.stage = Stage.LEFT
    installer.left_on = left_on
    installer.left_voluntarily = voluntary
    installer.full_clean()
    installer.save(update_fields=["stage", "left_on", "left_voluntarily", "updated_at"])
    installer.user.is_active = False
    installer.user.save(update_fields=["is_active"])
    return installer


@transaction.atomic
def installers_stage_advance(*, installers: list[Installer], stage: Stage | str) -> list[Installer]:
    """Move installers forward in the lifecycle (hired → bootcamp →
    onboarding → cleared), all or none. Higher apps call this when their
    records say so; it never moves backwards and never marks a separation
    (installer_separate). Two queries whatever the number of installers."""
    stage = Stage(stage)
    if stage == Stage.LEFT:
        raise ValidationError({"stage": _("Use a separation to record that someone left.")})
    # Re-read under lock: the callers' objects may be stale.
    locked = list(
        Installer.objects.select_for_update()
        .select_related("user")
        .filter(pk__in=[i.pk for i in installers])
        .order_by("pk")
    )
    errors = []
    for installer in locked:
        if installer.has_left:
            errors.append(_("%(name)s has left.") % {"name": installer.name})
        elif STAGE_ORDER.index(stage) < STAGE_ORDER.index(Stage(installer.stage)):
            errors.append(
                _("%(name)s is at %(current)s and cannot go back to %(stage)s.")
                % {"name": installer.name, "current": Stage(installer.stage).label, "stage": stage.label}
            )
    if errors:
        raise ValidationError({"stage": errors})
    moving = [i.pk for i in locked if i.stage != stage]
    if moving:
        Installer.objects.filter(pk__in=moving).update(stage=stage, updated_at=timezone.now())
    for installer in locked:
        installer.stage = stage
    return locked


def installer_stage_advance(*, installer: Installer, stage: Stage | str) -> Installer:
    """installers_stage_advance for one installer."""
    return installers_stage_advance(installers=[installer], stage=stage)[0]
