"""bootcamp/program_diff.py: the comparison of two program specs (no database)."""

import copy
import json

from django.conf import settings

from bootcamp.program_diff import ADDED, CHANGED, MOVED_ACROSS, MOVED_WITHIN, REMOVED, SAME, version_diff

BASE = {
    "working_days": 10,
    "modules": [
        {
            "title": "Provisioning",
            "first_day": 1,
            "last_day": 3,
            "items": [
                {"title": "Flash", "kind": "task"},
                {"title": "Enrol", "kind": "practical", "needs_signoff": True, "description": "Use the CSR."},
                {"title": "Quiz", "kind": "knowledge_check"},
            ],
        },
        {
            "title": "Testing",
            "first_day": 4,
            "last_day": 6,
            "items": [{"title": "Redaction", "kind": "practical"}, {"title": "Region", "kind": "task"}],
        },
    ],
}


def changed(**edits):
    spec = copy.deepcopy(BASE)
    for path, value in edits.items():
        target = spec
        *head, last = path.split("__")
        for part in head:
            target = target[int(part) if part.isdigit() else part]
        target[int(last) if last.isdigit() else last] = value
    return spec


def rows(diff):
    return [(m.new or m.old)["title"] for m in diff.modules]


def item_rows(module):
    return [((i.new or i.old)["title"], i.status, i.moved) for i in module.items]


def test_identical_versions_have_no_differences():
    diff = version_diff(BASE, copy.deepcopy(BASE))
    assert diff.identical
    assert all(m.status == SAME and not m.moved for m in diff.modules)
    assert set(diff.counts.values()) == {0}


def test_defaults_are_the_same_as_explicit_values():
    explicit = copy.deepcopy(BASE)
    explicit["modules"][0]["items"][0].update(needs_signoff=False, needs_evidence=False, description="")
    assert version_diff(BASE, explicit).identical


def test_an_added_item_is_found_in_its_module_and_nothing_else_changes():
    new = copy.deepcopy(BASE)
    new["modules"][1]["items"].insert(1, {"title": "Photograph the signage", "needs_evidence": True})
    diff = version_diff(BASE, new)
    assert not diff.identical
    assert diff.counts["items_added"] == 1 and diff.counts["items_moved"] == 0
    assert item_rows(diff.modules[1]) == [
        ("Redaction", SAME, ""),
        ("Photograph the signage", ADDED, ""),
        ("Region", SAME, ""),
    ]


def test_a_removed_item_shows_where_it_was():
    new = copy.deepcopy(BASE)
    del new["modules"][0]["items"][1]
    diff = version_diff(BASE, new)
    assert item_rows(diff.modules[0]) == [("Flash", SAME, ""), ("Enrol", REMOVED, ""), ("Quiz", SAME, "")]
    assert diff.counts == {**diff.counts, "items_removed": 1, "items_added": 0, "items_moved": 0}


def test_changed_fields_are_named():
    new = changed(modules__0__items__1__needs_signoff=False, modules__0__items__1__description="Use the console.")
    new["modules"][0]["items"][0]["needs_evidence"] = True
    diff = version_diff(BASE, new)
    flash, enrol, _quiz = diff.modules[0].items
    assert (flash.status, flash.fields) == (CHANGED, ["needs_evidence"])
    assert (enrol.status, enrol.fields) == (CHANGED, ["description", "needs_signoff"])
    assert [str(label) for label in enrol.field_labels] == ["instructions", "needs lead sign-off"]


def test_a_module_day_change_and_working_days_change():
    diff = version_diff(BASE, changed(working_days=12, modules__1__last_day=8))
    assert diff.working_days == (10, 12)
    assert diff.modules[1].status == CHANGED and diff.modules[1].fields == ["last_day"]
    assert diff.modules[0].status == SAME


def test_reordered_items_are_moved_and_only_the_fewest_are_marked():
    new = copy.deepcopy(BASE)
    items = new["modules"][0]["items"]
    items.insert(0, items.pop(2))  # Quiz first: one item moved, not two
    diff = version_diff(BASE, new)
    assert item_rows(diff.modules[0]) == [("Quiz", SAME, MOVED_WITHIN), ("Flash", SAME, ""), ("Enrol", SAME, "")]
    assert diff.counts["items_moved"] == 1


def test_an_item_moved_to_another_module_names_where_it_came_from():
    new = copy.deepcopy(BASE)
    new["modules"][1]["items"].append(new["modules"][0]["items"].pop(0))
    diff = version_diff(BASE, new)
    moved = diff.modules[1].items[-1]
    assert (moved.new["title"], moved.moved, moved.from_module) == ("Flash", MOVED_ACROSS, "Provisioning")
    assert [i.new["title"] for i in diff.modules[0].items] == ["Enrol", "Quiz"]  # shown once, where it went
    assert diff.counts["items_moved"] == 1 and diff.counts["items_removed"] == 0


def test_swapped_modules_count_one_move():
    new = copy.deepcopy(BASE)
    new["modules"].reverse()
    diff = version_diff(BASE, new)
    assert rows(diff) == ["Testing", "Provisioning"]
    assert diff.counts["modules_moved"] == 1
    assert all(m.status == SAME for m in diff.modules)


def test_a_renamed_module_is_paired_by_its_items():
    diff = version_diff(BASE, changed(modules__1__title="On-device testing"))
    assert diff.counts["modules_added"] == diff.counts["modules_removed"] == 0
    assert (diff.modules[1].status, diff.modules[1].fields) == (CHANGED, ["title"])
    assert all(i.status == SAME and not i.moved for i in diff.modules[1].items)


def test_a_renamed_item_is_paired_by_its_instructions():
    diff = version_diff(BASE, changed(modules__0__items__1__title="Enrol the node"))
    enrol = diff.modules[0].items[1]
    assert (enrol.status, enrol.fields, enrol.old["title"]) == (CHANGED, ["title"], "Enrol")


def test_added_and_removed_modules_keep_their_places():
    new = copy.deepcopy(BASE)
    del new["modules"][0]
    new["modules"].append({"title": "Incidents", "first_day": 7, "last_day": 10, "items": [{"title": "Page"}]})
    diff = version_diff(BASE, new)
    assert [(m.status, (m.new or m.old)["title"]) for m in diff.modules] == [
        (REMOVED, "Provisioning"),
        (SAME, "Testing"),
        (ADDED, "Incidents"),
    ]
    assert [i.status for i in diff.modules[0].items] == [REMOVED] * 3
    assert diff.counts["modules_moved"] == 0  # the others shifting is not a move
    assert diff.counts["items_added"] == 1 and diff.counts["items_removed"] == 3


def test_repeated_titles_pair_in_order():
    old = {"working_days": 2, "modules": [{"title": "M", "first_day": 1, "last_day": 2, "items": [
        {"title": "Check", "description": "a"}, {"title": "Check", "description": "b"}]}]}  # fmt: skip
    new = copy.deepcopy(old)
    new["modules"][0]["items"][1]["description"] = "c"
    diff = version_diff(old, new)
    assert [(i.status, i.fields) for i in diff.modules[0].items] == [(SAME, []), (CHANGED, ["description"])]


def test_the_default_program_against_itself_with_evidence_removed():
    spec = json.loads((settings.BASE_DIR / "fixtures" / "program_default.json").read_text())
    evidence = [i["title"] for m in spec["modules"] for i in m["items"] if i.get("needs_evidence")]
    assert len(evidence) == 2  # the serial label photograph and the posted signage
    plain = copy.deepcopy(spec)
    for module in plain["modules"]:
        for item in module["items"]:
            item.pop("needs_evidence", None)
    diff = version_diff(plain, spec)
    assert diff.counts["items_changed"] == 2
    assert sorted(i.new["title"] for m in diff.modules for i in m.items if i.status == CHANGED) == sorted(evidence)
