"""The field-data import's format: the files and their columns, how rows are
read and values parsed, and what an error or a report holds."""

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

COLUMNS = {
    "pods.csv": ["code", "name", "vertical", "geography"],
    "installers.csv": ["employee_id", "name", "pod_code", "level", "hired_on", "left_on", "left_voluntarily"],
    "promotions.csv": ["employee_id", "from_level", "to_level", "effective_on"],
    "nodes.csv": ["serial", "site", "pod_code", "installed_by", "installed_on"],
    "installs.csv": ["install_id", "site", "pod_code", "installer"],
    "visits.csv": ["install_id", "visited_at", "outcome"],
    "incidents.csv": ["incident_id", "node_serial", "severity", "opened_at", "resolved_at"],
    "audits.csv": ["audit_id", "pod_code", "installer", "audited_on", "passed", "findings"],
}
TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0"}
SEVERITIES = {
    "sev1": "sev1",
    "sev-1": "sev1",
    "1": "sev1",
    "sev2": "sev2",
    "sev-2": "sev2",
    "2": "sev2",
    "sev3": "sev3",
    "sev-3": "sev3",
    "3": "sev3",
    "sev4": "sev4",
    "sev-4": "sev4",
    "4": "sev4",
}


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s); nothing was imported")
        self.errors = errors


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # (earliest, latest) date touched by field rows: the KPI periods to recompute.
    touched: tuple[datetime.date, datetime.date] | None = None
    job: object = None

    def touch(self, day: datetime.date) -> None:
        low, high = self.touched or (day, day)
        self.touched = (min(low, day), max(high, day))


class Rows:
    """One file's parsed rows with the errors found in them."""

    def __init__(self, name: str, text: str, errors: list[RowError]):
        self.name, self.errors, self.rows = name, errors, []
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in COLUMNS[name] if c not in header]
        for column in missing:
            errors.append(RowError(name, 1, column, "missing column in the header row"))
        if missing:
            return
        for line, raw in enumerate(reader, start=2):
            if None in raw:
                errors.append(RowError(name, line, "-", "more fields than the header has"))
                continue
            self.rows.append((line, {k.strip(): (v or "").strip() for k, v in raw.items()}))

    def error(self, line: int, column: str, reason: str) -> None:
        self.errors.append(RowError(self.name, line, column, reason))


class Validator:
    """Parses values and resolves references, recording errors instead of raising."""

    def __init__(self, rows: Rows):
        self.rows = rows

    def required(self, line, row, column):
        value = row[column]
        if not value:
            self.rows.error(line, column, "is required")
        return value or None

    def _parsed(self, line, row, column, parse, what: str, required: bool):
        """Parse one column with `parse`; empty is an error only when required."""
        value = row[column]
        if not value:
            if required:
                self.rows.error(line, column, "is required")
            return None
        try:
            parsed = parse(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.rows.error(line, column, f"“{value}” is not {what}")
        return parsed

    def date(self, line, row, column, required=True):
        return self._parsed(line, row, column, parse_date, "an ISO 8601 date (YYYY-MM-DD)", required)

    def datetime(self, line, row, column, required=True):
        parsed = self._parsed(line, row, column, parse_datetime, "an ISO 8601 time", required)
        if parsed is None:
            return None
        # Times without an offset are UTC (docs/architecture.md, Field-data import).
        return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)

    def boolean(self, line, row, column, required=True):
        value = row[column].lower()
        if not value:
            if required:
                self.rows.error(line, column, "is required")
            return None
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        self.rows.error(line, column, f"“{row[column]}” is not true/false, yes/no or 1/0")
        return None

    def choice(self, line, row, column, choices: dict):
        value = row[column]
        if value.lower() not in choices:
            self.rows.error(line, column, f"“{value}” is not one of: {', '.join(sorted(set(choices)))}")
            return None
        return choices[value.lower()]

    def unique(self, line, row, column, seen: dict):
        value = row[column]
        if value in seen:
            self.rows.error(line, column, f"duplicate “{value}”, first on line {seen[value]}")
            return False
        seen[value] = line
        return True

    def reference(self, line, row, column, known: set, what: str, required=True):
        value = row[column]
        if not value:
            if required:
                self.rows.error(line, column, "is required")
            return None
        if value not in known:
            self.rows.error(line, column, f"unknown {what} “{value}”")
            return None
        return value
