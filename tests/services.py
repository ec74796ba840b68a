"""The services of a test run: PostgreSQL and Redis.

`make test` runs the suites through this module:

    python -m tests.services --database-url URL --redis-url URL -- COMMAND...

Each service is used where the configured URL answers. Where it does not, a
throwaway instance of its own is started (tests/throwaway.py: installed with
apt if need be, under var/, on a free port) and stopped after COMMAND. The
URLs in use reach COMMAND as SERVICES_DATABASE_URL and SERVICES_REDIS_URL.
A service that can be neither reached nor started fails the run, naming it.
"""

import argparse
import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit


def check_postgresql(url: str) -> str | None:
    import psycopg

    parts = urlsplit(url)
    try:
        # Connect to the maintenance database: the test database does not exist yet.
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        ) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is unreachable: {exc}".strip()
    return None


def check_redis(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        parts = urlsplit(url)
        return f"Redis at {parts.hostname}:{parts.port or 6379} is unreachable: {exc}"
    return None


def redis_answers(url: str) -> bool:
    return check_redis(url) is None


def main(argv: list[str] | None = None) -> int:
    from tests.throwaway import ThrowawayPostgres, ThrowawayRedis

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command to run is required after --")
    if not args.database_url.startswith("postgres"):
        print("SERVICE UNAVAILABLE: the test database URL must name a PostgreSQL server.", file=sys.stderr)
        return 1

    # SIGTERM (CI's time limit, a Ctrl-C) still stops what this run started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = []
    urls = {"database": args.database_url, "redis": args.redis_url}
    try:
        for name, check, throwaway in (
            ("database", check_postgresql, ThrowawayPostgres),
            ("redis", check_redis, ThrowawayRedis),
        ):
            problem = check(urls[name])
            if problem is None:
                print(f"services: using {name} at {urls[name]}", flush=True)
                continue
            print(f"services: {problem}; starting a throwaway instance", flush=True)
            instance = throwaway()
            started.append(instance)
            try:
                instance.start(redis_answers) if name == "redis" else instance.start()
            except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
                label = "PostgreSQL" if name == "database" else "Redis"
                print(f"SERVICE UNAVAILABLE: {label}: {problem}; and none could be started: {exc}", file=sys.stderr)
                return 1
            urls[name] = instance.url
            print(f"services: started {name} at {instance.url} (stopped after the run)", flush=True)
        env = {**os.environ, "SERVICES_DATABASE_URL": urls["database"], "SERVICES_REDIS_URL": urls["redis"]}
        return subprocess.run(command, env=env, check=False).returncode  # noqa: S603
    finally:
        for instance in reversed(started):
            instance.stop()


if __name__ == "__main__":
    sys.exit(main())
