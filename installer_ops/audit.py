"""The audit log: who changed which record, when, through which door, and
what changed. Services write it inside their own transaction, so a change
and its entry commit or roll back together, whatever the door.

The door (page, API, admin, import, command, job, tablet) is not the
service's business: the door names itself once with `audit_source(...)`
(middleware for web requests, the commands and tasks for themselves), and
every entry written inside takes it."""

import contextlib
import contextvars
import datetime
import decimal

from django.db import models

from .models import AuditEntry, User

_source: contextvars.ContextVar[str] = contextvars.ContextVar("audit_source", default=AuditEntry.Source.SYSTEM)

# A field whose name holds one of these is recorded as changed, never its value.
SECRET_MARKERS = ("password", "token", "secret")
CHANGED = "(changed)"


@contextlib.contextmanager
def audit_source(source: str):
    """Entries written inside this block are recorded as coming through `source`."""
    token = _source.set(AuditEntry.Source(source))
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()


def is_secret(field: str) -> bool:
    name = field.lower()
    return any(marker in name for marker in SECRET_MARKERS)


def _plain(value):
    """A value as JSON can hold it: records by their id, dates as ISO text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time | decimal.Decimal):
        return str(value)
    return value


def field_changes(record, **values) -> dict:
    """{field: (before, after)} for the values that differ from `record`'s:
    what an update service changes and records."""
    return {
        field: (getattr(record, field), value) for field, value in values.items() if getattr(record, field) != value
    }


def audit_changes(changes: dict | None) -> dict:
    """`changes` as stored: (before, after) pairs as lists, secrets masked."""
    stored = {}
    for field, value in (changes or {}).items():
        if is_secret(field):
            stored[field] = CHANGED
        elif isinstance(value, tuple):
            stored[field] = [_plain(v) for v in value]
        else:
            stored[field] = _plain(value)
    return stored


def audit_record(
    *, actor: User | None, action: str, target: models.Model, changes: dict | None = None, source: str | None = None
) -> AuditEntry:
    """Record a change to `target`. `changes` maps a field to (before, after)
    or, for a creation or a named action, to its value."""
    entry = _entry(actor=actor, source=source, action=action, target=target, changes=changes)
    entry.save()
    return entry


def audit_record_event(
    *, actor: User | None, action: str, object_type: str, object_id: str, object_repr: str, changes: dict
) -> AuditEntry:
    """An entry about something that is not one record (an import run, with its counts)."""
    entry = AuditEntry(
        actor=actor if actor and actor.is_authenticated else None,
        source=current_source(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=audit_changes(changes),
    )
    entry.save()
    return entry


def audit_record_many(*, actor: User | None, action: str, targets, source: str | None = None) -> None:
    """The same action on many records (a bulk deletion in the admin): one insert."""
    AuditEntry.objects.bulk_create(
        [_entry(actor=actor, source=source, action=action, target=target, changes=None) for target in targets]
    )


def audit_record_many_changes(*, actor: User | None, action: str, targets, field: str, after) -> None:
    """One field of many records set to one value (a stage advance of a
    cohort): one entry per record with its own before, in one insert."""
    AuditEntry.objects.bulk_create(
        [
            _entry(actor=actor, source=None, action=action, target=t, changes={field: (getattr(t, field), after)})
            for t in targets
        ]
    )


def _entry(*, actor, source, action, target, changes) -> AuditEntry:
    return AuditEntry(
        actor=actor if actor and actor.is_authenticated else None,
        source=source or current_source(),
        action=action,
        object_type=target._meta.model_name,
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        changes=audit_changes(changes),
    )
