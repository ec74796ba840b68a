"""Organisation pages. Scoping by the selectors, writes by the services."""

from functools import wraps
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import HireForm, InstallerFilterForm, PromoteForm, SeparateForm
from .models import Installer, Pod, PodRole, Stage
from .page_errors import DOMAIN_ERRORS, add_service_errors
from .roles import Role, role_of

INSTALLERS_PER_PAGE = 50


def role_required(*roles: Role):
    """The page is for these roles; anyone else logged in gets a 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied(_("This page is not part of your role."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def favicon(request):
    """Browsers ask for /favicon.ico on documents that name no icon (a photo or a
    PDF opened directly): send them to the app's icon rather than a 404."""
    return redirect(static("installer_ops/app/icon-192.png"))


@login_required
def home(request):
    role = role_of(request.user)
    if role is None:
        return render(request, "installer_ops/no_role.html", status=403)
    return redirect(settings.ROLE_HOME[role.value])


@role_required(Role.LEAD, Role.EXECUTIVE, Role.ADMIN)
def org_overview(request):
    current_stages = [s for s in Stage if s != Stage.LEFT]
    pods = list(selectors.pods_for_listing(request.user))
    for pod in pods:
        pod.missing_roles = selectors.pod_missing_roles(pod)
        pod.stage_counts = [(s.label, getattr(pod, f"count_{s}")) for s in current_stages]
    geographies = [(geography, list(group)) for geography, group in groupby(pods, key=lambda p: p.geography)]
    return render(
        request,
        "installer_ops/org_overview.html",
        {
            "geographies": geographies,
            "pod_count": len(pods),
            "unstaffed": [p for p in pods if p.missing_roles],
            "stages": current_stages,
            "stage_totals": [(s, sum(getattr(p, f"count_{s}") for p in pods)) for s in current_stages],
            "can_see_people": role_of(request.user) in (Role.LEAD, Role.ADMIN),
        },
    )


@role_required(Role.LEAD, Role.EXECUTIVE, Role.ADMIN)
def pod_detail(request, pod_id: int):
    try:
        pod = selectors.pods_for_listing(request.user).get(pk=pod_id)
    except Pod.DoesNotExist as exc:
        raise Http404 from exc
    can_see_people = role_of(request.user) in (Role.LEAD, Role.ADMIN)
    installers = []
    if can_see_people:
        installers = selectors.installers_for_listing(request.user).filter(pod=pod).exclude(stage=Stage.LEFT)
    return render(
        request,
        "installer_ops/pod_detail.html",
        {
            "pod": pod,
            "missing_roles": selectors.pod_missing_roles(pod),
            "roles": PodRole,
            "history": selectors.memberships_of_pod(pod),
            "installers": installers,
            "can_see_people": can_see_people,
            "headcount": [(s, getattr(pod, f"count_{s}")) for s in Stage],
        },
    )


@role_required(Role.LEAD, Role.ADMIN)
def installer_list(request):
    pods = selectors.pods_visible_to(request.user).order_by("name")
    form = InstallerFilterForm(request.GET or None, pods=pods)
    installers = selectors.installers_for_listing(request.user).order_by("user__name", "employee_id")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            installers = selectors.installers_matching(installers, data["q"])
        if data["pod"]:
            installers = installers.filter(pod=data["pod"])
        if data["stage"]:
            installers = installers.filter(stage=data["stage"])
        if data["level"]:
            installers = installers.filter(level=data["level"])
    page = Paginator(installers, INSTALLERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "installer_ops/installer_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@role_required(Role.LEAD, Role.ADMIN)
def installer_hire(request):
    pods = (
        selectors.pods_visible_to(request.user)
        if role_of(request.user) == Role.ADMIN
        else selectors.pods_led_by(request.user)
    ).order_by("name")
    form = HireForm(request.POST or None, pods=pods, initial={"hired_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            installer = services.installer_hire(actor=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was hired.") % {"name": installer.name})
            return redirect("installer-detail", installer_id=installer.pk)
    return render(request, "installer_ops/installer_hire.html", {"form": form})


def _visible_installer(request, installer_id: int) -> Installer:
    try:
        return selectors.installer_with_history(request.user, installer_id)
    except Installer.DoesNotExist as exc:
        raise Http404 from exc


def _change_page(request, installer: Installer, promote_form=None, separate_form=None):
    """A refused promotion or separation, shown again with its errors (400).
    The person page (installer-detail) is built by a higher app that reads
    bootcamp and onboarding too, so this app renders only the forms."""
    today = timezone.localdate()
    return render(
        request,
        "installer_ops/installer_change.html",
        {
            "installer": installer,
            "promote_form": promote_form or PromoteForm(initial={"effective_on": today}),
            "separate_form": separate_form or SeparateForm(initial={"left_on": today}),
        },
        status=400,
    )


@require_POST
@role_required(Role.LEAD, Role.ADMIN)
def installer_promote(request, installer_id: int):
    installer = _visible_installer(request, installer_id)
    form = PromoteForm(request.POST)
    if form.is_valid():
        try:
            services.installer_promote(actor=request.user, installer=installer, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Promotion recorded."))
            return redirect("installer-detail", installer_id=installer.pk)
    return _change_page(request, installer, promote_form=form)


@require_POST
@role_required(Role.LEAD, Role.ADMIN)
def installer_separate(request, installer_id: int):
    installer = _visible_installer(request, installer_id)
    form = SeparateForm(request.POST)
    if form.is_valid():
        try:
            services.installer_separate(actor=request.user, installer=installer, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Separation recorded."))
            return redirect("installer-detail", installer_id=installer.pk)
    return _change_page(request, installer, separate_form=form)


@role_required(Role.INSTALLER)
def my_record(request):
    installer = selectors.installer_of(request.user)
    if installer is None:
        raise Http404(_("Your login has no installer record yet."))
    installer = selectors.installer_with_history(request.user, installer.pk)
    return render(
        request,
        "installer_ops/my_record.html",
        {"installer": installer, "contacts": selectors.pod_contacts(installer.pod)},
    )
