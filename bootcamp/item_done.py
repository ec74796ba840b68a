"""What "an item is done" means, defined once: it is checked; where it
needs a photo as evidence, a photo of that check has arrived; and where it
needs a lead's sign-off, it is signed off. Progress, module completion, the
readiness gate, reminders and the bootcamp KPIs all count by it, in the
three forms they need (Python, a queryset filter on ItemState, SQL).

The tablet counts progress offline with the same rule (itemDone in
installer_ops/static/installer_ops/app/checklist.js); a browser test checks
that the two agree on every combination."""

from django.db.models import Q


def is_item_done(
    *,
    checked: bool,
    signed_off: bool,
    needs_signoff: bool,
    needs_evidence: bool = False,
    evidence_received: bool = False,
) -> bool:
    return bool(checked and (evidence_received or not needs_evidence) and (signed_off or not needs_signoff))


# On ItemState rows (with the item's flags through the relation).
_EVIDENCE_IN = Q(evidence_received=True) | Q(item__needs_evidence=False)
DONE = Q(checked=True) & _EVIDENCE_IN & (Q(signed_off=True) | Q(item__needs_signoff=False))
# Checked, waiting for the photo to arrive from the tablet.
AWAITING_EVIDENCE = Q(checked=True, evidence_received=False, item__needs_evidence=True)
# Checked with its photo (if one is needed), waiting for the lead: what the
# lead can sign off now.
AWAITING_SIGNOFF = Q(checked=True, signed_off=False, item__needs_signoff=True) & _EVIDENCE_IN


def done_sql(state: str, item: str) -> str:
    """The rule in SQL, for an ItemState row aliased `state` joined to its item `item`."""
    return (
        f"({state}.checked AND ({state}.evidence_received OR NOT {item}.needs_evidence)"
        f" AND ({state}.signed_off OR NOT {item}.needs_signoff))"
    )
