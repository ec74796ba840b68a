"""Settings for the test suite. DATABASE_URL and REDIS_URL come from the Makefile."""

import os

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Unit tests run tasks in-process; the integration tests switch eager mode
# off and talk to a real worker through Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000/min"}}  # noqa: F405
# xdist workers and concurrent runs may share one Redis database: each test
# process keeps its throttle counts under a prefix of its own (the worker's
# name for reading, the pid for uniqueness), and a test that counts deletes
# only its own prefix's keys (tests/installer_ops/conftest.py), never FLUSHDB.
CACHES = {
    "default": {
        **CACHES["default"],
        "KEY_PREFIX": f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}",
    }
}

# Serve static files straight from the apps (no collectstatic step outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
