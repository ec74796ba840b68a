"""Saving a new row whose uniqueness full_clean has just checked.

Between that check and the insert a concurrent request can insert the same
name, slug or code (a double-clicked form, two tabs). On PostgreSQL the
second insert then fails on the unique index. The refusal must read as the
check's own: the model's message under its field (400 on the API, the field
error on a page), never a 500."""

from django.db import IntegrityError, models, transaction


def save_unique(instance: models.Model) -> None:
    """Save `instance` in a savepoint; when a twin that won the race makes
    the insert fail, raise the ValidationError full_clean would now raise."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # The savepoint is gone; the twin, committed or ours, is visible now.
        instance.validate_unique()
        instance.validate_constraints()
        raise
