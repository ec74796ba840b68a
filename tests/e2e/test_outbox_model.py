"""The fast-check model test of the tablet's outbox (tests/e2e/outbox_model.js),
run in Chromium against the real outbox module and IndexedDB: random taps
(alone and from two tabs at once), reloads, syncs answered, failed,
unreachable or stored with the answer lost, and dismissals; the outbox
always holds exactly the unacknowledged events, in order."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("tablet")]
HERE = Path(__file__).parent
RUNS = int(os.environ.get("OUTBOX_MODEL_RUNS", "300"))
HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outbox model</title>
<script src="/static/vendor/idb/idb.umd.js"></script>
<script src="/static/installer_ops/app/outbox.js"></script></head><body></body></html>"""


def test_the_outbox_holds_exactly_the_unacknowledged_events_in_order(browser, app_server):
    context = browser.new_context(base_url=app_server.url)
    context.route(
        "**/__outbox-model__", lambda route: route.fulfill(status=200, content_type="text/html", body=HARNESS)
    )
    page = context.new_page()
    page.goto("/__outbox-model__")
    page.add_script_tag(path=HERE / "vendor" / "fast-check" / "fast-check-4.10.2.iife.js")
    page.add_script_tag(path=HERE / "outbox_model.js")
    result = page.evaluate("(runs) => runOutboxModel(runs)", RUNS)
    print(f"outbox model: {result}")
    assert result["ok"], result.get("error")
    assert result["runs"] >= RUNS
    context.close()
