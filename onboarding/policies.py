"""Who may see and do what in onboarding: the scopes the selectors and
services share. A lead pairs installers of the pods they lead with mentors
they may see; a mentor outside that scope is unknown to them."""

from django.db.models import QuerySet

from installer_ops.models import MENTOR_MIN_LEVEL, Installer, Stage
from installer_ops.policies import installers_visible_to


def mentors_available_to(actor) -> QuerySet[Installer]:
    """Installers `actor` may name as a mentor: of their scope, Senior
    Installer or above, still employed (every installer for the system)."""
    base = Installer.objects.all() if actor is None else installers_visible_to(actor)
    return base.filter(level__gte=MENTOR_MIN_LEVEL).exclude(stage=Stage.LEFT)


def mentor_known_to(actor, mentor: Installer) -> bool:
    return actor is None or installers_visible_to(actor).filter(pk=mentor.pk).exists()
