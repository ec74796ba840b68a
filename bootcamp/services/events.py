"""Check-off events: an installer's tablet events (through the sync
registry) and a lead's sign-offs, folded into each item's state."""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops import values
from installer_ops.exceptions import DomainConflict
from installer_ops.models import Installer, User
from installer_ops.policies import require
from installer_ops.sync import SyncResult

from .. import policies
from ..models import CheckoffEvent, Enrollment, EventType, Evidence, Item, ItemState
from ..state import FoldEvent, effective_time, fold_item_events

INSTALLER_EVENT_TYPES = {EventType.CHECKED.value, EventType.UNCHECKED.value}


@dataclass
class ItemEventsOutcome:
    results: list[SyncResult]
    # The enrollments the events named that belong to their sender: the ones
    # whose state the sync answer carries.
    enrollment_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Incoming:
    id: uuid.UUID
    type: str
    enrollment_id: int
    item_id: int
    occurred_at: datetime.datetime
    device_id: str
    device_seq: int | None


def _parse_event(raw, device_id: str) -> _Incoming | SyncResult:
    """One event of the batch, or the reason it cannot be read."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        event_id = uuid.UUID(str(raw_id))
    except ValueError:
        return SyncResult(id=str(raw_id), status="rejected", reason="invalid: id is not a UUID")
    problems = []
    if raw.get("type") not in INSTALLER_EVENT_TYPES:
        problems.append("type must be item.checked or item.unchecked")
    ids = {}
    for key in ("enrollment", "item"):
        ids[key] = raw.get(key)
        if problem := values.integer_problem(ids[key], minimum=1, maximum=values.BIGINT_MAX):
            problems.append(f"{key} {problem}")
    occurred_at = None
    if not isinstance(raw.get("occurred_at"), str):
        problems.append("occurred_at must be an ISO 8601 time")
    else:
        occurred_at, problem = values.parse_iso_datetime(raw["occurred_at"])
        # A wrong device clock is not a bad value (the receipt time orders the
        # event), but what is stored must convert to every time zone.
        problem = problem or values.device_time_problem(occurred_at)
        if problem:
            problems.append(f"occurred_at {problem}")
    seq = raw.get("device_seq")
    if seq is not None and (problem := values.integer_problem(seq, minimum=0, maximum=values.INT_MAX)):
        problems.append(f"device_seq {problem}")
    event_device = raw.get("device_id", device_id)
    if problem := values.text_problem(event_device, max_length=64):
        problems.append(f"device_id {problem}")
    if problems:
        return SyncResult(id=str(event_id), status="rejected", reason="invalid: " + "; ".join(problems))
    return _Incoming(event_id, raw["type"], ids["enrollment"], ids["item"], occurred_at, event_device, seq)


def _same_content(previous: CheckoffEvent | _Incoming, incoming: _Incoming) -> bool:
    """A replay whether its original is stored or earlier in the same batch:
    the device's sequence number and id are not part of an event's content."""
    return (
        previous.type == incoming.type
        and previous.enrollment_id == incoming.enrollment_id
        and previous.item_id == incoming.item_id
        and previous.occurred_at == incoming.occurred_at
    )


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

    parsed = [_parse_event(raw, device_id) for raw in events]
    incoming = [p for p in parsed if isinstance(p, _Incoming)]
    stored = CheckoffEvent.objects.in_bulk([e.id for e in incoming])
    enrollments = (
        Enrollment.objects.select_related("cohort").in_bulk({e.enrollment_id for e in incoming}) if installer else {}
    )
    items = Item.objects.select_related("module").in_bulk({e.item_id for e in incoming})
    states = _current_states({(e.enrollment_id, e.item_id) for e in incoming})

    results: list[SyncResult] = []
    accepted: dict[uuid.UUID, _Incoming] = {}
    to_store: list[CheckoffEvent] = []
    for entry in parsed:
        if isinstance(entry, SyncResult):
            results.append(entry)
            continue
        previous = stored.get(entry.id) or accepted.get(entry.id)
        if previous is not None:
            same = _same_content(previous, entry)
            results.append(
                SyncResult(
                    str(entry.id),
                    "duplicate" if same else "conflict",
                    "" if same else "an event with this id and other content exists",
                )
            )
            continue
        enrollment = enrollments.get(entry.enrollment_id)
        item = items.get(entry.item_id)
        reason = None
        if enrollment is None or installer is None or enrollment.installer_id != installer.pk:
            reason = "not yours"
        elif enrollment.withdrawn_at is not None:
            reason = "enrollment closed"
        elif item is None or item.module.version_id != enrollment.cohort.program_version_id:
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
    return ItemEventsOutcome(results=results, enrollment_ids=_own_enrollment_ids(installer, enrollments))


def _own_enrollment_ids(installer: Installer | None, enrollments: dict[int, Enrollment]) -> list[int]:
    """The enrollments a batch named that belong to its sender: the ones
    whose state the answer carries."""
    if installer is None:
        return []
    return sorted(pk for pk, enrollment in enrollments.items() if enrollment.installer_id == installer.pk)


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


SIGNOFF_ACTIONS = {"sign_off": EventType.SIGNED_OFF, "reject": EventType.REJECTED}


@transaction.atomic
def enrollment_signoff_record(
    *, actor: User, enrollment: Enrollment, item: Item, action: str, comment: str = ""
) -> CheckoffEvent:
    """A lead signs off a checked item, or rejects it with a comment (which
    reopens it). The lead of the installer's pod (or an administrator); only
    items that need a sign-off. The event itself is the audit trail."""
    require(policies.can_sign_off(actor, enrollment), _("Only the installer's lead signs off their items."))
    if action not in SIGNOFF_ACTIONS:
        raise ValidationError({"action": _("Use sign_off or reject.")})
    if item.module.version_id != enrollment.cohort.program_version_id:
        raise ValidationError({"item": _("This item is not part of the enrollment's program.")})
    if not item.needs_signoff:
        raise ValidationError({"item": _("This item does not need a sign-off.")})
    if action == "reject" and not comment.strip():
        raise ValidationError({"comment": _("Say what to redo when rejecting.")})
    # The same lock as the sync batch: a sign-off and a device's batch never interleave.
    Installer.objects.select_for_update().filter(pk=enrollment.installer_id).first()
    state = ItemState.objects.filter(enrollment=enrollment, item=item).first()
    if state is None or not state.checked:
        raise DomainConflict(_("The installer has not checked this item off."))
    if action == "sign_off" and state.signed_off:
        raise DomainConflict(_("This item is signed off already."))
    now = timezone.now()
    # The state checked above may rest on a tablet's check dated up to five
    # minutes ahead (a clock believed, bootcamp/state.py); the lead acts on
    # that state, so the decision is ordered after it, never before.
    latest = CheckoffEvent.objects.filter(enrollment=enrollment, item=item).aggregate(at=Max("effective_at"))["at"]
    effective_at = max(now, latest + datetime.timedelta(microseconds=1)) if latest else now
    event = CheckoffEvent(
        enrollment=enrollment,
        item=item,
        type=SIGNOFF_ACTIONS[action],
        actor=actor,
        device_id="web",
        occurred_at=now,
        received_at=now,
        effective_at=effective_at,
        comment=comment.strip(),
    )
    event.full_clean()
    event.save(force_insert=True)
    item_states_refresh(pairs={(enrollment.pk, item.pk)})
    return event
