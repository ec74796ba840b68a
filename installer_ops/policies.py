"""Who may see and do what in the organisation: the scopes that selectors
and services share, and the predicates the services ask before they write.
Each rule is written here once; pages, the API, the admin, the importer,
commands and jobs reach it through the services and selectors.

`actor=None` is the system itself (a job, the importer run by an operator,
a command): it may do anything a rule allows at all."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from .models import Installer, Pod, PodMembership, PodRole
from .roles import Role, role_of

# --- scopes -------------------------------------------------------------------------------


def pods_led_by(user) -> QuerySet[Pod]:
    """Pods in which the user is the active installer lead."""
    return Pod.objects.filter(
        Exists(
            PodMembership.objects.filter(
                pod=OuterRef("pk"), user=user, role=PodRole.INSTALLER_LEAD, ended_on__isnull=True
            )
        )
    )


def pods_visible_to(user) -> QuerySet[Pod]:
    """Pods whose names and aggregates the user sees (the organisation's shape)."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.EXECUTIVE):
        return Pod.objects.all()
    if role == Role.LEAD:
        return pods_led_by(user)
    if role == Role.INSTALLER:
        return Pod.objects.filter(installers__user=user)
    return Pod.objects.none()


def installers_visible_to(user) -> QuerySet[Installer]:
    """Installers whose personal records the user may see: a lead those of
    the pods they lead, an installer themself, an admin everyone. Executives
    see aggregates only, never an installer's record."""
    role = role_of(user)
    base = Installer.objects.select_related("user", "pod")
    if role == Role.ADMIN:
        return base
    if role == Role.LEAD:
        return base.filter(pod__in=pods_led_by(user))
    if role == Role.INSTALLER:
        return base.filter(user=user)
    return base.none()


# --- predicates ---------------------------------------------------------------------------


def is_system_or_admin(actor) -> bool:
    return actor is None or role_of(actor) == Role.ADMIN


def can_shape_organisation(actor) -> bool:
    """Geographies, verticals, pods and their staffing roles: administrators."""
    return is_system_or_admin(actor)


def can_hire_into(actor, pod: Pod) -> bool:
    """A lead hires into the pods they lead; an administrator into any pod."""
    if is_system_or_admin(actor):
        return True
    return role_of(actor) == Role.LEAD and pods_led_by(actor).filter(pk=pod.pk).exists()


def can_change_installer(actor, installer: Installer) -> bool:
    """Promotions and separations: the lead of the installer's pod, or an administrator."""
    return can_hire_into(actor, installer.pod)


def can_manage_account(actor, user) -> bool:
    """A login's password, language and API token: the person themself (a
    valid reset or invitation link proves it), or the system."""
    return actor is None or (actor.is_authenticated and actor.pk == user.pk)


def can_revoke_api_token(actor, user) -> bool:
    """The person themself, or an administrator (a key leaked, a laptop
    lost). Nobody but the person creates one: the key is shown only to them."""
    return can_manage_account(actor, user) or role_of(actor) == Role.ADMIN


def can_read_audit_log(actor) -> bool:
    return actor is not None and role_of(actor) == Role.ADMIN


def can_read_person_history(actor, installer: Installer) -> bool:
    """The history of one person's record: administrators, and the lead of
    the installer's pod, who made most of those changes and answers for
    them. The whole log (every object, the CSV) stays the administrators'."""
    return can_read_audit_log(actor) or can_change_installer(actor, installer)


def require(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (a 403 on every door) unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))
