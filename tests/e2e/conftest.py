"""Playwright on Debian's Chromium (the Playwright browser download does not
work here). A missing browser fails the run, naming it."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# Written to var/ (ignored); the ones worth keeping are copied to docs/screenshots/.
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The pages answer in the browser's language: keep every context English unless a test sets a locale.
    "--lang=en-US",
]


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests at {CHROMIUM}: `make test` installs it with apt.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still synchronous and safe. Only
    # while the browser is up, so that no other test inherits the switch.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    # A 10-inch tablet in landscape: the smallest screen the lead pages target.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = watch_csp(page)
    yield page
    context.close()
    assert not violations, f"Content Security Policy violations: {violations}"


def watch_csp(page) -> list[str]:
    """Every Content Security Policy violation the browser reports on `page`."""
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    return violations


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """The app in a process of its own, on the test database, so that a test
    can take it away (the network is gone, whatever the service worker
    does), bring it back, or restart it as a new release."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.started = False
        settings_dict = connection.settings_dict
        self.database_url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
            if connection.vendor == "postgresql"
            else f"sqlite:///{settings_dict['NAME']}"
        )

    def start(self, release: str = "release-1") -> None:
        """Start the server and return once it answers /healthz. A restart keeps
        the port (the tablet's service worker belongs to the origin); the
        first start takes another free port if the one picked was taken in
        the meantime by another process of the run (a browser, another
        worker's server): _free_port can only pick, not hold."""
        first = self.process is None and not self.started
        for _attempt in range(3 if first else 1):
            output = self._run(release)
            if output is None:
                self.started = True
                return
            if not (first and "already in use" in output):
                break
            self.port = _free_port()
            self.url = f"http://127.0.0.1:{self.port}"
        raise AssertionError(f"the app server on port {self.port} exited before answering:\n{output[-3000:]}")

    def _run(self, release: str) -> str | None:
        """None once the server answers /healthz; its output if it exits first."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "installer_ops.settings.test",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": "",
            "APP_RELEASE": release,
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        with tempfile.TemporaryFile() as log:  # the server keeps its own descriptor
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            return self._wait(log)

    def _wait(self, log) -> str | None:
        # Wait for the server itself: it answers, or it exits and says why. The deadline
        # only guards against a hang; a loaded machine can take a while to import and check.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                log.seek(0)
                return log.read().decode(errors="replace")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):  # noqa: S310 - loopback only
                    return None
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the app server on port {self.port} neither answered nor exited within 180 s")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def app_server(transactional_db):
    if connection.vendor != "postgresql":
        pytest.fail("The tablet tests share the test database with a server process: run them on PostgreSQL.")
    server = AppServer()
    server.start()
    yield server
    server.stop()
