from django import template

from kpis.selectors import format_change, format_value

register = template.Library()


@register.simple_tag
def kpi_value(kpi, value):
    """A KPI value as people read it: rates in percent, MTTR in hours, days to clearance in days, "—" for none."""
    return format_value(kpi, value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def kpi_change(kpi, change):
    """The size of a change beside its arrow: points for rates, hours or days otherwise."""
    if change is None:
        return ""
    return format_change(kpi, change)
