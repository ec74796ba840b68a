"""What "an item is done" means, defined once: it is checked and, where it
needs a lead's sign-off, signed off. Progress, module completion, the
readiness gate, reminders and the bootcamp KPIs all count by it, in the
three forms they need (Python, a queryset filter on ItemState, SQL).

The tablet counts progress offline with the same rule (itemDone in
installer_ops/static/installer_ops/app/checklist.js); a browser test checks
that the two agree on every combination."""

from django.db.models import Q


def is_item_done(*, checked: bool, signed_off: bool, needs_signoff: bool) -> bool:
    return bool(checked and (signed_off or not needs_signoff))


# On ItemState rows (with the item's needs_signoff through the relation).
DONE = Q(checked=True) & (Q(signed_off=True) | Q(item__needs_signoff=False))
AWAITING_SIGNOFF = Q(checked=True, signed_off=False, item__needs_signoff=True)


def done_sql(state: str, item: str) -> str:
    """The rule in SQL, for an ItemState row aliased `state` joined to its item `item`."""
    return f"({state}.checked AND ({state}.signed_off OR NOT {item}.needs_signoff))"
