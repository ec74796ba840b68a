"""Settings for the test suite. DATABASE_URL and REDIS_URL come from the Makefile."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, STORAGES

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

# Evidence photos go to a temporary directory of the test run, never into
# the repository's var/media/ (nor to S3, whatever S3_BUCKET says: the
# object-storage test sets its own). The first process makes it and removes
# it at exit; the processes it starts (the e2e app server, Celery workers,
# xdist workers) inherit it through TEST_MEDIA_ROOT and share it.
if os.environ.get("TEST_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["TEST_MEDIA_ROOT"])
else:
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="installer-ops-test-media-"))
    os.environ["TEST_MEDIA_ROOT"] = str(MEDIA_ROOT)
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    **STORAGES,
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "evidence"), "base_url": None},
    },
}
