"""The four roles of docs/architecture.md, Roles and access, held as Django groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INSTALLER = "installer", _("Installer")
    LEAD = "lead", _("Field-ops lead")
    EXECUTIVE = "executive", _("Executive")
    ADMIN = "admin", _("Administrator")


# When a person holds several roles, the widest one decides what they see.
_PRECEDENCE = [Role.ADMIN, Role.EXECUTIVE, Role.LEAD, Role.INSTALLER]


def role_of(user) -> Role | None:
    """The user's effective role, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_installer_ops_role", False)
    if cached is not False:
        return cached
    if user.is_superuser:
        role = Role.ADMIN
    else:
        names = set(user.groups.values_list("name", flat=True))
        role = next((r for r in _PRECEDENCE if r.value in names), None)
    user._installer_ops_role = role
    return role
