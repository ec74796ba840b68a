"""The test OpenID provider as a second process, for a pytest fixture."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProviderProcess:
    """Runs tests/oidc_provider/serve.py on a free port with an SQLite
    database in a temporary directory; `start` returns once the discovery
    document answers, and keeps it in `discovery`."""

    client_id = "installer-ops-test"
    client_secret = "installer-ops-test-secret"  # noqa: S105 - a throwaway provider's

    def __init__(self, redirect_uri: str, users: list[tuple[str, str, str]]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.redirect_uri = redirect_uri
        self.users = users
        self.process = None
        self.discovery = None
        self._log = None
        self._directory = tempfile.TemporaryDirectory(prefix="oidc-provider-")

    def start(self, timeout: float = 60) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OIDC_PROVIDER_DB": str(Path(self._directory.name) / "provider.sqlite3"),
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        command = [sys.executable, "-m", "tests.oidc_provider.serve", "--port", str(self.port)]
        command += ["--client-id", self.client_id, "--client-secret", self.client_secret]
        command += ["--redirect-uri", self.redirect_uri]
        for username, password, email in self.users:
            command += ["--user", f"{username}:{password}:{email}"]
        self._log = open(Path(self._directory.name) / "provider.log", "w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the OpenID provider exited at start:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/o/.well-known/openid-configuration", timeout=1) as answer:  # noqa: S310 - loopback only
                    self.discovery = json.load(answer)
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the OpenID provider did not answer within {timeout} s")

    def log(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def settings(self) -> dict:
        """Our OIDC_ settings pointing at this provider."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
            "OIDC_RP_SIGN_ALGO": "RS256",
        }

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        self._directory.cleanup()
