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


def _page_form(form) -> None:
    """The API's filter form as a page shows it: plain labels, and times as
    text so that a time of day in the query string survives a round trip."""
    for name, label in LABELS.items():
        form.fields[name].label = label
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
    _page_form(filterset.form)
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
