from html import escape as escape_text

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext_lazy

from kpis.figures import MET, MISSED, NEAR, format_change, format_value, status_text, value_formatter

register = template.Library()

# A mark beside the words, so that the status never rests on colour alone.
STATUS_MARKS = {MET: "✓", NEAR: "≈", MISSED: "✗"}
# A breakdown cell's badge: one short word, since ten KPI columns share a laptop's width.
SHORT_STATUS = {
    MET: pgettext_lazy("target badge", "met"),
    NEAR: pgettext_lazy("target badge", "near"),
    MISSED: pgettext_lazy("target badge", "missed"),
}


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


@register.filter
def breakdown_cells(rows, columns):
    """Each breakdown row with its cells for `columns` (tiles): each KPI's
    value as read, the sorter's value, and where it stands against the
    row's own target (the cell's edge and the short badge). Made here in
    one pass over the table: 200 pods make some 2,000 cells, and a
    template that resolved five variables and a tag a cell spent more on
    them than on the rest of the dashboard."""
    formats = [(tile.kpi, value_formatter(tile.kpi)) for tile in columns]
    badges = {status: format_html("<br>{}", target_badge(status, short=True)) for status in STATUS_MARKS}
    table = []
    for row in rows:
        cells = []
        for kpi, formatted in formats:
            snapshot = row.values.get(kpi)
            status = row.status(kpi)
            css = f"num cell-{status}" if status else "num"
            text = escape_text(formatted(snapshot.value if snapshot is not None else None))
            badge = badges.get(status, "")
            cells.append(f'<td class="{css}" data-sort-value="{sort_value(snapshot)}">{text}{badge}</td>')
        # Safe: the class and sort value are ours (a status code, a float's repr),
        # the value is escaped and the badge is format_html's.
        table.append((row, mark_safe("".join(cells))))  # noqa: S308
    return table
