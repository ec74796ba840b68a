"""Two copies of one photo upload at the same moment on real PostgreSQL
(threads, real transactions) store one row and one file."""

import threading
import uuid

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from bootcamp.models import Evidence
from installer_ops.models import AuditEntry
from tests.bootcamp.photos import EvidenceCamp, image_bytes

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_puts_of_the_same_photo_store_it_once():
    """The installer's row lock (evidence_store) orders them: one 201, one 200."""
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    camp = EvidenceCamp()
    event_id = camp.event(camp.enrollment, camp.signed_item)
    photo_id, jpeg = uuid.uuid4(), image_bytes()
    barrier = threading.Barrier(2)
    answers = []

    def send():
        try:
            client = APIClient()
            client.force_authenticate(camp.installer.user)
            barrier.wait()
            response = client.put(
                f"/api/v1/evidence/{photo_id}", data=jpeg, content_type="image/jpeg", HTTP_X_EVENT_ID=str(event_id)
            )
            answers.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [200, 201]
    assert Evidence.objects.filter(pk=photo_id).count() == 1
    assert AuditEntry.objects.filter(action="evidence.stored").count() == 1
    stored = Evidence.objects.get(pk=photo_id)
    assert stored.file.read() == jpeg
