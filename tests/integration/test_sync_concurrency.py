"""Two identical batches at the same moment on real PostgreSQL store one row per event."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from bootcamp.models import CheckoffEvent

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_concurrent_identical_batches_store_one_row_per_event(bootcamp):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    b = bootcamp
    now = timezone.now().isoformat()
    batch = [
        {
            "id": str(uuid.uuid4()),
            "type": "item.checked",
            "enrollment": b.enrollment.pk,
            "item": item.pk,
            "occurred_at": now,
        }
        for item in b.items
    ]
    barrier = threading.Barrier(2)
    answers = []

    def send():
        try:
            client = APIClient()
            client.force_authenticate(b.installer.user)
            barrier.wait()
            response = client.post("/api/v1/sync/", {"device_id": "tab", "events": batch}, format="json")
            answers.append((response.status_code, sorted(r["status"] for r in response.json()["results"])))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert CheckoffEvent.objects.count() == len(batch)
    assert sorted(answers) == sorted([(200, ["applied"] * len(batch)), (200, ["duplicate"] * len(batch))])
