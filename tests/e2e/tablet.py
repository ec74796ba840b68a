"""Helpers for the tablet scenarios (docs/architecture.md, Sync protocol)."""

import datetime
import io
import json

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from bootcamp import services
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.factories import InstallerFactory, PodFactory, lead_of

PASSWORD = "a-tablet-test-pass"  # noqa: S105


class Bootcamp:
    """A running cohort on the default program with one installer enrolled.

    With photos=False (the plain tap scenarios), no item asks for a photo,
    so that every tap checks at once; with photos=True the program is the
    fixture's, whose first item needs one."""

    def __init__(self, *, photos: bool = False):
        spec = json.loads((settings.BASE_DIR / "fixtures" / "program_default.json").read_text())
        for module in spec["modules"] if not photos else []:
            for item in module["items"]:
                item["needs_evidence"] = False
        self.version = services.program_load(actor=None, **spec)
        self.pod = PodFactory(name="Berlin Retail")
        self.lead = lead_of(self.pod, password=PASSWORD)
        self.installer = InstallerFactory(pod=self.pod, user__name="Nia Tablet", user__password=PASSWORD)
        self.cohort = services.cohort_create(
            actor=None,
            name="Berlin November",
            program_version=self.version,
            start_on=timezone.localdate() - datetime.timedelta(days=2),
            lead=self.lead,
            pods=[self.pod],
            capacity=5,
        )
        (self.enrollment,) = services.enrollment_bulk_create(
            actor=None, cohort=self.cohort, installers=[self.installer]
        )
        self.items = list(self.version.modules.get(position=1).items.order_by("position"))


def context_options(base_url: str, **extra) -> dict:
    return {"viewport": {"width": 1280, "height": 800}, "base_url": base_url, **extra}


def persistent_context(playwright, user_data_dir, base_url: str, **extra):
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        **context_options(base_url, **extra),
    )


def open_app(page, username: str, *, wait_for_worker: bool = True) -> None:
    """Log in, open the checklist, wait until it is synced (and the service
    worker controls the page, so that the shell is cached)."""
    page.set_default_timeout(20_000)
    page.goto("/accounts/login/?next=/app/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # "Last sync", the end of the first sync: a test going offline before the
    # checklist has been downloaded would find none.
    expect(page.get_by_role("status")).to_contain_text("All changes synced")
    expect(page.get_by_role("status")).to_contain_text("Last sync")
    if wait_for_worker:
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def status(page):
    return page.get_by_role("status")


def tap(page, item, *, checked: bool = True) -> None:
    """Tap an item's box as an installer does, and wait until it shows the
    new state: the app draws it only once the outbox write has committed
    (durable before shown), so Playwright's check(), which expects the box
    to flip during the click itself, does not apply."""
    box = page.get_by_label(item.title, exact=True)
    if checked and item.needs_evidence:
        # Checking an item that needs a photo is taking one (photo_view.js).
        photo_input(page, item).set_input_files(photo_payload())
    else:
        box.click()
    if checked:
        expect(box).to_be_checked()
    else:
        expect(box).not_to_be_checked()


def screenshots(page, name: str) -> None:
    """The page as a person sees it on a phone, a tablet and a laptop."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (820, 1180), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=False)


def photo_input(page, item, verb: str = "Take photo"):
    """The camera control of an item ("Take photo", "Add photo", "Retake photo")."""
    return page.get_by_label(f"{verb}: {item.title}", exact=True)


def photo_payload(width: int = 2400, height: int = 1800, name: str = "label.jpg") -> dict:
    """A real JPEG, larger than the app keeps (1600 px), as a camera gives it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (32, 96, 128))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 120):
        draw.rectangle((x, 0, x + 60, height), fill=(240, 200, 40))
    draw.text((40, 40), "SERIAL 0042-TEST", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}
