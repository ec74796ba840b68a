"""The field-data import (docs/architecture.md, Field-data import).

Every row of every file is validated first; if any is invalid, nothing is
written and every error is reported as file, line, column and reason.
Rows are keyed by their ids, so importing the same files again changes
nothing. Organisation rows go through the organisation's services; field
rows are written as set-based upserts.
"""

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from installer_ops import services as org_services
from installer_ops.audit import audit_record_event
from installer_ops.models import LEVEL_BY_CODE, Geography, Installer, Level, Pod, Promotion, Vertical
from installer_ops.policies import require

from . import policies
from .jobs import kpi_job_request
from .models import Audit, Incident, Install, Node, Visit, VisitOutcome

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


class _Rows:
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


class _Validator:
    """Parses values and resolves references, recording errors instead of raising."""

    def __init__(self, rows: _Rows):
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


def read_directory(path) -> dict[str, str]:
    """The import files present in a directory (UTF-8)."""
    directory = Path(path)
    return {name: (directory / name).read_text(encoding="utf-8") for name in COLUMNS if (directory / name).exists()}


def field_data_import(*, actor, files: dict[str, str]) -> ImportReport:
    """Validate every row of `files` ({name: CSV text}), then write them all
    or nothing. Raises ImportRefused with every error found."""
    require(policies.can_import_field_data(actor))
    errors: list[RowError] = []
    parsed = {name: _Rows(name, text, errors) for name, text in files.items() if name in COLUMNS}
    unknown = [name for name in files if name not in COLUMNS]
    for name in unknown:
        errors.append(RowError(name, 0, "-", f"not an import file; expected one of: {', '.join(COLUMNS)}"))
    plan = _validate(parsed)
    if errors:
        raise ImportRefused(
            sorted(errors, key=lambda e: (list(COLUMNS).index(e.file) if e.file in COLUMNS else 99, e.line, e.column))
        )
    report = _write(plan, actor)
    if report.touched:
        # The KPIs of the touched periods are recomputed by a worker, once the
        # import has committed: the system's follow-up, whoever imported.
        report.job = kpi_job_request(actor=None, since=report.touched[0], until=report.touched[1])
    return report


def _validate(parsed: dict[str, _Rows]) -> dict:
    plan: dict = {}

    def rows(name):
        return parsed[name].rows if name in parsed else []

    pods = set(Pod.objects.values_list("code", flat=True))
    installers = set(Installer.objects.values_list("employee_id", flat=True))
    node_serials = set(Node.objects.values_list("serial", flat=True))
    install_ids = set(Install.objects.values_list("external_id", flat=True))

    # pods.csv
    plan["pods"], seen = [], {}
    for line, row in rows("pods.csv"):
        v = _Validator(parsed["pods.csv"])
        if not v.unique(line, row, "code", seen):
            continue
        code, name = v.required(line, row, "code"), v.required(line, row, "name")
        if code:
            pods.add(code)  # known from here on, so that a bad column is reported once, not in every file
        vertical, geography = v.required(line, row, "vertical"), v.required(line, row, "geography")
        if code and slugify(code) != code:
            parsed["pods.csv"].error(line, "code", f"“{code}” is not a code (lower case, digits, hyphens)")
        elif all([code, name, vertical, geography]):
            plan["pods"].append({"code": code, "name": name, "vertical": vertical, "geography": geography})
            pods.add(code)

    # installers.csv
    plan["installers"], seen = [], {}
    for line, row in rows("installers.csv"):
        v = _Validator(parsed["installers.csv"])
        if not v.unique(line, row, "employee_id", seen):
            continue
        employee_id, name = v.required(line, row, "employee_id"), v.required(line, row, "name")
        if employee_id:
            installers.add(employee_id)
        pod = v.reference(line, row, "pod_code", pods, "pod")
        level = v.choice(line, row, "level", LEVEL_BY_CODE)
        hired_on = v.date(line, row, "hired_on")
        left_on = v.date(line, row, "left_on", required=False)
        voluntary = v.boolean(line, row, "left_voluntarily", required=left_on is not None)
        if hired_on and left_on and left_on < hired_on:
            parsed["installers.csv"].error(line, "left_on", "is before hired_on")
            continue
        if all(x is not None for x in (employee_id, name, pod, level, hired_on)) and (
            left_on is None or voluntary is not None
        ):
            plan["installers"].append(
                {
                    "line": line,
                    "employee_id": employee_id,
                    "name": name,
                    "pod": pod,
                    "level": level,
                    "hired_on": hired_on,
                    "left_on": left_on,
                    "voluntary": voluntary,
                }
            )
            installers.add(employee_id)

    # promotions.csv
    plan["promotions"], seen = [], {}
    for line, row in rows("promotions.csv"):
        v = _Validator(parsed["promotions.csv"])
        employee_id = v.reference(line, row, "employee_id", installers, "installer")
        from_level = v.choice(line, row, "from_level", LEVEL_BY_CODE)
        to_level = v.choice(line, row, "to_level", LEVEL_BY_CODE)
        effective_on = v.date(line, row, "effective_on")
        if from_level is not None and to_level is not None and to_level <= from_level:
            parsed["promotions.csv"].error(line, "to_level", "a promotion goes to a higher level")
            continue
        key = f"{row['employee_id']}|{row['effective_on']}|{row['to_level']}"
        if not v.unique(line, {"promotion": key}, "promotion", seen):
            continue
        if all(x is not None for x in (employee_id, from_level, to_level, effective_on)):
            plan["promotions"].append(
                {
                    "line": line,
                    "employee_id": employee_id,
                    "from_level": from_level,
                    "to_level": to_level,
                    "effective_on": effective_on,
                }
            )

    # nodes.csv
    plan["nodes"], seen = [], {}
    for line, row in rows("nodes.csv"):
        v = _Validator(parsed["nodes.csv"])
        if not v.unique(line, row, "serial", seen):
            continue
        serial, site = v.required(line, row, "serial"), v.required(line, row, "site")
        if serial:
            node_serials.add(serial)
        pod = v.reference(line, row, "pod_code", pods, "pod")
        by = v.reference(line, row, "installed_by", installers, "installer", required=False)
        installed_on = v.date(line, row, "installed_on")
        if all(x is not None for x in (serial, site, pod, installed_on)) and (by or not row["installed_by"]):
            plan["nodes"].append(
                {"serial": serial, "site": site, "pod": pod, "installer": by, "installed_on": installed_on}
            )
            node_serials.add(serial)

    # installs.csv
    plan["installs"], seen = [], {}
    for line, row in rows("installs.csv"):
        v = _Validator(parsed["installs.csv"])
        if not v.unique(line, row, "install_id", seen):
            continue
        install_id, site = v.required(line, row, "install_id"), v.required(line, row, "site")
        if install_id:
            install_ids.add(install_id)
        pod = v.reference(line, row, "pod_code", pods, "pod")
        installer = v.reference(line, row, "installer", installers, "installer", required=False)
        if all(x is not None for x in (install_id, site, pod)) and (installer or not row["installer"]):
            plan["installs"].append({"external_id": install_id, "site": site, "pod": pod, "installer": installer})
            install_ids.add(install_id)

    # visits.csv
    plan["visits"], seen = [], {}
    for line, row in rows("visits.csv"):
        v = _Validator(parsed["visits.csv"])
        install_id = v.reference(line, row, "install_id", install_ids, "install")
        visited_at = v.datetime(line, row, "visited_at")
        outcome = v.choice(line, row, "outcome", {o: o for o in VisitOutcome.values})
        if (
            install_id
            and visited_at
            and not v.unique(line, {"visit": f"{install_id}|{visited_at.isoformat()}"}, "visit", seen)
        ):
            continue
        if all(x is not None for x in (install_id, visited_at, outcome)):
            plan["visits"].append({"install": install_id, "visited_at": visited_at, "outcome": outcome})

    # incidents.csv
    plan["incidents"], seen = [], {}
    for line, row in rows("incidents.csv"):
        v = _Validator(parsed["incidents.csv"])
        if not v.unique(line, row, "incident_id", seen):
            continue
        incident_id = v.required(line, row, "incident_id")
        serial = v.reference(line, row, "node_serial", node_serials, "node")
        severity = v.choice(line, row, "severity", SEVERITIES)
        opened_at = v.datetime(line, row, "opened_at")
        resolved_at = v.datetime(line, row, "resolved_at", required=False)
        if opened_at and resolved_at and resolved_at < opened_at:
            parsed["incidents.csv"].error(line, "resolved_at", "is before opened_at")
            continue
        if all(x is not None for x in (incident_id, serial, severity, opened_at)) and (
            resolved_at or not row["resolved_at"]
        ):
            plan["incidents"].append(
                {
                    "external_id": incident_id,
                    "node": serial,
                    "severity": severity,
                    "opened_at": opened_at,
                    "resolved_at": resolved_at,
                }
            )

    # audits.csv
    plan["audits"], seen = [], {}
    for line, row in rows("audits.csv"):
        v = _Validator(parsed["audits.csv"])
        if not v.unique(line, row, "audit_id", seen):
            continue
        audit_id = v.required(line, row, "audit_id")
        pod = v.reference(line, row, "pod_code", pods, "pod")
        installer = v.reference(line, row, "installer", installers, "installer", required=False)
        audited_on = v.date(line, row, "audited_on")
        passed = v.boolean(line, row, "passed")
        if all(x is not None for x in (audit_id, pod, audited_on, passed)) and (installer or not row["installer"]):
            plan["audits"].append(
                {
                    "external_id": audit_id,
                    "pod": pod,
                    "installer": installer,
                    "audited_on": audited_on,
                    "passed": passed,
                    "findings": row["findings"],
                }
            )
    return plan


@transaction.atomic
def _write(plan: dict, by) -> ImportReport:
    report = ImportReport()
    errors: list[RowError] = []
    _write_organisation(plan, report, errors, by)
    if errors:
        # Raised inside the transaction: everything written so far rolls back.
        raise ImportRefused(errors)
    pods = dict(Pod.objects.values_list("code", "pk"))
    installers = dict(Installer.objects.values_list("employee_id", "pk"))
    _upsert(
        report,
        "nodes",
        Node,
        ["serial"],
        ["site", "pod", "installer", "installed_on"],
        [
            Node(
                serial=r["serial"],
                site=r["site"],
                pod_id=pods[r["pod"]],
                installer_id=installers.get(r["installer"]),
                installed_on=r["installed_on"],
            )
            for r in plan.get("nodes", [])
        ],
    )
    _upsert(
        report,
        "installs",
        Install,
        ["external_id"],
        ["site", "pod", "installer"],
        [
            Install(
                external_id=r["external_id"],
                site=r["site"],
                pod_id=pods[r["pod"]],
                installer_id=installers.get(r["installer"]),
            )
            for r in plan.get("installs", [])
        ],
    )
    install_pks = dict(Install.objects.values_list("external_id", "pk"))
    _upsert(
        report,
        "visits",
        Visit,
        ["install", "visited_at"],
        ["outcome"],
        [
            Visit(install_id=install_pks[r["install"]], visited_at=r["visited_at"], outcome=r["outcome"])
            for r in plan.get("visits", [])
        ],
    )
    node_pks = dict(Node.objects.values_list("serial", "pk"))
    _upsert(
        report,
        "incidents",
        Incident,
        ["external_id"],
        ["node", "severity", "opened_at", "resolved_at"],
        [
            Incident(
                external_id=r["external_id"],
                node_id=node_pks[r["node"]],
                severity=r["severity"],
                opened_at=r["opened_at"],
                resolved_at=r["resolved_at"],
            )
            for r in plan.get("incidents", [])
        ],
    )
    _upsert(
        report,
        "audits",
        Audit,
        ["external_id"],
        ["pod", "installer", "audited_on", "passed", "findings"],
        [
            Audit(
                external_id=r["external_id"],
                pod_id=pods[r["pod"]],
                installer_id=installers.get(r["installer"]),
                audited_on=r["audited_on"],
                passed=r["passed"],
                findings=r["findings"],
            )
            for r in plan.get("audits", [])
        ],
    )
    for r in plan.get("nodes", []):
        report.touch(r["installed_on"])
    for r in plan.get("visits", []):
        report.touch(r["visited_at"].date())
    for r in plan.get("incidents", []):
        report.touch((r["resolved_at"] or r["opened_at"]).date())
    for r in plan.get("audits", []):
        report.touch(r["audited_on"])
    # One entry per run, in the run's transaction; the organisation's
    # services have written their own entries for each person and pod.
    audit_record_event(
        actor=by,
        action="import",
        object_type="field data import",
        object_id=timezone.now().strftime("%Y%m%dT%H%M%S.%fZ"),
        object_repr=", ".join(sorted(name for name in plan if plan[name])) or "no rows",
        changes={
            "created": dict(report.created),
            "updated": dict(report.updated),
            "unchanged": dict(report.unchanged),
        },
    )
    return report


def _upsert(report, label, model, keys, fields, objects):
    """Insert new rows and update changed ones in set-based statements; rows
    that are identical are counted as unchanged and not written."""
    if not objects:
        return
    key_of = {k: (k + "_id" if model._meta.get_field(k).is_relation else k) for k in keys}
    attr_of = {f: (f + "_id" if model._meta.get_field(f).is_relation else f) for f in fields}

    def key(obj):
        return tuple(getattr(obj, key_of[k]) for k in keys)

    existing = {}
    # Narrow by the first key column, then match whole keys in memory.
    lookup = {f"{key_of[keys[0]]}__in": {getattr(o, key_of[keys[0]]) for o in objects}}
    for row in model.objects.filter(**lookup):
        existing[key(row)] = row
    new, changed = [], []
    for obj in objects:
        current = existing.get(key(obj))
        if current is None:
            new.append(obj)
        elif any(getattr(current, attr_of[f]) != getattr(obj, attr_of[f]) for f in fields):
            obj.pk = current.pk
            changed.append(obj)
    model.objects.bulk_create(new, batch_size=2000)
    model.objects.bulk_update(changed, fields, batch_size=2000)
    report.created[label] += len(new)
    report.updated[label] += len(changed)
    report.unchanged[label] += len(objects) - len(new) - len(changed)


def _write_organisation(plan: dict, report: ImportReport, errors: list[RowError], actor) -> None:
    """Organisation rows through the organisation's services, whose rules
    (promotions only upward and in order, no promotion after leaving...) then
    apply to imports too; a refusal becomes an error of the row."""
    verticals = {v.name.lower(): v for v in Vertical.objects.all()} | {v.code: v for v in Vertical.objects.all()}
    geographies = {g.name.lower(): g for g in Geography.objects.all()} | {g.code: g for g in Geography.objects.all()}
    for row in plan.get("pods", []):
        vertical = verticals.get(row["vertical"].lower()) or verticals.get(slugify(row["vertical"]))
        if vertical is None:
            vertical = org_services.vertical_create(actor=actor, code=slugify(row["vertical"]), name=row["vertical"])
            verticals[vertical.code] = verticals[vertical.name.lower()] = vertical
        geography = geographies.get(row["geography"].lower()) or geographies.get(slugify(row["geography"]))
        if geography is None:
            geography = org_services.geography_create(
                actor=actor, code=slugify(row["geography"]), name=row["geography"]
            )
            geographies[geography.code] = geographies[geography.name.lower()] = geography
        pod = Pod.objects.filter(code=row["code"]).first()
        if pod is None:
            org_services.pod_create(
                actor=actor, code=row["code"], name=row["name"], vertical=vertical, geography=geography
            )
            report.created["pods"] += 1
        elif org_services.pod_update(actor=actor, pod=pod, name=row["name"], vertical=vertical, geography=geography):
            report.updated["pods"] += 1
        else:
            report.unchanged["pods"] += 1

    promotions_by = defaultdict(list)
    for row in plan.get("promotions", []):
        promotions_by[row["employee_id"]].append(row)
    pods = {p.code: p for p in Pod.objects.all()}
    for row in plan.get("installers", []):
        installer = Installer.objects.filter(employee_id=row["employee_id"]).first()
        if installer is None:
            first = sorted(promotions_by[row["employee_id"]], key=lambda p: p["effective_on"])
            # installers.csv holds the current level; hire at the level before any promotion in this import.
            hired_level = first[0]["from_level"] if first else row["level"]
            try:
                installer = org_services.installer_hire(
                    actor=actor,
                    employee_id=row["employee_id"],
                    name=row["name"],
                    pod=pods[row["pod"]],
                    hired_on=row["hired_on"],
                    level=Level(hired_level),
                )
            except ValidationError as exc:
                errors.append(RowError("installers.csv", row["line"], "employee_id", " ".join(exc.messages)))
                continue
            report.created["installers"] += 1
            row["created"] = True
        elif org_services.installer_update(actor=actor, installer=installer, name=row["name"], pod=pods[row["pod"]]):
            report.updated["installers"] += 1
            row["updated"] = True
        else:
            report.unchanged["installers"] += 1
        row["installer"] = installer
    refused_promotions = set()
    for employee_id, rows in promotions_by.items():
        installer = Installer.objects.filter(employee_id=employee_id).first()
        if installer is None:
            continue  # its hire was refused and reported
        for row in sorted(rows, key=lambda p: p["effective_on"]):
            if Promotion.objects.filter(
                installer=installer, effective_on=row["effective_on"], to_level=row["to_level"]
            ).exists():
                report.unchanged["promotions"] += 1
                continue
            installer.refresh_from_db()
            if installer.level != row["from_level"]:
                errors.append(
                    RowError(
                        "promotions.csv",
                        row["line"],
                        "from_level",
                        f"the installer is at {Level(installer.level).code} at that point",
                    )
                )
                refused_promotions.add(employee_id)
                break
            try:
                org_services.installer_promote(
                    actor=actor, installer=installer, to_level=row["to_level"], effective_on=row["effective_on"]
                )
            except ValidationError as exc:
                errors.append(RowError("promotions.csv", row["line"], "effective_on", " ".join(exc.messages)))
                refused_promotions.add(employee_id)
                break
            report.created["promotions"] += 1
    for row in plan.get("installers", []):
        if "installer" not in row:
            continue  # its hire was refused and reported above
        installer = Installer.objects.get(pk=row["installer"].pk)
        if row.get("created") and installer.level != row["level"] and row["employee_id"] not in refused_promotions:
            errors.append(
                RowError(
                    "installers.csv",
                    row["line"],
                    "level",
                    f"the promotions lead to {Level(installer.level).code}, not {Level(row['level']).code}",
                )
            )
        if row["left_on"] and installer.left_on is None:
            try:
                org_services.installer_separate(
                    actor=actor, installer=installer, left_on=row["left_on"], voluntary=row["voluntary"]
                )
            except ValidationError as exc:
                errors.append(RowError("installers.csv", row["line"], "left_on", " ".join(exc.messages)))
                continue
            if not row.get("updated"):
                report.updated["installers"] += 1
