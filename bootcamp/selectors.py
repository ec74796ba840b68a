"""Reads of the bootcamp, and their scoping by role."""

from collections import defaultdict

from django.db.models import QuerySet

from installer_ops.roles import Role, role_of
from installer_ops.selectors import pods_led_by

from .calendar import nth_working_day
from .models import Enrollment, Item, ItemState, Module


def enrollments_visible_to(user) -> QuerySet[Enrollment]:
    role = role_of(user)
    base = Enrollment.objects.select_related("cohort", "installer__user")
    if role == Role.ADMIN:
        return base
    if role == Role.LEAD:
        return base.filter(installer__pod__in=pods_led_by(user))
    if role == Role.INSTALLER:
        return base.filter(installer__user=user)
    return base.none()


def enrollment_states(enrollments: list[Enrollment]) -> list[dict]:
    """The read shape of enrollments (ARCHITECTURE.md section 7) in three
    queries whatever their number: modules, items, item states."""
    if not enrollments:
        return []
    version_ids = {e.cohort.program_version_id for e in enrollments}
    modules = defaultdict(list)
    for module in Module.objects.filter(version_id__in=version_ids).order_by("position"):
        modules[module.version_id].append(module)
    items = defaultdict(list)
    for item in Item.objects.filter(module__version_id__in=version_ids).order_by("position"):
        items[item.module_id].append(item)
    states = {
        (s.enrollment_id, s.item_id): s for s in ItemState.objects.filter(enrollment__in=[e.pk for e in enrollments])
    }
    shaped = []
    for enrollment in enrollments:
        done = total = 0
        module_rows = []
        for module in modules[enrollment.cohort.program_version_id]:
            item_rows = []
            for item in items[module.pk]:
                state = states.get((enrollment.pk, item.pk))
                checked = bool(state and state.checked)
                signed_off = bool(state and state.signed_off)
                item_done = checked and (signed_off or not item.needs_signoff)
                done += item_done
                total += 1
                item_rows.append(
                    {
                        "id": item.pk,
                        "title": item.title,
                        "kind": item.kind,
                        "needs_signoff": item.needs_signoff,
                        "checked": checked,
                        "signed_off": signed_off,
                        "rejection_comment": state.rejection_comment if state else "",
                    }
                )
            module_rows.append(
                {
                    "id": module.pk,
                    "title": module.title,
                    "due_on": nth_working_day(enrollment.cohort.start_on, module.last_day),
                    "complete": all(
                        row["checked"] and (row["signed_off"] or not row["needs_signoff"]) for row in item_rows
                    ),
                    "items": item_rows,
                }
            )
        shaped.append(
            {
                "id": enrollment.pk,
                "installer": enrollment.installer_id,
                "cohort": enrollment.cohort_id,
                "progress": round(done / total, 4) if total else 0.0,
                "modules": module_rows,
            }
        )
    return shaped
