"""The shape of the organisation: role groups, geographies, verticals, pods and their staffing roles."""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from .. import policies
from ..audit import audit_record, field_changes
from ..models import (
    Geography,
    Pod,
    PodMembership,
    PodRole,
    User,
    Vertical,
)
from ..roles import Role


def role_groups_ensure() -> dict[str, Group]:
    """The four role groups exist (idempotent)."""
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def geography_create(
    *, actor: User | None, code: str, name: str, time_zone: str = "UTC", locale: str = "en"
) -> Geography:
    policies.require(policies.can_shape_organisation(actor))
    geography = Geography(code=code, name=name, time_zone=time_zone, locale=locale)
    geography.full_clean()
    geography.save()
    audit_record(
        actor=actor,
        action="create",
        target=geography,
        changes={"code": code, "name": name, "time_zone": time_zone, "locale": locale},
    )
    return geography


@transaction.atomic
def vertical_create(*, actor: User | None, code: str, name: str) -> Vertical:
    policies.require(policies.can_shape_organisation(actor))
    vertical = Vertical(code=code, name=name)
    vertical.full_clean()
    vertical.save()
    audit_record(actor=actor, action="create", target=vertical, changes={"code": code, "name": name})
    return vertical


@transaction.atomic
def pod_create(*, actor: User | None, code: str, name: str, vertical: Vertical, geography: Geography) -> Pod:
    policies.require(policies.can_shape_organisation(actor))
    pod = Pod(code=code, name=name, vertical=vertical, geography=geography)
    pod.full_clean()
    pod.save()
    audit_record(
        actor=actor,
        action="create",
        target=pod,
        changes={"code": code, "name": name, "vertical": vertical, "geography": geography},
    )
    return pod


def pod_update(*, actor: User | None, pod: Pod, name: str, vertical: Vertical, geography: Geography) -> bool:
    """Rename a pod or move it to another vertical or geography; True if anything changed."""
    policies.require(policies.can_shape_organisation(actor))
    changes = field_changes(pod, name=name, vertical=vertical, geography=geography)
    if not changes:
        return False  # an import of the same file again: no transaction, no write
    with transaction.atomic():
        pod.name, pod.vertical, pod.geography = name, vertical, geography
        pod.full_clean()
        pod.save()
        audit_record(actor=actor, action="update", target=pod, changes=changes)
    return True


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
                % {"date": formats.date_format(current.started_on)}
            }
        )
    return current


@transaction.atomic
def pod_role_assign(
    *, actor: User | None, pod: Pod, role: PodRole | str, user: User, started_on: datetime.date, phone: str = ""
) -> PodMembership:
    """Make `user` the holder of `role` in `pod` from `started_on`.

    The current holder, if any, hands over on that date: their membership ends
    the day the new one starts, so there is never a gap or an overlap.
    """
    policies.require(policies.can_shape_organisation(actor))
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
    audit_record(
        actor=actor,
        action="assign role",
        target=pod,
        changes={
            "role": role.value,
            "user": user,
            "started_on": started_on,
            "handed over by": current and current.user,
        },
    )
    return membership


@transaction.atomic
def pod_role_end(*, actor: User | None, membership: PodMembership, ended_on: datetime.date) -> PodMembership:
    policies.require(policies.can_shape_organisation(actor))
    if membership.ended_on is not None:
        raise ValidationError(
            {"ended_on": _("This role ended on %(date)s already.") % {"date": formats.date_format(membership.ended_on)}}
        )
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": _("A role cannot end before it started.")})
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    audit_record(
        actor=actor, action="end role", target=membership.pod, changes={"role": membership.role, "ended_on": ended_on}
    )
    return membership
