"""How a KPI figure reads: its value with the unit, a change with its sign
and unit, and where it stands against its target. One place for the
dashboard, the KPI pages, the targets page and the charts' data."""

from django.utils.translation import gettext as _

from .registry import CHANGE_UNITS, LOWER_IS_BETTER, NEAR_TARGET, is_rate, unit, unit_symbol

MET, NEAR, MISSED = "met", "near", "missed"


def shown(kpi: str, value: float) -> float:
    """The value as it is displayed: percent for rates, rounded to one decimal."""
    return round(value * 100 if is_rate(kpi) else value, 1)


def format_value(kpi: str, value) -> str:
    return value_formatter(kpi)(value)


def value_formatter(kpi: str):
    """format_value for one KPI, its unit's symbol translated once: a
    breakdown formats some 200 values of each KPI."""
    symbol = unit_symbol(kpi)

    def formatted(value) -> str:
        # Templates pass "" for a missing snapshot's value: that is "no value" too.
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            return "—"
        return f"{shown(kpi, value):.1f} {symbol}"

    return formatted


def change_between(kpi: str, now, before) -> float | None:
    """The difference of the two values as shown (so that 76.4 % against 76.4 %
    is no change even when the stored fractions differ in the fifth decimal)."""
    if now is None or before is None:
        return None
    return round(shown(kpi, now) - shown(kpi, before), 1)


def format_change(kpi: str, change: float | None) -> str:
    """ "+1.2 h", "−3.0 pts", or "no change"; "" when there is nothing to compare."""
    if change is None:
        return ""
    if change == 0:
        return _("no change")
    sign = "+" if change > 0 else "\u2212"  # a real minus sign, as typeset
    return f"{sign}{abs(change):.1f} {CHANGE_UNITS[unit(kpi)]}"


def improving(kpi: str, change: float | None) -> bool | None:
    """Whether a change is for the better (None: no change or nothing to compare)."""
    if not change:
        return None
    return (change < 0) == (kpi in LOWER_IS_BETTER)


def target_status(kpi: str, value, target) -> str | None:
    """MET, NEAR (missed by at most NEAR_TARGET of the target) or MISSED; None without both."""
    if value is None or target is None:
        return None
    lower = kpi in LOWER_IS_BETTER
    if (value <= target) if lower else (value >= target):
        return MET
    slack = abs(target) * NEAR_TARGET
    if (value <= target + slack) if lower else (value >= target - slack):
        return NEAR
    return MISSED


def status_text(status: str | None) -> str:
    return {MET: _("target met"), NEAR: _("near target"), MISSED: _("target missed")}.get(status, "")
