"""The onboarding board's read: who sits in which column, since when, with
the lead's search and pod filter, and the Cleared column kept to recent
clearances unless all are asked for. A fixed number of queries whatever
the number of cards, and a bounded number of cards whatever the number of
installers: the people still working towards clearance come a page at a
time (by name, across the columns), the cleared ones a page at a time
apart, and the kits to reprint up to a limit with their count."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Window
from django.utils import timezone

from installer_ops.models import AuditEntry, Installer, Pod, Stage
from installer_ops.selectors import installers_matching, installers_visible_to

from .models import Day1Kit, DrillOutcome, OutageDrill, ShadowDay
from .selectors import (
    BOARD_COLUMNS,
    EXPIRY_WARNING_DAYS,
    REQUIRED_SHADOW_DAYS,
    Readiness,
    kits_needing_reprint,
    readiness_of,
)

RECENTLY_CLEARED_DAYS = 30
CLEARED_PER_PAGE = 25
# A pod has a handful of people in onboarding, so a lead's board is one
# page; an administrator over hundreds of pods pages through them (or
# narrows by pod or name) rather than reading thousands of cards at once.
CARDS_PER_PAGE = 40
REPRINTS_SHOWN = 25
# Installers still in bootcamp who were given a kit early: shown apart, so
# that nobody holding a device is missing from the board.
EARLY = "early"


@dataclass
class Card:
    readiness: Readiness
    since: datetime.datetime | None = None
    days: int | None = None  # whole days in the column ("in shadow week for 4 days")

    @property
    def installer(self) -> Installer:
        return self.readiness.installer


@dataclass
class Board:
    columns: dict[str, list[Card]] = field(default_factory=dict)
    cards_page: Page | None = None  # the page of those not (or no longer) settled in Cleared
    cleared_page: Page | None = None  # the Cleared column's page: recent clearances, or every one
    all_cleared: bool = False
    cleared_hidden: int = 0  # clearances older than the recent window, not shown
    now: datetime.datetime = field(default_factory=timezone.now)


@dataclass
class Reprints:
    kits: list[Day1Kit]
    count: int  # every kit to reprint, of which `kits` are the first

    @property
    def more(self) -> int:
        return self.count - len(self.kits)


def reprints_of(user) -> Reprints:
    """The kits to reprint that the user sees, oldest first, up to
    REPRINTS_SHOWN of them with the count of all: one query."""
    kits = list(kits_needing_reprint(user).annotate(total=Window(Count("pk")))[:REPRINTS_SHOWN])
    return Reprints(kits, kits[0].total if kits else 0)


def _page(queryset: QuerySet, per_page: int, number) -> Page:
    """A Paginator's page of `queryset` read in one query, empty or not: the
    rows carry the count of all of them (a window over the whole set). A
    page number past the end costs a count and falls back to the last page."""
    try:
        wanted = max(int(number), 1)
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * per_page
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[start : start + per_page])
    paginator = Paginator(queryset, per_page)
    if not rows and wanted > 1:
        return paginator.get_page(number)
    paginator.count = rows[0].total_rows if rows else 0  # known: no COUNT query of its own
    try:
        page = paginator.page(wanted)
    except InvalidPage:
        return paginator.get_page(number)
    page.object_list = rows
    return page


def _filtered(queryset: QuerySet[Installer], search: str, pod: Pod | None) -> QuerySet[Installer]:
    if search:
        queryset = installers_matching(queryset, search)
    if pod is not None:
        queryset = queryset.filter(pod=pod)
    return queryset


def onboarding_board(
    user,
    *,
    search: str = "",
    pod: Pod | None = None,
    all_cleared: bool = False,
    page_number=None,
    cards_page_number=None,
    today: datetime.date | None = None,
) -> Board:
    """The board of docs/product.md: each installer in onboarding or cleared
    in the column of the first requirement they miss, "ready" when none,
    "cleared" once cleared (and not expiring); plus the early kits.
    `cards_page_number` pages those, `page_number` the Cleared column."""
    today = today or timezone.localdate()
    board = Board(all_cleared=all_cleared)
    cutoff = board.now - datetime.timedelta(days=RECENTLY_CLEARED_DAYS)
    expiry_horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    visible = _filtered(installers_visible_to(user), search, pod).annotate(
        last_cleared=Max("clearances__cleared_at"), last_valid=Max("clearances__valid_until")
    )
    # Settled in the Cleared column: cleared, and not expiring soon.
    settled = Q(stage=Stage.CLEARED, last_cleared__isnull=False, last_valid__gt=expiry_horizon)
    has_kit = Exists(Day1Kit.objects.filter(installer=OuterRef("pk")))
    working = (
        visible.filter(
            (Q(stage=Stage.ONBOARDING) | Q(stage=Stage.CLEARED) & ~settled)
            | Q(stage__in=[Stage.HIRED, Stage.BOOTCAMP]) & Q(has_kit)
        )
        .select_related("pod", "user")
        .order_by("user__name", "pk")
    )
    board.cards_page = _page(working, CARDS_PER_PAGE, cards_page_number)
    cleared_all = visible.filter(settled).select_related("pod", "user").order_by("-last_cleared", "pk")
    if not all_cleared:
        board.cleared_hidden = cleared_all.filter(last_cleared__lt=cutoff).count()
        cleared_all = cleared_all.filter(last_cleared__gte=cutoff)
    board.cleared_page = _page(cleared_all, CLEARED_PER_PAGE, page_number)

    installers = list(board.cards_page.object_list) + list(board.cleared_page.object_list)
    since = _entered_onboarding(installers)
    met = _met_times(installers)
    board.columns = {EARLY: [], **{code: [] for code, _label in BOARD_COLUMNS}}
    for readiness in readiness_of(installers, today):
        installer = readiness.installer
        if installer.stage in (Stage.HIRED, Stage.BOOTCAMP):
            code = EARLY
        elif installer.stage == Stage.CLEARED and readiness.clearance is not None and not readiness.expiring:
            code = "cleared"
        elif readiness.ready:
            code = "ready"
        else:
            code = readiness.missing[0].code
        moment = _since(code, readiness, since.get(installer.pk), met)
        days = None if moment is None else max((board.now - moment).days, 0)
        board.columns[code].append(Card(readiness, moment, days))
    return board


def _since(code: str, readiness: Readiness, entered: datetime.datetime | None, met: dict) -> datetime.datetime | None:
    """When the installer reached this column: the latest moment one of the
    steps before it was met, and never before they entered onboarding."""
    pk = readiness.installer.pk
    if code == "cleared":
        return readiness.clearance.cleared_at
    if code == EARLY:
        return met["kit_issued"].get(pk)
    before = {
        "bootcamp": [],
        "kit": [],
        "shadow": ["kit"],
        "drill": ["kit", "shadow"],
        "consent": ["kit", "shadow", "drill"],
        "ready": ["kit", "shadow", "drill"],
    }
    moments = [entered] + [met[step].get(pk) for step in before.get(code, [])]
    if readiness.clearance is not None:
        # A renewal: the step became due when the expiry warning began.
        warned = readiness.clearance.valid_until - datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        moments.append(timezone.make_aware(datetime.datetime.combine(warned, datetime.time())))
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def _entered_onboarding(installers: list[Installer]) -> dict[int, datetime.datetime]:
    """When each installer's stage last moved to onboarding (the audit log
    records every stage advance): one query."""
    entered = {}
    entries = AuditEntry.objects.filter(
        object_type="installer", object_id__in=[str(i.pk) for i in installers], action="advance stage"
    ).values_list("object_id", "at", "changes")
    for object_id, at, changes in entries:
        after = (changes or {}).get("stage")
        if isinstance(after, list | tuple) and after and after[-1] == Stage.ONBOARDING:
            entered[int(object_id)] = max(at, entered.get(int(object_id), at))
    return entered


def _met_times(installers: list[Installer]) -> dict[str, dict[int, datetime.datetime]]:
    """When each step of the gate was last met (a kit issued and its copies
    acknowledged, the required shadow day confirmed, a drill passed): three
    queries."""
    ids = [i.pk for i in installers]
    met: dict[str, dict[int, datetime.datetime]] = {"kit": {}, "kit_issued": {}, "shadow": {}, "drill": {}}
    for kit in Day1Kit.objects.filter(installer_id__in=ids).only(
        "installer_id", "issued_at", "runbook_acknowledged_at", "playbook_acknowledged_at"
    ):
        met["kit_issued"][kit.installer_id] = kit.issued_at
        if kit.runbook_acknowledged_at and kit.playbook_acknowledged_at:
            met["kit"][kit.installer_id] = max(kit.issued_at, kit.runbook_acknowledged_at, kit.playbook_acknowledged_at)
    confirmed: dict[int, list[datetime.datetime]] = {}
    for installer_id, at in (
        ShadowDay.objects.filter(assignment__installer_id__in=ids, confirmed_at__isnull=False)
        .order_by("confirmed_at")
        .values_list("assignment__installer_id", "confirmed_at")
    ):
        confirmed.setdefault(installer_id, []).append(at)
    for installer_id, moments in confirmed.items():
        if len(moments) >= REQUIRED_SHADOW_DAYS:
            met["shadow"][installer_id] = moments[REQUIRED_SHADOW_DAYS - 1]
    for row in (
        OutageDrill.objects.filter(installer_id__in=ids, outcome=DrillOutcome.PASSED)
        .values("installer_id")
        .annotate(at=Max("completed_at"))
    ):
        met["drill"][row["installer_id"]] = row["at"]
    return met
