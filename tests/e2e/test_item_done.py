""" "Item done" is one rule: the tablet's itemDone (checklist.js, which counts
progress offline) agrees with the server's is_item_done on every case,
evidence photos included."""

import itertools
import json
from pathlib import Path

import pytest

from bootcamp.item_done import is_item_done

pytestmark = pytest.mark.e2e
CHECKLIST_JS = Path(__file__).resolve().parents[2] / "installer_ops/static/installer_ops/app/checklist.js"


def test_the_tablet_and_the_server_agree_on_when_an_item_is_done(browser):
    names = ["checked", "signed_off", "needs_signoff", "needs_evidence", "evidence_received"]
    cases = [dict(zip(names, values, strict=True)) for values in itertools.product([False, True], repeat=5)]
    # The tablet reads the server's shape: awaiting_evidence, not evidence_received (bootcamp/selectors.py).
    items = [
        {**case, "awaiting_evidence": case["checked"] and case["needs_evidence"] and not case["evidence_received"]}
        for case in cases
    ]
    page = browser.new_page()
    try:
        page.add_script_tag(content=CHECKLIST_JS.read_text(encoding="utf-8"))
        tablet = page.evaluate(
            f"{json.dumps(items)}.map(function (item) {{ return InstallerChecklist.itemDone(item); }})"
        )
    finally:
        page.close()
    assert [bool(answer) for answer in tablet] == [is_item_done(**case) for case in cases]
