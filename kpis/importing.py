"""The field-data import (docs/architecture.md, Field-data import).

Every row of every file is validated first; if any is invalid, nothing is
written and every error is reported as file, line, column and reason.
Rows are keyed by their ids, so importing the same files again changes
nothing. Organisation rows go through the organisation's services, hiring
rows (candidates, scorecards) through hiring's; field rows are written as
set-based upserts.
"""

import datetime
from pathlib import Path

from django.db import transaction

from installer_ops import values
from installer_ops.policies import require

from . import policies
from .import_format import COLUMNS, ImportRefused, ImportReport, RowError, Rows  # noqa: F401 - the import API
from .import_validation import validate_rows
from .import_writes import write_plan
from .jobs import MAX_YEARS, kpi_job_request
from .rebuild_parts import refresh_part_days

# One recompute covers at most MAX_YEARS (kpi_job_request refuses more).
JOB_SPAN = datetime.timedelta(days=MAX_YEARS * 365)


def read_directory(path) -> dict[str, bytes]:
    """The import files present in a directory, as bytes: the importer
    decodes them, so that a file that is not UTF-8 is an error naming its
    line. Raises OSError for one that cannot be read."""
    directory = Path(path)
    return {name: (directory / name).read_bytes() for name in COLUMNS if (directory / name).exists()}


def field_data_import(*, actor, files: dict[str, str | bytes]) -> ImportReport:
    """Validate every row of `files` ({name: CSV text or UTF-8 bytes}), then
    write them all or nothing. Raises ImportRefused with every error found."""
    require(policies.can_import_field_data(actor))
    errors: list[RowError] = []
    parsed = {name: Rows(name, data, errors) for name, data in files.items() if name in COLUMNS}
    unknown = [name for name in files if name not in COLUMNS]
    for name in unknown:
        errors.append(RowError(name, 0, "-", f"not an import file; expected one of: {', '.join(COLUMNS)}"))
    plan = validate_rows(parsed)
    if errors:
        raise ImportRefused(
            sorted(errors, key=lambda e: (list(COLUMNS).index(e.file) if e.file in COLUMNS else 99, e.line, e.column))
        )
    # The rows and the recomputes they need commit together: a refused
    # request cannot leave rows written behind a failed response.
    with transaction.atomic():
        report = write_plan(plan, actor=actor)
        if report.touched:
            # The KPIs of the touched periods are recomputed by a worker, once the
            # import has committed: the system's follow-up, whoever imported.
            part_days = refresh_part_days(report.group_days)
            report.jobs = [
                kpi_job_request(actor=None, since=since, until=until, part_days=within)
                for since, until in _spans(*report.touched)
                if (within := _within(part_days, since, until))
            ]
            report.job = report.jobs[0] if report.jobs else None
    return report


def _within(part_days: dict, since: datetime.date, until: datetime.date) -> dict:
    """Each part's days in [since, until], leaving out the parts with none."""
    within = {part: {day for day in days if since <= day <= until} for part, days in part_days.items()}
    return {part: days for part, days in within.items() if days}


def _spans(low: datetime.date, high: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """[low, high] in consecutive ranges a recompute accepts: within the
    window (a time's local date may lie a day outside the window its UTC
    date is in) and at most MAX_YEARS each."""
    low, high = max(low, values.WINDOW_START), min(high, values.window_end())
    spans = []
    while low <= high:
        until = min(high, low + JOB_SPAN - datetime.timedelta(days=1))
        spans.append((low, until))
        low = until + datetime.timedelta(days=1)
    return spans
