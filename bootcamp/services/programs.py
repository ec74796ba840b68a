"""Program templates: versions (immutable once published), loading, revising, publishing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops.audit import audit_record
from installer_ops.models import User
from installer_ops.policies import require

from .. import policies
from ..models import Item, Module, Program, ProgramVersion
from ..program_diff import spec_of


@transaction.atomic
def program_version_create(
    *, actor: User | None, program: Program, working_days: int, modules: list[dict]
) -> ProgramVersion:
    """A new, unpublished version of `program` with its modules and items.

    `modules` is a list of {title, first_day, last_day, items: [{title, kind,
    needs_signoff, needs_evidence, description}]}, in order."""
    require(policies.can_author_programs(actor))
    if not modules:
        raise ValidationError({"modules": _("A program version has at least one module.")})
    # Lock the program: two concurrent edits must not both take the next number.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    latest = program.versions.order_by("-number").first()
    version = ProgramVersion(program=program, number=(latest.number + 1) if latest else 1, working_days=working_days)
    version.full_clean()
    version.save()
    for position, spec in enumerate(modules, start=1):
        if not spec.get("items"):
            raise ValidationError({"modules": _("Module %(title)s has no items.") % {"title": spec["title"]}})
        if spec["first_day"] > spec["last_day"]:
            raise ValidationError({"modules": _("Module %(title)s ends before it starts.") % {"title": spec["title"]}})
        if spec["last_day"] > working_days:
            raise ValidationError(
                {
                    "modules": _("Module %(title)s ends after day %(days)s.")
                    % {"title": spec["title"], "days": working_days}
                }
            )
        module = Module(
            version=version,
            position=position,
            title=spec["title"],
            first_day=spec["first_day"],
            last_day=spec["last_day"],
        )
        module.full_clean()
        module.save()
        items = [
            Item(
                module=module,
                position=item_position,
                title=item["title"],
                kind=item.get("kind", "task"),
                needs_signoff=item.get("needs_signoff", False),
                needs_evidence=item.get("needs_evidence", False),
                description=item.get("description", ""),
            )
            for item_position, item in enumerate(spec["items"], start=1)
        ]
        for item in items:
            item.full_clean(exclude=["module"])
        Item.objects.bulk_create(items)
    audit_record(
        actor=actor,
        action="create version",
        target=program,
        changes={"version": version.number, "working_days": working_days, "modules": len(modules)},
    )
    return version


def program_version_spec(version: ProgramVersion) -> dict:
    """A version's content in the shape program_version_create takes (the
    starting point of an edit): the comparison's spec, built in two queries."""
    prefetch_related_objects([version], "modules__items")
    return spec_of(version)


def _normalised(spec: dict) -> dict:
    return {
        "working_days": spec["working_days"],
        "modules": [
            {
                "title": m["title"],
                "first_day": m["first_day"],
                "last_day": m["last_day"],
                "items": [
                    {
                        "title": i["title"],
                        "kind": i.get("kind", "task"),
                        "needs_signoff": i.get("needs_signoff", False),
                        "needs_evidence": i.get("needs_evidence", False),
                        "description": i.get("description", ""),
                    }
                    for i in m["items"]
                ],
            }
            for m in spec["modules"]
        ],
    }


@transaction.atomic
def program_load(
    *, actor: User | None, code: str, title: str, working_days: int, modules: list[dict]
) -> ProgramVersion:
    """Make `code`'s latest published version say exactly this: returns it
    unchanged when it already does (so loading twice changes nothing), or
    publishes a new version when the content differs."""
    require(policies.can_author_programs(actor))
    program, _created = Program.objects.get_or_create(code=code, defaults={"title": title})
    if program.title != title:
        program.title = title
        program.full_clean()
        program.save(update_fields=["title"])
    latest = program.versions.filter(published_at__isnull=False).order_by("-number").first()
    wanted = _normalised({"working_days": working_days, "modules": modules})
    if latest is not None and program_version_spec(latest) == wanted:
        return latest
    version = program_version_create(actor=actor, program=program, **wanted)
    return program_version_publish(actor=actor, version=version)


@transaction.atomic
def program_version_revise(
    *, actor: User | None, version: ProgramVersion, working_days: int, modules: list[dict]
) -> ProgramVersion:
    """Edit a program: a published version never changes, so the edit
    becomes the program's next version (a draft until published). Cohorts
    keep the version they were created with."""
    return program_version_create(actor=actor, program=version.program, working_days=working_days, modules=modules)


@transaction.atomic
def program_version_publish(*, actor: User | None, version: ProgramVersion) -> ProgramVersion:
    require(policies.can_author_programs(actor))
    # Lock the row: a draft edited in the builder while someone publishes it
    # must either land before the publication or be refused after it.
    locked = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published or version.is_published:
        raise ValidationError({"version": _("This version is published already.")})
    if not Item.objects.filter(module__version=version).exists():
        raise ValidationError({"version": _("A version without items cannot be published.")})
    # A draft built in the browser can hold an empty module, which
    # program_version_create refuses at once: refuse it here too.
    empty = list(version.modules.filter(items__isnull=True).values_list("title", flat=True))
    if empty:
        raise ValidationError({"version": _("Module %(title)s has no items.") % {"title": ", ".join(empty)}})
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    audit_record(actor=actor, action="publish version", target=version.program, changes={"version": version.number})
    return version
