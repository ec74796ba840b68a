"""The hiring source as a KPI scope. Snapshots key every scope by a number
(`KpiSnapshot.scope_id`), so each source has a fixed one here; the API names
a source by its code (`maker-community`), as the hiring API does.

The numbers are stored in snapshots and targets: never renumber one, only
add. An installer hired before hiring was recorded here has a blank source
and belongs to no source scope (the organisation's figures count them)."""

from installer_ops.models import HiringSource

SOURCE_IDS = {
    HiringSource.MAKER_COMMUNITY: 1,
    HiringSource.TECHNICAL_COLLEGE: 2,
    HiringSource.REFERRAL: 3,
    HiringSource.AGENCY: 4,
    HiringSource.INTERNAL_TRANSFER: 5,
    HiringSource.OTHER: 6,
}
SOURCE_BY_ID = {number: source for source, number in SOURCE_IDS.items()}
if set(SOURCE_IDS) != set(HiringSource.values):  # a new source without its number
    raise RuntimeError(f"Hiring sources without a scope id: {set(HiringSource.values) - set(SOURCE_IDS)}")


def source_exists(scope_id: int) -> bool:
    return scope_id in SOURCE_BY_ID


def source_names() -> dict[int, str]:
    """scope id -> the source's name, as people read it."""
    return {number: str(HiringSource(source).label) for source, number in SOURCE_IDS.items()}


def api_code(scope_id: int) -> str:
    """ "maker-community": the code the hiring API uses for the source."""
    return SOURCE_BY_ID[scope_id].replace("_", "-")


def id_of_code(code: str) -> int | None:
    """The scope id of an API code; None for anything else."""
    return {api_code(number): number for number in SOURCE_BY_ID}.get(code)


def source_id_sql(column: str) -> str:
    """SQL giving the scope id of the source held in `column`, NULL for a blank
    one. The codes are this module's constants, not input."""
    whens = " ".join(f"WHEN '{source}' THEN {number}" for source, number in SOURCE_IDS.items())
    return f"(CASE {column} {whens} ELSE NULL END)"
