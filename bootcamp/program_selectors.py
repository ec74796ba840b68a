"""Reads of the program builder: programs with their versions and the
cohorts that run them, one version's outline, two versions to compare.
Each runs a fixed number of queries whatever the number of rows."""

from django.db.models import Count, Prefetch, QuerySet

from .models import Item, Module, Program, ProgramVersion
from .policies import cohorts_visible_to, programs_visible_to


def programs_for_listing(user) -> QuerySet[Program]:
    """Programs with their versions (newest first, with module and item
    counts) and, per version, the cohorts `user` may see: three queries
    for a page of programs."""
    versions = ProgramVersion.objects.annotate(
        module_count=Count("modules", distinct=True), item_count=Count("modules__items", distinct=True)
    ).order_by("-number")
    cohorts = cohorts_visible_to(user).order_by("-start_on", "name")
    return (
        programs_visible_to(user)
        .prefetch_related(
            Prefetch("versions", queryset=versions),
            Prefetch("versions__cohorts", queryset=cohorts, to_attr="visible_cohorts"),
        )
        .order_by("title", "pk")
    )


def versions_of(program: Program) -> list[ProgramVersion]:
    return list(program.versions.order_by("-number"))


def version_outlines(program: Program) -> QuerySet[ProgramVersion]:
    """The program's versions, each with its modules and items in order
    (three queries for one version)."""
    items = Prefetch("items", queryset=Item.objects.order_by("position"))
    modules = Prefetch("modules", queryset=Module.objects.order_by("position").prefetch_related(items))
    return ProgramVersion.objects.filter(program=program).select_related("program").prefetch_related(modules)


def modules_of(version: ProgramVersion) -> QuerySet[Module]:
    return Module.objects.select_related("version__program").filter(version=version)


def items_of(version: ProgramVersion) -> QuerySet[Item]:
    return Item.objects.select_related("module__version__program").filter(module__version=version)


def latest_draft(program: Program) -> ProgramVersion | None:
    return program.versions.filter(published_at__isnull=True).order_by("-number").first()


def previous_published(version: ProgramVersion) -> ProgramVersion | None:
    return (
        version.program.versions.filter(published_at__isnull=False, number__lt=version.number)
        .order_by("-number")
        .first()
    )
