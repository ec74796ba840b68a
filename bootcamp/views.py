"""The lead's bootcamp pages. Scoping by the selectors, writes by the services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from installer_ops.csv_export import csv_response, csv_writer
from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors, domain_error_text
from installer_ops.roles import Role, role_of
from installer_ops.selectors import pods_led_by, pods_visible_to
from installer_ops.views import role_required

from . import policies, selectors, services
from .evidence_selectors import evidence_by_item
from .forms import CohortForm, SignoffForm, weekend_start_note
from .models import Cohort, Enrollment, Item

COHORTS_PER_PAGE = 25
lead_page = role_required(Role.LEAD, Role.ADMIN)


def _cohort(request, cohort_id: int) -> Cohort:
    try:
        return selectors.cohorts_visible_to(request.user).get(pk=cohort_id)
    except Cohort.DoesNotExist as exc:
        raise Http404 from exc


@lead_page
def cohort_list(request):
    cohorts = (
        selectors.cohorts_visible_to(request.user)
        .select_related("program_version__program")
        .order_by("-start_on", "name")
    )
    page = Paginator(cohorts, COHORTS_PER_PAGE).get_page(request.GET.get("page"))
    summaries = selectors.cohort_summaries(list(page.object_list), timezone.localdate())
    return render(request, "bootcamp/cohort_list.html", {"page": page, "summaries": summaries})


@lead_page
def cohort_create(request):
    pods = (
        pods_visible_to(request.user) if role_of(request.user) == Role.ADMIN else pods_led_by(request.user)
    ).order_by("name")
    form = CohortForm(request.POST or None, pods=pods, initial={"start_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(actor=request.user, **{**data, "pods": list(data["pods"])})
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Cohort “%(name)s” created. Enrol its installers now.") % {"name": cohort.name})
            if note := weekend_start_note(cohort.start_on):
                messages.warning(request, note)
            return redirect("lead-cohort-enrol", cohort_id=cohort.pk)
    return render(request, "bootcamp/cohort_form.html", {"form": form})


@lead_page
def cohort_enrol(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    search = request.GET.get("q", "").strip()
    candidates = selectors.installers_enrollable(cohort, request.user, search)
    errors = []
    if request.method == "POST":
        chosen = list(candidates.filter(pk__in=request.POST.getlist("installers")))
        try:
            services.enrollment_bulk_create(actor=request.user, cohort=cohort, installers=chosen)
        except DOMAIN_ERRORS as exc:
            errors = [domain_error_text(exc)]
        else:
            messages.success(
                request,
                ngettext("%(count)s installer enrolled.", "%(count)s installers enrolled.", len(chosen))
                % {"count": len(chosen)},
            )
            return redirect("lead-cohort", cohort_id=cohort.pk)
    summary = selectors.cohort_summaries([cohort], timezone.localdate())[0]
    return render(
        request,
        "bootcamp/cohort_enrol.html",
        {
            "cohort": cohort,
            "summary": summary,
            "candidates": candidates[:200],
            "search": search,
            "errors": errors,
            "chosen": set(request.POST.getlist("installers")),
        },
    )


@lead_page
def cohort_matrix(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    outlines, rows = selectors.cohort_matrix(cohort, request.user)
    today = timezone.localdate()
    summary = selectors.cohort_summaries([cohort], today)[0]
    return render(
        request,
        "bootcamp/cohort_matrix.html",
        {
            "cohort": cohort,
            "summary": summary,
            "columns": [(outline, selectors.module_due_on(cohort, outline.module)) for outline in outlines],
            "rows": rows,
            "today": today,
        },
    )


@lead_page
def cohort_matrix_csv(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    outlines, rows = selectors.cohort_matrix(cohort, request.user)
    today = timezone.localdate()
    response = csv_response(f"cohort-{cohort.pk}-progress.csv")
    writer = csv_writer(response)
    header = [_("Employee id"), _("Installer"), _("Pod"), _("Progress %")]
    for outline in outlines:
        title = outline.module.title
        header += [f"{title}: %", f"{title}: " + _("overdue"), f"{title}: " + _("awaiting sign-off")]
    writer.writerow(header)
    for row in rows:
        line = [row.enrollment.installer.employee_id, row.enrollment.installer.name, row.enrollment.installer.pod.code]
        line.append(round(row.fraction * 100))
        for module in row.modules:
            line += [module.percent, "yes" if module.overdue_on(today) else "no", module.awaiting_signoff]
        writer.writerow(line)
    return response


def _enrollment(request, enrollment_id: int) -> Enrollment:
    try:
        return (
            selectors.enrollments_visible_to(request.user)
            .select_related("cohort__program_version__program", "installer__pod")
            .get(pk=enrollment_id)
        )
    except Enrollment.DoesNotExist as exc:
        raise Http404 from exc


def _item_context(enrollment: Enrollment, item: Item, request) -> dict:
    state = selectors.item_states_of(enrollment).get(item.pk)
    history = selectors.enrollment_history(enrollment).get(item.pk, [])
    return {
        "enrollment": enrollment,
        "item": item,
        "state": state,
        "photos": evidence_by_item([state] if state else []).get(item.pk, []),
        "history": history,
        "can_sign": policies.can_sign_off(request.user, enrollment),
    }


def _signoff_answer(request, enrollment: Enrollment, item: Item, error: str, rejected: bool) -> dict:
    progress = selectors.enrollments_progress([enrollment])[0]
    module = next(m for m in progress.modules if m.outline.module.pk == item.module_id)
    if error:
        status_text = error
    elif rejected:
        status_text = _("Rejected: %(item)s") % {"item": item.title}
    else:
        status_text = _("Signed off: %(item)s") % {"item": item.title}
    return {
        **_item_context(enrollment, item, request),
        "error": error,
        "progress": progress,
        "module": module,
        "module_overdue": module.overdue_on(timezone.localdate()),
        "status_text": status_text,
    }


@lead_page
def enrollment_detail(request, enrollment_id: int):
    enrollment = _enrollment(request, enrollment_id)
    progress = selectors.enrollments_progress([enrollment])[0]
    states = selectors.item_states_of(enrollment)
    history = selectors.enrollment_history(enrollment)
    photos = evidence_by_item(states.values())
    today = timezone.localdate()
    modules = [
        {
            "progress": module,
            "overdue": module.overdue_on(today),
            "items": [
                {
                    "item": item,
                    "state": states.get(item.pk),
                    "photos": photos.get(item.pk, []),
                    "history": history.get(item.pk, []),
                }
                for item in module.outline.items
            ],
        }
        for module in progress.modules
    ]
    return render(
        request,
        "bootcamp/enrollment_detail.html",
        {
            "enrollment": enrollment,
            "progress": progress,
            "modules": modules,
            "today": today,
            "can_sign": policies.can_sign_off(request.user, enrollment),
        },
    )


@require_POST
@lead_page
def enrollment_signoff(request, enrollment_id: int, item_id: int):
    """Sign off or reject one item. With htmx the answer is the item's card
    plus out-of-band swaps of what the decision changed on the page (the
    totals, the module's heading and its badges) and a status line, so
    nothing on the page is stale; without JavaScript, a redirect to it."""
    enrollment = _enrollment(request, enrollment_id)
    item = (
        Item.objects.select_related("module")
        .filter(pk=item_id, module__version_id=enrollment.cohort.program_version_id)
        .first()
    )
    if item is None:
        raise Http404
    form = SignoffForm(request.POST)
    error = ""
    rejected = form.is_valid() and form.cleaned_data["action"] == "reject"
    if form.is_valid():
        try:
            services.enrollment_signoff_record(
                actor=request.user, enrollment=enrollment, item=item, **form.cleaned_data
            )
        except DOMAIN_ERRORS as exc:
            error = domain_error_text(exc)
    else:
        error = _("Choose sign off or reject.")
    if request.htmx:
        return render(
            request, "bootcamp/_signoff_answer.html", _signoff_answer(request, enrollment, item, error, rejected)
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("“%(item)s” updated.") % {"item": item.title})
    return redirect("lead-enrollment", enrollment_id=enrollment.pk)
