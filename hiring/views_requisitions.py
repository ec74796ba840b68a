"""The hiring pages of requisitions under /hiring/: the list, opening one,
the pipeline board of one (with adding a candidate and cancelling the
requisition). Reads by hiring/page_selectors.py, writes by the services;
another pod's requisition answers 404, other roles 403."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from installer_ops.exceptions import DomainConflict
from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors, domain_error_text
from installer_ops.roles import Role
from installer_ops.views import role_required

from . import page_selectors, policies, services
from .forms import EXIT_CHOICES, CancelForm, CandidateForm, RequisitionFilterForm, RequisitionForm
from .models import Requisition, RequisitionRole

REQUISITIONS_PER_PAGE = 25
hiring_page = role_required(Role.LEAD, Role.ADMIN)


def visible_requisition(request, requisition_id: int) -> Requisition:
    try:
        return policies.requisitions_visible_to(request.user).select_related("pod").get(pk=requisition_id)
    except Requisition.DoesNotExist as exc:
        raise Http404 from exc


@hiring_page
def requisition_list(request):
    form = RequisitionFilterForm(request.GET or None, pods=page_selectors.filter_pods(request.user))
    requisitions = page_selectors.requisitions_open_first(request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if filters.get("pod"):
        requisitions = requisitions.filter(pod=filters["pod"])
    if filters.get("status"):
        requisitions = requisitions.filter(status=filters["status"])
    if filters.get("role"):
        requisitions = requisitions.filter(role=filters["role"])
    page = Paginator(requisitions, REQUISITIONS_PER_PAGE).get_page(request.GET.get("page"))
    counts = page_selectors.candidate_counts(request.user, page.object_list)
    for requisition in page.object_list:
        requisition.counts = counts.get(requisition.pk, {"open": 0, "total": 0})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hiring/requisition_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(filters.values()),
            "today": timezone.localdate(),
            "can_open": policies.pods_hiring_for(request.user).exists(),
            "unstaffed": page_selectors.unstaffed_pods(request.user),
            "to_score": page_selectors.candidates_to_score(request.user),
            "at_offer": page_selectors.candidates_at_offer(request.user),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@hiring_page
def requisition_create(request):
    pods = policies.pods_hiring_for(request.user).order_by("name")
    initial = {"fill_by": timezone.localdate() + datetime.timedelta(days=30)}
    # From a pod that is not staffed: "open a requisition" for its missing role.
    pod_id = request.GET.get("pod", "")
    if pod_id.isdigit() and (pod := pods.filter(pk=pod_id).first()):
        initial["pod"] = pod.pk
    if request.GET.get("role") in RequisitionRole.values:
        initial["role"] = request.GET["role"]
    form = RequisitionForm(request.POST or None, pods=pods, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            requisition = services.requisition_open(actor=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Requisition opened. Add its candidates below."))
            return redirect("hiring-requisition", requisition_id=requisition.pk)
    return render(
        request,
        "hiring/requisition_form.html",
        {"form": form, "has_pods": pods.exists()},
        status=400 if form.is_bound and form.errors else 200,
    )


def render_board(request, requisition, *, candidate_form=None, cancel_form=None, move_errors=None, status=200):
    """The pipeline board; a refused form comes back bound, with its errors,
    and opened (`move_errors`: {candidate id: (form, [messages])})."""
    can_manage = policies.can_manage_requisition(request.user, requisition)
    board = page_selectors.pipeline_board(request.user, requisition, can_manage=can_manage)
    move_errors = move_errors or {}
    for _stage, cards in board.columns:
        for card in cards:
            card.move_form, card.move_messages = move_errors.get(card.pk, (None, []))
    interviewers = policies.interviewers_available().order_by("name", "id")
    return render(
        request,
        "hiring/requisition_board.html",
        {
            "requisition": requisition,
            "board": board,
            "can_manage": can_manage,
            "exit_choices": EXIT_CHOICES,
            "candidate_form": candidate_form
            or CandidateForm(interviewers=interviewers, initial={"applied_on": timezone.localdate()}),
            "cancel_form": cancel_form or CancelForm(),
            "add_open": candidate_form is not None,
            "cancel_open": cancel_form is not None,
        },
        status=status,
    )


@hiring_page
def requisition_board(request, requisition_id: int):
    return render_board(request, visible_requisition(request, requisition_id))


@require_POST
@hiring_page
def requisition_cancel(request, requisition_id: int):
    requisition = visible_requisition(request, requisition_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.requisition_cancel(actor=request.user, requisition=requisition, **form.cleaned_data)
        except DomainConflict as exc:
            # Filled or cancelled already: the page has no cancel form left to show it under.
            messages.error(request, domain_error_text(exc))
            return redirect("hiring-requisition", requisition_id=requisition.pk)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Requisition cancelled. Its candidates keep their stages."))
            return redirect("hiring-requisition", requisition_id=requisition.pk)
    return render_board(request, requisition, cancel_form=form, status=400)


@require_POST
@hiring_page
def candidate_add(request, requisition_id: int):
    requisition = visible_requisition(request, requisition_id)
    form = CandidateForm(request.POST, interviewers=policies.interviewers_available().order_by("name", "id"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            candidate = services.candidate_add(
                actor=request.user, requisition=requisition, **{**data, "interviewers": list(data["interviewers"])}
            )
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added at Applied.") % {"name": candidate.name})
            return redirect("hiring-requisition", requisition_id=requisition.pk)
    return render_board(request, requisition, candidate_form=form, status=400)
