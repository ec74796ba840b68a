"""The person page's history as a lead reads it: what happened in words, each
change as "Field: before → after" with the labels and values the other pages
show (a pod by its name, a level as "Installer I", a date as "6 Nov 2026"),
not as audit.py stores them (a pod's id, "internal_transfer", ISO dates).

Entries name their object by model name (installer_ops/audit.py); the person
page reads the installer's, its login's and its enrollments', and reads their
values as the audit log page does (installer_ops/audit_display.py)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from bootcamp.models import Enrollment
from installer_ops.audit_display import ABOUT_AN_INSTALLER, field_of, related_model_of, shown_as, value_text
from installer_ops.audit_words import action_label, key_label
from installer_ops.models import AuditEntry, Installer, Pod

User = get_user_model()
MODELS = {model._meta.model_name: model for model in (Installer, User, Enrollment)}
# Values stored as a record's id, and the records they name: the services
# record a mentor as an Installer (shadow_assign), a kit's profile and copies,
# a drill's scenario (the same table as the audit log page's).
RELATED = {"pod": Pod, **{name: apps.get_model(label) for name, label in ABOUT_AN_INSTALLER.items()}}
# The actions of the services that write about an installer, its login and its
# enrollments, as a sentence's start; any other reads as stored.
ACTIONS = {
    "hire": gettext_lazy("Hired"),
    "update": gettext_lazy("Record changed"),
    "promote": gettext_lazy("Promoted"),
    "separate": gettext_lazy("Left the company"),
    "advance stage": gettext_lazy("Stage advanced"),
    "enrol": gettext_lazy("Enrolled"),
    "assign mentor": gettext_lazy("Mentor assigned"),
    "issue kit": gettext_lazy("Day-1 kit issued"),
    "reprint kit": gettext_lazy("Day-1 kit reprinted"),
    "acknowledge copy": gettext_lazy("Copy acknowledged"),
    "record shadow day": gettext_lazy("Shadow day recorded"),
    "confirm shadow day": gettext_lazy("Shadow day confirmed"),
    "schedule drill": gettext_lazy("Drill scheduled"),
    "record drill": gettext_lazy("Drill recorded"),
    "clear": gettext_lazy("Cleared"),
    "record past clearance": gettext_lazy("Past clearance recorded"),
    "invite": gettext_lazy("Invited"),
    "change password": gettext_lazy("Password changed"),
    "set language": gettext_lazy("Language set"),
    "create": gettext_lazy("Created"),
    "sign_off": gettext_lazy("Signed off"),
    "reject": gettext_lazy("Rejected"),
}


def read_entries(entries, installer: Installer) -> None:
    """Give each entry `action_label`, `object_label` and `lines`, a list of
    (field label, text): "before → after" for a change, the value for a
    creation or a named action. One query per kind of record a change may
    name by id, each made whether or not the page's entries name one (the
    installer's own pod and record are looked up with the others), so that a
    page runs the same queries whatever its entries name."""
    entries = list(entries)
    if not entries:
        return
    wanted = {model: set() for model in RELATED.values()}
    wanted[Pod].add(installer.pod_id)
    wanted[Installer].add(installer.pk)
    names = _related_names(entries, wanted)
    for entry in entries:
        model = MODELS.get(entry.object_type)
        # An action this page has no sentence for reads as the audit log names it, translated.
        entry.action_label = ACTIONS.get(entry.action) or action_label(entry.action)
        entry.object_label = capfirst(model._meta.verbose_name) if model else entry.object_type
        entry.lines = [
            (_label(model, name), _change_text(model, name, value, names))
            for name, value in (entry.changes or {}).items()
        ]


def _is_pair(value) -> bool:
    # A (before, after) pair is stored as a list of two; a stored list of two reads the same.
    return isinstance(value, list) and len(value) == 2


def _related_names(entries: list[AuditEntry], wanted: dict) -> dict:
    for entry in entries:
        for name, value in (entry.changes or {}).items():
            if name in RELATED:
                values = value if _is_pair(value) else [value]
                wanted.setdefault(RELATED[name], set()).update(v for v in values if isinstance(v, int))
    return {
        (model, record.pk): str(record)
        for model, ids in wanted.items()
        # The base manager: a record a default manager hides (one that left) is still named.
        # An empty list would be answered without asking the database; an id
        # no record has keeps the query, so the count does not follow the entries.
        for record in model._base_manager.select_related().filter(pk__in=ids or [0])
    }


def _label(model, name: str) -> str:
    # The audit log page's words for a key that is no field of ours (a hire's "login").
    return key_label(field_of(model, name), name)


def _change_text(model, name: str, value, names: dict) -> str:
    field = field_of(model, name)
    related, reader = related_model_of(model, name, field), shown_as(model, name, field)
    if _is_pair(value):
        before, after = (value_text(reader, related, v, names) for v in value)
        return f"{before} → {after}"
    return value_text(reader, related, value, names)
