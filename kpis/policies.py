"""Who may read which KPI figures, and the field data behind them.

KPIs are aggregates: executives and administrators read every scope. A lead
reads the organisation-wide figures (to compare against) and those of the
pods they lead and of the cohorts they see; another pod's or cohort's
figures are outside their scope and answer exactly as an unknown id does.
Installers read no KPI."""

from bootcamp.models import Cohort
from bootcamp.policies import cohorts_visible_to
from installer_ops.models import Geography, Pod, Vertical
from installer_ops.policies import pods_led_by, pods_visible_to
from installer_ops.roles import Role, role_of

from .models import Scope
from .sources import source_exists

KPI_READERS = (Role.EXECUTIVE, Role.ADMIN, Role.LEAD)
KPI_RECOMPUTERS = (Role.EXECUTIVE, Role.ADMIN)
# Executives read the targets their dashboard compares against; only
# administrators set them.
KPI_TARGET_READERS = (Role.EXECUTIVE, Role.ADMIN)
# Field rows name the installer and an audit's findings: personal records,
# which executives (aggregates only) do not read.
FIELD_DATA_READERS = (Role.ADMIN, Role.LEAD)

SCOPE_MODELS = {Scope.GEOGRAPHY: Geography, Scope.VERTICAL: Vertical, Scope.POD: Pod, Scope.COHORT: Cohort}


def can_read_kpis(user) -> bool:
    return role_of(user) in KPI_READERS


def can_recompute_kpis(user) -> bool:
    # None: the system (the nightly job, an import's follow-up recompute).
    return user is None or role_of(user) in KPI_RECOMPUTERS


def can_read_kpi_targets(user) -> bool:
    return role_of(user) in KPI_TARGET_READERS


def can_set_kpi_targets(user) -> bool:
    # None: the system (the demo seed).
    return user is None or role_of(user) == Role.ADMIN


def can_import_field_data(user) -> bool:
    """Field data comes from administrators and the integrations' service
    accounts (which hold the administrator role), or the system (the command)."""
    return user is None or role_of(user) == Role.ADMIN


def scope_exists(scope: str, scope_id: int) -> bool:
    """Whether `scope_id` names an existing geography, vertical, pod, cohort or hiring source."""
    if scope == Scope.SOURCE:
        return source_exists(scope_id)
    return SCOPE_MODELS[scope].objects.filter(pk=scope_id).exists()


def kpi_scope_readable(user, scope: str, scope_id: int) -> bool:
    """True if `scope_id` names an existing object of `scope` whose figures
    `user` may read (the organisation has no id). False for an unknown id and
    for one outside the user's scope alike, so that a refusal tells nothing."""
    if scope == Scope.ORG:
        return True
    role = role_of(user)
    if role in (Role.ADMIN, Role.EXECUTIVE):
        return scope_exists(scope, scope_id)
    if role != Role.LEAD:
        return False
    if scope == Scope.POD:
        return pods_led_by(user).filter(pk=scope_id).exists()
    if scope == Scope.COHORT:
        return cohorts_visible_to(user).filter(pk=scope_id).exists()
    # A geography, a vertical or a hiring source: aggregates over many pods.
    return scope_exists(scope, scope_id)


def can_read_field_data(user) -> bool:
    return role_of(user) in FIELD_DATA_READERS


def field_rows_visible_to(user, queryset, pod_path: str = "pod"):
    """Field data (nodes, installs, visits, incidents, audits) of the pods
    the user leads, or all of it for an administrator; nothing for anyone else."""
    if not can_read_field_data(user):
        return queryset.none()
    return queryset.filter(**{f"{pod_path}__in": pods_visible_to(user)})
