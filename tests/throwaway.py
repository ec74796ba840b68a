"""Throwaway PostgreSQL and Redis servers for a test run on a machine that
has none answering: installed with apt when their binaries are missing,
started under var/test-services/ on free loopback ports, stopped and removed
afterwards. Used by `tests/services.py`, which `make test` calls."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "test-services"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def apt_install(*packages: str) -> None:
    """Debian packages by name; as root directly, else through sudo."""
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"services: installing {', '.join(packages)} with apt", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)  # noqa: S603
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *packages], check=True, env=env)  # noqa: S603


def wait_until(ready, what: str, process: subprocess.Popen | None = None, limit: float = 120.0) -> None:
    """Poll `ready()` until it is true. A process that exits fails at once;
    the limit is only a guard against a server that hangs for ever."""
    deadline = time.monotonic() + limit
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it answered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {limit:.0f} s")
        time.sleep(0.1)


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own: trust auth for `postgres` on
    127.0.0.1, durability off (a test database is thrown away anyway)."""

    def __init__(self):
        self.port = free_port()
        self.directory = WORK / f"postgres-{self.port}"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/installer_ops"
        self.bin = None

    @staticmethod
    def find_binaries() -> Path | None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
        return Path(found[-1]).parent if found else None

    def as_owner(self, argv: list[str]) -> list[str]:
        # PostgreSQL refuses to run as root: root runs it as the postgres user.
        if os.geteuid() != 0:
            return argv
        return ["runuser", "-u", "postgres", "--", *argv]

    def start(self) -> None:
        self.bin = self.find_binaries()
        if self.bin is None:
            apt_install("postgresql")
            self.bin = self.find_binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's binaries are missing after installing the postgresql package")
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        self.directory.chmod(0o700)
        subprocess.run(  # noqa: S603
            self.as_owner(
                [str(self.bin / "initdb"), "-D", str(self.directory), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        # -w: pg_ctl itself waits until the server accepts connections.
        subprocess.run(  # noqa: S603
            self.as_owner(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.directory),
                    "-o",
                    options,
                    "-l",
                    str(self.directory / "server.log"),
                    "-w",
                    "-t",
                    "300",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.bin and (self.directory / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603
                self.as_owner([str(self.bin / "pg_ctl"), "-D", str(self.directory), "-m", "fast", "-w", "stop"]),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(self.directory, ignore_errors=True)


class ThrowawayRedis:
    """A redis-server of its own that keeps nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.directory = WORK / f"redis-{self.port}"
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self, reachable) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            apt_install("redis-server")
            binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.directory.mkdir(parents=True)
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: reachable(self.url), "redis-server", self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)
