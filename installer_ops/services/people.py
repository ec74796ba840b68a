"""People: logins, hires, corrections, promotions, separations and the lifecycle stage."""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import policies
from ..audit import audit_record, audit_record_many_changes, field_changes
from ..invitations import invitation_mail_after_commit
from ..login_sessions import login_access_end
from ..models import (
    STAGE_ORDER,
    HiringSource,
    Installer,
    Level,
    Pod,
    Promotion,
    Stage,
    User,
)
from ..roles import Role


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    name: str,
    email: str = "",
    role: Role | None = None,
    password: str | None = None,
) -> User:
    """A login. Without a password the account cannot log in until one is set."""
    policies.require(policies.is_system_or_admin(actor))
    user = _login_create(username=username, name=name, email=email, role=role, password=password)
    changes = {"username": username, "name": name, "email": email, "role": role or ""}
    if password:
        changes["password"] = password  # recorded as changed, never its value
    audit_record(actor=actor, action="create", target=user, changes=changes)
    return user


def _login_create(*, username: str, name: str, email: str, role: Role | None, password: str | None) -> User:
    """The login itself, for user_create and installer_hire (whose own entry records it)."""
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
def installer_hire(
    *,
    actor: User | None,
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
    policies.require(policies.can_hire_into(actor, pod))
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
    email = email.strip()
    # Sign-on, invitations and password resets find a person by email: two
    # active logins sharing one would be ambiguous (single sign-on refuses both).
    if email and User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": _("This email belongs to another active login.")})
    user = _login_create(username=username, name=name.strip(), email=email, role=Role.INSTALLER, password=password)
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
    audit_record(
        actor=actor,
        action="hire",
        target=installer,
        changes={
            "employee_id": employee_id,
            "pod": pod,
            "level": installer.level,
            "hiring_source": hiring_source,
            "hired_on": hired_on,
            "login": username,
            "email": email,
            **({"password": password} if password else {}),  # recorded as changed, never its value
        },
    )
    if email and not password:
        # The login has no usable password yet: the new hire sets one through the invitation's link.
        invitation_mail_after_commit(user)
    return installer


def installer_update(*, actor: User | None, installer: Installer, name: str, pod: Pod) -> bool:
    """Correct an installer's name or move them to another pod (the importer
    keeps records in step with the HR file); True if anything changed. A move
    between pods needs the right to change the installer and to hire into the new pod."""
    policies.require(policies.can_change_installer(actor, installer) and policies.can_hire_into(actor, pod))
    # Nothing to change (an import of the same file again): no transaction, lock or write.
    if not (field_changes(installer, pod=pod) | field_changes(installer.user, name=name.strip())):
        return False
    with transaction.atomic():
        installer = _locked(installer)
        changes = field_changes(installer, pod=pod) | field_changes(installer.user, name=name.strip())
        if not changes:
            return False
        if "name" in changes:
            installer.user.name = name.strip()
            installer.user.full_clean()
            installer.user.save(update_fields=["name"])
        if "pod" in changes:
            installer.pod = pod
            installer.full_clean()
            installer.save(update_fields=["pod", "updated_at"])
        audit_record(actor=actor, action="update", target=installer, changes=changes)
    return True


def _locked(installer: Installer) -> Installer:
    """Re-read the installer under a row lock: concurrent promotions or
    separations of one person must not interleave."""
    return Installer.objects.select_for_update().select_related("user").get(pk=installer.pk)


@transaction.atomic
def installer_promote(
    *, actor: User | None, installer: Installer, to_level: Level | int, effective_on: datetime.date
) -> Promotion:
    """Record a promotion to a higher level and move the installer to it."""
    policies.require(policies.can_change_installer(actor, installer))
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
                % {"date": formats.date_format(installer.hired_on)}
            }
        )
    latest = installer.promotions.order_by("-effective_on").first()
    if latest is not None and effective_on < latest.effective_on:
        raise ValidationError(
            {
                "effective_on": _("The last promotion took effect on %(date)s; promotions are recorded in order.")
                % {"date": formats.date_format(latest.effective_on)}
            }
        )
    promotion = Promotion(
        installer=installer, from_level=installer.level, to_level=to_level, effective_on=effective_on, recorded_by=actor
    )
    promotion.full_clean()
    promotion.save()
    audit_record(
        actor=actor,
        action="promote",
        target=installer,
        changes={"level": (promotion.from_level, to_level.value), "effective_on": effective_on},
    )
    installer.level = to_level
    installer.save(update_fields=["level", "updated_at"])
    return promotion


@transaction.atomic
def installer_separate(
    *, actor: User | None, installer: Installer, left_on: datetime.date, voluntary: bool
) -> Installer:
    """Record that an installer left, on which date and whether voluntarily.
    Their access ends at once, in this transaction: the login is
    deactivated, its sessions deleted and its API token revoked."""
    policies.require(policies.can_change_installer(actor, installer))
    installer = _locked(installer)
    if installer.has_left:
        raise ValidationError(
            {
                "left_on": _("%(name)s left on %(date)s already.")
                % {"name": installer.name, "date": formats.date_format(installer.left_on)}
            }
        )
    if left_on < installer.hired_on:
        raise ValidationError(
            {
                "left_on": _("A separation cannot precede the hire date (%(date)s).")
                % {"date": formats.date_format(installer.hired_on)}
            }
        )
    latest = installer.promotions.order_by("-effective_on").first()
    if latest is not None and left_on < latest.effective_on:
        raise ValidationError(
            {
                "left_on": _("A promotion took effect on %(date)s, after this date.")
                % {"date": formats.date_format(latest.effective_on)}
            }
        )
    before = installer.stage
    installer.stage = Stage.LEFT
    installer.left_on = left_on
    installer.left_voluntarily = voluntary
    installer.full_clean()
    installer.save(update_fields=["stage", "left_on", "left_voluntarily", "updated_at"])
    installer.user.is_active = False
    installer.user.save(update_fields=["is_active"])
    ended = login_access_end(installer.user)
    audit_record(
        actor=actor,
        action="separate",
        target=installer,
        changes={"stage": (before, Stage.LEFT.value), "left_on": left_on, "left_voluntarily": voluntary, **ended},
    )
    return installer


@transaction.atomic
def installers_stage_advance(*, actor: User | None, installers: list[Installer], stage: Stage | str) -> list[Installer]:
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
    moving = [i for i in locked if i.stage != stage]
    if moving:
        Installer.objects.filter(pk__in=[i.pk for i in moving]).update(stage=stage, updated_at=timezone.now())
        audit_record_many_changes(actor=actor, action="advance stage", targets=moving, field="stage", after=stage)
    for installer in locked:
        installer.stage = stage
    return locked


def installer_stage_advance(*, actor: User | None, installer: Installer, stage: Stage | str) -> Installer:
    """installers_stage_advance for one installer."""
    return installers_stage_advance(actor=actor, installers=[installer], stage=stage)[0]
