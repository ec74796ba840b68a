"""The lead's queue: what awaits a lead across every cohort and pod they
lead (sign-offs, shadow days, drills, kits, clearances), read through the
policies' scopes in a fixed number of queries whatever its length.

It lives in onboarding, the highest app it reads: bootcamp item states and
onboarding records."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.utils import timezone

from bootcamp.evidence_selectors import evidence_rows_for
from bootcamp.item_done import AWAITING_EVIDENCE, AWAITING_SIGNOFF
from bootcamp.models import Enrollment, ItemState
from bootcamp.policies import enrollments_visible_to
from installer_ops.models import Installer, Stage
from installer_ops.selectors import installers_visible_to

from .models import Clearance, Day1Kit, DrillOutcome, OutageDrill, ShadowDay
from .selectors import EXPIRY_WARNING_DAYS, kits_needing_reprint

SIGNOFFS_PER_PAGE = 100
# The other sections are short by nature; past this many the heading says
# "50+" and the board or the person's page has the rest.
SECTION_LIMIT = 50


@dataclass
class SignoffGroup:
    """An installer's items awaiting sign-off in one enrollment."""

    enrollment: Enrollment
    states: list[ItemState]

    @property
    def installer(self) -> Installer:
        return self.enrollment.installer


@dataclass
class Section:
    rows: list
    more: bool = False

    @property
    def count_label(self) -> str:
        return f"{len(self.rows)}+" if self.more else str(len(self.rows))


@dataclass
class LeadQueue:
    signoffs: Page
    signoff_groups: list[SignoffGroup]
    # Checked items that will need the lead's sign-off once their photo arrives.
    awaiting_photo: Section
    shadow_days: Section
    drills: Section
    kits: Section
    clearances: Section
    now: datetime.datetime
    today: datetime.date
    overdue_drill_ids: set[int] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (
            self.signoffs.paginator.count
            or self.awaiting_photo.rows
            or self.shadow_days.rows
            or self.drills.rows
            or self.kits.rows
            or self.clearances.rows
        )


# Up to this many installers, the sections filter on lists of ids; beyond
# (an administrator of a large organisation), on the scope's subqueries.
ID_LIST_LIMIT = 1000


@dataclass(frozen=True)
class Scope:
    """The installers of the user's scope who have not left, and their
    active enrollments, read once for the whole queue. As subqueries joined
    to a section's seven or eight tables, PostgreSQL's planner (past its
    join_collapse_limit) scanned the whole organisation's rows before it
    kept a lead's pods'; lists of ids let it start from the lead's rows.
    A list of thousands of ids is slower than the subquery, so a scope that
    large keeps its subqueries."""

    installers: list[int] | QuerySet
    enrollments: list[int] | QuerySet


def queue_scope(user) -> Scope:
    """One query whatever the scope's size: each installer's id with that
    of their active enrollment (at most one: bootcamp's enrollment rule),
    the same rows as enrollments_visible_to's, whose scope is the
    installers' (and bootcamp.policies.can_sign_off's)."""
    installers = installers_visible_to(user).exclude(stage=Stage.LEFT)
    enrollments = enrollments_visible_to(user).filter(withdrawn_at__isnull=True, installer__in=installers.values("pk"))
    rows = list(
        installers.annotate(active=FilteredRelation("enrollments", condition=Q(enrollments__withdrawn_at__isnull=True)))
        .order_by()
        .values_list("pk", "active__pk")[: ID_LIST_LIMIT + 1]
    )
    if len(rows) > ID_LIST_LIMIT:
        return Scope(installers.values("pk"), enrollments.values("pk"))
    return Scope([pk for pk, _enrollment in rows], [enrollment for _pk, enrollment in rows if enrollment is not None])


def _states_of_lead(scope: Scope, condition) -> QuerySet[ItemState]:
    """Item states matching `condition` of the scope's active enrollments."""
    return (
        ItemState.objects.filter(condition, enrollment__in=scope.enrollments)
        .select_related(
            "enrollment__installer__user", "enrollment__installer__pod", "enrollment__cohort", "item__module"
        )
        .order_by(
            "enrollment__cohort__name",
            "enrollment__installer__user__name",
            "enrollment_id",
            "item__module__position",
            "item__position",
        )
    )


def signoffs_awaiting(user, scope: Scope | None = None) -> QuerySet[ItemState]:
    """Items checked by the installer, with their photo where one is needed,
    that need a sign-off nobody gave yet (bootcamp.item_done.AWAITING_SIGNOFF)."""
    return _states_of_lead(scope or queue_scope(user), AWAITING_SIGNOFF)


def photos_awaited(user, scope: Scope | None = None) -> QuerySet[ItemState]:
    """Checked items that need the lead's sign-off but whose photo has not
    arrived from the tablet yet: not signable, shown so the lead knows."""
    return _states_of_lead(scope or queue_scope(user), AWAITING_EVIDENCE & Q(item__needs_signoff=True))


def _section(queryset) -> Section:
    rows = list(queryset[: SECTION_LIMIT + 1])
    return Section(rows=rows[:SECTION_LIMIT], more=len(rows) > SECTION_LIMIT)


def shadow_days_to_confirm(user, scope: Scope | None = None) -> QuerySet[ShadowDay]:
    installers = (scope or queue_scope(user)).installers
    return (
        ShadowDay.objects.filter(confirmed_at__isnull=True, assignment__installer__in=installers)
        .select_related("assignment__installer__user", "assignment__mentor__user")
        .order_by("day", "pk")
    )


def drills_to_run(user, scope: Scope | None = None) -> QuerySet[OutageDrill]:
    """Scheduled drills without a result, earliest first: the overdue ones lead."""
    installers = (scope or queue_scope(user)).installers
    return (
        OutageDrill.objects.filter(outcome=DrillOutcome.SCHEDULED, installer__in=installers)
        .select_related("installer__user", "scenario")
        .order_by("scheduled_for", "pk")
    )


def kits_to_reprint(user, scope: Scope | None = None) -> QuerySet[Day1Kit]:
    installers = (scope or queue_scope(user)).installers
    return kits_needing_reprint(user).filter(installer__in=installers).order_by("reprint_needed_since", "pk")


def clearances_expiring(user, today: datetime.date, scope: Scope | None = None) -> QuerySet[Clearance]:
    """Each installer's latest clearance when it ends within the warning
    window, or has already lapsed and was not renewed."""
    installers = (scope or queue_scope(user)).installers
    newer = Clearance.objects.filter(installer=OuterRef("installer"), cleared_at__gt=OuterRef("cleared_at"))
    return (
        Clearance.objects.filter(
            installer__in=installers,
            valid_until__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .filter(~Exists(newer))
        .select_related("installer__user")
        .order_by("valid_until", "pk")
    )


def lead_queue(user, page_number=None) -> LeadQueue:
    """Everything awaiting `user`: nine queries whatever the number of rows
    (eight when no item listed for sign-off asks for a photo)."""
    now = timezone.now()
    today = timezone.localdate()
    scope = queue_scope(user)
    signoffs = Paginator(signoffs_awaiting(user, scope), SIGNOFFS_PER_PAGE).get_page(page_number)
    states = list(signoffs.object_list)
    # The photos beside each item, in one query (bootcamp/evidence_selectors.py),
    # kept on the state as a prefetch's to_attr would.
    photos = evidence_rows_for(s.checked_event for s in states if s.item.needs_evidence)
    for state in states:
        state.photos = photos.get(state.checked_event, [])
    groups = [
        SignoffGroup(enrollment=rows[0].enrollment, states=rows)
        for rows in (list(g) for _key, g in groupby(states, key=lambda s: s.enrollment_id))
    ]
    drills = _section(drills_to_run(user, scope))
    return LeadQueue(
        signoffs=signoffs,
        signoff_groups=groups,
        awaiting_photo=_section(photos_awaited(user, scope)),
        shadow_days=_section(shadow_days_to_confirm(user, scope)),
        drills=drills,
        kits=_section(kits_to_reprint(user, scope)),
        clearances=_section(clearances_expiring(user, today, scope)),
        now=now,
        today=today,
        overdue_drill_ids={d.pk for d in drills.rows if d.scheduled_for < now},
    )
