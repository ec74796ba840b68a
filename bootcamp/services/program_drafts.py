"""The program builder's writes: a new program, a draft made from a published
version, and the edits of a draft (settings, modules, items, their order).

A published version never changes (bootcamp.models.ProgramVersion): every
edit here locks the version row and refuses once it is published, so an
edit racing a publication either lands before it or is refused after it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from installer_ops.audit import audit_record
from installer_ops.exceptions import DomainConflict
from installer_ops.models import User
from installer_ops.policies import require
from installer_ops.unique_rows import save_unique

from .. import policies
from ..models import Item, ItemKind, Module, Program, ProgramVersion
from .programs import program_version_revise, program_version_spec

# Enough for any real bootcamp; a bound keeps the pages and the renumbering cheap.
MAX_MODULES = 40
MAX_ITEMS_PER_MODULE = 100
# Positions are unique per parent and checked row by row (PostgreSQL): a
# reorder first lifts the rows above every real position, then sets them.
_LIFT = 10_000

UP, DOWN = "up", "down"


def _locked_draft(version: ProgramVersion) -> ProgramVersion:
    locked = ProgramVersion.objects.select_for_update().select_related("program").get(pk=version.pk)
    if locked.is_published:
        raise DomainConflict(
            _("Version %(number)s is published and never changes: edit it to make a new draft.")
            % {"number": locked.number}
        )
    return locked


def _check_days(*, first_day: int, last_day: int, working_days: int) -> None:
    errors = {}
    if first_day < 1:
        errors["first_day"] = _("The first working day is day 1 or later.")
    elif first_day > working_days:
        errors["first_day"] = _("The program has %(days)s working days.") % {"days": working_days}
    if last_day < first_day:
        errors["last_day"] = _("The last working day cannot come before the first.")
    elif last_day > working_days:
        errors["last_day"] = _("The program has %(days)s working days.") % {"days": working_days}
    if errors:
        raise ValidationError(errors)


def _renumber(model, rows: list, fields: tuple[str, ...] = ("position",)) -> None:
    """Give `rows` the positions 1..n in this order (two statements)."""
    if not rows:
        return
    model.objects.filter(pk__in=[r.pk for r in rows]).update(position=F("position") + _LIFT)
    for position, row in enumerate(rows, start=1):
        row.position = position
    model.objects.bulk_update(rows, list(fields))


def _audit(actor, action: str, version: ProgramVersion, **changes) -> None:
    audit_record(actor=actor, action=action, target=version.program, changes={"version": version.number, **changes})


@transaction.atomic
def program_create(*, actor: User | None, code: str, title: str, working_days: int) -> ProgramVersion:
    """A new program with an empty draft, version 1, to build in the browser."""
    require(policies.can_author_programs(actor))
    program = Program(code=code, title=title)
    program.full_clean()
    save_unique(program)
    version = ProgramVersion(program=program, number=1, working_days=working_days)
    version.full_clean()
    version.save()
    audit_record(actor=actor, action="create", target=program, changes={"code": code, "title": title})
    _audit(actor, "create version", version, working_days=working_days, modules=0)
    return version


@transaction.atomic
def program_version_draft(*, actor: User | None, version: ProgramVersion) -> ProgramVersion:
    """Edit a published version: its content becomes the program's next
    version, a draft, which the builder then changes."""
    require(policies.can_author_programs(actor))
    if not version.is_published:
        raise DomainConflict(_("Version %(number)s is a draft: change it directly.") % {"number": version.number})
    # Under the program's lock, a draft made from it already (a double click,
    # a second tab) is the one to go on with, not a second copy.
    Program.objects.select_for_update().filter(pk=version.program_id).get()
    later = version.program.versions.filter(published_at__isnull=True, number__gt=version.number)
    if draft := later.order_by("-number").first():
        return draft
    return program_version_revise(actor=actor, version=version, **program_version_spec(version))


@transaction.atomic
def draft_settings_update(*, actor: User | None, version: ProgramVersion, working_days: int) -> ProgramVersion:
    require(policies.can_author_programs(actor))
    version = _locked_draft(version)
    longest = version.modules.aggregate(last=Max("last_day"))["last"] or 0
    if working_days < longest:
        raise ValidationError({"working_days": _("A module ends on day %(day)s: move it first.") % {"day": longest}})
    before = version.working_days
    version.working_days = working_days
    version.full_clean()
    version.save(update_fields=["working_days"])
    _audit(actor, "change version", version, working_days=(before, working_days))
    return version


@transaction.atomic
def draft_module_add(
    *, actor: User | None, version: ProgramVersion, title: str, first_day: int, last_day: int
) -> Module:
    require(policies.can_author_programs(actor))
    version = _locked_draft(version)
    _check_days(first_day=first_day, last_day=last_day, working_days=version.working_days)
    count = version.modules.count()
    if count >= MAX_MODULES:
        raise ValidationError({"title": _("A version has at most %(max)s modules.") % {"max": MAX_MODULES}})
    module = Module(version=version, position=count + 1, title=title, first_day=first_day, last_day=last_day)
    module.full_clean()
    module.save()
    _audit(actor, "add module", version, module=title, days=f"{first_day}-{last_day}")
    return module


@transaction.atomic
def draft_module_update(*, actor: User | None, module: Module, title: str, first_day: int, last_day: int) -> Module:
    require(policies.can_author_programs(actor))
    version = _locked_draft(module.version)
    _check_days(first_day=first_day, last_day=last_day, working_days=version.working_days)
    module = Module.objects.get(pk=module.pk)
    changes = {
        field: (getattr(module, field), value)
        for field, value in (("title", title), ("first_day", first_day), ("last_day", last_day))
        if getattr(module, field) != value
    }
    module.title, module.first_day, module.last_day = title, first_day, last_day
    module.full_clean()
    module.save(update_fields=["title", "first_day", "last_day"])
    _audit(actor, "change module", version, module=module.title, **changes)
    return module


@transaction.atomic
def draft_module_remove(*, actor: User | None, module: Module) -> None:
    require(policies.can_author_programs(actor))
    version = _locked_draft(module.version)
    title = module.title
    Module.objects.filter(pk=module.pk).delete()
    _renumber(Module, list(version.modules.order_by("position")))
    _audit(actor, "remove module", version, module=title)


@transaction.atomic
def draft_module_move(*, actor: User | None, module: Module, direction: str) -> Module:
    """One place up or down; at either end nothing changes."""
    require(policies.can_author_programs(actor))
    version = _locked_draft(module.version)
    rows = list(version.modules.order_by("position"))
    index = next(i for i, row in enumerate(rows) if row.pk == module.pk)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
        _renumber(Module, rows)
        _audit(actor, "move module", version, module=rows[other].title, position=(index + 1, other + 1))
    return next(row for row in rows if row.pk == module.pk)


def _item_values(title, kind, needs_signoff, needs_evidence, description) -> dict:
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose a kind of item.")})
    return {
        "title": title,
        "kind": kind,
        "needs_signoff": needs_signoff,
        "needs_evidence": needs_evidence,
        "description": description,
    }


@transaction.atomic
def draft_item_add(
    *,
    actor: User | None,
    module: Module,
    title: str,
    kind: str = ItemKind.TASK,
    needs_signoff: bool = False,
    needs_evidence: bool = False,
    description: str = "",
) -> Item:
    require(policies.can_author_programs(actor))
    version = _locked_draft(module.version)
    values = _item_values(title, kind, needs_signoff, needs_evidence, description)
    count = module.items.count()
    if count >= MAX_ITEMS_PER_MODULE:
        raise ValidationError({"title": _("A module has at most %(max)s items.") % {"max": MAX_ITEMS_PER_MODULE}})
    item = Item(module=module, position=count + 1, **values)
    item.full_clean()
    item.save()
    _audit(actor, "add item", version, module=module.title, item=title)
    return item


def _item_place(item: Item, target: Module, index: int) -> None:
    """Put `item` at `index` (0-based) among `target`'s items, closing the
    gap it leaves in its own module."""
    source_id = item.module_id
    rows = list(target.items.exclude(pk=item.pk).order_by("position"))
    rows.insert(max(0, min(index, len(rows))), item)
    item.module = target
    _renumber(Item, rows, fields=("module", "position"))
    if source_id != target.pk:
        _renumber(Item, list(Item.objects.filter(module_id=source_id).order_by("position")))


@transaction.atomic
def draft_item_update(
    *,
    actor: User | None,
    item: Item,
    title: str,
    kind: str,
    needs_signoff: bool,
    needs_evidence: bool,
    description: str,
    module: Module | None = None,
) -> Item:
    """Change an item; with `module`, also move it to the end of that module
    (of the same version)."""
    require(policies.can_author_programs(actor))
    version = _locked_draft(item.module.version)
    item = Item.objects.select_related("module").get(pk=item.pk)
    values = _item_values(title, kind, needs_signoff, needs_evidence, description)
    changes = {field: (getattr(item, field), value) for field, value in values.items() if getattr(item, field) != value}
    for field, value in values.items():
        setattr(item, field, value)
    item.full_clean(exclude=["position"])
    item.save(update_fields=list(values))
    if module is not None and module.pk != item.module_id:
        if module.version_id != version.pk:
            raise ValidationError({"module": _("Choose a module of this version.")})
        if module.items.count() >= MAX_ITEMS_PER_MODULE:
            raise ValidationError({"module": _("A module has at most %(max)s items.") % {"max": MAX_ITEMS_PER_MODULE}})
        changes["module"] = (item.module.title, module.title)
        _item_place(item, module, MAX_ITEMS_PER_MODULE)
    _audit(actor, "change item", version, item=item.title, **changes)
    return item


@transaction.atomic
def draft_item_remove(*, actor: User | None, item: Item) -> None:
    require(policies.can_author_programs(actor))
    version = _locked_draft(item.module.version)
    # Read again under the version's lock: a move made meanwhile may have
    # put the item in another module, whose positions are the ones to close up.
    item = Item.objects.filter(pk=item.pk, module__version=version).first()
    if item is None:
        return
    module_id, title = item.module_id, item.title
    Item.objects.filter(pk=item.pk).delete()
    _renumber(Item, list(Item.objects.filter(module_id=module_id).order_by("position")))
    _audit(actor, "remove item", version, item=title)


@transaction.atomic
def draft_item_move(*, actor: User | None, item: Item, direction: str) -> Item:
    """One place up or down. From the top of a module it goes to the end of
    the module before; from the bottom, to the start of the next one; at
    either end of the version nothing changes."""
    require(policies.can_author_programs(actor))
    version = _locked_draft(item.module.version)
    item = Item.objects.select_related("module").get(pk=item.pk)
    modules = list(version.modules.order_by("position"))
    here = next(i for i, m in enumerate(modules) if m.pk == item.module_id)
    count = item.module.items.count()
    step = -1 if direction == UP else 1
    before = f"{item.module.title} #{item.position}"
    if 1 <= item.position + step <= count:
        _item_place(item, item.module, item.position - 1 + step)
    elif 0 <= here + step < len(modules):
        target = modules[here + step]
        if target.items.count() >= MAX_ITEMS_PER_MODULE:
            raise ValidationError({"module": _("A module has at most %(max)s items.") % {"max": MAX_ITEMS_PER_MODULE}})
        _item_place(item, target, MAX_ITEMS_PER_MODULE if direction == UP else 0)
    else:
        return item
    item.refresh_from_db()
    _audit(actor, "move item", version, item=item.title, place=(before, f"{item.module.title} #{item.position}"))
    return item
