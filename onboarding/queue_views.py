"""The lead's queue page and its bulk sign-off. Scoping by the selectors,
the sign-offs by the bootcamp's service; a rejection (with its comment)
stays on the enrollment page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bootcamp.models import Item
from bootcamp.policies import enrollments_visible_to
from bootcamp.services.bulk_signoffs import signoffs_record_bulk
from installer_ops import values
from installer_ops.roles import Role
from installer_ops.views import role_required

from . import queue_selectors

lead_page = role_required(Role.LEAD, Role.ADMIN)
# More than a page of the queue in one post is not a person ticking boxes.
MAX_BULK = queue_selectors.SIGNOFFS_PER_PAGE


@lead_page
def lead_queue(request):
    queue = queue_selectors.lead_queue(request.user, request.GET.get("page"))
    return render(request, "onboarding/queue.html", {"queue": queue})


def _pairs(raw: list[str]) -> list[tuple[int, int]]:
    """The "enrollment:item" values of the ticked boxes; what is not two
    positive ids is no box of the page and is dropped."""
    pairs = []
    for value in raw:
        ids = value.partition(":")[::2]
        if len(value) <= 41 and all(part.isascii() and part.isdigit() for part in ids):
            enrollment_id, item_id = int(ids[0]), int(ids[1])
            if not any(
                values.integer_problem(n, minimum=1, maximum=values.BIGINT_MAX) for n in (enrollment_id, item_id)
            ):
                pairs.append((enrollment_id, item_id))
    return pairs


@require_POST
@lead_page
def lead_queue_signoffs(request):
    """Sign off the ticked items; report how many and each refusal with its reason."""
    pairs = _pairs(request.POST.getlist("signoff"))
    if not pairs:
        messages.error(request, _("Select the items to sign off."))
        return redirect("lead-queue")
    if len(pairs) > MAX_BULK:
        messages.error(request, _("Sign off at most %(n)s items at once.") % {"n": MAX_BULK})
        return redirect("lead-queue")
    # Another pod's enrollment answers as one that does not exist.
    enrollments = (
        enrollments_visible_to(request.user).select_related("cohort", "installer__user").in_bulk({e for e, _i in pairs})
    )
    items = Item.objects.select_related("module").in_bulk({i for _e, i in pairs})
    found, unknown = [], 0
    for enrollment_id, item_id in pairs:
        if enrollment_id in enrollments and item_id in items:
            found.append((enrollments[enrollment_id], items[item_id]))
        else:
            unknown += 1
    outcome = signoffs_record_bulk(actor=request.user, items=found)
    if outcome.signed:
        count = len(outcome.signed)
        messages.success(
            request,
            ngettext("%(count)s item signed off.", "%(count)s items signed off.", count) % {"count": count},
        )
    for refusal in outcome.refused:
        messages.error(
            request,
            _("Not signed off: %(name)s, “%(item)s”: %(reason)s")
            % {"name": refusal.enrollment.installer.name, "item": refusal.item.title, "reason": refusal.reason},
        )
    if unknown:
        messages.error(
            request,
            ngettext(
                "%(count)s item is no longer in your queue.", "%(count)s items are no longer in your queue.", unknown
            )
            % {"count": unknown},
        )
    return redirect("lead-queue")
