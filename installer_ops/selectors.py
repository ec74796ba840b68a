"""Reads of the organisation, and the scoping of every queryset by role.

Every view and API gets its queryset from here, scoped by the policies
(installer_ops/policies.py), so that a person never reaches an object
outside their scope (they get a 404, not a 403 that would confirm the
object exists).
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Geography, Installer, Pod, PodMembership, PodRole, Promotion, Stage, Vertical

# The scopes are the policies' (one definition); selectors read through them.
from .policies import installers_visible_to, pods_led_by, pods_visible_to  # noqa: F401 - re-exported


def active_memberships() -> QuerySet[PodMembership]:
    return PodMembership.objects.filter(ended_on__isnull=True)


def pods_for_listing(user) -> QuerySet[Pod]:
    """Visible pods with what a listing shows, in a fixed number of queries:
    staffing (active role holders) and headcount by stage."""
    stage_counts = {
        f"count_{stage}": Count("installers", filter=Q(installers__stage=stage), distinct=True)
        for stage in Stage.values
    }
    return (
        pods_visible_to(user)
        .select_related("vertical", "geography")
        .annotate(
            active_role_count=Count("memberships__role", filter=Q(memberships__ended_on__isnull=True), distinct=True),
            **stage_counts,
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=active_memberships().select_related("user").order_by("role"),
                to_attr="active_memberships",
            )
        )
        .order_by("geography__name", "vertical__name", "name")
    )


def pod_missing_roles(pod: Pod) -> list[PodRole]:
    """The staffing roles with no active holder. Needs `active_memberships`
    prefetched (pods_for_listing) to avoid a query per pod."""
    held = {m.role for m in pod.active_memberships}
    return [role for role in PodRole if role not in held]


def pod_is_staffed(pod: Pod) -> bool:
    return not pod_missing_roles(pod)


def installers_matching(queryset: QuerySet[Installer], text: str) -> QuerySet[Installer]:
    """Installers whose name or employee id contains `text` (the search box and the API's `q`)."""
    return queryset.filter(Q(user__name__icontains=text) | Q(employee_id__icontains=text))


def installers_for_listing(user) -> QuerySet[Installer]:
    return installers_visible_to(user).select_related("pod__geography", "pod__vertical")


def installer_with_history(user, installer_id: int) -> Installer:
    """One visible installer with their promotions; raises Installer.DoesNotExist."""
    return (
        installers_for_listing(user)
        .prefetch_related(
            Prefetch("promotions", queryset=Promotion.objects.select_related("recorded_by").order_by("effective_on"))
        )
        .get(pk=installer_id)
    )


def installer_of(user) -> Installer | None:
    """The installer record of a logged-in installer, or None."""
    if not user.is_authenticated:
        return None
    return Installer.objects.select_related("user", "pod__geography", "pod__vertical").filter(user=user).first()


def geographies_visible_to(user) -> QuerySet[Geography]:
    # The shape of the organisation is no secret to anyone logged in.
    return Geography.objects.all()


def verticals_visible_to(user) -> QuerySet[Vertical]:
    return Vertical.objects.all()


def memberships_of_pod(pod: Pod) -> QuerySet[PodMembership]:
    return pod.memberships.select_related("user").order_by("role", "-started_on")


def pod_contacts(pod: Pod) -> QuerySet[PodMembership]:
    """The pod's current role holders: whom an installer escalates to."""
    return active_memberships().filter(pod=pod).select_related("user").order_by("role")
