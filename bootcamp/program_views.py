"""The program builder under /lead/programs/: the list, a version's page
(the editor while it is a draft), item and module forms, publishing and the
comparison of two versions. Reads by bootcamp/program_selectors.py, writes
by the services; role_required answers 403 to other roles."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from installer_ops.page_errors import DOMAIN_ERRORS, add_service_errors, domain_error_text
from installer_ops.roles import Role
from installer_ops.views import role_required

from . import program_selectors as selectors
from . import services
from .program_diff import spec_of, version_diff
from .program_forms import CompareForm, ItemForm, ModuleForm, MoveForm, ProgramForm, SettingsForm

PROGRAMS_PER_PAGE = 10
author_page = role_required(Role.LEAD, Role.ADMIN)


def _version(request, program_id: int, number: int):
    program = get_object_or_404(selectors.programs_visible_to(request.user), pk=program_id)
    return get_object_or_404(selectors.version_outlines(program), number=number)


def _version_url(version, anchor: str = "") -> str:
    url = reverse("lead-program-version", args=[version.program_id, version.number])
    return f"{url}#{anchor}" if anchor else url


def _list(request, form, status=200):
    page = Paginator(selectors.programs_for_listing(request.user), PROGRAMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bootcamp/program_list.html", {"page": page, "form": form}, status=status)


@author_page
def program_list(request):
    return _list(request, ProgramForm())


@require_POST
@author_page
def program_create(request):
    form = ProgramForm(request.POST)
    if form.is_valid():
        try:
            version = services.program_create(actor=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Program created. Add its first module."))
            return redirect(_version_url(version))
    return _list(request, form, status=400)


def _render_version(request, version, *, settings_form=None, module_form=None, status=200):
    draft = selectors.latest_draft(version.program)
    context = {
        "version": version,
        "program": version.program,
        "modules": list(version.modules.all()),
        "settings_form": settings_form or SettingsForm(initial={"working_days": version.working_days}),
        "module_form": module_form or ModuleForm(initial={"first_day": 1, "last_day": version.working_days}),
        "later_draft": draft if draft and version.is_published and draft.number > version.number else None,
        "has_versions_to_compare": version.program.versions.count() > 1,
    }
    return render(request, "bootcamp/program_version.html", context, status=status)


def _outline_answer(request, version, error: str = "", anchor: str = ""):
    """After a move or a removal: the outline alone for htmx, else the page."""
    if request.htmx:
        version = _version(request, version.program_id, version.number)
        context = {"version": version, "modules": list(version.modules.all()), "error": error}
        return render(request, "bootcamp/_program_outline.html", context)
    if error:
        messages.error(request, error)
    return redirect(_version_url(version, anchor))


@author_page
def program_version(request, program_id: int, number: int):
    return _render_version(request, _version(request, program_id, number))


@require_POST
@author_page
def program_version_draft(request, program_id: int, number: int):
    version = _version(request, program_id, number)
    try:
        draft = services.program_version_draft(actor=request.user, version=version)
    except DOMAIN_ERRORS as exc:
        messages.error(request, domain_error_text(exc))
        return redirect(_version_url(version))
    messages.success(
        request,
        _("Version %(number)s is a draft copy of version %(source)s: change it, then publish it.")
        % {"number": draft.number, "source": version.number},
    )
    return redirect(_version_url(draft))


@require_POST
@author_page
def program_settings(request, program_id: int, number: int):
    version = _version(request, program_id, number)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.draft_settings_update(actor=request.user, version=version, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Working days saved."))
            return redirect(_version_url(version))
    return _render_version(request, version, settings_form=form, status=400)


@require_POST
@author_page
def program_module_add(request, program_id: int, number: int):
    version = _version(request, program_id, number)
    form = ModuleForm(request.POST)
    if form.is_valid():
        try:
            module = services.draft_module_add(actor=request.user, version=version, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Module “%(title)s” added. Add its items.") % {"title": module.title})
            return redirect(_version_url(version, f"module-{module.pk}"))
    return _render_version(request, version, module_form=form, status=400)


@author_page
def program_module_edit(request, program_id: int, number: int, module_id: int):
    version = _version(request, program_id, number)
    module = get_object_or_404(selectors.modules_of(version), pk=module_id)
    initial = {"title": module.title, "first_day": module.first_day, "last_day": module.last_day}
    form = ModuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_module_update(actor=request.user, module=module, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Module saved."))
            return redirect(_version_url(version, f"module-{module.pk}"))
    status = 400 if request.method == "POST" else 200
    context = {"version": version, "module": module, "form": form}
    return render(request, "bootcamp/program_module_form.html", context, status=status)


def _move_answer(request, version, move, anchor: str, **target):
    """Up or down through `move` (a draft service); the outline answers."""
    form = MoveForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose up or down.")
    else:
        try:
            move(actor=request.user, **target, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            error = domain_error_text(exc)
    return _outline_answer(request, version, error, anchor)


def _remove_answer(request, version, remove, removed: str, anchor: str, **target):
    """Removal through `remove` (a draft service); the outline answers."""
    error = ""
    try:
        remove(actor=request.user, **target)
    except DOMAIN_ERRORS as exc:
        error = domain_error_text(exc)
    else:
        if not request.htmx:
            messages.success(request, removed)
    return _outline_answer(request, version, error, anchor)


@require_POST
@author_page
def program_module_move(request, program_id: int, number: int, module_id: int):
    version = _version(request, program_id, number)
    module = get_object_or_404(selectors.modules_of(version), pk=module_id)
    return _move_answer(request, version, services.draft_module_move, f"module-{module.pk}", module=module)


@require_POST
@author_page
def program_module_remove(request, program_id: int, number: int, module_id: int):
    version = _version(request, program_id, number)
    module = get_object_or_404(selectors.modules_of(version), pk=module_id)
    removed = _("Module “%(title)s” removed.") % {"title": module.title}
    return _remove_answer(request, version, services.draft_module_remove, removed, "", module=module)


def _item_form_page(request, version, form, *, module=None, item=None):
    status = 400 if request.method == "POST" else 200
    context = {"version": version, "module": module or item.module, "item": item, "form": form}
    return render(request, "bootcamp/program_item_form.html", context, status=status)


@author_page
def program_item_add(request, program_id: int, number: int, module_id: int):
    version = _version(request, program_id, number)
    module = get_object_or_404(selectors.modules_of(version), pk=module_id)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.draft_item_add(actor=request.user, module=module, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Item “%(title)s” added.") % {"title": item.title})
            return redirect(_version_url(version, f"item-{item.pk}"))
    return _item_form_page(request, version, form, module=module)


@author_page
def program_item_edit(request, program_id: int, number: int, item_id: int):
    version = _version(request, program_id, number)
    item = get_object_or_404(selectors.items_of(version), pk=item_id)
    initial = {
        "title": item.title,
        "kind": item.kind,
        "description": item.description,
        "needs_signoff": item.needs_signoff,
        "needs_evidence": item.needs_evidence,
        "module": item.module_id,
    }
    form = ItemForm(request.POST or None, initial=initial, modules=selectors.modules_of(version).order_by("position"))
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_item_update(actor=request.user, item=item, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Item saved."))
            return redirect(_version_url(version, f"item-{item.pk}"))
    return _item_form_page(request, version, form, item=item)


@require_POST
@author_page
def program_item_move(request, program_id: int, number: int, item_id: int):
    version = _version(request, program_id, number)
    item = get_object_or_404(selectors.items_of(version), pk=item_id)
    return _move_answer(request, version, services.draft_item_move, f"item-{item.pk}", item=item)


@require_POST
@author_page
def program_item_remove(request, program_id: int, number: int, item_id: int):
    version = _version(request, program_id, number)
    item = get_object_or_404(selectors.items_of(version), pk=item_id)
    removed = _("Item “%(title)s” removed.") % {"title": item.title}
    anchor = f"module-{item.module_id}"
    return _remove_answer(request, version, services.draft_item_remove, removed, anchor, item=item)


@author_page
def program_publish(request, program_id: int, number: int):
    """A confirmation page (what changes since the last published version),
    then the publication."""
    version = _version(request, program_id, number)
    errors = []
    if request.method == "POST":
        try:
            services.program_version_publish(actor=request.user, version=version)
        except DOMAIN_ERRORS as exc:
            errors = [domain_error_text(exc)]
        else:
            messages.success(
                request,
                _("Version %(number)s is published: new cohorts can run it.") % {"number": version.number},
            )
            return redirect(_version_url(version))
    previous = selectors.previous_published(version)
    if previous is not None:
        previous = selectors.version_outlines(version.program).get(pk=previous.pk)
    diff = version_diff(spec_of(previous), spec_of(version)) if previous else None
    context = {"version": version, "previous": previous, "diff": diff, "errors": errors}
    return render(request, "bootcamp/program_publish.html", context, status=400 if errors else 200)


@author_page
def program_compare(request, program_id: int):
    program = get_object_or_404(selectors.programs_visible_to(request.user), pk=program_id)
    versions = selectors.versions_of(program)
    defaults = {"new": versions[0].number, "old": versions[min(1, len(versions) - 1)].number} if versions else {}
    form = CompareForm({**defaults, **request.GET.dict()}, versions=versions)
    context = {"program": program, "form": form, "versions": versions, "diff": None}
    status = 200
    if versions and form.is_valid():
        numbers = form.cleaned_data.values()
        chosen = {v.number: v for v in selectors.version_outlines(program).filter(number__in=numbers)}
        old, new = chosen[form.cleaned_data["old"]], chosen[form.cleaned_data["new"]]
        context.update(old=old, new=new, diff=version_diff(spec_of(old), spec_of(new)))
    elif versions:
        status = 400
    return render(request, "bootcamp/program_diff.html", context, status=status)
