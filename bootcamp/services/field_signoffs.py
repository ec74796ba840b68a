"""A lead's field sign-offs: `item.signed_off` and `item.rejected` events
queued on a lead's tablet (offline, during a shadow day or a drill) and sent
through the sync endpoint (installer_ops/sync.py; the kind is registered in
bootcamp/sync_events.py).

Each event is judged when it arrives, by the web sign-off's own rules
(bootcamp/signoff_rules.py): the item may have been un-checked by the
installer, or reopened by another rejection, since the lead decided on the
tablet, and then the event is refused with "item not checked". Like the web
sign-off, it takes effect when it arrives (after the item's latest event,
never before it); the device's time is kept as occurred_at. The event itself
is the audit trail (actor, device, times), as for a sign-off on the web."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from installer_ops.models import User
from installer_ops.sync import SyncResult

from .. import policies
from ..models import CheckoffEvent, Enrollment, EventType, Item, ItemState
from ..signoff_rules import ItemNow, decision_time, signoff_refusal
from ..state import FoldEvent
from ..sync_input import Incoming, parse_event, replay_result
from .events import item_states_refresh

LEAD_EVENT_TYPES = {EventType.SIGNED_OFF.value, EventType.REJECTED.value}


@dataclass
class FieldSignoffsOutcome:
    results: list[SyncResult]
    # The enrollments the events named whose items the sender signs off: the
    # ones whose state the sync answer carries.
    enrollment_ids: list[int] = field(default_factory=list)


@transaction.atomic(savepoint=False)  # inside the sync batch's transaction: no savepoint
def field_signoffs_apply(
    *, actor: User, device_id: str, events: list, received_at: datetime.datetime
) -> FieldSignoffsOutcome:
    """Apply a batch's item.signed_off / item.rejected events of a lead's
    device (called by the sync registry).

    One result per event: applied, duplicate (same id, same content, comment
    included), conflict (same id, other content; nothing stored) or rejected
    with one of the stable reasons of bootcamp/signoff_rules.py (or
    "invalid: ..."). Events are judged in the order sent, each on the state
    the ones before it left. One bad event never fails the others. Runs a
    fixed number of queries whatever the number of events."""
    parsed = [parse_event(raw, device_id, types=LEAD_EVENT_TYPES, with_comment=True) for raw in events]
    incoming = [p for p in parsed if isinstance(p, Incoming)]
    if not incoming:
        return FieldSignoffsOutcome(results=list(parsed))
    enrollments = Enrollment.objects.select_related("cohort").in_bulk({e.enrollment_id for e in incoming})
    # The policy (can_sign_off) for every named enrollment in one query, which
    # also takes the row locks of those installers in primary-key order: the
    # installer's own batch, a photo upload and the web sign-off take the same
    # row lock, so none of them interleaves with this batch, and two leads'
    # overlapping batches take their locks in one order (no deadlock).
    signable = set(
        policies.installers_signable_by(actor)
        .filter(pk__in={e.installer_id for e in enrollments.values()})
        .select_related(None)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    mine = {pk for pk, enrollment in enrollments.items() if enrollment.installer_id in signable}
    pairs = {(e.enrollment_id, e.item_id) for e in incoming if e.enrollment_id in mine}
    # Read under the locks: what the events are judged on is current.
    stored = CheckoffEvent.objects.in_bulk([e.id for e in incoming])
    items = Item.objects.select_related("module").in_bulk({item_id for _, item_id in pairs})
    states, latest = _item_facts(pairs)

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
        pair = (entry.enrollment_id, entry.item_id)
        reason = signoff_refusal(
            may_sign_off=entry.enrollment_id in mine,
            enrollment=enrollments.get(entry.enrollment_id),
            item=items.get(entry.item_id),
            event_type=entry.type,
            comment=entry.comment,
            now=states.get(pair, ItemNow()),
        )
        if reason:
            results.append(SyncResult(str(entry.id), "rejected", reason))
            continue
        effective_at = decision_time(latest.get(pair), received_at)
        latest[pair] = effective_at
        states[pair] = states.get(pair, ItemNow()).after(FoldEvent(entry.id, entry.type, effective_at, entry.comment))
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
                effective_at=effective_at,
                comment=entry.comment,
            )
        )
        results.append(SyncResult(str(entry.id), "applied"))

    if to_store:
        CheckoffEvent.objects.bulk_create(to_store)
        item_states_refresh(pairs={(e.enrollment_id, e.item_id) for e in to_store})
    return FieldSignoffsOutcome(results=results, enrollment_ids=sorted(mine))


def _item_facts(pairs: set[tuple[int, int]]) -> tuple[dict, dict]:
    """Each pair's state now (ItemNow) and the effective time of its latest
    event, in two queries whatever the number of pairs."""
    if not pairs:
        return {}, {}
    enrollment_ids = {e for e, _ in pairs}
    item_ids = {i for _, i in pairs}
    states = {
        (state.enrollment_id, state.item_id): ItemNow.of(state)
        for state in ItemState.objects.filter(enrollment_id__in=enrollment_ids, item_id__in=item_ids)
        if (state.enrollment_id, state.item_id) in pairs
    }
    latest_rows = (
        CheckoffEvent.objects.filter(enrollment_id__in=enrollment_ids, item_id__in=item_ids)
        .values_list("enrollment_id", "item_id")
        .annotate(at=Max("effective_at"))
        .order_by()
    )
    latest = {(e, i): at for e, i, at in latest_rows if (e, i) in pairs}
    return states, latest
