"""How text is laid out on the pages, beyond what CSS can say."""

from django import template
from django.utils.html import conditional_escape, format_html

register = template.Library()


@register.filter
def email_breaks(address):
    """An email address that may wrap after its "@" in a narrow column.

    CSS can only break a long address anywhere ("lena.hartmann@exampl|e.com");
    a <wbr> gives the browser a better place to break first."""
    text = "" if address is None else str(address)
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return conditional_escape(text)
    return format_html("{}@<wbr>{}", local, domain)
