"""Writes of the onboarding library: drill scenarios and configuration
profiles as authored from the browser. Documents are written by
`services.document_create` and `services.document_publish`.

History is never rewritten: a scenario that drills were scheduled or run
against is frozen (retire it and add another), and a profile is changed by
adding its next version, so kits keep the version they were issued with."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from installer_ops.audit import audit_record, field_changes
from installer_ops.exceptions import DomainConflict
from installer_ops.models import User
from installer_ops.policies import require
from installer_ops.unique_rows import save_unique

from .models import ConfigProfile, DrillScenario, OutageDrill
from .policies import can_author_documents
from .services import config_profile_create

# --- drill scenarios -------------------------------------------------------------------


def _scenario_text(**values) -> dict:
    """Title and description stripped; a blank one is refused under its field."""
    cleaned = {}
    for field in ("title", "description"):
        cleaned[field] = values[field].strip()
        if not cleaned[field]:
            raise ValidationError({field: _("This field cannot be blank.")})
    return cleaned


@transaction.atomic
def drill_scenario_create(
    *, actor: User | None, code: str, title: str, description: str, recovery_target_minutes: int
) -> DrillScenario:
    require(can_author_documents(actor))
    scenario = DrillScenario(
        code=code.strip(),
        recovery_target_minutes=recovery_target_minutes,
        **_scenario_text(title=title, description=description),
    )
    # full_clean checks the code's shape and that no scenario has it already.
    scenario.full_clean()
    save_unique(scenario)
    audit_record(
        actor=actor,
        action="create",
        target=scenario,
        changes={"code": scenario.code, "title": scenario.title, "recovery_target_minutes": recovery_target_minutes},
    )
    return scenario


@transaction.atomic
def drill_scenario_update(
    *, actor: User | None, scenario: DrillScenario, title: str, description: str, recovery_target_minutes: int
) -> DrillScenario:
    """Change a scenario no drill has used yet. Once drills were scheduled or
    run against it, their records say what was drilled: refused (409); the
    way on is to retire it and add a new scenario."""
    require(can_author_documents(actor))
    scenario = DrillScenario.objects.select_for_update().get(pk=scenario.pk)
    used = OutageDrill.objects.filter(scenario=scenario).count()
    if used:
        raise DomainConflict(
            ngettext(
                "%(title)s has %(count)s drill recorded against it; retire it and add a new scenario instead.",
                "%(title)s has %(count)s drills recorded against it; retire it and add a new scenario instead.",
                used,
            )
            % {"title": scenario.title, "count": used},
        )
    values = {
        **_scenario_text(title=title, description=description),
        "recovery_target_minutes": recovery_target_minutes,
    }
    changes = field_changes(scenario, **values)
    if not changes:
        return scenario
    for field, value in values.items():
        setattr(scenario, field, value)
    scenario.full_clean()
    scenario.save()
    audit_record(actor=actor, action="update", target=scenario, changes=changes)
    return scenario


@transaction.atomic
def drill_scenario_set_active(*, actor: User | None, scenario: DrillScenario, active: bool) -> DrillScenario:
    """Retire a scenario (no new drills; those run keep it) or bring it back."""
    require(can_author_documents(actor))
    scenario = DrillScenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.active != active:
        scenario.active = active
        scenario.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="restore" if active else "retire",
            target=scenario,
            changes={"active": (not active, active)},
        )
    return scenario


# --- configuration profiles ------------------------------------------------------------


def _content(content: str) -> str:
    if not content.strip():
        raise ValidationError({"content": _("A configuration profile needs content.")})
    return content


@transaction.atomic
def config_profile_add(*, actor: User | None, name: str, content: str) -> ConfigProfile:
    """A new profile, version 1. A name in use is refused: a change to an
    existing profile is its next version (`config_profile_revise`)."""
    require(can_author_documents(actor))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("This field cannot be blank.")})
    if ConfigProfile.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A profile named %(name)s exists; edit it instead.") % {"name": name}})
    return config_profile_create(actor=actor, name=name, content=_content(content))


@transaction.atomic
def config_profile_revise(*, actor: User | None, profile: ConfigProfile, content: str) -> ConfigProfile:
    """The profile's next version with `content` (the same content returns
    the latest version unchanged). Kits issued with earlier versions keep
    them: a version is never edited."""
    require(can_author_documents(actor))
    latest = ConfigProfile.objects.select_for_update().filter(name=profile.name).order_by("-version").first()
    if latest is not None and latest.pk != profile.pk:
        raise ValidationError(
            {"content": _("Version %(number)s is the latest; edit that one.") % {"number": latest.version}}
        )
    return config_profile_create(actor=actor, name=profile.name, content=_content(content))
