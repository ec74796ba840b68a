"""Reads of onboarding: the current documents, the readiness gate, the board."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bootcamp.models import Enrollment
from bootcamp.selectors import enrollments_progress
from installer_ops.models import Installer, Pod
from installer_ops.selectors import installers_visible_to

from .document_selectors import current_consent_flows
from .models import (
    Clearance,
    ConsentAcknowledgement,
    Day1Kit,
    Document,
    DocumentKind,
    DocumentVersion,
    DrillOutcome,
    OutageDrill,
    ShadowDay,
)

REQUIRED_SHADOW_DAYS = 5
EXPIRY_WARNING_DAYS = 30


def current_document_version(kind: str) -> DocumentVersion | None:
    """The newest published version of the newest document of this kind, in
    the source language (the one kits hold and readiness compares)."""
    return (
        DocumentVersion.objects.filter(document__kind=kind, language=settings.LANGUAGE_CODE)
        .select_related("document")
        .order_by("-published_at", "-number")
        .first()
    )


def documents_with_versions() -> QuerySet[Document]:
    return Document.objects.prefetch_related("versions").order_by("kind", "title")


@dataclass
class Requirement:
    code: str
    label: str | Promise
    met: bool
    detail: str


@dataclass
class Readiness:
    installer: Installer
    requirements: list[Requirement]
    clearance: Clearance | None = None
    expiring: bool = False

    @property
    def ready(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def missing(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]


@dataclass
class _Facts:
    """What the gate looks at, loaded for many installers in a fixed number of queries."""

    progress: dict = field(default_factory=dict)
    kits: dict = field(default_factory=dict)
    shadow_days: dict = field(default_factory=lambda: defaultdict(int))
    drills: dict = field(default_factory=lambda: defaultdict(list))
    clearances: dict = field(default_factory=dict)
    current: dict = field(default_factory=dict)
    # Consent: each installer's geography, the current flow per geography,
    # and the numbers each installer acknowledged per flow document.
    geography_of: dict = field(default_factory=dict)
    consent_flows: dict = field(default_factory=dict)
    consent_acks: dict = field(default_factory=lambda: defaultdict(dict))


def _facts(installers: list[Installer]) -> _Facts:
    facts = _Facts()
    ids = [i.pk for i in installers]
    enrollments = list(
        Enrollment.objects.filter(installer_id__in=ids, withdrawn_at__isnull=True).select_related(
            "cohort__program_version"
        )
    )
    facts.progress = {p.enrollment.installer_id: p for p in enrollments_progress(enrollments)}
    facts.kits = {
        k.installer_id: k
        for k in Day1Kit.objects.filter(installer_id__in=ids).select_related(
            "runbook_version__document", "playbook_version__document", "profile"
        )
    }
    for row in (
        ShadowDay.objects.filter(assignment__installer_id__in=ids, confirmed_at__isnull=False)
        .values("assignment__installer_id")
        .annotate(n=Count("pk"))
    ):
        facts.shadow_days[row["assignment__installer_id"]] = row["n"]
    for drill in (
        OutageDrill.objects.filter(installer_id__in=ids)
        .exclude(outcome=DrillOutcome.SCHEDULED)
        .select_related("scenario")
        .order_by("attempt")
    ):
        facts.drills[drill.installer_id].append(drill)
    for clearance in Clearance.objects.filter(installer_id__in=ids).order_by("cleared_at"):
        facts.clearances[clearance.installer_id] = clearance  # the latest wins
    facts.current = {kind: current_document_version(kind) for kind in ("runbook", "playbook")}
    pods = {i.pod_id for i in installers}
    facts.geography_of = dict(Pod.objects.filter(pk__in=pods).values_list("pk", "geography_id"))
    facts.consent_flows = current_consent_flows(set(facts.geography_of.values()))
    for installer_id, document_id, number, at in ConsentAcknowledgement.objects.filter(
        installer_id__in=ids, version__document__kind=DocumentKind.CONSENT
    ).values_list("installer_id", "version__document_id", "version__number", "acknowledged_at"):
        known = facts.consent_acks[installer_id].get(document_id)
        if known is None or number > known[0]:
            facts.consent_acks[installer_id][document_id] = (number, at)
    return facts


def _consent_requirement(installer: Installer, facts: _Facts) -> Requirement:
    """The current version of the installer's geography's consent flow,
    acknowledged: renewed by each new version. A geography with no flow
    published has nothing to acknowledge."""
    label = _("Consent flow acknowledged")
    flow = facts.consent_flows.get(facts.geography_of.get(installer.pod_id))
    if flow is None:
        return Requirement("consent", label, True, str(_("No consent flow is published for this geography.")))
    held = facts.consent_acks[installer.pk].get(flow.document_id)
    if held is not None and held[0] == flow.number:
        on = formats.date_format(timezone.localdate(held[1]))
        return Requirement(
            "consent",
            label,
            True,
            str(
                _("%(flow)s v%(n)s acknowledged on %(date)s.")
                % {"flow": flow.document.title, "n": flow.number, "date": on}
            ),
        )
    if held is not None:
        detail = _("v%(old)s acknowledged; v%(n)s of %(flow)s is published: acknowledge it on the tablet.") % {
            "old": held[0],
            "n": flow.number,
            "flow": flow.document.title,
        }
    else:
        detail = _("%(flow)s v%(n)s is not acknowledged yet: the installer acknowledges it on the tablet.") % {
            "flow": flow.document.title,
            "n": flow.number,
        }
    return Requirement("consent", label, False, str(detail))


def _requirements(installer: Installer, facts: _Facts) -> list[Requirement]:
    clearance = facts.clearances.get(installer.pk)
    progress = facts.progress.get(installer.pk)
    if clearance is not None:
        # A renewal does not send anyone back to bootcamp or the shadow week.
        cleared_on = formats.date_format(timezone.localdate(clearance.cleared_at))
        met_at = str(_("Met at the first clearance (%(date)s).") % {"date": cleared_on})
        bootcamp = Requirement("bootcamp", _("Bootcamp complete"), True, met_at)
    elif progress is None:
        bootcamp = Requirement("bootcamp", _("Bootcamp complete"), False, str(_("Not enrolled in a cohort.")))
    elif progress.complete:
        bootcamp = Requirement("bootcamp", _("Bootcamp complete"), True, str(_("Every module complete.")))
    else:
        open_items = progress.total - progress.done
        bootcamp = Requirement(
            "bootcamp",
            _("Bootcamp complete"),
            False,
            str(
                _("%(n)s of %(total)s items still open or awaiting sign-off.")
                % {"n": open_items, "total": progress.total}
            ),
        )

    kit = facts.kits.get(installer.pk)
    if kit is None:
        kit_req = Requirement("kit", _("Day-1 kit issued and acknowledged"), False, str(_("No kit issued.")))
    else:
        problems = []
        for label, held, acknowledged, kind in (
            (_("runbook"), kit.runbook_version, kit.runbook_acknowledged_at, "runbook"),
            (_("playbook"), kit.playbook_version, kit.playbook_acknowledged_at, "playbook"),
        ):
            current = facts.current.get(kind)
            if current is not None and current.pk != held.pk:
                problems.append(
                    str(
                        _("%(doc)s v%(held)s is out of date (v%(current)s is published): reprint the kit.")
                        % {"doc": capfirst(label), "held": held.number, "current": current.number}
                    )
                )
            elif acknowledged is None:
                problems.append(
                    str(_("%(doc)s v%(held)s is not acknowledged yet.") % {"doc": capfirst(label), "held": held.number})
                )
        kit_req = Requirement(
            "kit",
            _("Day-1 kit issued and acknowledged"),
            not problems,
            # Each problem is a sentence: joined with a space, never "; " (which read ".;").
            " ".join(problems)
            if problems
            else str(_("Device %(serial)s, copies acknowledged.") % {"serial": kit.device_serial}),
        )

    days = facts.shadow_days[installer.pk]
    shadow_detail = str(
        _("%(n)s of %(required)s shadow days confirmed by the mentor.") % {"n": days, "required": REQUIRED_SHADOW_DAYS}
    )
    if clearance is not None and days < REQUIRED_SHADOW_DAYS:
        shadow_detail = met_at
    shadow = Requirement(
        "shadow", _("Shadow week done"), days >= REQUIRED_SHADOW_DAYS or clearance is not None, shadow_detail
    )

    drills = facts.drills[installer.pk]
    # A first clearance needs a passed drill; a renewal needs a refresher
    # drill passed since the last clearance.
    counted = [d for d in drills if clearance is None or d.completed_at > clearance.cleared_at]
    passed = [d for d in counted if d.outcome == DrillOutcome.PASSED]
    if passed:
        detail = str(
            _("Passed “%(scenario)s” in %(minutes)s min.")
            % {"scenario": passed[-1].scenario.title, "minutes": passed[-1].minutes_to_recover}
        )
    elif clearance is not None:
        detail = str(_("A refresher drill is needed since the last clearance."))
    elif drills:
        detail = ngettext("%(n)s drill failed so far.", "%(n)s drills failed so far.", len(drills)) % {"n": len(drills)}
    else:
        detail = str(_("No drill run yet."))
    drill = Requirement("drill", _("Outage drill passed"), bool(passed), detail)
    return [bootcamp, kit_req, shadow, drill, _consent_requirement(installer, facts)]


def readiness_of(installers: list[Installer], today: datetime.date | None = None) -> list[Readiness]:
    today = today or timezone.localdate()
    facts = _facts(installers)
    result = []
    for installer in installers:
        clearance = facts.clearances.get(installer.pk)
        expiring = clearance is not None and clearance.valid_until <= today + datetime.timedelta(
            days=EXPIRY_WARNING_DAYS
        )
        result.append(Readiness(installer, _requirements(installer, facts), clearance, expiring))
    return result


def installer_readiness(installer: Installer) -> Readiness:
    """The readiness gate of docs/product.md, Onboarding and the readiness gate for one installer."""
    return readiness_of([installer])[0]


BOARD_COLUMNS = [
    ("bootcamp", _("Bootcamp")),
    ("kit", _("Kit")),
    ("shadow", _("Shadow")),
    ("drill", _("Drill")),
    ("consent", _("Consent")),
    ("ready", _("Ready")),
    ("cleared", _("Cleared")),
]


def kits_needing_reprint(user) -> QuerySet[Day1Kit]:
    return (
        Day1Kit.objects.filter(reprint_needed_since__isnull=False, installer__in=installers_visible_to(user))
        .select_related("installer__user", "runbook_version__document", "playbook_version__document")
        .order_by("reprint_needed_since")
    )
