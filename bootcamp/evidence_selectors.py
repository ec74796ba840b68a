"""Reads of evidence photos: the rows the enrollment's read shape, the lead's
pending sign-offs and the lead pages show beside an item.

A photo counts for the check it was taken with (ItemState.checked_event):
callers pass the events their items' states rest on, so a photo of an
earlier check (before an un-check or a rejection) is never shown as the
current one."""

import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from .models import Evidence

# A stand-in id, replaced in the reversed path: one reverse() per call rather
# than one per photo.
_PLACEHOLDER = uuid.UUID(int=0)


def evidence_url_maker():
    """A function from a photo's id to the URL that serves it
    (GET /api/v1/evidence/{uuid}: the bytes, to those who may see them)."""
    template = reverse("v1:api-evidence", args=[_PLACEHOLDER])
    return lambda evidence_id: template.replace(str(_PLACEHOLDER), str(evidence_id))


def evidence_url(evidence_id) -> str:
    return evidence_url_maker()(evidence_id)


def evidence_rows_for(event_ids: Iterable) -> dict[uuid.UUID, list[dict]]:
    """The photos of these item.checked events, per event, oldest first:
    {event id: [{"id", "url", "taken_at"}]}. One query (none for no events).

    No scoping here: the event ids come from item states the caller has
    already read through the policies' scopes (enrollments_visible_to)."""
    ids = {value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)) for value in event_ids if value}
    if not ids:
        return {}
    url_of = evidence_url_maker()
    rows: dict[uuid.UUID, list[dict]] = defaultdict(list)
    photos = (
        Evidence.objects.filter(event_id__in=ids).order_by("taken_at", "id").values_list("id", "event_id", "taken_at")
    )
    for evidence_id, event_id, taken_at in photos:
        rows[event_id].append({"id": str(evidence_id), "url": url_of(evidence_id), "taken_at": taken_at})
    return dict(rows)


def evidence_by_item(states: Iterable) -> dict[int, list[dict]]:
    """The photos of the current check of each item, for one enrollment's
    ItemState rows: {item id: rows}. One query (none when nothing is checked)."""
    checked = [state for state in states if state.checked_event]
    photos = evidence_rows_for(state.checked_event for state in checked)
    return {state.item_id: photos[state.checked_event] for state in checked if state.checked_event in photos}
