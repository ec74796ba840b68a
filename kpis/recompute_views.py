"""The recompute page: pick a date range, start a recompute through the same
service as POST /api/v1/kpis/recompute/ (kpis/jobs.py: kpi_job_request),
and watch its progress bar, which htmx refreshes from a small fragment
until the job is done or failed."""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors
from installer_ops.roles import Role
from installer_ops.views import role_required

from . import jobs, policies
from .forms import RecomputeForm
from .models import Grain, KpiJob

RECENT_JOBS = 10
# How often the page asks for a running job's progress.
POLL_SECONDS = 1


def _require_recomputer(user) -> None:
    if not policies.can_recompute_kpis(user):
        raise PermissionDenied(_("You may not recompute KPIs."))


def _job_or_404(job_id) -> KpiJob:
    job = KpiJob.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404(_("No such recompute."))
    return job


@role_required(Role.EXECUTIVE, Role.ADMIN)
def kpi_recompute(request):
    _require_recomputer(request.user)
    status = 200
    if request.method == "POST":
        form = RecomputeForm(request.POST)
        if form.is_valid():
            try:
                job = jobs.kpi_job_request(actor=request.user, **form.cleaned_data)
            except DOMAIN_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                return redirect(f"{reverse('kpi-recompute')}?job={job.pk}")
        status = 400
    else:
        since, until = jobs.nightly_window(timezone.localdate())
        form = RecomputeForm(initial={"since": since, "until": until, "grains": Grain.values})
    recent = list(KpiJob.objects.select_related("requested_by").order_by("-created_at")[:RECENT_JOBS])
    # A malformed or unknown ?job= shows the page without a job.
    current = None
    try:
        job_id = uuid.UUID(request.GET.get("job", ""))
    except ValueError:
        job_id = None
    if job_id is not None:
        current = KpiJob.objects.filter(pk=job_id).first()
    return render(
        request,
        "kpis/recompute.html",
        {"form": form, "recent": recent, "job": current, "poll_seconds": POLL_SECONDS},
        status=status,
    )


@role_required(Role.EXECUTIVE, Role.ADMIN)
def kpi_job_progress(request, job_id):
    """The progress fragment: polls itself while the job is queued or running."""
    _require_recomputer(request.user)
    return render(request, "kpis/_job_progress.html", {"job": _job_or_404(job_id), "poll_seconds": POLL_SECONDS})
