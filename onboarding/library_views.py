"""The onboarding library pages: drill scenarios and configuration profiles
here, documents in library_document_views.py, for whoever
`policies.can_author_documents` allows (administrators). Everyone else
gets a 403 before anything is read. The helpers below are both modules'."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors, domain_error_text
from installer_ops.policies import require

from . import library_selectors, library_services
from .library_forms import ProfileContentForm, ProfileCreateForm, ScenarioCreateForm, ScenarioEditForm
from .models import ConfigProfile, DrillScenario
from .policies import can_author_documents

PER_PAGE = 25


def author_page(view):
    """Logged in, and allowed to author the library (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(can_author_documents(request.user), _("The library is kept by administrators."))
        return view(request, *args, **kwargs)

    return wrapped


def library_render(request, template: str, context: dict, form=None):
    """A page; a 400 when a submitted form is shown again with its errors."""
    status = 400 if request.method == "POST" and form is not None and form.errors else 200
    return render(
        request, f"onboarding/library/{template}", {"section": template.split("_")[0], **context}, status=status
    )


def page_of(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def get_or_404(model, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist as exc:
        raise Http404 from exc


# --- drill scenarios ---------------------------------------------------------------------


@author_page
def scenario_list(request):
    return library_render(
        request, "scenario_list.html", {"page": page_of(request, library_selectors.scenarios_for_library())}
    )


@author_page
@require_http_methods(["GET", "POST"])
def scenario_create(request):
    form = ScenarioCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = library_services.drill_scenario_create(actor=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Scenario %(title)s added.") % {"title": scenario.title})
            return redirect("library-scenarios")
    return library_render(request, "scenario_form.html", {"form": form, "scenario": None}, form)


@author_page
@require_http_methods(["GET", "POST"])
def scenario_detail(request, scenario_id: int):
    scenario = library_selectors.scenarios_for_library().filter(pk=scenario_id).first()
    if scenario is None:
        raise Http404
    initial = {f: getattr(scenario, f) for f in ("title", "description", "recovery_target_minutes")}
    form = ScenarioEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            library_services.drill_scenario_update(actor=request.user, scenario=scenario, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Scenario %(title)s saved.") % {"title": form.cleaned_data["title"]})
            return redirect("library-scenarios")
    return library_render(request, "scenario_form.html", {"form": form, "scenario": scenario}, form)


@require_POST
@author_page
def scenario_active(request, scenario_id: int):
    scenario = get_or_404(DrillScenario, pk=scenario_id)
    active = request.POST.get("active") == "true"
    try:
        library_services.drill_scenario_set_active(actor=request.user, scenario=scenario, active=active)
    except DOMAIN_ERRORS as exc:
        messages.error(request, domain_error_text(exc))
    else:
        text = _("%(title)s is offered for drills again.") if active else _("%(title)s is retired.")
        messages.success(request, text % {"title": scenario.title})
    return redirect("library-scenarios")


# --- configuration profiles --------------------------------------------------------------


@author_page
def profile_list(request):
    return library_render(
        request, "profile_list.html", {"page": page_of(request, library_selectors.profiles_for_library())}
    )


@author_page
@require_http_methods(["GET", "POST"])
def profile_create(request):
    form = ProfileCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = library_services.config_profile_add(actor=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Profile %(profile)s added.") % {"profile": profile})
            return redirect("library-profile", profile_id=profile.pk)
    return library_render(request, "profile_create.html", {"form": form}, form)


@author_page
@require_http_methods(["GET", "POST"])
def profile_detail(request, profile_id: int):
    """One version; the latest one is edited into the next version."""
    profile = get_or_404(ConfigProfile, pk=profile_id)
    versions = list(library_selectors.profile_versions(profile))
    latest = versions[0]
    form = ProfileContentForm(request.POST or None, initial={"content": profile.content})
    if request.method == "POST" and form.is_valid():
        try:
            saved = library_services.config_profile_revise(actor=request.user, profile=profile, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            if saved.pk == profile.pk:
                messages.success(
                    request, _("The content is unchanged: %(profile)s stays as it is.") % {"profile": saved}
                )
            else:
                messages.success(
                    request,
                    _("%(profile)s saved; kits issued with earlier versions keep theirs.") % {"profile": saved},
                )
            return redirect("library-profile", profile_id=saved.pk)
    context = {"profile": profile, "versions": versions, "latest": latest, "form": form}
    return library_render(request, "profile_detail.html", context, form)
