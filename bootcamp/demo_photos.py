"""Evidence photos for the demo data: a small grey JPEG with the item's
title written on it, uploaded for a demo check-off through the same service
as a tablet's upload (evidence_store), so that the demo lead sees photos on
the queue and the enrollment pages."""

import functools
import io
import textwrap
import uuid

from PIL import Image, ImageDraw, ImageFont

from .models import CheckoffEvent
from .services.evidence import evidence_store

SIZE = (480, 360)


@functools.cache
def demo_photo(title: str) -> bytes:
    """A grey 480×360 JPEG naming the item (the same bytes for one title)."""
    image = Image.new("RGB", SIZE, (128, 132, 136))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=22)
    lines = ["Demo photo", "", *textwrap.wrap(title, width=34)]
    draw.multiline_text((24, 24), "\n".join(lines), fill=(255, 255, 255), font=font, spacing=8)
    draw.rectangle((8, 8, SIZE[0] - 9, SIZE[1] - 9), outline=(230, 230, 230), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def demo_photos_store(*, actor, checks: list[dict], items: dict, arrived) -> set[int]:
    """Upload a photo for each of these item.checked events (sync events as
    the demo sent them) whose item asks for one and for which `arrived(item)`
    says the tablet has been online since; the ids of the items whose photo
    is still to come (their sign-off waits for it)."""
    waiting = set()
    wanted = {check["id"]: items[check["item"]] for check in checks if items[check["item"]].needs_evidence}
    events = CheckoffEvent.objects.select_related("enrollment", "item").in_bulk(list(wanted))
    for event_id, item in wanted.items():
        if not arrived(item):
            waiting.add(item.pk)
            continue
        event = events[uuid.UUID(event_id)]
        evidence_store(
            actor=actor,
            evidence_id=uuid.uuid4(),
            event=event,
            content_type="image/jpeg",
            data=demo_photo(item.title),
            taken_at=event.occurred_at,
        )
    return waiting
