"""Operational tasks of the organisation layer."""

import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task(acks_late=True, time_limit=30, soft_time_limit=20)
def worker_ping() -> dict:
    """Answers from a worker with its host and whether it reaches the
    database: lets an operator (and the integration tests) prove that a real
    worker consumes from the broker with the application's configuration."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database_ok = cursor.fetchone()[0] == 1
    return {
        "hostname": socket.gethostname(),
        "database": connection.vendor if database_ok else None,
        "at": timezone.now().isoformat(),
    }
