"""A lead's field sign-offs and the installer's own batches never interleave
on real PostgreSQL: the lead's batch takes the installers' row locks (the
lock an installer's batch, a photo upload and the web sign-off take)."""

import threading
import uuid

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from bootcamp import services
from bootcamp.models import CheckoffEvent, ItemState
from installer_ops.models import Installer
from installer_ops.sync import sync_batch_apply
from tests.bootcamp.fixtures import tablet_check

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def event(enrollment, item, type_):
    return {
        "id": str(uuid.uuid4()),
        "type": type_,
        "enrollment": enrollment.pk,
        "item": item.pk,
        "occurred_at": timezone.now().isoformat(),
        "comment": "",
    }


def test_a_lead_batch_waits_for_the_installers_row_lock(bootcamp):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    b = bootcamp
    tablet_check(b.enrollment, b.items[1])
    locked, release = threading.Event(), threading.Event()

    def hold_the_installers_row():
        try:
            with transaction.atomic():
                Installer.objects.select_for_update().get(pk=b.installer.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    sign = event(b.enrollment, b.items[1], "item.signed_off")
    holder = threading.Thread(target=hold_the_installers_row)
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError, match="lock"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            sync_batch_apply(actor=b.lead_a, device_id="lead-tablet", events=[sign])
    finally:
        release.set()
        holder.join(timeout=30)
    outcome = sync_batch_apply(actor=b.lead_a, device_id="lead-tablet", events=[sign])
    assert [r.status for r in outcome.results] == ["applied"]


def send_together(batches: dict) -> dict:
    """Post each (user, device, event) at the same moment; the answers by name."""
    barrier = threading.Barrier(len(batches))
    answers = {}

    def send(name, user, device, raw):
        try:
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait()
            response = client.post("/api/v1/sync/", {"device_id": device, "events": [raw]}, format="json")
            answers[name] = (response.status_code, response.json()["results"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(name, *batch)) for name, batch in batches.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_a_sign_off_racing_an_uncheck_ends_one_way_or_the_other(bootcamp):
    """Sent at the same moment, either the sign-off lands first (the un-check
    is refused: item signed off) or the un-check does (the sign-off is
    refused: item not checked); never both applied, never a mixed state."""
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    b = bootcamp
    item = b.items[1]
    for _ in range(8):
        state = ItemState.objects.filter(enrollment=b.enrollment, item=item).first()
        if state and state.signed_off:
            services.enrollment_signoff_record(
                actor=b.lead_a, enrollment=b.enrollment, item=item, action="reject", comment="Again"
            )
        tablet_check(b.enrollment, item)
        sign = event(b.enrollment, item, "item.signed_off")
        uncheck = event(b.enrollment, item, "item.unchecked")
        answers = send_together(
            {"lead": (b.lead_a, "lead-tablet", sign), "installer": (b.installer.user, "tablet-1", uncheck)}
        )
        lead, installer = answers["lead"], answers["installer"]
        assert lead[0] == installer[0] == 200
        outcome = ((lead[1]["status"], lead[1]["reason"]), (installer[1]["status"], installer[1]["reason"]))
        assert outcome in {
            (("applied", ""), ("rejected", "item signed off")),
            (("rejected", "item not checked"), ("applied", "")),
        }, outcome
        state = ItemState.objects.get(enrollment=b.enrollment, item=item)
        signed = lead[1]["status"] == "applied"
        assert (state.checked, state.signed_off) == ((True, True) if signed else (False, False))
        assert CheckoffEvent.objects.filter(pk=sign["id"]).exists() == signed
        assert CheckoffEvent.objects.filter(pk=uncheck["id"]).exists() != signed
