import socket

import pytest

from installer_ops.tasks import worker_ping

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]


def test_a_real_worker_runs_a_task_through_redis(celery_worker_queue, settings):
    result = worker_ping.apply_async(queue=celery_worker_queue)
    # The worker is a separate process: the answer can only come back through Redis.
    answer = result.get(timeout=60)
    assert result.status == "SUCCESS"
    assert answer["hostname"] == socket.gethostname()
    assert answer["database"] == "postgresql"
