"""The second step of an import: the validated plan written in one
transaction. Organisation rows go through the organisation's services (whose
rules then apply to imports too; a refusal becomes an error of the row);
field rows are written as set-based upserts keyed by their ids."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from installer_ops import services as org_services
from installer_ops.audit import audit_record_event
from installer_ops.models import Geography, Installer, Level, Pod, Promotion, Vertical

from .import_format import ImportRefused, ImportReport, RowError
from .import_hiring_writes import write_hiring
from .models import Audit, Incident, Install, Node, Visit
from .periods import kpi_zone
from .rebuild_parts import CONSENT_PART, FIRST_VISITS_PART, INCIDENTS_PART, PEOPLE_PART


@transaction.atomic
def write_plan(plan: dict, *, actor) -> ImportReport:
    report = ImportReport()
    errors: list[RowError] = []
    _write_organisation(plan, report, errors, actor)
    if not errors:
        write_hiring(plan, report, errors, actor)
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
    install_changes = _upsert(
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
    install_pks = _pks(Install, "external_id", {r["install"] for r in plan.get("visits", [])})
    # An install moved to another pod moves its first visit's figures.
    moved_installs = {old.pk for old, new in install_changes if old is not None and old.pod_id != new.pod_id}
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
    node_pks = _pks(Node, "serial", {r["node"] for r in plan.get("incidents", [])})
    incident_changes = _upsert(
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
    # A file without the consent_record column leaves its audits' consent records as they are.
    audit_changes = []
    for with_consent in (False, True):
        audit_changes += _upsert(
            report,
            "audits",
            Audit,
            ["external_id"],
            ["pod", "installer", "audited_on", "passed", "findings", *(["consent_record"] if with_consent else [])],
            [
                Audit(
                    external_id=r["external_id"],
                    pod_id=pods[r["pod"]],
                    installer_id=installers.get(r["installer"]),
                    audited_on=r["audited_on"],
                    passed=r["passed"],
                    findings=r["findings"],
                    consent_record_id=r.get("consent_record"),
                )
                for r in plan.get("audits", [])
                if ("consent_record" in r) == with_consent
            ],
        )
    for r in plan.get("nodes", []):
        report.touch(r["installed_on"], INCIDENTS_PART)  # a node's pod is its incidents' scope
    _touch_visits(report, {install_pks[r["install"]] for r in plan.get("visits", [])} | moved_installs)
    for old, new in incident_changes:
        for incident in filter(None, (old, new)):
            report.touch_span(
                _local_day(incident.opened_at), _local_day(incident.resolved_at or timezone.now()), INCIDENTS_PART
            )
    for old, new in audit_changes:
        for audit in filter(None, (old, new)):
            report.touch(audit.audited_on, PEOPLE_PART)
    # One entry per run, in the run's transaction; the organisation's
    # services have written their own entries for each person and pod.
    audit_record_event(
        actor=actor,
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
    that are identical are counted as unchanged and not written. Returns
    (stored row before, row written) for each row written (None before: new)."""
    if not objects:
        return []
    key_of = {k: (k + "_id" if model._meta.get_field(k).is_relation else k) for k in keys}
    attr_of = {f: (f + "_id" if model._meta.get_field(f).is_relation else f) for f in fields}

    def key(obj):
        return tuple(getattr(obj, key_of[k]) for k in keys)

    existing = {}
    # Narrow by the first key column, then match whole keys in memory.
    lookup = {f"{key_of[keys[0]]}__in": {getattr(o, key_of[keys[0]]) for o in objects}}
    for row in model.objects.filter(**lookup):
        existing[key(row)] = row
    new, changed, written = [], [], []
    for obj in objects:
        current = existing.get(key(obj))
        if current is None:
            new.append(obj)
            written.append((None, obj))
        elif any(getattr(current, attr_of[f]) != getattr(obj, attr_of[f]) for f in fields):
            obj.pk = current.pk
            changed.append(obj)
            written.append((current, obj))
    model.objects.bulk_create(new, batch_size=2000)
    model.objects.bulk_update(changed, fields, batch_size=2000)
    report.created[label] += len(new)
    report.updated[label] += len(changed)
    report.unchanged[label] += len(objects) - len(new) - len(changed)
    return written


def _write_pod(row: dict, report: ImportReport, verticals: dict, geographies: dict, actor) -> None:
    vertical = verticals.get(row["vertical"].lower()) or verticals.get(slugify(row["vertical"]))
    if vertical is None:
        vertical = org_services.vertical_create(actor=actor, code=slugify(row["vertical"]), name=row["vertical"])
        verticals[vertical.code] = verticals[vertical.name.lower()] = vertical
    geography = geographies.get(row["geography"].lower()) or geographies.get(slugify(row["geography"]))
    if geography is None:
        geography = org_services.geography_create(actor=actor, code=slugify(row["geography"]), name=row["geography"])
        geographies[geography.code] = geographies[geography.name.lower()] = geography
    pod = Pod.objects.filter(code=row["code"]).first()
    if pod is None:
        org_services.pod_create(actor=actor, code=row["code"], name=row["name"], vertical=vertical, geography=geography)
        report.created["pods"] += 1
    elif org_services.pod_update(actor=actor, pod=pod, name=row["name"], vertical=vertical, geography=geography):
        report.updated["pods"] += 1
    else:
        report.unchanged["pods"] += 1


def _write_organisation(plan: dict, report: ImportReport, errors: list[RowError], actor) -> None:
    """Organisation rows through the organisation's services, whose rules
    (promotions only upward and in order, no promotion after leaving...) then
    apply to imports too; a refusal becomes an error of the row."""
    verticals = {v.name.lower(): v for v in Vertical.objects.all()} | {v.code: v for v in Vertical.objects.all()}
    geographies = {g.name.lower(): g for g in Geography.objects.all()} | {g.code: g for g in Geography.objects.all()}
    for row in plan.get("pods", []):
        # The validation checked what the services check; should a service
        # still refuse, the refusal is this row's error, never a crash.
        try:
            _write_pod(row, report, verticals, geographies, actor)
        except ValidationError as exc:
            errors.append(RowError("pods.csv", row["line"], "code", " ".join(exc.messages)))
    if errors:
        return  # the installers would name a pod that is not there; the import is refused anyway

    promotions_by = defaultdict(list)
    for row in plan.get("promotions", []):
        promotions_by[row["employee_id"]].append(row)
    pods = {p.code: p for p in Pod.objects.all()}
    # The installers the file names, read once (not a query per row).
    named = {row["employee_id"] for row in plan.get("installers", [])} | set(promotions_by)
    existing = Installer.objects.select_related("user", "pod").in_bulk(named, field_name="employee_id")
    for row in plan.get("installers", []):
        installer = existing.get(row["employee_id"])
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
        else:
            try:
                updated = org_services.installer_update(
                    actor=actor, installer=installer, name=row["name"], pod=pods[row["pod"]]
                )
            except ValidationError as exc:
                errors.append(RowError("installers.csv", row["line"], "name", " ".join(exc.messages)))
                continue
            if updated:
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
    # As they are now that hires and promotions are written: one read.
    current = Installer.objects.select_related("user").in_bulk(
        [row["installer"].pk for row in plan.get("installers", []) if "installer" in row]
    )
    for row in plan.get("installers", []):
        if "installer" not in row:
            continue  # its hire was refused and reported above
        installer = current[row["installer"].pk]
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


def _pks(model, field: str, named: set) -> dict:
    """{value of `field`: pk} for the rows named: never every row of a table a million long."""
    named, found = sorted(named), {}
    for start in range(0, len(named), 1000):
        chunk = named[start : start + 1000]
        found.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "pk"))
    return found


def _local_day(instant) -> datetime.date:
    return timezone.localtime(instant, kpi_zone()).date()


def _touch_visits(report: ImportReport, install_ids: set) -> None:
    """The days of the first two visits of the installs a row touched: the
    install's figures count in its first visit's period, and a new visit
    changes only which visit is first (the old first is then the second) or
    whether the first needed a revisit. A later visit's own day holds none
    of the install's figures."""
    ids = sorted(install_ids)
    for start in range(0, len(ids), 1000):
        visits = (
            Visit.objects.filter(install_id__in=ids[start : start + 1000])
            .order_by("install_id", "visited_at")
            .values_list("install_id", "visited_at")
        )
        seen: dict = defaultdict(int)
        for install_id, visited_at in visits:
            seen[install_id] += 1
            if seen[install_id] <= 2:
                report.touch(_local_day(visited_at), FIRST_VISITS_PART, CONSENT_PART)
