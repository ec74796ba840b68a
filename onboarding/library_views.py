"""The onboarding library pages: documents (with the Markdown editor and its
live preview), drill scenarios and configuration profiles, for whoever
`policies.can_author_documents` allows (administrators). Everyone else
gets a 403 before anything is read."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors, domain_error_text
from installer_ops.policies import require

from . import library_selectors, library_services, services
from .library_forms import (
    DocumentBodyForm,
    DocumentCreateForm,
    PreviewForm,
    ProfileContentForm,
    ProfileCreateForm,
    ScenarioCreateForm,
    ScenarioEditForm,
)
from .models import ConfigProfile, Document, DrillScenario
from .policies import can_author_documents
from .printing import render_markdown

PER_PAGE = 25


def author_page(view):
    """Logged in, and allowed to author the library (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(can_author_documents(request.user), _("The library is kept by administrators."))
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template: str, context: dict, form=None):
    """A page; a 400 when a submitted form is shown again with its errors."""
    status = 400 if request.method == "POST" and form is not None and form.errors else 200
    return render(
        request, f"onboarding/library/{template}", {"section": template.split("_")[0], **context}, status=status
    )


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _get(model, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist as exc:
        raise Http404 from exc


# --- documents -------------------------------------------------------------------------


@author_page
def document_list(request):
    return _render(request, "document_list.html", {"page": _page(request, library_selectors.documents_for_library())})


@author_page
@require_http_methods(["GET", "POST"])
def document_create(request):
    form = DocumentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(actor=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(title)s created; write and publish its first version.") % {"title": document.title}
            )
            return redirect("library-document", slug=document.slug)
    return _render(request, "document_create.html", {"form": form}, form)


def _published_message(version, before: int | None, flagged: int) -> str:
    if before == version.number:
        return _("The body is the same as version %(number)s: nothing was published.") % {"number": version.number}
    return ngettext(
        "Version %(number)s published. %(count)s kit holds an older copy and is flagged for reprint.",
        "Version %(number)s published. %(count)s kits hold an older copy and are flagged for reprint.",
        flagged,
    ) % {"number": version.number, "count": flagged}


@author_page
@require_http_methods(["GET", "POST"])
def document_detail(request, slug: str):
    """The document's versions and its editor. "Preview" re-renders the page
    with the typed body (no JavaScript needed); "Publish" makes a version."""
    document = _get(Document, slug=slug)
    versions = list(library_selectors.document_versions(document))
    current = versions[0] if versions else None
    preview = None
    if request.method == "POST":
        form = DocumentBodyForm(request.POST)
        if form.is_valid() and request.POST.get("action") == "publish":
            try:
                version = services.document_publish(
                    actor=request.user, document=document, body=form.cleaned_data["body"]
                )
            except DOMAIN_ERRORS as exc:
                add_service_errors(form, exc)
            else:
                before = current.number if current else None
                flagged = library_selectors.kits_flagged_by(version) if before != version.number else 0
                messages.success(request, _published_message(version, before, flagged))
                return redirect("library-document", slug=document.slug)
        elif form.is_valid():
            preview = render_markdown(form.cleaned_data["body"])
    else:
        form = DocumentBodyForm(initial={"body": current.body if current else ""})
        preview = render_markdown(current.body) if current else None
    context = {"document": document, "versions": versions, "current": current, "form": form, "preview": preview}
    return _render(request, "document_detail.html", context, form)


@require_POST
@author_page
def document_preview(request, slug: str):
    """The live preview (htmx): the typed body through the print view's
    Markdown and sanitiser, as a fragment."""
    _get(Document, slug=slug)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return render(request, "onboarding/library/_preview.html", {"errors": form.errors["body"]}, status=400)
    return render(request, "onboarding/library/_preview.html", {"preview": render_markdown(form.cleaned_data["body"])})


# --- drill scenarios ---------------------------------------------------------------------


@author_page
def scenario_list(request):
    return _render(request, "scenario_list.html", {"page": _page(request, library_selectors.scenarios_for_library())})


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
    return _render(request, "scenario_form.html", {"form": form, "scenario": None}, form)


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
    return _render(request, "scenario_form.html", {"form": form, "scenario": scenario}, form)


@require_POST
@author_page
def scenario_active(request, scenario_id: int):
    scenario = _get(DrillScenario, pk=scenario_id)
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
    return _render(request, "profile_list.html", {"page": _page(request, library_selectors.profiles_for_library())})


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
    return _render(request, "profile_create.html", {"form": form}, form)


@author_page
@require_http_methods(["GET", "POST"])
def profile_detail(request, profile_id: int):
    """One version; the latest one is edited into the next version."""
    profile = _get(ConfigProfile, pk=profile_id)
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
    return _render(request, "profile_detail.html", context, form)
