"""Reporting periods: ISO weeks, calendar months and quarters, cut in the
organisation's time zone (settings.KPI_TIME_ZONE)."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Grain


@dataclass(frozen=True)
class Period:
    grain: str
    start: datetime.date  # first day
    end: datetime.date  # last day

    @property
    def next_start(self) -> datetime.date:
        return self.end + datetime.timedelta(days=1)

    def start_at(self) -> datetime.datetime:
        """The first instant of the period in the organisation's time zone."""
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=kpi_zone())

    def end_at(self) -> datetime.datetime:
        """The first instant after the period (exclusive)."""
        return datetime.datetime.combine(self.next_start, datetime.time(), tzinfo=kpi_zone())


def kpi_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.KPI_TIME_ZONE)


def period_of(day: datetime.date, grain: str) -> Period:
    if grain == Grain.WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        return Period(grain, start, start + datetime.timedelta(days=6))
    if grain == Grain.MONTH:
        start = day.replace(day=1)
    elif grain == Grain.QUARTER:
        start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    else:
        raise ValueError(f"unknown grain {grain!r}")
    months = 1 if grain == Grain.MONTH else 3
    year, month = divmod(start.month - 1 + months, 12)
    next_start = datetime.date(start.year + year, month + 1, 1)
    return Period(grain, start, next_start - datetime.timedelta(days=1))


def periods_between(since: datetime.date, until: datetime.date, grain: str) -> list[Period]:
    """Every period of the grain that overlaps [since, until]."""
    periods, period = [], period_of(since, grain)
    while period.start <= until:
        periods.append(period)
        period = period_of(period.next_start, grain)
    return periods


def last_complete(today: datetime.date, grain: str) -> Period:
    """The latest period of the grain that is over: the one before today's."""
    return period_of(period_of(today, grain).start - datetime.timedelta(days=1), grain)


def previous(period: Period) -> Period:
    return period_of(period.start - datetime.timedelta(days=1), period.grain)


def first_days(period: Period, days: int) -> Period:
    """The first `days` days of `period` (at most all of it), keeping its
    grain and start: the span of a running period, laid on another one."""
    end = min(period.start + datetime.timedelta(days=days - 1), period.end)
    return Period(period.grain, period.start, end)


def running_span(today: datetime.date, grain: str) -> Period:
    """Today's period from its first day up to and including today."""
    current = period_of(today, grain)
    return first_days(current, (today - current.start).days + 1)


# --- how people read a period ---------------------------------------------------------------


def period_name(period: Period) -> str:
    """ "Week 46, 2026", "November 2026", "Q4 2026": a whole period."""
    if period.grain == Grain.WEEK:
        year, week, _day = period.start.isocalendar()
        return _("Week %(week)s, %(year)s") % {"week": week, "year": year}
    if period.grain == Grain.MONTH:
        return date_format(period.start, "YEAR_MONTH_FORMAT")
    return _("Q%(quarter)s %(year)s") % {"quarter": (period.start.month - 1) // 3 + 1, "year": period.start.year}


def short_period_name(period: Period) -> str:
    """A chart axis label: "W46 2026", "Nov 2026", "Q4 2026"."""
    if period.grain == Grain.WEEK:
        year, week, _day = period.start.isocalendar()
        return _("W%(week)s %(year)s") % {"week": week, "year": year}
    if period.grain == Grain.MONTH:
        return date_format(period.start, "M Y")
    return period_name(period)


def dates_of(period: Period) -> str:
    """Its first and last day, as dates are shown everywhere."""
    if period.start == period.end:
        return date_format(period.start, "DATE_FORMAT")
    return _("%(start)s – %(end)s") % {
        "start": date_format(period.start, "DATE_FORMAT"),
        "end": date_format(period.end, "DATE_FORMAT"),
    }


def days_in(period: Period) -> int:
    return (period.end - period.start).days + 1


def span_name(period: Period) -> str:
    """ "the first 3 days of Week 45, 2026": a span laid on an earlier period."""
    days = days_in(period)
    return ngettext("the first day of %(period)s", "the first %(days)s days of %(period)s", days) % {
        "days": days,
        "period": period_name(period_of(period.start, period.grain)),
    }
