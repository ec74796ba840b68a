"""The sync endpoint is a registry: apps register their event kinds; one
batch may mix them; results keep the order sent; a kind that fails fails
the whole batch and commits nothing."""

import datetime
import uuid

import pytest
from django.db import transaction

from bootcamp.models import CheckoffEvent
from installer_ops import sync
from installer_ops.audit import audit_record_event
from installer_ops.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


class Ping:
    """A kind of the test's own: answers each event, and records its actor's door."""

    def __init__(self, fail: bool = False):
        self.fail = fail
        self.seen = []

    def apply(self, *, actor, device_id, events, received_at):
        if self.fail:
            raise RuntimeError("the kind broke")
        self.seen.append([event["id"] for event in events])
        audit_record_event(
            actor=actor, action="ping", object_type="ping", object_id="1", object_repr="ping", changes={}
        )
        return sync.KindOutcome(
            results=[sync.SyncResult(event["id"], "applied") for event in events], answer={"pings": [len(events)]}
        )


@pytest.fixture
def ping(monkeypatch):
    def install(**kwargs):
        kind = Ping(**kwargs)
        monkeypatch.setitem(sync._REGISTRY, "test.ping", sync._Registration(kind=kind, answer_fields={}))
        return kind

    return install


def check(enrollment, item):
    return {
        "id": str(uuid.uuid4()),
        "type": "item.checked",
        "enrollment": enrollment.pk,
        "item": item.pk,
        "occurred_at": datetime.datetime.now(datetime.UTC).isoformat(),
    }


def test_one_batch_mixes_kinds_and_keeps_the_order_sent(bootcamp, ping):
    kind = ping()
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    events = [
        {"id": first, "type": "test.ping"},
        check(bootcamp.enrollment, bootcamp.items[0]),
        {"id": "not-a-uuid", "type": "test.ping"},
        {"id": str(uuid.uuid4()), "type": "no.such.kind"},
        {"id": second, "type": "test.ping"},
    ]
    outcome = sync.sync_batch_apply(actor=bootcamp.installer.user, device_id="tab", events=events)
    assert [(r.status, r.reason.split(":")[0]) for r in outcome.results] == [
        ("applied", ""),
        ("applied", ""),
        ("rejected", "invalid"),
        ("rejected", "invalid"),
        ("applied", ""),
    ]
    assert "item.checked, item.rejected, item.signed_off, item.unchecked" in outcome.results[3].reason
    assert kind.seen == [[first, second]]  # the kind gets its events in order, once
    assert outcome.answer["pings"] == [2] and len(outcome.answer["enrollments"]) == 1
    # Whatever a kind writes is audited as coming from the tablet.
    assert AuditEntry.objects.get(action="ping").source == "tablet"


def test_a_kind_that_fails_fails_the_batch_and_commits_nothing(bootcamp, ping):
    ping(fail=True)
    events = [check(bootcamp.enrollment, bootcamp.items[0]), {"id": str(uuid.uuid4()), "type": "test.ping"}]
    with pytest.raises(RuntimeError), transaction.atomic():
        sync.sync_batch_apply(actor=bootcamp.installer.user, device_id="tab", events=events)
    assert not CheckoffEvent.objects.exists()


def test_an_event_type_registered_by_two_kinds_is_refused():
    with pytest.raises(RuntimeError, match="registered twice"):
        sync.register(["item.checked"], Ping())
