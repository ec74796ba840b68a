"""What changed between two versions of a program: modules and items added,
removed, changed (which fields) and moved.

Every version holds its own rows, so nothing links an item of version 3 to
the same item of version 4 but its content. Items are paired by title (in
order, for repeated titles), then, for a renamed item, by its non-empty
instructions. Modules are paired by title, then a renamed module by where
most of its items went. The comparison is pure: it reads two specs in the
shape of services.program_version_spec, so the tests need no database."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"
MOVED_WITHIN, MOVED_ACROSS = "reordered", "module"

MODULE_FIELDS = ("title", "first_day", "last_day")
ITEM_FIELDS = ("title", "kind", "description", "needs_signoff", "needs_evidence")
FIELD_LABELS = {
    "title": _("title"),
    "first_day": _("first working day"),
    "last_day": _("last working day"),
    "kind": _("kind"),
    "description": _("instructions"),
    "needs_signoff": _("needs lead sign-off"),
    "needs_evidence": _("needs a photo as evidence"),
}
ITEM_DEFAULTS = {"kind": "task", "description": "", "needs_signoff": False, "needs_evidence": False}


@dataclass
class ItemChange:
    old: dict | None
    new: dict | None
    status: str
    fields: list[str] = field(default_factory=list)
    moved: str = ""  # "", MOVED_WITHIN or MOVED_ACROSS
    from_module: str = ""  # the module it came from, when moved across

    @property
    def field_labels(self) -> list[str]:
        return [str(FIELD_LABELS[f]) for f in self.fields]


@dataclass
class ModuleChange:
    old: dict | None
    new: dict | None
    status: str
    fields: list[str] = field(default_factory=list)
    moved: bool = False
    items: list[ItemChange] = field(default_factory=list)

    @property
    def field_labels(self) -> list[str]:
        return [str(FIELD_LABELS[f]) for f in self.fields]

    @property
    def touched(self) -> bool:
        return self.status != SAME or self.moved or any(i.status != SAME or i.moved for i in self.items)


@dataclass
class VersionDiff:
    working_days: tuple[int, int] | None
    modules: list[ModuleChange]

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter()
        for module in self.modules:
            counts[f"modules_{module.status}"] += 1
            counts["modules_moved"] += module.moved
            for item in module.items:
                counts[f"items_{item.status}"] += 1
                counts["items_moved"] += bool(item.moved)
        return {
            key: counts[key]
            for key in (
                "modules_added",
                "modules_removed",
                "modules_changed",
                "modules_moved",
                "items_added",
                "items_removed",
                "items_changed",
                "items_moved",
            )
        }

    @property
    def identical(self) -> bool:
        return self.working_days is None and not any(self.counts.values())


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _item(spec: dict) -> dict:
    return {**ITEM_DEFAULTS, **spec}


def _pair_by(olds: list, news: list, key, paired_old: dict, paired_new: dict) -> None:
    """Pair the unpaired entries of equal key, in order of appearance."""
    waiting = defaultdict(list)
    for index, entry in enumerate(news):
        if index not in paired_new and key(entry):
            waiting[key(entry)].append(index)
    for index, entry in enumerate(olds):
        if index in paired_old or not key(entry) or not waiting.get(key(entry)):
            continue
        other = waiting[key(entry)].pop(0)
        paired_old[index], paired_new[other] = other, index


def _longest_increasing(indices: list[int]) -> set[int]:
    """Positions (in `indices`) of one longest increasing subsequence: what
    stayed in order; everything else counts as moved."""
    if not indices:
        return set()
    best = [1] * len(indices)
    previous = [-1] * len(indices)
    for i in range(len(indices)):
        for j in range(i):
            if indices[j] < indices[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    end = max(range(len(indices)), key=lambda i: best[i])
    kept = set()
    while end != -1:
        kept.add(end)
        end = previous[end]
    return kept


def _changed(old: dict, new: dict, fields: tuple[str, ...]) -> list[str]:
    return [f for f in fields if old.get(f) != new.get(f)]


def _insert_removed(rows: list, removed: list[tuple[int, object]], old_index_of) -> list:
    """Put each removed entry (old index, row) after the row whose old
    entry came last before it, so that it shows near where it was."""
    inserted = {}
    for old_index, row in removed:
        at = 0
        for position, existing in enumerate(rows):
            existing_old = inserted.get(id(existing), old_index_of(existing))
            if existing_old is not None and existing_old < old_index:
                at = position + 1
        rows.insert(at, row)
        inserted[id(row)] = old_index
    return rows


def version_diff(old: dict, new: dict) -> VersionDiff:
    """The difference from spec `old` to spec `new`."""
    old_modules, new_modules = old["modules"], new["modules"]
    old_items = [(m, _item(i)) for m, module in enumerate(old_modules) for i in module["items"]]
    new_items = [(m, _item(i)) for m, module in enumerate(new_modules) for i in module["items"]]

    item_old_to_new, item_new_to_old = {}, {}
    _pair_by(old_items, new_items, lambda e: _key(e[1]["title"]), item_old_to_new, item_new_to_old)
    _pair_by(old_items, new_items, lambda e: _key(e[1]["description"]), item_old_to_new, item_new_to_old)

    module_old_to_new, module_new_to_old = {}, {}
    _pair_by(old_modules, new_modules, lambda m: _key(m["title"]), module_old_to_new, module_new_to_old)
    # A renamed module: the unpaired new module that received most of its items.
    for o in range(len(old_modules)):
        if o in module_old_to_new:
            continue
        went = Counter(
            new_items[item_old_to_new[k]][0]
            for k, (m, _i) in enumerate(old_items)
            if m == o and k in item_old_to_new and new_items[item_old_to_new[k]][0] not in module_new_to_old
        )
        if went:
            target, count = went.most_common(1)[0]
            if count * 2 >= len(old_modules[o]["items"]):
                module_old_to_new[o], module_new_to_old[target] = target, o

    paired = sorted(module_old_to_new.items())
    kept = _longest_increasing([n for _o, n in paired])
    moved_modules = {paired[k][1] for k in range(len(paired)) if k not in kept}

    rows: list[ModuleChange] = []
    for n, module in enumerate(new_modules):
        o = module_new_to_old.get(n)
        if o is None:
            change = ModuleChange(None, module, ADDED)
        else:
            fields = _changed(old_modules[o], module, MODULE_FIELDS)
            change = ModuleChange(old_modules[o], module, CHANGED if fields else SAME, fields, n in moved_modules)
        change.items = _item_rows(n, o, old_items, new_items, item_new_to_old, item_old_to_new, old_modules)
        rows.append(change)

    removed_modules = []
    for o, module in enumerate(old_modules):
        if o not in module_old_to_new:
            items = [
                ItemChange(item, None, REMOVED)
                for k, (m, item) in enumerate(old_items)
                if m == o and k not in item_old_to_new
            ]
            removed_modules.append((o, ModuleChange(module, None, REMOVED, items=items)))
    old_index = {id(module): o for o, module in enumerate(old_modules)}
    rows = _insert_removed(rows, removed_modules, lambda row: old_index.get(id(row.old)) if row.old else None)

    days = (old["working_days"], new["working_days"]) if old["working_days"] != new["working_days"] else None
    return VersionDiff(days, rows)


def _item_rows(n, o, old_items, new_items, item_new_to_old, item_old_to_new, old_modules) -> list[ItemChange]:
    """The rows of new module `n` (paired with old module `o`, or None)."""
    here = [k for k, (m, _i) in enumerate(new_items) if m == n]
    stayed = [k for k in here if k in item_new_to_old and o is not None and old_items[item_new_to_old[k]][0] == o]
    kept = _longest_increasing([item_new_to_old[k] for k in stayed])
    reordered = {stayed[i] for i in range(len(stayed)) if i not in kept}

    rows, old_of_row = [], {}
    for k in here:
        item = new_items[k][1]
        if k not in item_new_to_old:
            rows.append(ItemChange(None, item, ADDED))
            continue
        before_module, before = old_items[item_new_to_old[k]]
        fields = _changed(before, item, ITEM_FIELDS)
        row = ItemChange(before, item, CHANGED if fields else SAME, fields)
        if before_module != o:
            row.moved, row.from_module = MOVED_ACROSS, old_modules[before_module]["title"]
        elif k in reordered:
            row.moved = MOVED_WITHIN
        old_of_row[id(row)] = item_new_to_old[k]
        rows.append(row)
    if o is None:
        return rows
    removed = [
        (k, ItemChange(item, None, REMOVED))
        for k, (m, item) in enumerate(old_items)
        if m == o and k not in item_old_to_new
    ]
    return _insert_removed(rows, removed, lambda row: old_of_row.get(id(row)))


def spec_of(version) -> dict:
    """A version's content as a spec, from its prefetched modules and items
    (no query per module, unlike services.program_version_spec)."""
    return {
        "working_days": version.working_days,
        "modules": [
            {
                "title": m.title,
                "first_day": m.first_day,
                "last_day": m.last_day,
                "items": [
                    {
                        "title": i.title,
                        "kind": i.kind,
                        "needs_signoff": i.needs_signoff,
                        "needs_evidence": i.needs_evidence,
                        "description": i.description,
                    }
                    for i in sorted(m.items.all(), key=lambda i: i.position)
                ],
            }
            for m in sorted(version.modules.all(), key=lambda m: m.position)
        ],
    }
