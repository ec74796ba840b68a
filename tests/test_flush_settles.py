"""The flush of a transactional test waits for another session's open
transaction on the test database (tests/flush_settles.py)."""

import threading

import psycopg
import pytest
from django.db import connection

from tests import flush_settles

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_flush_waits_for_another_sessions_transaction(monkeypatch):
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL"
    settings = connection.settings_dict
    opened, release = threading.Event(), threading.Event()

    def another_session():
        with psycopg.connect(
            host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"]
        ) as other:
            other.execute("SELECT count(*) FROM installer_ops_pod")  # psycopg opens a transaction here
            opened.set()
            release.wait(timeout=30)
        # Leaving the block commits and closes.

    thread = threading.Thread(target=another_session)
    thread.start()
    try:
        assert opened.wait(timeout=30)
        monkeypatch.setattr(flush_settles, "DEADLINE_SECONDS", 0.2)
        assert flush_settles.others_settled(connection) is False
    finally:
        release.set()
        thread.join(timeout=30)
    monkeypatch.setattr(flush_settles, "DEADLINE_SECONDS", 30)
    assert flush_settles.others_settled(connection) is True
