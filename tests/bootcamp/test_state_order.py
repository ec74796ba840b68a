"""The same set of events gives the same item states in any arrival order."""

import datetime
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from bootcamp.models import CheckoffEvent, ItemState
from bootcamp.state import CHECKED, REJECTED, SIGNED_OFF, UNCHECKED, FoldEvent, fold_item_events

BASE = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)

fold_events = st.lists(
    st.builds(
        FoldEvent,
        id=st.uuids(version=4),
        type=st.sampled_from([CHECKED, UNCHECKED, SIGNED_OFF, REJECTED]),
        # Few distinct minutes, so that ties (broken by id) are common.
        effective_at=st.integers(0, 5).map(lambda m: BASE + datetime.timedelta(minutes=m)),
        comment=st.sampled_from(["", "redo the enrolment"]),
    ),
    max_size=12,
)


@given(events=fold_events, data=st.data())
def test_the_fold_does_not_depend_on_arrival_order(events, data):
    shuffled = data.draw(st.permutations(events))
    assert fold_item_events(shuffled) == fold_item_events(events)


@given(events=fold_events)
def test_a_signed_off_item_is_always_checked(events):
    state = fold_item_events(events)
    assert state.checked or not state.signed_off


device_events = st.lists(
    st.tuples(
        st.sampled_from(["item.checked", "item.unchecked"]),
        st.integers(0, 4),  # item index
        st.integers(0, 30),  # minutes after BASE, device time
    ),
    min_size=1,
    max_size=15,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=device_events, data=st.data())
def test_the_synced_state_does_not_depend_on_arrival_order(bootcamp, spec, data):
    """Through the sync endpoint: the same events sent in two different
    orders and batchings leave the same item states."""
    b = bootcamp
    now = datetime.datetime.now(tz=datetime.UTC)
    events = [
        {
            "id": str(uuid.uuid4()),
            "type": type_,
            "enrollment": b.enrollment.pk,
            "item": b.items[index].pk,
            # Device times within the plausible window, relative to now.
            "occurred_at": (now - datetime.timedelta(days=1) + datetime.timedelta(minutes=minute)).isoformat(),
        }
        for type_, index, minute in spec
    ]
    client = APIClient()
    client.force_authenticate(b.installer.user)

    def run(order, batch_size):
        CheckoffEvent.objects.filter(enrollment=b.enrollment).delete()
        ItemState.objects.filter(enrollment=b.enrollment).delete()
        for start in range(0, len(order), batch_size):
            response = client.post(
                "/api/v1/sync/", {"device_id": "t", "events": order[start : start + batch_size]}, format="json"
            )
            assert all(r["status"] == "applied" for r in response.json()["results"])
        return sorted(ItemState.objects.filter(enrollment=b.enrollment).values_list("item_id", "checked"))

    in_order = run(events, len(events))
    shuffled = data.draw(st.permutations(events))
    assert run(shuffled, data.draw(st.integers(1, len(events)))) == in_order
