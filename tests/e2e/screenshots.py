"""Copy the every-page walk's screenshots into docs/screenshots/.

The walk (tests/e2e/test_every_page.py) leaves
var/screenshots/every-page/<role>/<url-name>-<width>.png; the docs keep them
as <url-name>-<role>-<width>.png, quantized to 256 colours so that the
repository stays small (the pages are flat colours and text: nothing is lost
that a reader would see). The docs' other pictures (states other browser
tests stage: the tablet offline, error pages, printouts) are refreshed from
var/screenshots/ where that test left one of the same name. Nothing is
deleted: a page that left the walk is removed by hand.

    make screenshots
"""

import re
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
WALK = ROOT / "var" / "screenshots" / "every-page"
DOCS = ROOT / "docs" / "screenshots"
NAME = re.compile(r"^(?P<page>.+)-(?P<width>390|820|1280)\.png$")


def refresh() -> int:
    shots = sorted(WALK.glob("*/*.png"))
    if not shots:
        print(f"No screenshots under {WALK}: run the every-page walk first.", file=sys.stderr)
        return 1
    DOCS.mkdir(parents=True, exist_ok=True)
    copied = 0
    for shot in shots:
        match = NAME.match(shot.name)
        if match:
            copy(shot, DOCS / f"{match['page']}-{shot.parent.name}-{match['width']}.png")
            copied += 1
    walked = {
        DOCS / f"{NAME.match(s.name)['page']}-{s.parent.name}-{NAME.match(s.name)['width']}.png"
        for s in shots
        if NAME.match(s.name)
    }
    refreshed = 0
    for kept in sorted(set(DOCS.glob("*.png")) - walked):
        staged = WALK.parent / kept.name
        if staged.exists():
            copy(staged, kept)
            refreshed += 1
    print(f"{copied} walk screenshots and {refreshed} others copied to {DOCS.relative_to(ROOT)}")
    return 0


def copy(source: Path, target: Path) -> None:
    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256).save(target, optimize=True)


if __name__ == "__main__":
    sys.exit(refresh())
