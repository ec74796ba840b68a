"""The audit log page's changes as a person reads them: a field by its label,
a record stored by its id by its name, a choice by its label, an ISO date or
time in the reader's format and zone, an import's counts as "nodes 1125,
audits 229" (the page showed "pod: 5", "internal_transfer",
"2026-11-22 07:38:42.657382+00:00" and Python's dict reprs).

Reading only: the API and the CSV export keep the values as
installer_ops/audit.py stores them. The person page's history
(onboarding/person_history.py) reads its values through the same functions. Entries name their object by model name;
a name two apps share is not guessed, and its values read as stored."""

import re
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .audit_words import action_label, key_label, key_word, object_label

# What the services record about an installer under a name that is not one of its
# fields, and the records those ids are (onboarding/services.py: a kit's profile
# and copies, a mentor, a drill's scenario, the copy acknowledged).
ABOUT_AN_INSTALLER = {
    "mentor": "installer_ops.Installer",
    "scenario": "onboarding.DrillScenario",
    "profile": "onboarding.ConfigProfile",
    "runbook": "onboarding.DocumentVersion",
    "playbook": "onboarding.DocumentVersion",
    "version": "onboarding.DocumentVersion",  # the copy acknowledged (kit_acknowledge)
}
# Keys recorded about an installer whose values are another record's choices
# (record drill: the outcome "passed"), read as that field shows them.
CHOICES_OF = {"outcome": ("onboarding", "OutageDrill", "outcome")}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
EMPTY = "—"


@cache
def _models() -> dict:
    by_name: dict = {}
    for model in apps.get_models():
        name = model._meta.model_name
        by_name[name] = None if name in by_name else model
    return by_name


def _model(object_type: str):
    return _models().get(object_type)


def field_of(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def shown_as(model, name: str, field):
    """The field whose choices read the value: its own, else the one it borrows."""
    about_an_installer = model is not None and model._meta.label_lower == "installer_ops.installer"
    if field is None and about_an_installer and name in CHOICES_OF:
        app, model_name, field_name = CHOICES_OF[name]
        return apps.get_model(app, model_name)._meta.get_field(field_name)
    return field


def related_model_of(model, name: str, field):
    """The model whose ids a change stores: a foreign key's or a many-to-many's."""
    if field is not None:
        return field.related_model if (field.many_to_one or field.one_to_one or field.many_to_many) else None
    if model is not None and model._meta.label_lower == "installer_ops.installer" and name in ABOUT_AN_INSTALLER:
        return apps.get_model(ABOUT_AN_INSTALLER[name])
    return None


def _is_pair(entry, value) -> bool:
    # A change is stored as [before, after]; a creation records values, some of them lists (a cohort's pods).
    return entry.action != "create" and isinstance(value, list) and len(value) == 2


def read_changes(entries) -> None:
    """Give each entry `change_lines`: {field, before, after} for a change,
    {field, value} for a recorded value, all as text, and its action and kind
    of record in the reader's language. One query per kind of record named by
    id on the page, whatever the number of entries."""
    entries = list(entries)
    names = _names(entries)
    for entry in entries:
        model = _model(entry.object_type)
        entry.action_label = action_label(entry.action)
        entry.object_label = object_label(model, entry.object_type)
        lines = []
        for name, value in sorted((entry.changes or {}).items()):
            field = field_of(model, name)
            related = related_model_of(model, name, field)
            line = {"field": key_label(field, name)}
            reader = shown_as(model, name, field)
            if _is_pair(entry, value):
                line.update(
                    before=value_text(reader, related, value[0], names),
                    after=value_text(reader, related, value[1], names),
                )
            else:
                line["value"] = value_text(reader, related, value, names)
            lines.append(line)
        entry.change_lines = lines


def _names(entries) -> dict:
    """{(model, id): name} of the records the page's changes name by id."""
    wanted: dict = {}
    for entry in entries:
        model = _model(entry.object_type)
        for name, value in (entry.changes or {}).items():
            related = related_model_of(model, name, field_of(model, name))
            if related is None:
                continue
            values = value if isinstance(value, list) else [value]
            for item in values:
                items = item if isinstance(item, list) else [item]
                wanted.setdefault(related, set()).update(i for i in items if isinstance(i, int))
    return {
        (model, record.pk): str(record)
        # The base manager: a record a default manager hides (one that left) is still named.
        for model, ids in wanted.items()
        for record in model._base_manager.select_related().filter(pk__in=ids)
    }


def value_text(field, related, value, names: dict) -> str:
    """A stored value as text: a record by its name (`names`, keyed by (model, id)), a
    choice by its label, a date or time in the reader's format and zone."""
    if value is None or value in ("", [], {}):
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if related is not None and isinstance(value, int):
        return names.get((related, value), f"#{value}")
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dict):
        return ", ".join(f"{key_word(key)} {value_text(None, None, item, names)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(field, related, item, names) for item in value)
    if isinstance(value, str) and ISO_DATE.match(value) and (day := parse_date(value)):
        return formats.date_format(day, "DATE_FORMAT")
    if isinstance(value, str) and ISO_DATETIME.match(value) and (moment := parse_datetime(value)):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    return str(value)
