"""The time zone a person reads times in: their geography's.

- An installer: the geography of their pod.
- Anyone holding an active pod role (a lead, a product liaison, a
  reliability engineer), executives and administrators included: the
  geography of that pod, or of those pods when they share one zone. Pods in
  several zones have no single local time, so such a person reads
  settings.TIME_ZONE (UTC), and every time says so.
- Everyone else (an executive or administrator belonging nowhere):
  settings.TIME_ZONE.

Every shown time names its zone (DATETIME_FORMAT in installer_ops/formats),
so a reader is never left guessing which clock it is on.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from .models import Geography, Installer, PodMembership

# The API keeps answering in UTC whoever asks (DRF renders times in the
# active zone); machines compare times, people read pages.
API_PREFIX = "/api/"


def time_zone_name_of(user) -> str:
    """The IANA name of the user's zone, in at most one query, cached on the user object."""
    if user is None or not user.is_authenticated:
        return settings.TIME_ZONE
    cached = getattr(user, "_installer_ops_time_zone", None)
    if cached is not None:
        return cached
    own = Installer.objects.filter(user=user, pod__geography=OuterRef("pk"))
    held = PodMembership.objects.filter(user=user, ended_on__isnull=True, pod__geography=OuterRef("pk"))
    rows = set(
        Geography.objects.filter(Exists(own) | Exists(held))
        .annotate(own=Exists(own))
        .order_by()
        .values_list("time_zone", "own")
    )
    installers_own = {name for name, is_own in rows if is_own}
    zones = installers_own or {name for name, _is_own in rows}
    name = zones.pop() if len(zones) == 1 else settings.TIME_ZONE
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # A row written around the model's validator (raw SQL) must not break every page.
        name = settings.TIME_ZONE
    user._installer_ops_time_zone = name
    return name


def zone_abbreviations(name: str, around: datetime.date | None = None) -> dict[str, str]:
    """The zone's abbreviations by UTC offset ("+01:00": "CET", "+02:00": "CEST"),
    as pages print them (the "T" of DATETIME_FORMAT), over the years either side
    of `around`. The tablet app formats times in the browser, whose Intl names
    zones by locale ("GMT+1" in English): with this it prints "14:05 CET" as
    the pages do."""
    zone = zoneinfo.ZoneInfo(name)
    year = (around or timezone.now().date()).year
    start = datetime.datetime(year - 1, 1, 1, tzinfo=datetime.UTC)
    found = {}
    # Every week of three years meets each offset in use (rules change at most a few times a year).
    for week in range(3 * 53):
        moment = (start + datetime.timedelta(weeks=week)).astimezone(zone)
        found.setdefault(_offset(moment.utcoffset()), moment.tzname())
    return dict(sorted(found.items()))


def _offset(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone_note() -> str:
    return _("In your time zone, %(zone)s.") % {"zone": timezone.get_current_timezone_name()}


# A form field's help text under a time people type: read when the form is
# drawn, so it names the zone the request runs in (the one the input is read in).
zone_note = lazy(_zone_note, str)


class UserTimeZoneMiddleware:
    """After AuthenticationMiddleware (it needs request.user). Pages, and the
    dates their views compute with timezone.localdate(), are in the person's
    zone for the whole request; the zone is restored afterwards, so that the
    thread's next request starts from settings.TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            request.time_zone = settings.TIME_ZONE
            return self.get_response(request)
        request.time_zone = time_zone_name_of(getattr(request, "user", None))
        with timezone.override(zoneinfo.ZoneInfo(request.time_zone)):
            return self.get_response(request)
