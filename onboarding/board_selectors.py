"""The onboarding board's read: who sits in which column, since when, with
the lead's search and pod filter, and the Cleared column kept to recent
clearances unless all are asked for (then paginated). A fixed number of
queries whatever the number of cards."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from installer_ops.models import AuditEntry, Installer, Pod, Stage
from installer_ops.selectors import installers_matching, installers_visible_to

from .models import Day1Kit, DrillOutcome, OutageDrill, ShadowDay
from .selectors import BOARD_COLUMNS, EXPIRY_WARNING_DAYS, REQUIRED_SHADOW_DAYS, Readiness, readiness_of

RECENTLY_CLEARED_DAYS = 30
CLEARED_PER_PAGE = 25
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
    cleared_page: Page | None = None  # when every clearance is shown
    cleared_hidden: int = 0  # clearances older than the recent window, not shown
    now: datetime.datetime = field(default_factory=timezone.now)


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
    today: datetime.date | None = None,
) -> Board:
    """The board of docs/product.md: each installer in onboarding or cleared
    in the column of the first requirement they miss, "ready" when none,
    "cleared" once cleared (and not expiring); plus the early kits."""
    today = today or timezone.localdate()
    board = Board()
    cutoff = board.now - datetime.timedelta(days=RECENTLY_CLEARED_DAYS)
    expiry_horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    visible = _filtered(installers_visible_to(user), search, pod).annotate(
        last_cleared=Max("clearances__cleared_at"), last_valid=Max("clearances__valid_until")
    )
    # Settled in the Cleared column: cleared, and not expiring soon.
    settled = Q(stage=Stage.CLEARED, last_cleared__isnull=False, last_valid__gt=expiry_horizon)
    has_kit = Exists(Day1Kit.objects.filter(installer=OuterRef("pk")))
    working = list(
        visible.filter(
            (Q(stage=Stage.ONBOARDING) | Q(stage=Stage.CLEARED) & ~settled)
            | Q(stage__in=[Stage.HIRED, Stage.BOOTCAMP]) & Q(has_kit)
        )
        .select_related("pod", "user")
        .order_by("user__name", "pk")
    )
    cleared_all = visible.filter(settled).select_related("pod", "user").order_by("-last_cleared", "pk")
    if all_cleared:
        board.cleared_page = Paginator(cleared_all, CLEARED_PER_PAGE).get_page(page_number)
        cleared = list(board.cleared_page.object_list)
    else:
        cleared = list(cleared_all.filter(last_cleared__gte=cutoff))
        board.cleared_hidden = cleared_all.filter(last_cleared__lt=cutoff).count()

    installers = working + cleared
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
