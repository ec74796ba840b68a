"""A transactional test's database is emptied (one TRUNCATE of every table)
only once no other session on it is inside a transaction.

A request the browser sent just before its page closed can still be running
in the live server's thread (or in a tablet test's server process) when the
test ends. Its row locks and TRUNCATE's table locks then deadlock, PostgreSQL
cancels the TRUNCATE, and the flush fails: an error at teardown, once in a
while. So the flush first waits for those sessions to finish: a wait on the
condition itself, with a deadline that only guards against a session that
never ends."""

import time

from django.db import connections
from django.test.testcases import TransactionTestCase

BUSY_ELSEWHERE = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
  AND (state <> 'idle' OR xact_start IS NOT NULL)
"""
DEADLINE_SECONDS = 30


def others_settled(connection) -> bool:
    """Whether no other client session on this database is mid-statement or mid-transaction,
    waiting up to DEADLINE_SECONDS for it."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute(BUSY_ELSEWHERE)
            if cursor.fetchone()[0] == 0:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def install() -> None:
    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        for alias in self._databases_names(include_mirrors=False):
            if connections[alias].vendor == "postgresql":
                others_settled(connections[alias])
        original(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown
