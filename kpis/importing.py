"""The field-data import (docs/architecture.md, Field-data import).

Every row of every file is validated first; if any is invalid, nothing is
written and every error is reported as file, line, column and reason.
Rows are keyed by their ids, so importing the same files again changes
nothing. Organisation rows go through the organisation's services; field
rows are written as set-based upserts.
"""

from pathlib import Path

from installer_ops.policies import require

from . import policies
from .import_format import COLUMNS, ImportRefused, ImportReport, RowError, Rows  # noqa: F401 - the import API
from .import_validation import validate_rows
from .import_writes import write_plan
from .jobs import kpi_job_request


def read_directory(path) -> dict[str, str]:
    """The import files present in a directory (UTF-8)."""
    directory = Path(path)
    return {name: (directory / name).read_text(encoding="utf-8") for name in COLUMNS if (directory / name).exists()}


def field_data_import(*, actor, files: dict[str, str]) -> ImportReport:
    """Validate every row of `files` ({name: CSV text}), then write them all
    or nothing. Raises ImportRefused with every error found."""
    require(policies.can_import_field_data(actor))
    errors: list[RowError] = []
    parsed = {name: Rows(name, text, errors) for name, text in files.items() if name in COLUMNS}
    unknown = [name for name in files if name not in COLUMNS]
    for name in unknown:
        errors.append(RowError(name, 0, "-", f"not an import file; expected one of: {', '.join(COLUMNS)}"))
    plan = validate_rows(parsed)
    if errors:
        raise ImportRefused(
            sorted(errors, key=lambda e: (list(COLUMNS).index(e.file) if e.file in COLUMNS else 99, e.line, e.column))
        )
    report = write_plan(plan, actor=actor)
    if report.touched:
        # The KPIs of the touched periods are recomputed by a worker, once the
        # import has committed: the system's follow-up, whoever imported.
        report.job = kpi_job_request(actor=None, since=report.touched[0], until=report.touched[1])
    return report
