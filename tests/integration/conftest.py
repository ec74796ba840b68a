"""Fixtures for the integration tests: a real Celery worker on the real Redis."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from installer_ops.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url() -> str:
    """The Redis of the test run. Unreachable is a failure naming the service, never a skip."""
    url = settings.REDIS_URL
    if not url:
        pytest.fail("Redis is required for the integration tests: set REDIS_URL (make test does).")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is unreachable: {exc}")
    return url


def start_worker(queue: str, redis_url: str) -> subprocess.Popen:
    """A real `celery worker` process consuming `queue`, on this test's database."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "installer_ops.settings.test",
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        if connection.vendor == "postgresql"
        else "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "installer_ops",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-n",
            f"{queue}-{uuid.uuid4().hex[:4]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.terminate()
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output or ""


@pytest.fixture
def real_celery(redis_url, transactional_db):
    """Eager mode off, tasks sent to Redis, for the test's own workers."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield redis_url
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_queue(real_celery):
    """A real worker consuming a queue of its own; yields the queue name."""
    queue = f"itest-{uuid.uuid4().hex[:10]}"
    worker = start_worker(queue, real_celery)
    try:
        yield queue
    finally:
        # Keep the worker's log visible when a test fails.
        print(stop_worker(worker)[-4000:])


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")
