"""Check-off events: an installer's tablet events (through the sync
registry) and a lead's sign-offs from the web, folded into each item's state.
A lead's field sign-offs from a tablet are services/field_signoffs.py; both
sign-off doors judge by bootcamp/signoff_rules.py."""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops.models import Installer, User
from installer_ops.sync import SyncResult

from .. import policies
from ..models import CheckoffEvent, Enrollment, EventType, Evidence, Item, ItemState
from ..selectors import ModuleOutline, version_outlines
from ..signoff_rules import SIGNOFF_ACTIONS, ItemNow, decision_time, signoff_error, signoff_refusal
from ..state import FoldEvent, effective_time, fold_item_events
from ..sync_input import Incoming, parse_event, replay_result

INSTALLER_EVENT_TYPES = {EventType.CHECKED.value, EventType.UNCHECKED.value}


@dataclass
class ItemEventsOutcome:
    results: list[SyncResult]
    # The enrollments the events named that belong to their sender: the ones
    # whose state the sync answer carries.
    enrollment_ids: list[int] = field(default_factory=list)
    # Their program versions' outlines, read once: they judged the events'
    # items and the answer shows them (bootcamp/sync_events.py).
    outlines: dict[int, list[ModuleOutline]] = field(default_factory=dict)


@transaction.atomic(savepoint=False)  # inside the sync batch's transaction: no savepoint
def item_events_apply(
    *, actor: User, device_id: str, events: list, received_at: datetime.datetime
) -> ItemEventsOutcome:
    """Apply a batch's item.* events of an installer's device (called by the
    sync registry, installer_ops/sync.py; docs/architecture.md, Sync protocol).

    One result per event: applied, duplicate (same id, same content),
    conflict (same id, other content; nothing stored) or rejected with a
    reason. One bad event never fails the others. Runs a fixed number of queries."""
    # The installer's row lock serialises concurrent batches (two tabs, two
    # devices) so that a replay racing its original stores one row.
    installer = Installer.objects.select_for_update().filter(user=actor).first()

    parsed = [parse_event(raw, device_id, types=INSTALLER_EVENT_TYPES) for raw in events]
    incoming = [p for p in parsed if isinstance(p, Incoming)]
    stored = CheckoffEvent.objects.in_bulk([e.id for e in incoming])
    enrollments = (
        Enrollment.objects.select_related("cohort").in_bulk({e.enrollment_id for e in incoming}) if installer else {}
    )
    own = {pk: enrollment for pk, enrollment in enrollments.items() if enrollment.installer_id == installer.pk}
    # An event's item must be one of its enrollment's program version: read
    # from the outlines of the sender's enrollments (never changed once
    # published), which the answer shows as well.
    outlines = version_outlines({enrollment.cohort.program_version_id for enrollment in own.values()})
    version_items = {version: {i.pk for o in modules for i in o.items} for version, modules in outlines.items()}
    states = _current_states({(e.enrollment_id, e.item_id) for e in incoming})

    results: list[SyncResult] = []
    accepted: dict[uuid.UUID, Incoming] = {}
    to_store: list[CheckoffEvent] = []
    for entry in parsed:
        if isinstance(entry, SyncResult):
            results.append(entry)
            continue
        previous = stored.get(entry.id) or accepted.get(entry.id)
        if previous is not None:
            results.append(replay_result(previous, entry))
            continue
        enrollment = own.get(entry.enrollment_id)
        reason = None
        if enrollment is None:
            reason = "not yours"
        elif enrollment.withdrawn_at is not None:
            reason = "enrollment closed"
        elif entry.item_id not in version_items.get(enrollment.cohort.program_version_id, ()):
            reason = "unknown item"
        elif entry.type == EventType.UNCHECKED and states.get((entry.enrollment_id, entry.item_id), False):
            reason = "item signed off"
        if reason:
            results.append(SyncResult(str(entry.id), "rejected", reason))
            continue
        accepted[entry.id] = entry
        to_store.append(
            CheckoffEvent(
                id=entry.id,
                enrollment_id=entry.enrollment_id,
                item_id=entry.item_id,
                type=entry.type,
                actor=actor,
                device_id=entry.device_id,
                device_seq=entry.device_seq,
                occurred_at=entry.occurred_at,
                received_at=received_at,
                effective_at=effective_time(entry.occurred_at, received_at),
            )
        )
        results.append(SyncResult(str(entry.id), "applied"))

    if to_store:
        CheckoffEvent.objects.bulk_create(to_store)
        item_states_refresh(pairs={(e.enrollment_id, e.item_id) for e in to_store})
    return ItemEventsOutcome(results=results, enrollment_ids=sorted(own), outlines=outlines)


def _current_states(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], bool]:
    """Whether each (enrollment, item) is signed off now, in one query."""
    if not pairs:
        return {}
    enrollment_ids = {e for e, _ in pairs}
    item_ids = {i for _, i in pairs}
    rows = ItemState.objects.filter(enrollment_id__in=enrollment_ids, item_id__in=item_ids).values_list(
        "enrollment_id", "item_id", "signed_off"
    )
    return {(e, i): signed for e, i, signed in rows if (e, i) in pairs}


def item_states_refresh(*, pairs: set[tuple[int, int]]) -> None:
    """Rewrite the cached state of these (enrollment, item) pairs from their
    full event history and photos: three queries whatever the number of pairs."""
    if not pairs:
        return
    history = defaultdict(list)
    events = CheckoffEvent.objects.filter(
        enrollment_id__in={e for e, _ in pairs}, item_id__in={i for _, i in pairs}
    ).values_list("enrollment_id", "item_id", "id", "type", "effective_at", "comment")
    for enrollment_id, item_id, event_id, type_, effective_at, comment in events:
        if (enrollment_id, item_id) in pairs:
            history[(enrollment_id, item_id)].append(FoldEvent(event_id, type_, effective_at, comment))
    folded = {pair: fold_item_events(history[pair]) for pair in pairs}
    # Photos count only for the check the state rests on (bootcamp.state).
    checked_events = {state.checked_event_id for state in folded.values() if state.checked_event_id}
    with_evidence = (
        set(
            Evidence.objects.filter(event_id__in=checked_events)
            .order_by()
            .values_list("event_id", flat=True)
            .distinct()
        )
        if checked_events
        else set()
    )
    rows = [
        ItemState(
            enrollment_id=enrollment_id,
            item_id=item_id,
            checked=state.checked,
            signed_off=state.signed_off,
            rejection_comment=state.rejection_comment,
            changed_at=state.changed_at,
            checked_event=state.checked_event_id,
            evidence_received=state.checked_event_id in with_evidence,
        )
        for (enrollment_id, item_id), state in folded.items()
    ]
    ItemState.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["enrollment", "item"],
        update_fields=[
            "checked",
            "signed_off",
            "rejection_comment",
            "changed_at",
            "checked_event",
            "evidence_received",
        ],  # fmt: skip
    )


@transaction.atomic
def enrollment_signoff_record(
    *, actor: User, enrollment: Enrollment, item: Item, action: str, comment: str = ""
) -> CheckoffEvent:
    """A lead signs off a checked item, or rejects it with a comment (which
    reopens it): the lead of the installer's pod (or an administrator), by the
    rules of bootcamp/signoff_rules.py, which the field sign-offs from a
    tablet share. The event itself is the audit trail."""
    if action not in SIGNOFF_ACTIONS:
        raise ValidationError({"action": _("Use sign_off or reject.")})
    may_sign_off = policies.can_sign_off(actor, enrollment)
    if may_sign_off:
        # The same lock as the sync batches (the installer's, a lead's): a
        # sign-off and a device's batch never interleave.
        Installer.objects.select_for_update().filter(pk=enrollment.installer_id).first()
    state = ItemState.objects.filter(enrollment=enrollment, item=item).first() if may_sign_off else None
    reason = signoff_refusal(
        may_sign_off=may_sign_off,
        enrollment=enrollment,
        item=item,
        event_type=SIGNOFF_ACTIONS[action],
        comment=comment,
        now=ItemNow.of(state),
    )
    if reason:
        raise signoff_error(reason)
    now = timezone.now()
    latest = CheckoffEvent.objects.filter(enrollment=enrollment, item=item).aggregate(at=Max("effective_at"))["at"]
    event = CheckoffEvent(
        enrollment=enrollment,
        item=item,
        type=SIGNOFF_ACTIONS[action],
        actor=actor,
        device_id="web",
        occurred_at=now,
        received_at=now,
        effective_at=decision_time(latest, now),
        comment=comment.strip(),
    )
    event.full_clean()
    event.save(force_insert=True)
    item_states_refresh(pairs={(enrollment.pk, item.pk)})
    return event
