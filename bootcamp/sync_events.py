"""The bootcamp's sync event kinds, registered with the organisation's sync
endpoint (installer_ops/sync.py) when the app is ready: `item.checked` and
`item.unchecked` from an installer's tablet, `item.signed_off` and
`item.rejected` from a lead's."""

from installer_ops.sync import KindOutcome

from . import selectors, services

ITEM_EVENT_TYPES = ["item.checked", "item.unchecked"]
FIELD_SIGNOFF_TYPES = ["item.signed_off", "item.rejected"]


def enrollment_states_field():
    from .serializers import EnrollmentStateSerializer  # built when the schema is

    return EnrollmentStateSerializer(many=True)


class ItemEvents:
    """Check-offs: stored once per event id, folded into the items' state;
    the answer carries the current state of the sender's enrollments it named."""

    def apply(self, *, actor, device_id, events, received_at) -> KindOutcome:
        outcome = services.item_events_apply(actor=actor, device_id=device_id, events=events, received_at=received_at)
        enrollments = list(selectors.enrollments_visible_to(actor).filter(pk__in=outcome.enrollment_ids))
        states = selectors.enrollment_states(enrollments, outlines=outcome.outlines)
        return KindOutcome(results=outcome.results, answer={"enrollments": states})


class FieldSignoffs:
    """A lead's sign-offs and rejections from the field, judged as on the web;
    the answer carries the current state of the enrollments they named whose
    items the sender signs off."""

    def apply(self, *, actor, device_id, events, received_at) -> KindOutcome:
        outcome = services.field_signoffs_apply(
            actor=actor, device_id=device_id, events=events, received_at=received_at
        )
        enrollments = list(selectors.enrollments_visible_to(actor).filter(pk__in=outcome.enrollment_ids))
        return KindOutcome(results=outcome.results, answer={"enrollments": selectors.enrollment_states(enrollments)})


def register() -> None:
    from installer_ops import sync

    sync.register(ITEM_EVENT_TYPES, ItemEvents(), answer_fields={"enrollments": enrollment_states_field})
    sync.register(FIELD_SIGNOFF_TYPES, FieldSignoffs(), answer_fields={"enrollments": enrollment_states_field})
