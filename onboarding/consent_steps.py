"""The steps of a consent flow, read from its Markdown body.

A consent flow is written like a runbook, and its steps are the lines of the
body that start as a task-list item: `- [ ] Post the signage` for a step that
is ticked, `- [photo] Photograph the posted signage` for one that asks for a
photo. Everything else in the body (headings, the privacy notice's wording,
who to call) is read and printed as it stands. The steps are numbered 1..n in
the order they appear: a step's id is its number in that version, which the
version's checksum pins, so a record's `steps_done` means the same thing for
as long as the record exists. A translation of a version has the same steps
in the same order (checked when it is published)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

STEP_LINE = re.compile(r"^(?P<indent>\s*)[-*]\s+\[(?P<mark> |photo)\]\s+(?P<text>\S.*?)\s*$", re.IGNORECASE)
MAX_STEPS = 50


@dataclass(frozen=True)
class ConsentStep:
    id: int
    text: str
    needs_photo: bool

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "needs_photo": self.needs_photo}


def consent_steps(body: str) -> list[ConsentStep]:
    """The body's steps, in order, numbered from 1."""
    steps = []
    for line in body.splitlines():
        match = STEP_LINE.match(line)
        if match:
            needs_photo = match["mark"].lower() == "photo"
            steps.append(ConsentStep(len(steps) + 1, match["text"], needs_photo))
    return steps


def steps_problem(body: str, *, source_steps: list[ConsentStep] | None = None) -> str | None:
    """Why this body cannot be published as a consent flow (or as a
    translation of one whose steps are `source_steps`), or None."""
    steps = consent_steps(body)
    if not steps:
        return _(
            "A consent flow needs at least one step: a line that starts with “- [ ] ” "
            "(or “- [photo] ” for a step that asks for a photo)."
        )
    if len(steps) > MAX_STEPS:
        return _("A consent flow has at most %(n)s steps.") % {"n": MAX_STEPS}
    if source_steps is not None:
        if len(steps) != len(source_steps):
            return _("A translation has the same steps as the version it translates: %(source)s, not %(here)s.") % {
                "source": len(source_steps),
                "here": len(steps),
            }
        for step, source in zip(steps, source_steps, strict=True):
            if step.needs_photo != source.needs_photo:
                return _("Step %(n)s asks for a photo in one language and not in the other.") % {"n": step.id}
    return None


def printable_body(body: str) -> str:
    """The body with its step marks drawn as boxes to tick on paper; a
    step that asks for a photo says so in the reader's language."""
    photo = _("photo")

    def draw(match: re.Match) -> str:
        suffix = f" ({photo})" if match["mark"].lower() == "photo" else ""
        return f"{match['indent']}- ☐ {match['text']}{suffix}"

    return "\n".join(STEP_LINE.sub(draw, line) for line in body.splitlines())
