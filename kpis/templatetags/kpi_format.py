from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from kpis.figures import MET, MISSED, NEAR, format_change, format_value, status_text

register = template.Library()

# A mark beside the words, so that the status never rests on colour alone.
STATUS_MARKS = {MET: "✓", NEAR: "≈", MISSED: "✗"}
SHORT_STATUS = {MET: gettext_lazy("met"), NEAR: gettext_lazy("near"), MISSED: gettext_lazy("missed")}


@register.simple_tag
def kpi_value(kpi, value):
    """A KPI value as people read it: rates in percent, MTTR in hours, days to clearance in days, "—" for none."""
    return format_value(kpi, value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def kpi_change(kpi, change):
    """A change with its sign and unit ("−3.0 pts", "+1.2 h") or "no change"."""
    return format_change(kpi, change)


@register.simple_tag
def target_badge(status, short=False):
    """Where a figure stands against its target, in words and a mark as well as colour.

    `short` in a breakdown table, under a caption that says "against each one's
    target": "✓ met" keeps eight KPI columns within a laptop's width, and a
    screen reader still hears "target met"."""
    if not status:
        return ""
    if short:
        return format_html(
            '<span class="target target-{}"><span aria-hidden="true">{} {}</span>'
            '<span class="visually-hidden">{}</span></span>',
            status,
            STATUS_MARKS[status],
            SHORT_STATUS[status],
            status_text(status),
        )
    return format_html(
        '<span class="target target-{}"><span aria-hidden="true">{} </span>{}</span>',
        status,
        STATUS_MARKS[status],
        status_text(status),
    )


@register.filter
def sort_value(snapshot):
    """A cell's value for the table sorter: the stored number, "" for none."""
    value = getattr(snapshot, "value", None)
    return "" if value is None else repr(float(value))


@register.filter
def row_status(row, kpi):
    """A breakdown row's standing against its own target for one KPI."""
    return row.status(kpi)
