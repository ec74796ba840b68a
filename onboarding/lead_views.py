"""The lead's onboarding pages: the board and one installer's onboarding.

Every action posts to the service and comes back to the page it was made
on; a refusal is shown there with the service's words."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from installer_ops.models import Installer
from installer_ops.page_errors import DOMAIN_ERRORS, domain_error_text
from installer_ops.roles import Role
from installer_ops.selectors import installers_visible_to, pods_visible_to
from installer_ops.views import role_required

from . import board_selectors, selectors, services
from .board_forms import BoardFilterForm
from .forms import DrillResultForm, DrillScheduleForm, KitForm, MentorForm, ShadowDayForm
from .models import Day1Kit, DrillOutcome, OutageDrill, ShadowAssignment
from .policies import mentors_available_to

lead_page = role_required(Role.LEAD, Role.ADMIN)


def _installer(request, installer_id: int) -> Installer:
    try:
        return installers_visible_to(request.user).select_related("pod").get(pk=installer_id)
    except Installer.DoesNotExist as exc:
        raise Http404 from exc


def _refused(request, exc: Exception) -> None:
    messages.error(request, domain_error_text(exc))


BOARD_COLUMN_LABELS = [
    (board_selectors.EARLY, gettext_lazy("In bootcamp, kit issued early")),
    ("bootcamp", gettext_lazy("Bootcamp items reopened")),
    *[(code, label) for code, label in selectors.BOARD_COLUMNS if code != "bootcamp"],
]


@lead_page
def board(request):
    form = BoardFilterForm(request.GET or None, pods=pods_visible_to(request.user).order_by("name"))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    board = board_selectors.onboarding_board(
        request.user,
        search=filters.get("q", ""),
        pod=filters.get("pod"),
        all_cleared=filters.get("cleared") == "all",
        page_number=request.GET.get("page"),
        cards_page_number=request.GET.get("cards"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    cards_query = request.GET.copy()
    cards_query.pop("cards", None)
    return render(
        request,
        "onboarding/board.html",
        {
            "form": form,
            "filtered": bool(filters.get("q") or filters.get("pod")),
            "board": board,
            "columns": [
                (code, label, board.columns[code])
                for code, label in BOARD_COLUMN_LABELS
                # The two bootcamp columns only when someone is in them.
                if code not in ("bootcamp", board_selectors.EARLY) or board.columns[code]
            ],
            "reprints": board_selectors.reprints_of(request.user),
            "page": board.cleared_page,
            "query": query.urlencode(),
            "cards_query": cards_query.urlencode(),
            "show_all_query": _with(query, cleared="all"),
            "recent_query": _with(query, cleared=""),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _with(query, **changes) -> str:
    changed = query.copy()
    for key, value in changes.items():
        changed[key] = value
    return changed.urlencode()


@lead_page
def installer_onboarding(request, installer_id: int):
    installer = _installer(request, installer_id)
    readiness = selectors.installer_readiness(installer)
    kit = (
        Day1Kit.objects.filter(installer=installer)
        .select_related("profile", "runbook_version", "playbook_version")
        .first()
    )
    assignments = ShadowAssignment.objects.filter(installer=installer).select_related("mentor__user")
    mentors = mentors_available_to(request.user).exclude(pk=installer.pk).order_by("user__name")
    return render(
        request,
        "onboarding/installer.html",
        {
            "installer": installer,
            "readiness": readiness,
            "kit": kit,
            "kit_form": KitForm(),
            "mentor_form": MentorForm(mentors=mentors),
            "assignments": assignments,
            "shadow_days": [day for a in assignments for day in a.days.all()],
            "shadow_form": ShadowDayForm(assignments=assignments, initial={"day": timezone.localdate()}),
            "drills": OutageDrill.objects.filter(installer=installer)
            .select_related("scenario")
            .order_by("scheduled_for"),
            "drill_form": DrillScheduleForm(),
            "result_form": DrillResultForm(),
            "scheduled": DrillOutcome.SCHEDULED,
        },
    )


def _act(request, installer_id: int, action) -> object:
    """Run one action for an installer in scope and come back to their page."""
    installer = _installer(request, installer_id)
    try:
        message = action(installer)
    except DOMAIN_ERRORS as exc:
        _refused(request, exc)
    else:
        messages.success(request, message)
    # Actions from the board come back to the board; only local addresses are followed.
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("onboarding-installer", installer_id=installer.pk)


def _form_or_refuse(form):
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                for f, e in form.errors.items()
            ]
        )
    return form.cleaned_data


@require_POST
@lead_page
def kit_issue(request, installer_id: int):
    def action(installer):
        data = _form_or_refuse(KitForm(request.POST))
        kit = services.kit_issue(actor=request.user, installer=installer, **data)
        return _("Kit with device %(serial)s issued.") % {"serial": kit.device_serial}

    return _act(request, installer_id, action)


@require_POST
@lead_page
def kit_reprint(request, installer_id: int):
    def action(installer):
        kit = Day1Kit.objects.filter(installer=installer).first()
        if kit is None:
            raise ValidationError(_("No kit to reprint."))
        services.kit_reprint(actor=request.user, kit=kit)
        return _("Copies replaced with the current versions; the installer acknowledges them again.")

    return _act(request, installer_id, action)


@require_POST
@lead_page
def mentor_assign(request, installer_id: int):
    def action(installer):
        mentors = installers_visible_to(request.user).exclude(pk=installer.pk)
        data = _form_or_refuse(MentorForm(request.POST, mentors=mentors))
        assignment = services.shadow_assign(actor=request.user, installer=installer, mentor=data["mentor"])
        return _("%(name)s shadows %(mentor)s.") % {"name": installer.name, "mentor": assignment.mentor.name}

    return _act(request, installer_id, action)


@require_POST
@lead_page
def shadow_day(request, installer_id: int):
    def action(installer):
        form = ShadowDayForm(request.POST, assignments=ShadowAssignment.objects.filter(installer=installer))
        data = _form_or_refuse(form)
        services.shadow_day_record(actor=request.user, **data)
        return _("Shadow day recorded; the mentor confirms it on their login.")

    return _act(request, installer_id, action)


@require_POST
@lead_page
def drill_schedule(request, installer_id: int):
    def action(installer):
        data = _form_or_refuse(DrillScheduleForm(request.POST))
        services.drill_schedule(actor=request.user, installer=installer, **data)
        return _("Drill scheduled.")

    return _act(request, installer_id, action)


@require_POST
@lead_page
def drill_result(request, installer_id: int, drill_id: int):
    def action(installer):
        drill = OutageDrill.objects.filter(pk=drill_id, installer=installer).first()
        if drill is None:
            raise Http404
        data = _form_or_refuse(DrillResultForm(request.POST))
        drill = services.drill_record(actor=request.user, drill=drill, **data)
        return _("Drill recorded: %(outcome)s (attempt %(n)s).") % {
            "outcome": drill.get_outcome_display(),
            "n": drill.attempt,
        }

    return _act(request, installer_id, action)


@require_POST
@lead_page
def clear(request, installer_id: int):
    def action(installer):
        clearance = services.installer_clear(actor=request.user, installer=installer)
        return _("%(name)s is cleared for independent deployment until %(date)s.") % {
            "name": installer.name,
            "date": formats.date_format(clearance.valid_until),
        }

    return _act(request, installer_id, action)
