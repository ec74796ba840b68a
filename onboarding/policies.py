"""Who may see and do what in onboarding: the scopes the selectors and
services share. A lead pairs installers of the pods they lead with mentors
they may see; a mentor outside that scope is unknown to them."""

from django.db.models import QuerySet

from installer_ops.models import MENTOR_MIN_LEVEL, Installer, Stage
from installer_ops.policies import installers_visible_to, is_system_or_admin


def mentors_available_to(actor) -> QuerySet[Installer]:
    """Installers `actor` may name as a mentor: of their scope, Senior
    Installer or above, still employed (every installer for the system)."""
    base = Installer.objects.all() if actor is None else installers_visible_to(actor)
    return base.filter(level__gte=MENTOR_MIN_LEVEL).exclude(stage=Stage.LEFT)


def mentor_known_to(actor, mentor: Installer) -> bool:
    return actor is None or installers_visible_to(actor).filter(pk=mentor.pk).exists()


def can_author_documents(actor) -> bool:
    """Runbooks, playbooks, configuration profiles and drill scenarios: administrators."""
    return is_system_or_admin(actor)


def can_hold_kit(actor, kit) -> bool:
    """Only the kit's holder acknowledges its copies."""
    return actor is None or kit.installer.user_id == actor.pk


def can_confirm_shadow_day(actor, shadow_day) -> bool:
    """Only the mentor, on their own login, confirms a shadow day."""
    return actor is None or shadow_day.assignment.mentor.user_id == actor.pk


def can_acknowledge_consent(actor, installer) -> bool:
    """Only the installer, on their own login, acknowledges their geography's consent flow."""
    return actor is None or installer.user_id == actor.pk


def consent_records_taking_photos_of(actor) -> QuerySet:
    """The consent records `actor` may add a declared photo to: their own."""
    from .models import ConsentRecord

    return ConsentRecord.objects.filter(installer__user=actor).defer("signature_png")


def can_add_consent_photo(actor, record) -> bool:
    """Only the installer who recorded the consent sends its photos."""
    return record.installer.user_id == actor.pk
