"""Property: whatever JSON reaches the sync endpoint, it never answers a 500,
keeps one result per event with a reason for every refusal, stores exactly
the events it applied, and applies every valid event of a batch whatever
stands next to it."""

import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootcamp.models import CheckoffEvent

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-02-30T10:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "\x00"])
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
EVENT_KEYS = ["id", "type", "enrollment", "item", "occurred_at", "device_seq", "device_id"]


class Rollback(Exception):
    """Ends an example's transaction so that the next starts from the fixture."""


def valid_event(b, index):
    return {
        "id": str(uuid.uuid4()),
        "type": "item.checked",
        "enrollment": b.enrollment.pk,
        "item": b.items[index % len(b.items)].pk,
        "occurred_at": timezone.now().isoformat(),
        "device_seq": index,
    }


@st.composite
def batches(draw, b):
    """Valid events, events with one value broken, and arbitrary JSON, mixed."""
    events, valid_ids = [], set()
    for index in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(st.sampled_from(["valid", "mutated", "junk"]))
        if kind == "junk":
            events.append(draw(json_values))
            continue
        event = valid_event(b, index)
        if kind == "mutated":
            event[draw(st.sampled_from(EVENT_KEYS))] = draw(json_values)
        else:
            valid_ids.add(event["id"])
        events.append(event)
    return events, valid_ids


def post(api, user, body):
    return api.as_user(user).post("/api/v1/sync/", body, format="json")


def test_any_batch_applies_its_valid_events_and_refuses_the_rest_with_reasons(api, bootcamp):
    b = bootcamp

    @SETTINGS
    @given(batch=batches(b))
    def check(batch):
        events, valid_ids = batch
        with pytest.raises(Rollback), transaction.atomic():
            response = post(api, b.installer.user, {"device_id": "fuzz", "events": events})
            assert response.status_code == 200, response.content
            results = response.json()["results"]
            assert len(results) == len(events)
            applied = {r["id"] for r in results if r["status"] == "applied"}
            assert valid_ids <= applied
            assert all(r["reason"] for r in results if r["status"] == "rejected")
            stored = {str(pk) for pk in CheckoffEvent.objects.values_list("id", flat=True)}
            assert stored == applied
            raise Rollback

    check()


def test_any_body_is_answered_without_a_server_error(api, bootcamp):
    b = bootcamp
    bodies = json_values | st.fixed_dictionaries(
        {"device_id": json_values, "events": json_values}, optional={"sent_at": json_values}
    )

    @SETTINGS
    @given(body=bodies)
    def check(body):
        with pytest.raises(Rollback), transaction.atomic():
            response = post(api, b.installer.user, body)
            assert response.status_code in (200, 400), response.content
            assert response["Content-Type"].startswith("application/json")
            if response.status_code == 400:
                assert CheckoffEvent.objects.count() == 0
            raise Rollback

    check()


def test_any_batch_from_a_lead_is_answered_event_by_event_with_reasons(api, bootcamp):
    """The lead's field sign-offs (bootcamp/services/field_signoffs.py) read
    arbitrary values as the check-offs do: never a 500, one result per
    event, a reason for every refusal, exactly the applied events stored."""
    b = bootcamp
    from tests.bootcamp.fixtures import tablet_check

    tablet_check(b.enrollment, b.items[1], b.items[3])
    checked = set(CheckoffEvent.objects.values_list("id", flat=True))

    @st.composite
    def lead_batches(draw):
        events = []
        for index in range(draw(st.integers(min_value=1, max_value=8))):
            kind = draw(st.sampled_from(["valid", "mutated", "junk"]))
            if kind == "junk":
                events.append(draw(json_values))
                continue
            event = {
                **valid_event(b, index),
                "type": draw(st.sampled_from(["item.signed_off", "item.rejected"])),
                "comment": draw(st.sampled_from(["", "Redo it", "  "])),
            }
            if kind == "mutated":
                event[draw(st.sampled_from([*EVENT_KEYS, "comment"]))] = draw(json_values)
            events.append(event)
        return events

    @SETTINGS
    @given(events=lead_batches())
    def check(events):
        with pytest.raises(Rollback), transaction.atomic():
            response = post(api, b.lead_a, {"device_id": "lead-fuzz", "events": events})
            assert response.status_code == 200, response.content
            results = response.json()["results"]
            assert len(results) == len(events)
            assert all(r["reason"] for r in results if r["status"] in ("rejected", "conflict"))
            applied = {r["id"] for r in results if r["status"] == "applied"}
            stored = {str(pk) for pk in CheckoffEvent.objects.values_list("id", flat=True) if pk not in checked}
            assert stored == applied
            raise Rollback

    check()
