"""`make serve`: the production processes of docker-compose.yml (gunicorn, a
Celery worker, exactly one beat, after a one-off migrate) run on this machine
against the local PostgreSQL and Redis, under production settings.

Environment (defaults for this machine in brackets):
  DATABASE_URL   [postgres://postgres@127.0.0.1:5432/installer_ops_serve], created if missing
  REDIS_URL      [redis://127.0.0.1:6379/1]
  WEB_BIND       [127.0.0.1:8000]
  SECRET_KEY     [a random one per start: sessions do not survive a restart]
  ALLOWED_HOSTS  [127.0.0.1,localhost]
  SECURE_SSL_REDIRECT [false: plain HTTP on loopback, no TLS proxy in front]

Stops every process when one of them exits or on Ctrl-C / SIGTERM."""

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.processes import LONG_RUNNING, MIGRATE  # noqa: E402 - after the path is set

DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "installer_ops.settings.production",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/installer_ops_serve",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "WEB_BIND": "127.0.0.1:8000",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
}


def environment() -> dict:
    env = {**DEFAULTS, **os.environ}
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    # The virtual environment's gunicorn and celery come first on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def local(argv: list[str]) -> list[str]:
    """A process's command as run here: `python` is this interpreter."""
    return [sys.executable, *argv[1:]] if argv[0] == "python" else argv


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"serve: created database {name}", flush=True)


STATIC_ROOT = ROOT / "var" / "staticfiles"
STATIC_STAMP = STATIC_ROOT / ".sources-digest"


def static_sources_digest() -> str:
    """What the collected files are made from: every app's static/ tree and
    the pinned packages (whose static files the admin and API docs serve)."""
    digest = hashlib.sha256()
    for path in sorted([ROOT / "requirements.txt", *ROOT.glob("*/static/**/*")]):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def collect_static(env: dict) -> None:
    """collectstatic (hashing and compressing every file takes a while) only
    when the sources changed since the last collection."""
    digest = static_sources_digest()
    if STATIC_STAMP.exists() and STATIC_STAMP.read_text() == digest:
        print("serve: static files unchanged since the last collection", flush=True)
        return
    argv = ["python", "manage.py", "collectstatic", "--no-input", "--clear", "--verbosity", "0"]
    subprocess.run(local(argv), env=env, check=True)  # noqa: S603 - our own command
    STATIC_STAMP.write_text(digest)


def main() -> int:
    env = environment()
    os.chdir(ROOT)
    (ROOT / "var").mkdir(exist_ok=True)
    ensure_database(env["DATABASE_URL"])
    subprocess.run(local(MIGRATE), env=env, check=True)  # noqa: S603 - our own command
    collect_static(env)
    children = {
        name: subprocess.Popen(local(argv), env=env, start_new_session=True)  # noqa: S603
        for name, argv in LONG_RUNNING.items()
    }
    print(f"serve: http://{env['WEB_BIND']}/ ({', '.join(children)} running; Ctrl-C stops them)", flush=True)
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exited = None
    while not stopping and exited is None:
        exited = next((name for name, child in children.items() if child.poll() is not None), None)
        time.sleep(0.2)
    if exited:
        print(f"serve: {exited} exited with {children[exited].returncode}; stopping the others", flush=True)
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 25
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    return 1 if exited else 0


if __name__ == "__main__":
    sys.exit(main())
