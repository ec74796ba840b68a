from django import template

from kpis.selectors import format_value

register = template.Library()


@register.simple_tag
def kpi_value(kpi, value):
    """A KPI value as people read it: rates in percent, MTTR in hours, "—" for no value."""
    return format_value(kpi, value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def kpi_change(kpi, change):
    """The size of a change beside its arrow: points for rates, hours for MTTR."""
    if change is None:
        return ""
    if kpi == "mttr":
        return f"{abs(change):.1f} h"
    return f"{abs(change) * 100:.1f} pts"
