"""Writes to the organisation. Every change of an installer or a pod role goes
through one of these functions, whatever the caller (API, page, admin, import,
seed). Each takes the `actor` (None: the system), asks the policies whether
the actor may, refuses what makes no sense with a ValidationError naming the
field, and writes its audit entry in its own transaction.

One module per concern; callers import the package."""

from .organisation import (
    geography_create,
    pod_create,
    pod_role_assign,
    pod_role_assign_validate,
    pod_role_end,
    pod_update,
    role_groups_ensure,
    vertical_create,
)
from .people import (
    installer_hire,
    installer_promote,
    installer_separate,
    installer_stage_advance,
    installer_update,
    installers_stage_advance,
    user_create,
)

__all__ = [
    "geography_create",
    "installer_hire",
    "installer_promote",
    "installer_separate",
    "installer_stage_advance",
    "installer_update",
    "installers_stage_advance",
    "pod_create",
    "pod_role_assign",
    "pod_role_assign_validate",
    "pod_role_end",
    "pod_update",
    "role_groups_ensure",
    "user_create",
    "vertical_create",
]
