"""Who may see and do what in hiring: the scopes that selectors and services
share, and the predicates the services ask before they write.

- A lead sees the requisitions and candidates of the pods they lead and
  runs them (opens, cancels, adds, moves, hires).
- An interviewer (a lead or an administrator named on the candidate) sees
  and scores the candidates they are assigned, and the requisitions those
  candidates applied for.
- Administrators see and do everything.
- Executives read aggregates only (counts per stage, source and pod): no
  candidate's name or email, so no candidate list and no requisition list.
- Installers see nothing of hiring.

`actor=None` is the system (a command, the importer run by an operator)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from installer_ops.models import Pod, User
from installer_ops.policies import can_hire_into, is_system_or_admin, pods_led_by
from installer_ops.roles import Role, role_of

from .models import Candidate, Requisition, Scorecard

# Who may be named an interviewer: people who already read candidates' records.
INTERVIEWER_ROLES = (Role.LEAD, Role.ADMIN)

# --- scopes -------------------------------------------------------------------------------


def _interviews(user) -> Q:
    """Candidates `user` is assigned to score."""
    return Q(Exists(Candidate.interviewers.through.objects.filter(candidate=OuterRef("pk"), user=user)))


def candidates_visible_to(user) -> QuerySet[Candidate]:
    """Candidates whose personal records (name, email, scorecards) `user` sees."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Candidate.objects.all()
    if role == Role.LEAD:
        return Candidate.objects.filter(Q(requisition__pod__in=pods_led_by(user)) | _interviews(user))
    return Candidate.objects.none()


def requisitions_visible_to(user) -> QuerySet[Requisition]:
    """Requisitions of the pods a lead leads, and those an interviewer's candidates applied for."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Requisition.objects.all()
    if role == Role.LEAD:
        interviews = Exists(
            Candidate.interviewers.through.objects.filter(candidate__requisition=OuterRef("pk"), user=user)
        )
        return Requisition.objects.filter(Q(pod__in=pods_led_by(user)) | Q(interviews))
    return Requisition.objects.none()


def requisitions_managed_by(user) -> QuerySet[Requisition]:
    """Requisitions `user` runs: the pods they lead, or every one for an administrator."""
    if role_of(user) == Role.ADMIN:
        return Requisition.objects.all()
    if role_of(user) == Role.LEAD:
        return Requisition.objects.filter(pod__in=pods_led_by(user))
    return Requisition.objects.none()


def pods_hiring_for(user) -> QuerySet[Pod]:
    """Pods `user` may open requisitions in: those they lead, or every pod for an administrator."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Pod.objects.all()
    if role == Role.LEAD:
        return pods_led_by(user)
    return Pod.objects.none()


def candidates_counted_for(user) -> QuerySet[Candidate] | None:
    """The candidates whose counts `user` reads in the hiring summary:
    executives and administrators every one, a lead those of the pods
    they lead; None for anyone else (403)."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.EXECUTIVE):
        return Candidate.objects.all()
    if role == Role.LEAD:
        return Candidate.objects.filter(requisition__pod__in=pods_led_by(user))
    return None


def requisitions_counted_for(user) -> QuerySet[Requisition]:
    """The requisitions counted in the hiring summary: the same reach as candidates_counted_for."""
    if role_of(user) in (Role.ADMIN, Role.EXECUTIVE):
        return Requisition.objects.all()
    return requisitions_managed_by(user)


def scorecards_visible_to(user, candidate: Candidate) -> QuerySet[Scorecard]:
    """The candidate's scorecards that `user` reads: all of them for whoever
    runs the requisition (the pod's lead, an administrator); an interviewer
    their own only, so that each scores without reading the others first."""
    scorecards = Scorecard.objects.filter(candidate=candidate)
    if can_manage_requisition(user, candidate.requisition):
        return scorecards
    return scorecards.filter(interviewer=user)


# --- predicates ---------------------------------------------------------------------------


def can_manage_requisition(actor, requisition_or_pod) -> bool:
    """Open, cancel and staff a requisition (add candidates, name
    interviewers): the lead of its pod, or an administrator."""
    pod = getattr(requisition_or_pod, "pod", requisition_or_pod)
    if is_system_or_admin(actor):
        return True
    return role_of(actor) == Role.LEAD and pods_led_by(actor).filter(pk=pod.pk).exists()


def can_move_candidate(actor, candidate: Candidate) -> bool:
    """Move a candidate through the stages: whoever runs the requisition."""
    return can_manage_requisition(actor, candidate.requisition)


def interviewers_available() -> QuerySet[User]:
    """Logins that may be named interviewers (can_be_interviewer says the last word)."""
    groups = [role.value for role in INTERVIEWER_ROLES]
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name__in=groups), is_active=True).distinct()


def can_be_interviewer(user) -> bool:
    return user is not None and user.is_active and role_of(user) in INTERVIEWER_ROLES


def can_score(interviewer, candidate: Candidate) -> bool:
    """Write a scorecard of the candidate as `interviewer`: an interviewer
    named on the candidate, or the lead of the requisition's pod."""
    if interviewer is None or not can_be_interviewer(interviewer):
        return False
    if candidate.interviewers.filter(pk=interviewer.pk).exists():
        return True
    return (
        role_of(interviewer) == Role.LEAD and pods_led_by(interviewer).filter(pk=candidate.requisition.pod_id).exists()
    )


def can_hire(actor, candidate: Candidate) -> bool:
    """Hire a candidate: whoever may hire into the requisition's pod (its lead, an administrator)."""
    return can_hire_into(actor, candidate.requisition.pod)


def can_set_minimums(actor) -> bool:
    """The rubric's minimums: administrators."""
    return is_system_or_admin(actor)


def candidates_scorable_by(user) -> QuerySet[Candidate]:
    """The candidates `user` may write a scorecard of, as one queryset (what
    can_score says of one candidate): those they are named on, and those of
    the pods they lead."""
    if not can_be_interviewer(user):
        return Candidate.objects.none()
    scorable = _interviews(user)
    if role_of(user) == Role.LEAD:
        scorable |= Q(requisition__pod__in=pods_led_by(user))
    return Candidate.objects.filter(scorable)
