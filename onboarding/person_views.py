"""The person page: one installer's record, bootcamp, onboarding and history
on one page (`installer-detail`, /org/installers/<id>/).

It lives in onboarding because it reads bootcamp and onboarding besides the
organisation; the project's URL configuration routes the organisation's path
to it, so the organisation app never imports a higher one."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from installer_ops.forms import PromoteForm, SeparateForm
from installer_ops.models import Installer
from installer_ops.policies import can_change_installer, can_read_person_history
from installer_ops.roles import Role
from installer_ops.views import role_required

from . import person_history, person_selectors

HISTORY_PER_PAGE = 20


# Executives pass the role check but see no one's record: the scope answers 404.
@role_required(Role.LEAD, Role.EXECUTIVE, Role.ADMIN)
def person_page(request, installer_id: int):
    try:
        installer = person_selectors.person_of(request.user, installer_id)
    except Installer.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    person = person_selectors.person(request.user, installer, today)
    history = None
    if can_read_person_history(request.user, installer):
        entries = person_selectors.person_history(installer, person.enrollment_ids)
        history = Paginator(entries, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
        person_history.read_entries(history.object_list, installer)
    can_change = not installer.has_left and can_change_installer(request.user, installer)
    return render(
        request,
        "onboarding/person.html",
        {
            "installer": installer,
            "person": person,
            "today": today,
            "history": history,
            "can_change": can_change,
            "promote_form": PromoteForm(initial={"effective_on": today}) if can_change else None,
            "separate_form": SeparateForm(initial={"left_on": today}) if can_change else None,
        },
    )
