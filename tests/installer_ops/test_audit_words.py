"""Every action and change key the code writes to the audit log has words in
installer_ops/audit_words.py, so the audit log page reads in the reader's
language (the every-language walk sees only what the demo records). Found by
reading the source: each call of an audit_record function, the program
drafts' `_audit`, the password views' `audit_action` and the services'
default actions."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import override

from installer_ops import audit_words
from installer_ops.audit_display import read_changes
from installer_ops.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
APPS = ("installer_ops", "bootcamp", "onboarding", "hiring", "kpis")
WRITERS = {"audit_record", "audit_record_event", "audit_record_many", "audit_record_many_changes"}


def _name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _strings(node) -> set[str]:
    """The string constants an expression can give: "a", or "a" if x else "b"."""
    if node is None:
        return set()
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _is_changes_item(node) -> bool:
    """changes["key"] = ... (a service adding to its entry's changes)."""
    stored = isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
    return stored and getattr(node.value, "id", "") == "changes" and isinstance(node.slice, ast.Constant)


def _written() -> tuple[set[str], set[str]]:
    actions, keys = set(), set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and _name(node) in WRITERS:
                    given = {k.arg: k.value for k in node.keywords}
                    action = given.get("action")
                    if not isinstance(action, ast.Name):  # a variable: its values are found where they are set
                        actions |= _strings(action)
                    if isinstance(given.get("changes"), ast.Dict):
                        keys |= {k.value for k in given["changes"].keys if isinstance(k, ast.Constant)}
                elif isinstance(node, ast.Call) and _name(node) == "_audit" and len(node.args) > 1:
                    actions |= _strings(node.args[1])
                    keys |= {k.arg for k in node.keywords if k.arg}
                elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "audit_action" for t in node.targets):
                    actions |= _strings(node.value)
                elif isinstance(node, ast.FunctionDef) and any(a.arg == "action" for a in node.args.kwonlyargs):
                    defaults = dict(zip((a.arg for a in node.args.kwonlyargs), node.args.kw_defaults, strict=True))
                    actions |= _strings(defaults.get("action"))
                elif _is_changes_item(node):
                    keys.add(node.slice.value)
    return actions, keys


def _translated_fields() -> set[str]:
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(getattr(field, "verbose_name", None), Promise)
    }


def test_the_source_is_read():
    actions, keys = _written()
    # A reader that found nothing would pass everything.
    assert {"create", "record drill", "clear", "reset password", "retire", "add module"} <= actions
    assert {"device_serial", "outcome", "kits flagged for reprint", "working_days"} <= keys


def test_every_action_written_has_a_label():
    actions, _keys = _written()
    assert sorted(actions - set(audit_words.ACTIONS)) == []


def test_every_change_key_written_has_a_label_or_is_a_translated_field():
    _actions, keys = _written()
    assert sorted(keys - set(audit_words.KEYS) - _translated_fields()) == []


@pytest.mark.django_db
def test_an_entry_reads_in_german():
    entry = AuditEntry.objects.create(
        action="record drill",
        object_type="installer",
        object_id="1",
        object_repr="Ada",
        changes={"outcome": "passed", "attempt": 2, "device_serial": "SN-1"},
    )
    event = AuditEntry.objects.create(
        action="import",
        object_type="field data import",
        object_id="x",
        object_repr="nodes",
        changes={"created": {"nodes": 3}},
    )
    with override("de"):
        read_changes([entry, event])
        lines = {line["field"]: line["value"] for line in entry.change_lines}
        assert entry.action_label == "Übung erfassen"
        assert entry.object_label == "Installateur"
        assert lines == {"Versuch": "2", "Ergebnis": "Bestanden", "Geräteseriennummer": "SN-1"}
        assert event.object_label == "Felddatenimport"
        assert event.change_lines == [{"field": "Angelegt", "value": "Knoten 3"}]


@pytest.mark.django_db
def test_the_person_history_reads_an_action_it_has_no_sentence_for_as_the_audit_log_does(org):
    from onboarding.person_history import read_entries

    entry = AuditEntry.objects.create(
        action="acknowledge consent flow", object_type="installer", object_id=str(org.installer_a1.pk), changes={}
    )
    with override("de"):
        read_entries([entry], org.installer_a1)
    assert entry.action_label == "Einwilligungsablauf bestätigen"
