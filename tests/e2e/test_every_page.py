"""Every page each role reaches from its navigation, at phone, tablet and
laptop widths: no sideways scroll, no console error, no Content Security
Policy violation, no serious or critical axe-core (WCAG 2.2 AA) violation.

The pages are not listed here: the walk starts at the role's home, follows
the links of the rendered navigation, and one level down from each of those
pages every link that stays in the app, at most one per URL name (admin
pages: per admin view kind), so that the walk stays bounded as data grows.
With EVERY_PAGE_SCREENSHOTS=1 (`make screenshots`), each visit leaves a
full-page screenshot under var/screenshots/every-page/<role>/<url-name>-<width>.png;
`make test` leaves them out (a quarter of the walk's time, about 90 s).
"""

import io
import json
import os
import re
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from installer_ops.demo import DEMO_PASSWORD
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import InstallerFactory, PodFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The demo logins of seed_demo, by role.
LOGINS = {"installer": "installer", "lead": "lead", "executive": "exec", "admin": "admin"}
WIDTHS = (1280, 820, 390)
PER_URL_NAME = 1
EVERY_PAGE = SCREENSHOTS / "every-page"
TAKE_SCREENSHOTS = os.environ.get("EVERY_PAGE_SCREENSHOTS") == "1"

# Not pages to walk: leaving the session, handing it to the identity
# provider, files and machine-readable answers.
EXCLUDED_PATHS = (
    "/accounts/logout/",
    "/accounts/login/",
    "/admin/logout/",
    "/oidc/",
    "/static/",
    "/media/",
    # Evidence photos are images served by the API, not pages.
    "/api/v1/evidence/",
)
DOWNLOAD = re.compile(r"\.(csv|pdf|json|ya?ml|zip|xlsx|js|webmanifest|png|svg)$")
ADMIN_VIEW = re.compile(r"^admin:\w+?_(changelist|add|change|delete|history)$")

# The navigation is the one in the page's header (base.html, the tablet
# shell); breadcrumbs, pagination and tabs are links one level down.
LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => !a.hasAttribute("download"))
  .map((a) => ({href: a.href, nav: a.closest("header nav") !== null}))"""
SIDEWAYS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
RENDERED = """() => (!document.getElementById("checklist") || document.getElementById("checklist").children.length > 0)
  && (!document.getElementById("signoffs") || document.getElementById("signoffs").children.length > 0)
  && !document.querySelector("[data-loading]")"""
# axe's WCAG rules do not ask for these (its best-practice rules do): one
# main landmark for the skip link to land on, and one top heading.
# Shown ones only: the tablet keeps its other tabs' panels, each with its
# own top heading, hidden in the page.
STRUCTURE = """() => [document.querySelectorAll("main, [role=main]").length,
  Array.from(document.querySelectorAll("h1, [role=heading][aria-level='1']"))
    .filter((h) => h.checkVisibility()).length]"""


@pytest.fixture
def demo(settings):
    # seed_demo creates the demo logins only with DEBUG on; the pages are
    # then served with DEBUG off as in production.
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


def console_line(message) -> str:
    # "Failed to load resource" names no resource: the location does.
    source = message.location.get("url", "") if message.location else ""
    return f"{message.text} ({source})" if source and "Failed to load" in message.text else message.text


def url_key(url: str) -> tuple[str, str] | None:
    """(dedup key, URL name) of an app URL, or None for what is not a page."""
    path = urlsplit(url).path
    if path.startswith(EXCLUDED_PATHS) or DOWNLOAD.search(path) or "format=" in urlsplit(url).query:
        return None
    try:
        name = resolve(path).view_name
    except Resolver404:
        return None
    admin_view = ADMIN_VIEW.match(name)
    return (f"admin:{admin_view.group(1)}" if admin_view else name), name


class Walker:
    """One browser context per width, logged in as the role, visiting URLs
    and recording what is wrong on each."""

    def __init__(self, browser, live_server, role: str):
        self.browser = browser
        self.origin = live_server.url
        self.role = role
        self.problems: list[str] = []
        self.shots: dict[str, str] = {}  # URL -> screenshot stem
        self.timings: list[tuple] = []
        self.names: dict[str, int] = {}  # screenshot stem -> URLs named so far
        (EVERY_PAGE / role).mkdir(parents=True, exist_ok=True)

    def open(self, width: int):
        context = self.browser.new_context(viewport={"width": width, "height": 900}, base_url=self.origin)
        page = context.new_page()
        page.set_default_timeout(15_000)
        self.console: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.console.append(console_line(message)))
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))
        log_in(page, LOGINS[self.role], DEMO_PASSWORD)
        return context, page

    def visit(self, page, url: str, width: int) -> list[dict] | None:
        """Check `url` at `width`; its links, or None if it is not an HTML page."""
        self.console.clear()
        started = time.monotonic()
        where = f"{self.role} {width}px {urlsplit(url).path}{'?' + urlsplit(url).query if urlsplit(url).query else ''}"
        try:
            response = page.goto(url, wait_until="load")
        except Exception as error:  # noqa: BLE001 - a download or a refused navigation: not a page
            if "Download is starting" in str(error):
                return None
            self.problems.append(f"{where}: could not load ({error})")
            return []
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return None
        if response.status != 200:
            self.problems.append(f"{where}: HTTP {response.status}")
        # The tablet's checklist (the lead's sign-offs too) draws itself after the load event: check and
        # photograph what a reader sees.
        page.wait_for_function(RENDERED, timeout=10_000)
        loaded = time.monotonic()
        scroll_width, inner_width = page.evaluate(SIDEWAYS)
        if scroll_width > inner_width:
            self.problems.append(f"{where}: scrolls sideways ({scroll_width}px wide in {inner_width}px)")
        mains, headings = page.evaluate(STRUCTURE)
        if (mains, headings) != (1, 1):
            self.problems.append(f"{where}: {mains} main landmarks and {headings} h1 headings, not one of each")
        for line in describe(axe_violations(page)):
            self.problems.append(f"{where}: axe {line}")
        checked = time.monotonic()
        if TAKE_SCREENSHOTS:
            page.screenshot(path=EVERY_PAGE / self.role / f"{self.shots[url]}-{width}.png", full_page=True)
        spans = (loaded - started, checked - loaded, time.monotonic() - checked)
        self.timings.append((url, width, *(round(span, 2) for span in spans)))
        # Read last: axe and the screenshot give late scripts time to report.
        for text in self.console:
            kind = "CSP violation" if "Content Security Policy" in text else "console error"
            self.problems.append(f"{where}: {kind}: {text[:300]}")
        return page.evaluate(LINKS)

    def in_app(self, href: str) -> str | None:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))

    def name_shot(self, url: str, name: str) -> None:
        stem = name.replace(":", "-")
        taken = self.names.get(stem, 0)
        self.names[stem] = taken + 1
        self.shots[url] = stem if taken == 0 else f"{stem}-{taken + 1}"

    def discover(self, page, width: int) -> list[str]:
        """Visit the home, the navigation and one level down; the URLs visited."""
        home = page.url
        per_key: dict[str, int] = {}
        visited: list[str] = []

        def take(url: str, bounded: bool) -> bool:
            key = url_key(url)
            if key is None or url in visited:
                return False
            if bounded and per_key.get(key[0], 0) >= PER_URL_NAME:
                return False
            per_key[key[0]] = per_key.get(key[0], 0) + 1
            self.name_shot(url, key[1])
            visited.append(url)
            return True

        def landed_elsewhere(url: str, problems_before: int) -> bool:
            # "/" redirects to the role's home: one page, visited and reported once.
            final = self.in_app(page.url)
            if final != url and final in landed:
                visited.remove(url)
                del self.problems[problems_before:]
                (EVERY_PAGE / self.role / f"{self.shots[url]}-{width}.png").unlink(missing_ok=True)
                return True
            landed.add(final)
            return False

        landed: set[str] = set()
        take(self.in_app(home), bounded=False)
        nav_queue, below = [visited[0]], []
        nav_pages = 0
        while nav_queue:
            url = nav_queue.pop(0)
            problems_before = len(self.problems)
            links = self.visit(page, url, width)
            if links is None:
                visited.remove(url)
                continue
            if landed_elsewhere(url, problems_before):
                continue
            nav_pages += 1
            for link in links:
                target = self.in_app(link["href"])
                if target is None:
                    continue
                if link["nav"] and take(target, bounded=False):
                    nav_queue.append(target)
                elif not link["nav"]:
                    below.append(target)
        for url in below:
            if not take(url, bounded=True):
                continue
            problems_before = len(self.problems)
            if self.visit(page, url, width) is None:
                visited.remove(url)
            else:
                landed_elsewhere(url, problems_before)
        assert nav_pages >= 2, f"{self.role}: the walk found no navigation from {home}"
        return visited


def walk(walker: Walker) -> list[str]:
    """Discover the role's pages at the first width, then check them at the others."""
    first, *others = WIDTHS
    context, page = walker.open(first)
    urls = walker.discover(page, first)
    context.close()
    for width in others:
        context, page = walker.open(width)
        for url in urls:
            walker.visit(page, url, width)
        context.close()
    report = {"pages": {url: walker.shots[url] for url in urls}, "problems": walker.problems}
    report["timings"] = walker.timings  # (url, width, load s, checks s, screenshot s): what makes the walk slow
    (EVERY_PAGE / f"report-{walker.role}.json").write_text(json.dumps(report, indent=2))
    return urls


# One test for the four roles: the demo data takes a while to seed, and a
# transactional test empties the database after itself.
def test_every_page_of_every_role_at_every_width(browser, live_server, demo):
    problems, counts = [], {}
    for role in LOGINS:
        walker = Walker(browser, live_server, role)
        counts[role] = len(walk(walker))
        problems += walker.problems
    assert all(count >= 3 for count in counts.values()), counts
    assert not problems, f"{len(problems)} problems on {counts} pages:\n" + "\n".join(problems)


def test_a_pod_page_fits_a_phone_and_its_wide_table_scrolls_from_the_keyboard(page):
    """At 390 px a long email address pushed the pod page sideways, and the
    installers' table scrolled in a frame no keyboard could reach (axe:
    scrollable-region-focusable)."""
    pod = PodFactory(name="Berlin Retail")
    password = "a-browser-test-pass"  # noqa: S105
    email = "henrietta.lautenschlaeger-oberhausen@installer-operations.example.com"
    lead = lead_of(pod, email=email, password=password)
    for name in ("Aiko Tanaka", "Clara Dubois", "Jonas Becker"):
        InstallerFactory(pod=pod, user__name=name)
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, lead.username, password)
    page.goto(f"/org/pods/{pod.pk}/")
    scroll_width, inner_width = page.evaluate(SIDEWAYS)
    assert scroll_width <= inner_width
    frame = page.get_by_role("region", name="Installers")
    expect(frame).to_have_attribute("tabindex", "0")
    expect(frame).to_have_class(re.compile(r"\bis-scrollable\b"))
    # Tab reaches the frame after the last link above it, and shows where focus is.
    page.get_by_role("link", name=email).focus()
    page.keyboard.press("Tab")
    assert frame.evaluate("(element) => element === document.activeElement")
    ring = frame.evaluate("(e) => `${getComputedStyle(e).outlineStyle} ${getComputedStyle(e).outlineWidth}`")
    assert ring == "solid 3px"
    frame.press("ArrowRight")  # a focused frame scrolls with the keys (smoothly: wait for it)
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5_000)
    assert describe(axe_violations(page)) == []
    # Wide enough for the table, the frame is no tab stop.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator(".table-wrap").first).not_to_have_attribute("tabindex", "0")
