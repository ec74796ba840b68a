"""Descriptions from the API schema as HTML: escaped, paragraphs kept, and
`code` in backticks shown as code (the docstrings and help texts use it)."""

import re

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
BACKTICKS = re.compile(r"`([^`]+)`")


@register.filter
def api_paragraphs(text: str) -> str:
    """One <p class="api-desc"> per paragraph of `text`."""
    paragraphs = [part for part in str(text or "").split("\n\n") if part.strip()]
    return format_html_join("", '<p class="api-desc">{}</p>', ((_inline_code(part),) for part in paragraphs))


def _inline_code(text: str) -> str:
    # Escaped first, so that only the <code> added here is markup.
    return mark_safe(BACKTICKS.sub(r"<code>\1</code>", str(conditional_escape(text))))  # noqa: S308


@register.filter
def api_inline(text: str) -> str:
    """`text` on one line (a table cell): paragraphs joined, `code` shown as code."""
    return _inline_code(" ".join(part.strip() for part in str(text or "").split("\n\n") if part.strip()))


@register.filter
def api_breakable(path: str) -> str:
    """A path for the contents, which may wrap after a slash on a phone: a
    zero-width space after each (a <wbr> is one more element, a hundred more
    in all). The headings keep the plain path, for copying."""
    return str(path).replace("/", "/\u200b")
