"""The lead's pending sign-offs (GET /api/v1/signoffs/pending/): what the
lead's tablet keeps offline to sign off in the field, with the photos the
installer sent of each check."""

from installer_ops.models import Stage

from .evidence_selectors import evidence_rows_for
from .item_done import AWAITING_SIGNOFF
from .models import ItemState
from .policies import enrollments_signable_by


def pending_signoffs(user) -> list[dict]:
    """The items `user` can sign off now (bootcamp.item_done.AWAITING_SIGNOFF:
    checked, not signed off, with their photo where one is needed) in the
    active enrollments of the installers whose items they sign off
    (bootcamp.policies.enrollments_signable_by), in the order of the lead's
    queue. Two queries whatever the number of rows: the states with their
    enrollment, installer, cohort, module and item, and the photos."""
    enrollments = enrollments_signable_by(user).filter(withdrawn_at__isnull=True).exclude(installer__stage=Stage.LEFT)
    states = list(
        ItemState.objects.filter(AWAITING_SIGNOFF, enrollment__in=enrollments.values("pk"))
        .select_related("enrollment__installer__user", "enrollment__cohort", "item__module")
        .order_by(
            "enrollment__cohort__name",
            "enrollment__installer__user__name",
            "enrollment_id",
            "item__module__position",
            "item__position",
        )
    )
    photos = evidence_rows_for(s.checked_event for s in states if s.item.needs_evidence)
    return [
        {
            "enrollment": state.enrollment_id,
            "installer": {"id": state.enrollment.installer_id, "name": state.enrollment.installer.user.name},
            "cohort": {"id": state.enrollment.cohort_id, "name": state.enrollment.cohort.name},
            "module": {"id": state.item.module_id, "title": state.item.module.title},
            "item": {
                "id": state.item_id,
                "title": state.item.title,
                "description": state.item.description,
                "needs_evidence": state.item.needs_evidence,
            },
            # The check's effective time: the last change of a checked item
            # that is not signed off is its check (bootcamp/state.py).
            "checked_at": state.changed_at,
            "checked_event": state.checked_event,
            "evidence": photos.get(state.checked_event, []),
        }
        for state in states
    ]
