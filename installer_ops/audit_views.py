"""The audit log page for administrators: the same filters as
GET /api/v1/audit-log/ (its FilterSet, so that the page, the API and the
CSV export read the same query string), paginated, each change shown as
field: before → after in words (audit_display.py)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import policies
from .audit_apis import AuditEntryFilter
from .audit_display import read_changes
from .audit_words import action_choices, record_type_choices
from .models import AuditEntry
from .roles import Role
from .views import role_required

ENTRIES_PER_PAGE = 50
TIME_HINT = gettext_lazy("YYYY-MM-DD")
LABELS = {
    "object_type": gettext_lazy("Record type"),
    "object_id": gettext_lazy("Record id"),
    "actor": gettext_lazy("By (user id)"),
    "source": gettext_lazy("Through"),
    "action": gettext_lazy("Action"),
    "since": gettext_lazy("From"),
    "until": gettext_lazy("Before"),
}


def _page_form(form, query) -> None:
    """The API's filter form as a page shows it: plain labels, the kinds of
    record and the actions to pick by their names in the reader's language
    (the values stay those stored), and times as text so that a time of day
    in the query string survives a round trip."""
    for name, label in LABELS.items():
        form.fields[name].label = label
    any_value = [("", _("Any"))]
    form.fields["object_type"].widget = forms.Select(
        choices=any_value + record_type_choices(query.get("object_type", ""))
    )
    form.fields["action"].widget = forms.Select(choices=any_value + action_choices(query.get("action", "")))
    for name in ("since", "until"):
        form.fields[name].widget = forms.TextInput(attrs={"placeholder": TIME_HINT})
    form.fields["actor"].widget = forms.NumberInput(attrs={"min": 1, "step": 1})
    # django-filter adds the empty choice when the choices are set.
    form.fields["source"].empty_label = _("Any")
    form.fields["source"].choices = AuditEntry.Source.choices


@role_required(Role.ADMIN)
def audit_log(request):
    if not policies.can_read_audit_log(request.user):
        raise PermissionDenied(_("Only administrators read the audit log."))
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    filterset = AuditEntryFilter(request.GET, queryset=entries)
    _page_form(filterset.form, request.GET)
    valid = filterset.is_valid()
    # The filters that hold a value, for the pages' and the export's links.
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [value for value in values if value]
        if kept and key not in ("page", "format"):
            query.setlist(key, kept)
    page = Paginator(filterset.qs if valid else entries.none(), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    read_changes(page.object_list)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(
        request,
        "installer_ops/audit_log.html",
        {
            "form": filterset.form,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(query),
            "csv_url": f"{reverse('v1:api-audit-log')}?{csv_query.urlencode()}",
        },
        status=200 if valid else 400,
    )
