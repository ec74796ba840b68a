"""The token throttle counts in Redis, so every web process (gunicorn
workers, containers) shares one count per client."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "right-horse-battery"  # noqa: S105 - a test account's
CLIENT = "203.0.113.50"
STRANGER = "198.51.100.50"

# Another web process, as a second gunicorn worker would be: its own Python,
# its own cache connection, the same settings and key prefix. It asks the
# token throttle whether one more request from the client may pass, then
# lets a stranger through three times, without touching the database.
OTHER_PROCESS = """
import sys
import django
from django.conf import settings
from django.test import RequestFactory
from django.test.utils import override_settings

django.setup()
prefix, client, stranger = sys.argv[1:4]
caches = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
with override_settings(CACHES=caches):
    from rest_framework.request import Request
    from rest_framework.throttling import ScopedRateThrottle

    class TokenView:
        throttle_scope = "token"

    ScopedRateThrottle.THROTTLE_RATES = {"token": "3/min"}
    for address in (client, stranger, stranger, stranger):
        request = Request(RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR=address))
        print(address, "allowed" if ScopedRateThrottle().allow_request(request, TokenView()) else "refused")
"""


@pytest.mark.django_db
def test_two_processes_share_one_throttle_count(monkeypatch, fresh_throttle_counts):
    if not settings.REDIS_URL:
        pytest.fail("This test needs Redis: set REDIS_URL (make test does).")
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    UserFactory(username="una", password=PASSWORD)
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    client = Client(REMOTE_ADDR=CLIENT)
    for _ in range(3):
        assert client.post("/api/v1/auth/token/", {"username": "una", "password": PASSWORD}).status_code == 200

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "installer_ops.settings.test", "REDIS_URL": settings.REDIS_URL}
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, settings.CACHES["default"]["KEY_PREFIX"], CLIENT, STRANGER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert other.returncode == 0, other.stderr
    # The client's fourth request is refused over there too; a stranger passes three times...
    assert other.stdout.splitlines() == [f"{CLIENT} refused", *[f"{STRANGER} allowed"] * 3]
    # ...which this process counted as well: the stranger's fourth is refused here.
    stranger = Client(REMOTE_ADDR=STRANGER)
    assert stranger.post("/api/v1/auth/token/", {"username": "una", "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_an_unreachable_throttle_cache_refuses_with_a_503_not_a_500():
    """Closed port: the limiter cannot count, so the token endpoint says try
    again (JSON), rather than failing or letting unlimited guesses through."""
    from django.test.utils import override_settings

    UserFactory(username="una", password=PASSWORD)
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=unreachable):
        response = Client(REMOTE_ADDR=CLIENT, raise_request_exception=False).post(
            "/api/v1/auth/token/", {"username": "una", "password": PASSWORD}
        )
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The request limiter is unavailable")
