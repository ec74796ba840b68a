"""The hiring pages of one candidate under /hiring/candidates/: their page
(scorecards side by side, stage history, interviewers, the hire), a stage
move (from the board or the page), and the scorecard form. Reads by
hiring/page_selectors.py, writes by the services; a candidate out of the
reader's scope answers 404, other roles 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from installer_ops.exceptions import DomainConflict
from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors

from . import page_selectors, policies, selectors, services
from .forms import EXIT_CHOICES, HireForm, InterviewersForm, ScorecardForm, StageMoveForm
from .models import Candidate, CandidateStage, RubricMinimums
from .rubric import hire_shortfalls
from .stages import moves_allowed
from .views_requisitions import hiring_page, render_board


def visible_candidate(request, candidate_id: int) -> Candidate:
    try:
        return page_selectors.candidate_for_page(request.user, candidate_id)
    except Candidate.DoesNotExist as exc:
        raise Http404 from exc


def render_candidate(
    request, candidate, *, hire_form=None, hire_refusal=None, interviewers_form=None, move=None, status=200
):
    """The candidate's page; a refused form comes back bound with its errors
    (`move`: (form, [messages]) of a refused stage move; `hire_refusal`: the
    hire's DomainConflict, listing every unmet requirement)."""
    user = request.user
    can_manage = policies.can_move_candidate(user, candidate)
    minimums = RubricMinimums.current()
    shortfalls = hire_shortfalls(candidate, minimums) if can_manage and candidate.is_open else []
    candidate.moves = moves_allowed(candidate) if can_manage else []
    candidate.move_form, candidate.move_messages = move or (None, [])
    context = {
        "candidate": candidate,
        "requisition": candidate.requisition,
        "can_manage": can_manage,
        "can_score": candidate.is_open and policies.candidates_scorable_by(user).filter(pk=candidate.pk).exists(),
        "grid": page_selectors.scorecard_grid(user, candidate, minimums),
        "history": page_selectors.stage_history(candidate),
        "shortfalls": shortfalls,
        "unmet": {s.code for s in shortfalls},
        "exit_choices": EXIT_CHOICES,
        "hire_refusal": hire_refusal,
    }
    if can_manage and candidate.is_open:
        context["hire_form"] = hire_form or HireForm(
            initial={"start_on": timezone.localdate(), "level": candidate.requisition.level}
        )
        context["interviewers_form"] = interviewers_form or InterviewersForm(
            interviewers=policies.interviewers_available().order_by("name", "id"),
            initial={"interviewers": [u.pk for u in candidate.interviewers.all()]},
        )
    return render(request, "hiring/candidate.html", context, status=status)


@hiring_page
def candidate_page(request, candidate_id: int):
    return render_candidate(request, visible_candidate(request, candidate_id))


@require_POST
@hiring_page
def candidate_stage(request, candidate_id: int):
    """One move, from the board (back to the board) or the candidate's page."""
    candidate = visible_candidate(request, candidate_id)
    from_board = request.POST.get("back") == "board"
    form = StageMoveForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_stage_move(actor=request.user, candidate=candidate, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            stage = CandidateStage(form.cleaned_data["stage"])
            messages.success(
                request, _("%(name)s moved to %(stage)s.") % {"name": candidate.name, "stage": stage.label}
            )
            if from_board:
                return redirect("hiring-requisition", requisition_id=candidate.requisition_id)
            return redirect("hiring-candidate", candidate_id=candidate.pk)
    # The stage is a hidden field: its refusal shows with the form's own.
    problems = [str(message) for message in [*form.non_field_errors(), *form.errors.get("stage", [])]]
    if from_board:
        return render_board(request, candidate.requisition, move_errors={candidate.pk: (form, problems)}, status=400)
    return render_candidate(request, candidate, move=(form, problems), status=400)


@require_POST
@hiring_page
def candidate_interviewers(request, candidate_id: int):
    candidate = visible_candidate(request, candidate_id)
    form = InterviewersForm(request.POST, interviewers=policies.interviewers_available().order_by("name", "id"))
    if form.is_valid():
        try:
            services.candidate_interviewers_set(
                actor=request.user, candidate=candidate, interviewers=list(form.cleaned_data["interviewers"])
            )
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Interviewers saved."))
            return redirect("hiring-candidate", candidate_id=candidate.pk)
    return render_candidate(request, candidate, interviewers_form=form, status=400)


@require_POST
@hiring_page
def candidate_hire(request, candidate_id: int):
    candidate = visible_candidate(request, candidate_id)
    form = HireForm(request.POST)
    if form.is_valid():
        try:
            installer = services.candidate_hire(actor=request.user, candidate=candidate, **form.cleaned_data)
        except DomainConflict as exc:
            # Every unmet requirement, listed above the form.
            return render_candidate(request, candidate, hire_form=form, hire_refusal=exc, status=400)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is hired: an installer of %(pod)s, invited by email. Enrol them in a cohort next.")
                % {"name": installer.name, "pod": installer.pod.name},
            )
            return redirect("hiring-candidate", candidate_id=candidate.pk)
    return render_candidate(request, candidate, hire_form=form, status=400)


@hiring_page
def scorecard_form(request, candidate_id: int):
    candidate = visible_candidate(request, candidate_id)
    if not policies.candidates_scorable_by(request.user).filter(pk=candidate.pk).exists():
        raise PermissionDenied(_("Only the candidate's interviewers and the pod's lead score this candidate."))
    tasks = selectors.active_tasks()
    # "Score this task" links name the task; an unknown name preselects nothing.
    initial = {"task": {task.slug: task for task in tasks}.get(request.GET.get("task", ""))}
    form = ScorecardForm(request.POST or None, tasks=tasks, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.scorecard_submit(
                actor=request.user,
                candidate=candidate,
                task=data["task"],
                scores=form.scores,
                recommendation=data["recommendation"],
                notes=data["notes"],
            )
        except DomainConflict as exc:
            # A second scorecard of one task: the refusal goes under the task chosen.
            form.add_error("task" if isinstance(exc.details, dict) and "task" in exc.details else None, exc.message)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Scorecard of %(name)s on “%(task)s” saved.") % {"name": candidate.name, "task": data["task"].title},
            )
            return redirect("hiring-candidate", candidate_id=candidate.pk)
    scored = set(
        selectors.scorecards_of(request.user, candidate)
        .filter(interviewer=request.user)
        .values_list("task_id", flat=True)
    )
    return render(
        request,
        "hiring/scorecard_form.html",
        {"candidate": candidate, "form": form, "scored": scored},
        status=400 if form.is_bound and form.errors else 200,
    )
