"""Preflight of the test run: are the real services reachable?

`make test` runs this before the suite so that a missing service fails the run
at once with a message naming it, rather than as a cascade of test errors.
"""

import os
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


def main() -> int:
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres"):
        problems.append("DATABASE_URL must name the PostgreSQL server for the test run.")
    elif message := check_postgresql(database_url):
        problems.append(message)
    if not redis_url:
        problems.append("REDIS_URL must name the Redis server for the test run.")
    elif message := check_redis(redis_url):
        problems.append(message)
    for problem in problems:
        print(f"SERVICE UNAVAILABLE: {problem}", file=sys.stderr)
    if not problems:
        print("Services reachable: PostgreSQL and Redis.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
