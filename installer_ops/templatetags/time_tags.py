"""Dates and times on pages, one format per kind (installer_ops/formats):
`{{ value|when }}` is `<time datetime="ISO 8601">18 Nov 2026, 14:05 CET</time>`
for a datetime (in the reader's zone, installer_ops/time_zones.py) and
`<time datetime="2026-11-18">18 Nov 2026</time>` for a date;
`{{ value|when:"date" }}` shows only a datetime's date.
`{{ start|date_range:end }}` is "18 Nov – 12 Dec 2026" (the year once when
both share it). The machine-readable value rides in the attribute, the
human one in the text."""

import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html

register = template.Library()


def _iso(value: datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


@register.filter(expects_localtime=True, is_safe=True)
def when(value, kind: str = "") -> str:
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime) and kind != "date":
        shown = formats.date_format(value, "DATETIME_FORMAT")
    else:
        shown = formats.date_format(value, "DATE_FORMAT")
    return format_html('<time datetime="{}">{}</time>', _iso(value), shown)


@register.filter(expects_localtime=True, is_safe=True)
def date_range(start, end) -> str:
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        return when(start, "date") if isinstance(start, datetime.date) else ""
    first = "MONTH_DAY_FORMAT" if start.year == end.year else "DATE_FORMAT"
    return format_html(
        '<time datetime="{}">{}</time> – <time datetime="{}">{}</time>',
        _iso(start),
        formats.date_format(start, first),
        _iso(end),
        formats.date_format(end, "DATE_FORMAT"),
    )
