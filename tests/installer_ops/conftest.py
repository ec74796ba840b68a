import pytest
import redis
from django.conf import settings
from django.core.cache import caches


def throttle_keys_delete() -> None:
    """Forget this process's throttle counts, and only those.

    With Redis the cache is shared by other xdist workers and test runs (and
    Celery's queues): cache.clear() would FLUSHDB all of it. Each test process
    has a key prefix of its own (installer_ops/settings/test.py), so deleting
    the throttle keys under it touches nobody else."""
    cache = caches["default"]
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()  # local memory: this process's own
        return
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        keys = list(client.scan_iter(match=cache.make_key("throttle_*"), count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def fresh_throttle_counts():
    """Every throttle starts from zero for this test."""
    throttle_keys_delete()
    yield
    throttle_keys_delete()
