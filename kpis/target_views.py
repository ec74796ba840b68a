"""The KPI targets page: every KPI with its organisation default and
overrides per scope. Administrators set, change and remove them; executives
read them. Writes go through kpis/targets.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors
from installer_ops.roles import Role
from installer_ops.views import role_required

from . import policies
from .forms import KpiTargetForm
from .models import KpiCode, KpiTarget
from .registry import REGISTRY
from .selectors import scope_names
from .targets import kpi_target_remove, kpi_target_set, kpi_targets_overview


def _render(request, *, bound=None, status=200, problem=None):
    if not policies.can_read_kpi_targets(request.user):
        raise PermissionDenied(_("This page is not part of your role."))
    names = scope_names()
    can_set = policies.can_set_kpi_targets(request.user)
    sections = []
    for entry in kpi_targets_overview(names=names):
        form = None
        if can_set:
            form = bound if bound is not None and bound.kpi == entry.kpi else KpiTargetForm(kpi=entry.kpi, names=names)
        sections.append((entry, form))
    return render(
        request,
        "kpis/targets.html",
        {"sections": sections, "can_set": can_set, "problem": problem},
        status=status,
    )


@role_required(Role.EXECUTIVE, Role.ADMIN)
def kpi_targets(request):
    if request.method != "POST":
        return _render(request)
    if not policies.can_set_kpi_targets(request.user):
        raise PermissionDenied(_("Only administrators set KPI targets."))
    kpi = request.POST.get("kpi", "")
    if kpi not in REGISTRY:
        return _render(request, status=400, problem=_("Choose a KPI."))
    form = KpiTargetForm(request.POST, kpi=kpi, names=scope_names())
    if form.is_valid():
        try:
            kpi_target_set(actor=request.user, **form.service_arguments())
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Target saved for %(kpi)s.") % {"kpi": KpiCode(kpi).label})
            return redirect(f"{reverse('kpi-targets')}#kpi-{kpi}")
    return _render(request, bound=form, status=400)


@require_POST
@role_required(Role.EXECUTIVE, Role.ADMIN)
def kpi_target_delete(request, target_id: int):
    if not policies.can_set_kpi_targets(request.user):
        raise PermissionDenied(_("Only administrators set KPI targets."))
    target = get_object_or_404(KpiTarget, pk=target_id)
    kpi_target_remove(actor=request.user, target=target)
    messages.success(request, _("Target removed."))
    return redirect(f"{reverse('kpi-targets')}#kpi-{target.kpi}")
