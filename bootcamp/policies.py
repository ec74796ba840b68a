"""Who may see and do what in the bootcamp: the scopes the selectors and
services share. Installers' personal records (enrollments, progress) follow
the organisation's rule: a lead sees those of the pods they lead, even in a
cohort that also trains other leads' pods."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from installer_ops.models import Installer
from installer_ops.policies import installers_visible_to, is_system_or_admin, pods_led_by
from installer_ops.roles import Role, role_of

from .models import CheckoffEvent, Cohort, Enrollment, EventType, Evidence, Program


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """Admins and executives see every cohort (executives as aggregates
    only); a lead the cohorts they lead or that train their pods; an
    installer the cohorts they are enrolled in."""
    role = role_of(user)
    base = Cohort.objects.select_related("program_version__program", "lead")
    if role in (Role.ADMIN, Role.EXECUTIVE):
        return base
    if role == Role.LEAD:
        trains_their_pods = Exists(Cohort.pods.through.objects.filter(cohort=OuterRef("pk"), pod__in=pods_led_by(user)))
        return base.filter(Q(lead=user) | trains_their_pods)
    if role == Role.INSTALLER:
        return base.filter(enrollments__installer__user=user).distinct()
    return base.none()


def enrollments_visible_to(user) -> QuerySet[Enrollment]:
    """Enrollments of the installers whose records `user` may see."""
    return Enrollment.objects.select_related("cohort", "installer__user").filter(
        installer__in=installers_visible_to(user)
    )


def programs_visible_to(user) -> QuerySet[Program]:
    # Program templates are no secret to anyone logged in.
    return Program.objects.all()


# --- predicates ---------------------------------------------------------------------------


def can_author_programs(actor) -> bool:
    """Program templates: leads and administrators build and publish them."""
    return is_system_or_admin(actor) or role_of(actor) == Role.LEAD


def can_plan_cohort(actor, pods) -> bool:
    """A lead plans cohorts for pods they lead; an administrator for any pod."""
    if is_system_or_admin(actor):
        return True
    if role_of(actor) != Role.LEAD:
        return False
    led = set(pods_led_by(actor).values_list("pk", flat=True))
    return all(pod.pk in led for pod in pods)


def can_enrol(actor, cohort: Cohort) -> bool:
    """The cohort's lead, or an administrator, enrols installers in it."""
    return is_system_or_admin(actor) or (role_of(actor) == Role.LEAD and cohort.lead_id == actor.pk)


def installers_signable_by(user) -> QuerySet[Installer]:
    """Installers whose items `user` signs off: a lead those of the pods they
    lead, an administrator (or the system) everyone, nobody else."""
    if is_system_or_admin(user):
        return Installer.objects.all()
    if role_of(user) == Role.LEAD:
        return installers_visible_to(user)
    return Installer.objects.none()


def enrollments_signable_by(user) -> QuerySet[Enrollment]:
    """Enrollments whose items `user` signs off (the lead's pending sign-offs)."""
    return Enrollment.objects.select_related("cohort", "installer__user").filter(
        installer__in=installers_signable_by(user)
    )


def can_sign_off_items(actor) -> bool:
    """Leads and administrators sign items off (whose: can_sign_off)."""
    return is_system_or_admin(actor) or role_of(actor) == Role.LEAD


def can_sign_off(actor, enrollment: Enrollment) -> bool:
    """The lead of the installer's pod, or an administrator, signs off their items."""
    if is_system_or_admin(actor):
        return True
    return installers_signable_by(actor).filter(pk=enrollment.installer_id).exists()


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Photos are seen by whoever may see their enrollment: the installer,
    their pod's lead, administrators. Executives read aggregates only, so
    no photo reaches them (installers_visible_to excludes them)."""
    return Evidence.objects.filter(enrollment__in=enrollments_visible_to(user))


def events_taking_evidence_of(user) -> QuerySet[CheckoffEvent]:
    """The check-offs a person may attach photos to: their own item.checked
    events. Anyone else's answers as unknown (404), never as forbidden."""
    if not getattr(user, "is_authenticated", False):
        return CheckoffEvent.objects.none()
    return CheckoffEvent.objects.filter(actor=user, type=EventType.CHECKED)
