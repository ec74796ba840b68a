"""The field-data import's format: the files and their columns, how rows are
read and values parsed, and what an error or a report holds.

Every cell is checked as it is read (installer_ops/values.py: no NUL, valid
Unicode, within its column's length), so that a value the database cannot
hold is an error of its line and column, never a failure while writing."""

import csv
import datetime
import functools
import io
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hiring.models import Candidate, Scorecard, ScreeningTask, StageChange
from installer_ops import values
from installer_ops.models import Geography, Installer, Pod, User, Vertical

from .models import Audit, Incident, Install, Node

COLUMNS = {
    "pods.csv": ["code", "name", "vertical", "geography"],
    "installers.csv": ["employee_id", "name", "pod_code", "level", "hired_on", "left_on", "left_voluntarily"],
    "promotions.csv": ["employee_id", "from_level", "to_level", "effective_on"],
    "nodes.csv": ["serial", "site", "pod_code", "installed_by", "installed_on"],
    "installs.csv": ["install_id", "site", "pod_code", "installer"],
    "visits.csv": ["install_id", "visited_at", "outcome"],
    "incidents.csv": ["incident_id", "node_serial", "severity", "opened_at", "resolved_at"],
    "audits.csv": ["audit_id", "pod_code", "installer", "audited_on", "passed", "findings"],
    # Hiring (kpis/import_hiring.py): written through hiring's services.
    "candidates.csv": ["requisition", "name", "email", "source", "applied_on", "stage", "reason", "interviewers"],
    "scorecards.csv": [
        "requisition",
        "candidate_email",
        "task",
        "interviewer",
        "field_problem_solving",
        "customer_empathy",
        "security_hygiene",
        "recommendation",
        "notes",
    ],
}
# Columns a file may have besides its own: a file without one leaves the
# stored value as it is (kpis/import_writes.py); with it, an empty cell is none.
OPTIONAL_COLUMNS = {"audits.csv": ["consent_record"]}


def columns_of(name: str) -> list[str]:
    """Every column a file may have: its own, then the optional ones."""
    return [*COLUMNS[name], *OPTIONAL_COLUMNS.get(name, [])]


# The model field each text column is stored in (or, for a reference, the
# field it must match): its max_length bounds the column.
TEXT_FIELDS = {
    "pods.csv": {
        "code": (Pod, "code"),
        "name": (Pod, "name"),
        "vertical": (Vertical, "name"),
        "geography": (Geography, "name"),
    },
    "installers.csv": {"employee_id": (Installer, "employee_id"), "name": (User, "name"), "pod_code": (Pod, "code")},
    "promotions.csv": {"employee_id": (Installer, "employee_id")},
    "nodes.csv": {
        "serial": (Node, "serial"),
        "site": (Node, "site"),
        "pod_code": (Pod, "code"),
        "installed_by": (Installer, "employee_id"),
    },
    "installs.csv": {
        "install_id": (Install, "external_id"),
        "site": (Install, "site"),
        "pod_code": (Pod, "code"),
        "installer": (Installer, "employee_id"),
    },
    "visits.csv": {"install_id": (Install, "external_id")},
    "incidents.csv": {"incident_id": (Incident, "external_id"), "node_serial": (Node, "serial")},
    "audits.csv": {
        "audit_id": (Audit, "external_id"),
        "pod_code": (Pod, "code"),
        "installer": (Installer, "employee_id"),
    },
    "candidates.csv": {"name": (Candidate, "name"), "email": (Candidate, "email"), "reason": (StageChange, "reason")},
    "scorecards.csv": {
        "candidate_email": (Candidate, "email"),
        "task": (ScreeningTask, "slug"),
        "interviewer": (User, "username"),
        "notes": (Scorecard, "notes"),
    },
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
# What the csv module (and so the line numbers) counts as the end of a line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SHOWN_LENGTH = 60


@functools.cache
def max_length(file: str, column: str) -> int | None:
    model, name = TEXT_FIELDS.get(file, {}).get(column, (None, None))
    return model._meta.get_field(name).max_length if model else None


def shown(value: str) -> str:
    """A value as an error message quotes it: cut short, with NUL, control
    characters and lone surrogates escaped (a message is printed, rendered
    and sent as JSON, all of which they would break)."""
    cut = value[:SHOWN_LENGTH] + ("…" if len(value) > SHOWN_LENGTH else "")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in cut)


def cell_problem(value: str, limit: int | None = None) -> str | None:
    """Why a cell cannot be stored as text (values.text_problem, and lone
    surrogates, which only a JSON body can carry), or None."""
    if problem := values.text_problem(value, max_length=limit):
        return problem
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("must be valid Unicode text")
    return None


UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}")


def parse_uuid(value: str) -> uuid.UUID | None:
    """A UUID written as 8-4-4-4-12 hexadecimal digits, or as 32 of them (any case); else None."""
    return uuid.UUID(value) if UUID_TEXT.fullmatch(value) else None


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
        super().__init__(
            ngettext("%(n)s error; nothing was imported", "%(n)s errors; nothing was imported", len(errors))
            % {"n": len(errors)}
        )
        self.errors = errors


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # (earliest, latest) date touched by field rows, and the days themselves,
    # by the group of KPIs that reads the rows (kpis/rebuild_parts.py
    # GROUPS): only those groups are recomputed, each for the periods holding
    # its own days (an incident's week is not a reason to recompute the
    # first visits of that week).
    touched: tuple[datetime.date, datetime.date] | None = None
    group_days: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    # The recomputes requested for them (one per ten years at most); job is the first.
    jobs: list = field(default_factory=list)
    job: object = None

    def touch(self, day: datetime.date, *groups: str) -> None:
        low, high = self.touched or (day, day)
        self.touched = (min(low, day), max(high, day))
        for group in groups:
            self.group_days[group].add(day)

    @property
    def days(self) -> set[datetime.date]:
        return set().union(*self.group_days.values())

    def touch_span(self, low: datetime.date, high: datetime.date, *groups: str) -> None:
        """Every period between two days: a day a week apart reaches every
        week, and so every month and quarter (an incident open across them
        is counted at each period's end)."""
        day = low
        while day < high:
            self.touch(day, *groups)
            day += datetime.timedelta(days=7)
        self.touch(high, *groups)


class Rows:
    """One file's parsed rows with the errors found in them. `data` is the
    file's text, or its bytes (UTF-8, a BOM is ignored). Line numbers are
    physical lines, a record starting where its first line is (line 1 is the
    header)."""

    def __init__(self, name: str, data: str | bytes, errors: list[RowError]):
        self.name, self.errors, self.rows = name, errors, []
        self.header: list[str] = []  # the header row's columns, once read
        # (line, column) of the cells refused as they were read: blanked, and
        # not reported again by the validators (one mistake, one error).
        self.bad: set[tuple[int, str]] = set()
        text = self._decoded(data)
        if text is not None:
            self._read(text.lstrip("\ufeff"))

    def error(self, line: int, column: str, reason: str) -> None:
        self.errors.append(RowError(self.name, line, column, reason))

    def _decoded(self, data: str | bytes) -> str | None:
        if isinstance(data, str):
            return data
        data = bytes(data)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = len(re.findall(rb"\r\n|\r|\n", data[: exc.start])) + 1
            where = {"byte": f"0x{data[exc.start]:02x}", "n": exc.start + 1}
            self.error(line, "-", _("is not UTF-8 text: byte %(byte)s at position %(n)s of the file") % where)
            return None

    def _read(self, text: str) -> None:
        # newline="": the csv module sees \r\n, \r and \n line ends itself.
        reader = csv.reader(io.StringIO(text, newline=""))
        header = None
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                if header is None:  # an empty file: no header row
                    self._header(1, [])
                return
            except csv.Error as exc:
                # A field over csv.field_size_limit(), for one: the reader
                # cannot go on, and the import is refused anyway.
                self.error(start, "-", _("cannot be read as CSV: %(why)s") % {"why": exc})
                return
            if header is None:
                header = self._header(start, cells)
                if header is None:
                    return
            elif cells:  # a blank line is skipped, as csv.DictReader does
                self._row(start, header, cells)

    def _header(self, line: int, cells: list[str]) -> list[str] | None:
        header, refused = [h.strip() for h in cells], False
        for index, cell in enumerate(cells, start=1):
            if problem := cell_problem(cell):
                self.error(line, _("column %(n)s") % {"n": index}, problem)
                refused = True
        for column in COLUMNS[self.name]:
            if column not in header:
                self.error(line, column, _("missing column in the header row"))
                refused = True
        if not refused:
            self.header = header
        return None if refused else header

    def _row(self, line: int, header: list[str], cells: list[str]) -> None:
        if len(cells) > len(header):
            self.error(line, "-", _("more fields than the header has"))
            return
        row = {}
        for index, column in enumerate(header):
            # Extra header columns are ignored, but their cells must be text too.
            value = cells[index].strip() if index < len(cells) else ""
            if problem := cell_problem(value, max_length(self.name, column)):
                self.error(line, column, problem)
                self.bad.add((line, column))
                value = ""
            row[column] = value
        for column in OPTIONAL_COLUMNS.get(self.name, []):
            row.setdefault(column, "")
        self.rows.append((line, row))


class Validator:
    """Parses values and resolves references, recording errors instead of raising."""

    def __init__(self, rows: Rows):
        self.rows = rows

    def _value(self, line, row, column, required: bool) -> str | None:
        """The cell's text, or None when empty (an error if required) or refused as read."""
        if (line, column) in self.rows.bad:
            return None
        value = row[column]
        if not value and required:
            self.rows.error(line, column, _("is required"))
        return value or None

    def required(self, line, row, column):
        return self._value(line, row, column, True)

    def _problem(self, line, column, value: str, problem: str) -> None:
        # "“x” is not …", "“x” must lie …", "“x” has …" read as a sentence; anything else after a colon.
        sep = " " if problem.startswith(("is ", "must ", "has ")) else ": "
        self.rows.error(line, column, f"“{shown(value)}”{sep}{problem}")

    def date(self, line, row, column, required=True):
        value = self._value(line, row, column, required)
        if value is None:
            return None
        parsed, problem = values.parse_iso_date(value)
        if parsed is not None:
            problem = values.date_problem(parsed)
        if problem:
            self._problem(line, column, value, problem)
            return None
        return parsed

    def datetime(self, line, row, column, required=True):
        """An aware time (no offset: UTC, docs/architecture.md, Field-data import) in the window."""
        value = self._value(line, row, column, required)
        if value is None:
            return None
        parsed, problem = values.parse_iso_datetime(value)
        if parsed is not None:
            problem = values.datetime_problem(parsed)
        if problem:
            self._problem(line, column, value, problem)
            return None
        return parsed

    def boolean(self, line, row, column, required=True):
        value = self._value(line, row, column, required)
        if value is None:
            return None
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        self.rows.error(line, column, f"“{shown(value)}” is not true/false, yes/no or 1/0")
        return None

    def choice(self, line, row, column, choices: dict):
        if (line, column) in self.rows.bad:
            return None
        value = row[column]
        if value.lower() not in choices:
            self.rows.error(line, column, f"“{shown(value)}” is not one of: {', '.join(sorted(set(choices)))}")
            return None
        return choices[value.lower()]

    def unique(self, line, row, column, seen: dict):
        value = row[column]
        if not value or (line, column) in self.rows.bad:
            return True  # reported as required or refused where it is read
        if value in seen:
            self.rows.error(line, column, f"duplicate “{shown(value)}”, first on line {seen[value]}")
            return False
        seen[value] = line
        return True

    def once(self, line, column, key, seen: dict, what: str) -> bool:
        """False (and an error naming the first line) if `key` came before in this file."""
        if key in seen:
            self.rows.error(line, column, f"duplicate {what}, first on line {seen[key]}")
            return False
        seen[key] = line
        return True

    def uuid(self, line, row, column, required=True) -> uuid.UUID | None:
        value = self._value(line, row, column, required)
        if value is None:
            return None
        parsed = parse_uuid(value)
        if parsed is None:
            self.rows.error(line, column, f"“{shown(value)}” is not a UUID")
        return parsed

    def reference(self, line, row, column, known: set, what: str, required=True):
        value = self._value(line, row, column, required)
        if value is None:
            return None
        if value not in known:
            self.rows.error(line, column, f"unknown {what} “{shown(value)}”")
            return None
        return value
