"""Working-day arithmetic for module due dates (Monday to Friday)."""

import datetime


def nth_working_day(start_on: datetime.date, n: int) -> datetime.date:
    """The n-th working day of a cohort starting on `start_on` (day 1 is the
    first working day on or after the start date)."""
    day = start_on
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    counted = 1
    while counted < n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day
