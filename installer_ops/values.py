"""The value rules every door applies (docs/architecture.md, Bad input).

One module, so that a sync event, an API body, a form, an import row and a
management command refuse the same value for the same reason:

- a date from a person or an integration lies in the plausible window, from
  2000-01-01 to five years ahead of today;
- a datetime is ISO 8601 with an offset within ±14:00 (no offset: UTC);
- an integer fits its column, a string its column's length, with no NUL.

The database holds a fixed outer bound of the same window (a check
constraint cannot depend on today): 2000-01-01 to 2100-01-01, so that no
row can ever hold a date that a page, a report or a time zone conversion
cannot represent. `manage.py dates_out_of_window` lists rows outside the
rolling window. Device clocks are not dates from people: a tablet's time is
only required to be representable, and an implausible one is ordered by the
receipt time instead (bootcamp/state.py)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WINDOW_START = datetime.date(2000, 1, 1)
WINDOW_YEARS_AHEAD = 5
# The database's fixed bound (exclusive), held by check constraints.
DB_WINDOW_END = datetime.date(2100, 1, 1)
MAX_OFFSET = datetime.timedelta(hours=14)

# A device time is kept when it converts to every time zone a page may show
# it in (a day's margin inside what Python's datetime can hold).
DEVICE_TIME_MIN = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
DEVICE_TIME_MAX = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)

# Column ranges (PostgreSQL's; SQLite holds wider).
SMALLINT_MAX = 32767
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1


def window_end(today: datetime.date | None = None) -> datetime.date:
    """The last plausible date: five years from today (28 February for a 29th)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + WINDOW_YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + WINDOW_YEARS_AHEAD, day=28)


def date_problem(value: datetime.date, *, today: datetime.date | None = None) -> str | None:
    """Why a date is implausible, or None."""
    end = window_end(today)
    if value < WINDOW_START or value > end:
        return _("must lie between %(start)s and %(end)s") % {
            "start": WINDOW_START.isoformat(),
            "end": end.isoformat(),
        }
    return None


def datetime_problem(value: datetime.datetime, *, today: datetime.date | None = None) -> str | None:
    """Why an (aware) datetime is implausible, or None: its UTC date is in the window."""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        return _("has an offset beyond ±14:00")
    try:
        day = value.astimezone(datetime.UTC).date()
    except OverflowError:
        return date_problem(datetime.date.max if value.year > 1 else datetime.date.min, today=today)
    return date_problem(day, today=today)


def parse_iso_datetime(text: str) -> tuple[datetime.datetime | None, str | None]:
    """An ISO 8601 time as an aware datetime (no offset: UTC), or why not.
    Impossible dates and offsets (February 30, hour 25, +25:00) are refused,
    never raised."""
    try:
        parsed = parse_datetime(text)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        return None, _("is not an ISO 8601 time")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    offset = parsed.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        return None, _("has an offset beyond ±14:00")
    return parsed, None


def parse_iso_date(text: str) -> tuple[datetime.date | None, str | None]:
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        return None, _("is not an ISO 8601 date (YYYY-MM-DD)")
    return parsed, None


def device_time_problem(value: datetime.datetime) -> str | None:
    """A device's clock may be wrong (then the receipt time orders its event),
    but what is stored must convert to every time zone."""
    try:
        in_utc = value.astimezone(datetime.UTC)
    except OverflowError:
        return _("is out of range")
    if not DEVICE_TIME_MIN <= in_utc <= DEVICE_TIME_MAX:
        return _("is out of range")
    return None


def text_problem(value, *, max_length: int | None = None) -> str | None:
    """Why a value cannot be stored as text, or None."""
    if not isinstance(value, str):
        return _("must be a string")
    if "\x00" in value:
        return _("must not contain NUL characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, which no database stores
            return _("must be valid Unicode text")
    if max_length is not None and len(value) > max_length:
        return _("must be at most %(n)s characters") % {"n": max_length}
    return None


def integer_problem(value, *, minimum: int = 0, maximum: int = INT_MAX) -> str | None:
    """Why a JSON value is not an integer within a column's range, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _("must be an integer")
    if not minimum <= value <= maximum:
        return _("must lie between %(low)s and %(high)s") % {"low": minimum, "high": maximum}
    return None


# --- model field validators (run by full_clean in every service, by forms and serializers) ---


def validate_plausible_date(value: datetime.date) -> None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if problem := date_problem(value):
        raise ValidationError(_("The date %(problem)s.") % {"problem": problem}, code="implausible_date")


def validate_plausible_datetime(value: datetime.datetime) -> None:
    if problem := datetime_problem(value):
        raise ValidationError(_("The time %(problem)s.") % {"problem": problem}, code="implausible_date")


def validate_device_time(value: datetime.datetime) -> None:
    if problem := device_time_problem(value):
        raise ValidationError(_("The device time %(problem)s.") % {"problem": problem}, code="out_of_range")


def validate_no_nul(value: str) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(_("Remove the NUL characters."), code="null_characters_not_allowed")


# --- database check constraints ---------------------------------------------------------------

WINDOW_MESSAGE = gettext_lazy("The date lies outside 2000-01-01 to 2100-01-01.")


def window_q(field: str, *, is_datetime: bool = False, nullable: bool = False) -> Q:
    """The database's fixed window for one date or datetime column."""
    low, high = WINDOW_START, DB_WINDOW_END
    if is_datetime:
        low = datetime.datetime.combine(low, datetime.time(), tzinfo=datetime.UTC)
        high = datetime.datetime.combine(high, datetime.time(), tzinfo=datetime.UTC)
    q = Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return q | Q(**{f"{field}__isnull": True}) if nullable else q


def device_time_q(field: str) -> Q:
    return Q(**{f"{field}__gte": DEVICE_TIME_MIN, f"{field}__lte": DEVICE_TIME_MAX})


def window_check(prefix: str, field: str, *, is_datetime: bool = False, nullable: bool = False) -> CheckConstraint:
    """The check constraint that holds one column inside the database's window."""
    return CheckConstraint(
        condition=window_q(field, is_datetime=is_datetime, nullable=nullable),
        name=f"{prefix}_{field}_in_window",
        violation_error_message=WINDOW_MESSAGE,
    )
