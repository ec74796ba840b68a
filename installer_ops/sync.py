"""The tablet's sync: one endpoint, event types registered by the apps that
own them (the bootcamp registers `item.*`). The organisation knows nothing
of what an event means; it reads the batch's envelope, hands each event to
its kind, keeps one result per event in the order sent, and runs the whole
batch in one transaction: one bad event is rejected with its reason and
never fails the others; an unexpected error fails the batch and commits
nothing.

A kind is an object with
    apply(*, actor, device_id, events, received_at) -> KindOutcome
that returns one SyncResult per event it was given, in order, and what the
answer carries for those events (e.g. {"enrollments": [...]})."""

import dataclasses
import datetime
import uuid
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_source
from .models import User

MAX_SYNC_EVENTS = 500


@dataclasses.dataclass
class SyncResult:
    id: str
    status: str  # applied | duplicate | conflict | rejected
    reason: str = ""


@dataclasses.dataclass
class KindOutcome:
    results: list[SyncResult]
    answer: dict[str, list] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class SyncOutcome:
    results: list[SyncResult]
    server_time: datetime.datetime
    answer: dict[str, list]


class EventKind(Protocol):
    def apply(
        self, *, actor: User, device_id: str, events: list[dict], received_at: datetime.datetime
    ) -> KindOutcome: ...


@dataclasses.dataclass
class _Registration:
    kind: EventKind
    # What the answer carries for this kind, always present (empty when the
    # batch held none of its events), with the serializer field that documents it.
    answer_fields: dict


_REGISTRY: dict[str, _Registration] = {}


def register(event_types: list[str], kind: EventKind, *, answer_fields: dict | None = None) -> None:
    """Called by an app's AppConfig.ready(): `kind` applies these event types."""
    registration = _Registration(kind=kind, answer_fields=answer_fields or {})
    for event_type in event_types:
        if event_type in _REGISTRY and _REGISTRY[event_type].kind is not kind:
            raise RuntimeError(f"sync event type {event_type!r} is registered twice")
        _REGISTRY[event_type] = registration


def registered_types() -> list[str]:
    return sorted(_REGISTRY)


def answer_fields() -> dict:
    """Every registered kind's answer fields (for the response's schema)."""
    fields = {}
    for registration in _REGISTRY.values():
        fields.update(registration.answer_fields)
    return fields


def _envelope_problem(raw) -> SyncResult | None:
    """What every event needs whatever its kind: to be an object with a
    UUID id (the device's idempotency key) and a registered type."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        event_id = str(uuid.UUID(str(raw_id)))
    except ValueError:
        return SyncResult(id=str(raw_id), status="rejected", reason="invalid: id is not a UUID")
    event_type = raw.get("type")
    if not isinstance(event_type, str) or event_type not in _REGISTRY:
        known = ", ".join(registered_types())
        return SyncResult(id=event_id, status="rejected", reason=f"invalid: type must be one of {known}")
    return None


@transaction.atomic
def sync_batch_apply(*, actor: User, device_id: str, events: list) -> SyncOutcome:
    """Apply a batch of one person's device events: one result per event."""
    if len(events) > MAX_SYNC_EVENTS:
        raise ValidationError({"events": _("At most %(n)s events per batch.") % {"n": MAX_SYNC_EVENTS}})
    received_at = timezone.now()
    results: list[SyncResult | None] = [None] * len(events)
    by_kind: dict[int, tuple[_Registration, list[int]]] = {}
    for index, raw in enumerate(events):
        if problem := _envelope_problem(raw):
            results[index] = problem
            continue
        registration = _REGISTRY[raw["type"]]
        by_kind.setdefault(id(registration), (registration, []))[1].append(index)
    answer = {key: [] for key in answer_fields()}
    with audit_source("tablet"):
        for registration, indexes in by_kind.values():
            outcome = registration.kind.apply(
                actor=actor, device_id=device_id, events=[events[i] for i in indexes], received_at=received_at
            )
            if len(outcome.results) != len(indexes):
                raise RuntimeError(f"{type(registration.kind).__name__} answered {len(outcome.results)} results")
            for index, result in zip(indexes, outcome.results, strict=True):
                results[index] = result
            for key, values in outcome.answer.items():
                answer.setdefault(key, []).extend(values)
    return SyncOutcome(results=results, server_time=received_at, answer=answer)
