"""Who may see and do what in the bootcamp: the scopes the selectors and
services share. Installers' personal records (enrollments, progress) follow
the organisation's rule: a lead sees those of the pods they lead, even in a
cohort that also trains other leads' pods."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from installer_ops.policies import installers_visible_to, pods_led_by
from installer_ops.roles import Role, role_of

from .models import Cohort, Enrollment, Program


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
