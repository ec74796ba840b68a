"""Shared by the evidence photo scenarios of the installer's tablet
(test_tablet_photos.py, test_tablet_photo_capture.py)."""

SYNC = "**/api/v1/sync/"
EVIDENCE = "**/api/v1/evidence/*"
# A short back-off for the tests (photos.js reads it), and every retry it plans.
PHOTO_HOOKS = """
window.InstallerPhotosSettings = { baseMs: 400, capMs: 5000 };
window.__photoRetries = [];
window.addEventListener("installer-ops:photo-retry", (event) => window.__photoRetries.push(event.detail));
"""
PHOTOS_IN_IDB = """async (username) => {
  const db = await idb.openDB("installer-ops:" + username);
  const photos = await db.getAll("photos");
  const outbox = await db.getAll("outbox");
  db.close();
  return { photos: photos.map((p) => ({ id: p.id, state: p.state, attempts: p.attempts, hasBlob: !!p.blob,
                                        event_id: p.event_id, reason: p.reason })),
           outbox: outbox.length };
}"""


def tablet_context(browser, url: str):
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=url, service_workers="block")
    context.add_init_script(PHOTO_HOOKS)
    return context


def photo_rows(page, item):
    return page.get_by_role("list", name=f"Photos of “{item.title}”").get_by_role("listitem")


def stored_on_tablet(page, b) -> dict:
    return page.evaluate(PHOTOS_IN_IDB, b.installer.user.username)


def evidence_puts(context) -> list:
    """The status of every photo upload that got an answer from the server."""
    answers = []

    def seen(response):
        if response.request.method == "PUT" and "/api/v1/evidence/" in response.url:
            answers.append(response.status)

    context.on("response", seen)
    return answers
