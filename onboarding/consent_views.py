"""The consent record pages for leads and administrators (/lead/onboarding/consent/):
the records of the installers the viewer may see, newest first, filtered by
install, installer and status; and one record with its steps, representative,
signature, device and times. Records are written only by the tablet (the
`consent.recorded` sync event); these pages read. Executives see no
installer's records (installers_visible_to), so the pages are not theirs."""

import uuid

from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import render

from installer_ops.roles import Role
from installer_ops.selectors import installers_visible_to
from installer_ops.views import role_required

from . import consent_selectors
from .consent_forms import ConsentFilterForm
from .models import ConsentRecord

RECORDS_PER_PAGE = 25

lead_page = role_required(Role.LEAD, Role.ADMIN)


@lead_page
def consent_records(request):
    installers = installers_visible_to(request.user).order_by("user__name", "employee_id")
    form = ConsentFilterForm(request.GET or None, installers=installers)
    valid = not form.is_bound or form.is_valid()
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and valid else {}
    records = (
        consent_selectors.consent_records_for_page(request.user, **filters) if valid else ConsentRecord.objects.none()
    )
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    # The filters that hold a value, for the pages' links.
    query = QueryDict(mutable=True)
    for key in ("install", "installer", "status"):
        if value := request.GET.get(key, "").strip():
            query[key] = value
    return render(
        request,
        "onboarding/consent_records.html",
        {
            "form": form,
            "page": page,
            "rows": consent_selectors.consent_rows(page.object_list),
            "query": query.urlencode(),
            "filtered": bool(query),
        },
        status=200 if valid else 400,
    )


@lead_page
def consent_record(request, record_id: uuid.UUID):
    shown = consent_selectors.consent_record_of(request.user, record_id)
    if shown is None:
        raise Http404
    return render(request, "onboarding/consent_record.html", {"shown": shown, "record": shown.record})
