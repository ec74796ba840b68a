"""KPI targets: the organisation's default per KPI and overrides per scope
(geography, vertical, pod, cohort, hiring source), which the dashboard compares each
figure against. Set, changed and removed here, by whichever door (the
targets page, the admin), with the policy, the value rules and the audit.

Targets are stored as the dashboard reads them: a rate as a fraction (0 to
1), hours and days as such. Pages show and take rates in percent."""

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from installer_ops.audit import audit_record
from installer_ops.policies import require
from installer_ops.unique_rows import save_unique

from . import policies
from .models import KpiCode, KpiTarget, Scope
from .registry import REGISTRY

# The largest target a KPI in hours or days may have: ten years. Beyond it a
# value is a typing mistake, not a target.
MAX_DURATION = {"h": 87_600.0, "d": 3_650.0}
SCOPE_ORDER = [Scope.ORG, Scope.GEOGRAPHY, Scope.VERTICAL, Scope.POD, Scope.COHORT, Scope.SOURCE]


def target_bounds(kpi: str) -> tuple[float, float]:
    """The range a target of `kpi` lies in, as stored."""
    unit = REGISTRY[kpi].unit
    return (0.0, 1.0) if unit == "%" else (0.0, MAX_DURATION[unit])


def kpi_target_validate(*, kpi: str, scope: str, scope_id: int, target) -> float:
    """The target as stored, or a ValidationError naming the field (kpi, scope
    or target): the service's checks, for a form to show before it saves."""
    if kpi not in REGISTRY:
        raise ValidationError({"kpi": _("Choose a KPI.")})
    if scope not in REGISTRY[kpi].scopes:
        raise ValidationError({"scope": _("This KPI has no figures for that scope.")})
    if scope == Scope.ORG:
        if scope_id:
            raise ValidationError({"scope": _("The organisation has no id.")})
    elif not policies.scope_exists(scope, scope_id):
        raise ValidationError({"scope": _("Choose an existing %(scope)s.") % {"scope": Scope(scope).label.lower()}})
    try:
        value = float(target)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError({"target": _("Enter a number.")}) from exc
    low, high = target_bounds(kpi)
    if not math.isfinite(value) or not low <= value <= high:
        if REGISTRY[kpi].unit == "%":
            message = _("A rate's target lies between 0 % and 100 %.")
        else:
            message = _("This target lies between 0 and %(high)s %(unit)s.") % {
                "high": f"{high:g}",
                "unit": REGISTRY[kpi].unit,
            }
        raise ValidationError({"target": message})
    return value


@transaction.atomic
def kpi_target_set(*, actor, kpi: str, scope: str, scope_id: int = 0, target) -> KpiTarget:
    """Set the target of `kpi` for one scope (the organisation's default when
    `scope` is org), creating or changing it."""
    require(policies.can_set_kpi_targets(actor))
    value = kpi_target_validate(kpi=kpi, scope=scope, scope_id=scope_id, target=target)
    existing = KpiTarget.objects.select_for_update().filter(kpi=kpi, scope=scope, scope_id=scope_id).first()
    if existing is None:
        row = KpiTarget(kpi=kpi, scope=scope, scope_id=scope_id, target=value)
        row.full_clean()
        save_unique(row)
        audit_record(
            actor=actor,
            action="create",
            target=row,
            changes={"kpi": kpi, "scope": scope, "scope_id": scope_id, "target": value},
        )
        return row
    if existing.target != value:
        before = existing.target
        existing.target = value
        existing.full_clean()
        existing.save(update_fields=["target"])
        audit_record(actor=actor, action="update", target=existing, changes={"target": (before, value)})
    return existing


@transaction.atomic
def kpi_target_remove(*, actor, target: KpiTarget) -> None:
    """Remove a target: an override falls back to the organisation's default,
    the default to no target at all."""
    require(policies.can_set_kpi_targets(actor))
    row = KpiTarget.objects.select_for_update().filter(pk=target.pk).first()
    if row is None:
        return
    audit_record(actor=actor, action="delete", target=row, changes={"target": row.target})
    row.delete()


# --- reading ---------------------------------------------------------------------------------


@dataclass
class TargetRow:
    target: KpiTarget
    scope_label: str
    name: str


@dataclass
class KpiTargets:
    kpi: str
    label: str
    unit: str
    lower_is_better: bool
    scopes: list[str]
    default: KpiTarget | None = None
    overrides: list[TargetRow] = field(default_factory=list)


def kpi_targets_overview(*, names: dict) -> list[KpiTargets]:
    """Every KPI in the registry's order with its default and overrides, the
    overrides by scope and name: one query (plus the caller's `names`,
    (scope, id) -> name, kpis.selectors.scope_names)."""
    rows = {
        kpi: KpiTargets(kpi, KpiCode(kpi).label, spec.unit, spec.lower_is_better, list(spec.scopes))
        for kpi, spec in REGISTRY.items()
    }
    for target in KpiTarget.objects.all():
        entry = rows.get(target.kpi)
        if entry is None:
            continue
        if target.scope == Scope.ORG:
            entry.default = target
        else:
            name = names.get((target.scope, target.scope_id), f"#{target.scope_id}")
            entry.overrides.append(TargetRow(target, Scope(target.scope).label, name))
    for entry in rows.values():
        entry.overrides.sort(key=lambda row: (SCOPE_ORDER.index(row.target.scope), row.name.lower()))
    return list(rows.values())
