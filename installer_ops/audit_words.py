"""The words of the audit log page in the reader's language: each action the
services record, the kinds of record an entry can be about that are not a
model, and the change keys that are not a field of the record (or a field
whose name Django made up from its attribute, which no catalogue holds).

The stored entries keep the English keys (the API, the CSV export and the
filters take them as stored); only the page reads them through here.
tests/installer_ops/test_audit_words.py finds every action and change key
written in the code and fails on one missing here."""

from django.apps import apps
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTIONS = {
    "accept invitation": pgettext_lazy("audit action", "Accept invitation"),
    "acknowledge consent flow": pgettext_lazy("audit action", "Acknowledge consent flow"),
    "acknowledge copy": pgettext_lazy("audit action", "Acknowledge copy"),
    "add item": pgettext_lazy("audit action", "Add item"),
    "add module": pgettext_lazy("audit action", "Add module"),
    "advance stage": pgettext_lazy("audit action", "Advance stage"),
    "assign mentor": pgettext_lazy("audit action", "Assign mentor"),
    "assign role": pgettext_lazy("audit action", "Assign role"),
    "cancel": pgettext_lazy("audit action", "Cancel"),
    "change item": pgettext_lazy("audit action", "Change item"),
    "change module": pgettext_lazy("audit action", "Change module"),
    "change password": pgettext_lazy("audit action", "Change password"),
    "change version": pgettext_lazy("audit action", "Change version"),
    "clear": pgettext_lazy("audit action", "Clear for deployment"),
    "confirm shadow day": pgettext_lazy("audit action", "Confirm shadow day"),
    "consent photo stored": pgettext_lazy("audit action", "Store consent photo"),
    "create": pgettext_lazy("audit action", "Create"),
    "create api token": pgettext_lazy("audit action", "Create API token"),
    "create version": pgettext_lazy("audit action", "Create version"),
    "delete": pgettext_lazy("audit action", "Delete"),
    "end role": pgettext_lazy("audit action", "End role"),
    "enrol": pgettext_lazy("audit action", "Enrol"),
    "evidence.stored": pgettext_lazy("audit action", "Store evidence photo"),
    "fill": pgettext_lazy("audit action", "Fill"),
    "hire": pgettext_lazy("audit action", "Hire"),
    "import": pgettext_lazy("audit action", "Import"),
    "invite": pgettext_lazy("audit action", "Invite"),
    "issue kit": pgettext_lazy("audit action", "Issue kit"),
    "move item": pgettext_lazy("audit action", "Move item"),
    "move module": pgettext_lazy("audit action", "Move module"),
    "move stage": pgettext_lazy("audit action", "Move stage"),
    "open": pgettext_lazy("audit action", "Open"),
    "promote": pgettext_lazy("audit action", "Promote"),
    "publish version": pgettext_lazy("audit action", "Publish version"),
    "record drill": pgettext_lazy("audit action", "Record drill"),
    "record past clearance": pgettext_lazy("audit action", "Record past clearance"),
    "record shadow day": pgettext_lazy("audit action", "Record shadow day"),
    "remove item": pgettext_lazy("audit action", "Remove item"),
    "remove module": pgettext_lazy("audit action", "Remove module"),
    "reprint kit": pgettext_lazy("audit action", "Reprint kit"),
    "reset password": pgettext_lazy("audit action", "Reset password"),
    "restore": pgettext_lazy("audit action", "Restore"),
    "retire": pgettext_lazy("audit action", "Retire"),
    "revoke api token": pgettext_lazy("audit action", "Revoke API token"),
    "schedule drill": pgettext_lazy("audit action", "Schedule drill"),
    "score": pgettext_lazy("audit action", "Score"),
    "separate": pgettext_lazy("audit action", "Record leaving"),
    "set language": pgettext_lazy("audit action", "Set language"),
    "set password": pgettext_lazy("audit action", "Set password"),
    "sign_off": pgettext_lazy("audit action", "Sign off"),
    "update": pgettext_lazy("audit action", "Update"),
}

# The apps whose records the audit log is about (the product's, and the logins).
RECORD_APPS = ("installer_ops", "bootcamp", "onboarding", "hiring", "kpis")
# Entries about something that is not one record (audit_record_event).
EVENT_KINDS = {"field data import": _("field data import")}

# A change key that is no field of the record, or a field without a verbose name of ours.
KEYS = {
    "active": _("active"),
    "api_keys_revoked": _("API keys revoked"),
    "attempt": _("attempt"),
    "audits": _("audits"),
    "candidates": _("candidates"),
    "cleared_on": _("cleared on"),
    "copies": _("copies"),
    "created": pgettext_lazy("import counts", "created"),
    "day": _("day"),
    "days": _("days"),
    "device_serial": _("device serial"),
    "email": _("email"),
    "employee_id": _("employee ID"),
    "ended_on": _("ended on"),
    "event": _("event"),
    "filled_by": _("filled by"),
    "handed over by": _("handed over by"),
    "hired_on": _("hired on"),
    "hiring_source": _("hiring source"),
    "incidents": _("incidents"),
    "installer": _("installer"),
    "installers": _("installers"),
    "installs": _("installs"),
    "interviewer": _("interviewer"),
    "item": _("item"),
    "kits flagged for reprint": _("kits flagged for reprint"),
    "left_on": _("left on"),
    "left_voluntarily": _("left voluntarily"),
    "level": _("level"),
    "login": _("login"),
    "mentor": _("mentor"),
    "minutes_to_recover": _("minutes to recover"),
    "module": _("module"),
    "modules": _("modules"),
    "nodes": _("nodes"),
    "outcome": _("outcome"),
    "password": _("password"),
    "place": _("place"),
    "playbook": _("playbook"),
    "pod": _("pod"),
    "pods": _("pods"),
    "position": _("position"),
    "profile": _("configuration profile"),
    "promotions": _("promotions"),
    "reason": _("reason"),
    "role": _("role"),
    "runbook": _("runbook"),
    "scenario": _("scenario"),
    "scheduled_for": _("scheduled for"),
    "scorecards": _("scorecards"),
    "sessions_ended": _("sessions ended"),
    "sha256": _("SHA-256"),
    "site": _("site"),
    "size": _("size (bytes)"),
    "stage": _("stage"),
    "started_on": _("started on"),
    "status": _("status"),
    "token": _("API token"),
    "unchanged": pgettext_lazy("import counts", "unchanged"),
    "updated": pgettext_lazy("import counts", "updated"),
    "user": _("user"),
    "valid_until": _("valid until"),
    "version": _("version"),
    "visits": _("visits"),
    "working_days": _("working days"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def key_label(field, name: str) -> str:
    """A change's label: the field's own translated verbose name, else ours
    for the key, else the key as words (a key recorded before this table knew it)."""
    verbose = getattr(field, "verbose_name", None)
    if isinstance(verbose, Promise):
        return capfirst(verbose)
    if name in KEYS:
        return capfirst(KEYS[name])
    return capfirst(verbose or name.replace("_", " "))


def key_word(name: str) -> str:
    """A key inside a recorded value (an import's counts: "nodes 1125"), lower case."""
    return str(KEYS.get(name, name.replace("_", " ")))


def object_label(model, object_type: str) -> str:
    if model is not None:
        return capfirst(model._meta.verbose_name)
    return capfirst(EVENT_KINDS.get(object_type, object_type))


def record_type_choices(current: str = "") -> list[tuple[str, str]]:
    """The audit log filter's kinds of record: each model of ours by its name,
    and the entries about something that is no record; the value is what the
    entries store (and the API filters on). A value typed into the query
    string that is none of them stays offered, so the form shows what it filters."""
    kinds = {
        model._meta.model_name: capfirst(model._meta.verbose_name)
        for model in apps.get_models()
        if model._meta.app_label in RECORD_APPS
    }
    kinds.update({kind: capfirst(label) for kind, label in EVENT_KINDS.items()})
    if current and current not in kinds:
        kinds[current] = current
    return sorted(kinds.items(), key=lambda item: str(item[1]).casefold())


def action_choices(current: str = "") -> list[tuple[str, str]]:
    actions = {action: str(label) for action, label in ACTIONS.items()}
    if current and current not in actions:
        actions[current] = current
    return sorted(actions.items(), key=lambda item: item[1].casefold())
