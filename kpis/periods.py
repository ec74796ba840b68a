"""Reporting periods: ISO weeks, calendar months and quarters, cut in the
organisation's time zone (settings.KPI_TIME_ZONE)."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

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
