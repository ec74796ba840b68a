"""The audit log of organisation records: one service writes it."""

import datetime
import decimal

from django.db import models

from .models import AuditEntry, User


def _plain(value):
    """A value as JSON can hold it: records by their id, dates as ISO text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time | decimal.Decimal):
        return str(value)
    return value


def audit_record(
    *, actor: User | None, source: str, action: str, target: models.Model, changes: dict | None = None
) -> AuditEntry:
    """Record a change to `target`. `changes` maps a field to (before, after)
    or, for a creation or a named action, to its value."""
    entry = _entry(actor=actor, source=source, action=action, target=target, changes=changes)
    entry.save()
    return entry


def audit_record_many(*, actor: User | None, source: str, action: str, targets) -> None:
    """The same action on many records (a bulk deletion in the admin): one insert."""
    AuditEntry.objects.bulk_create(
        [_entry(actor=actor, source=source, action=action, target=target, changes=None) for target in targets]
    )


def _entry(*, actor, source, action, target, changes) -> AuditEntry:
    return AuditEntry(
        actor=actor if actor and actor.is_authenticated else None,
        source=source,
        action=action,
        object_type=target._meta.model_name,
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        changes={
            field: [_plain(v) for v in value] if isinstance(value, tuple) else _plain(value)
            for field, value in (changes or {}).items()
            if field not in ("password",)  # never a password, not even its hash
        },
    )
