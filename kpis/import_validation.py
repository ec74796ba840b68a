"""The first step of an import: every row of every file validated and
resolved against the database and the other files, before anything is
written. Returns the plan of what to write; errors are collected, not raised."""

import datetime

from django.utils.text import slugify

from installer_ops.models import CODE_BY_LEVEL, LEVEL_BY_CODE, Geography, Installer, Level, Pod, Vertical
from onboarding.models import ConsentRecord

from .import_format import SEVERITIES, Rows, Validator, parse_uuid, shown
from .import_hiring import validate_hiring
from .models import Install, Node, VisitOutcome


def validate_rows(parsed: dict[str, Rows]) -> dict:
    plan: dict = {}

    def rows(name):
        return parsed[name].rows if name in parsed else []

    pods = set(Pod.objects.values_list("code", flat=True))
    installers = set(Installer.objects.values_list("employee_id", flat=True))
    # Only the nodes and installs the files name: at a million installs,
    # loading every id would cost an import of ten rows seconds.
    node_serials = existing(Node, "serial", {row.get("serial") for _, row in rows("nodes.csv")})
    node_serials |= existing(Node, "serial", {row.get("node_serial") for _, row in rows("incidents.csv")})
    install_ids = existing(
        Install, "external_id", {row.get("install_id") for _, row in [*rows("installs.csv"), *rows("visits.csv")]}
    )

    # pods.csv
    plan["pods"], seen = [], {}
    # A vertical or geography is matched by name (any case) or code, else
    # created with its name as code (kpis/import_writes.py): that code must fit.
    groups = (
        {"vertical": (Vertical, _names_and_codes(Vertical)), "geography": (Geography, _names_and_codes(Geography))}
        if rows("pods.csv")
        else {}
    )
    for line, row in rows("pods.csv"):
        v = Validator(parsed["pods.csv"])
        if not v.unique(line, row, "code", seen):
            continue
        code, name = v.required(line, row, "code"), v.required(line, row, "name")
        if code:
            pods.add(code)  # known from here on, so that a bad column is reported once, not in every file
        vertical, geography = v.required(line, row, "vertical"), v.required(line, row, "geography")
        new_codes_fit = True
        for column, value in (("vertical", vertical), ("geography", geography)):
            model, known = groups[column]
            if value and (problem := _new_code_problem(value, model, known)):
                parsed["pods.csv"].error(line, column, f"“{shown(value)}” {problem}")
                new_codes_fit = False
        if code and slugify(code) != code:
            parsed["pods.csv"].error(line, "code", f"“{shown(code)}” is not a code (lower case, digits, hyphens)")
        elif all([code, name, vertical, geography]) and new_codes_fit:
            plan["pods"].append(
                {"line": line, "code": code, "name": name, "vertical": vertical, "geography": geography}
            )
            pods.add(code)

    # installers.csv
    plan["installers"], seen = [], {}
    for line, row in rows("installers.csv"):
        v = Validator(parsed["installers.csv"])
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
        v = Validator(parsed["promotions.csv"])
        employee_id = v.reference(line, row, "employee_id", installers, "installer")
        from_level = v.choice(line, row, "from_level", LEVEL_BY_CODE)
        to_level = v.choice(line, row, "to_level", LEVEL_BY_CODE)
        effective_on = v.date(line, row, "effective_on")
        if from_level is not None and to_level is not None and to_level <= from_level:
            parsed["promotions.csv"].error(line, "to_level", "a promotion goes to a higher level")
            continue
        if all(x is not None for x in (employee_id, to_level, effective_on)) and not v.once(
            line,
            "effective_on",
            (employee_id, effective_on, to_level),
            seen,
            f"promotion of “{shown(employee_id)}” to {CODE_BY_LEVEL[Level(to_level)]} on {effective_on}",
        ):
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
        v = Validator(parsed["nodes.csv"])
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
        v = Validator(parsed["installs.csv"])
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
        v = Validator(parsed["visits.csv"])
        install_id = v.reference(line, row, "install_id", install_ids, "install")
        visited_at = v.datetime(line, row, "visited_at")
        outcome = v.choice(line, row, "outcome", {o: o for o in VisitOutcome.values})
        # One visit per install and instant, whatever the offset it is written with.
        instant = visited_at.astimezone(datetime.UTC) if visited_at else None
        if (
            install_id
            and instant
            and not v.once(
                line,
                "visited_at",
                (install_id, instant),
                seen,
                f"visit of “{shown(install_id)}” at {instant.isoformat()}",
            )
        ):
            continue
        if all(x is not None for x in (install_id, visited_at, outcome)):
            plan["visits"].append({"install": install_id, "visited_at": visited_at, "outcome": outcome})

    # incidents.csv
    plan["incidents"], seen = [], {}
    for line, row in rows("incidents.csv"):
        v = Validator(parsed["incidents.csv"])
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

    # audits.csv; without its consent_record column, the stored links are left as they are.
    plan["audits"], seen = [], {}
    with_consent = "consent_record" in parsed["audits.csv"].header if "audits.csv" in parsed else False
    consent_records = _consent_records_named(rows("audits.csv")) if with_consent else set()
    for line, row in rows("audits.csv"):
        v = Validator(parsed["audits.csv"])
        if not v.unique(line, row, "audit_id", seen):
            continue
        audit_id = v.required(line, row, "audit_id")
        pod = v.reference(line, row, "pod_code", pods, "pod")
        installer = v.reference(line, row, "installer", installers, "installer", required=False)
        audited_on = v.date(line, row, "audited_on")
        passed = v.boolean(line, row, "passed")
        consent = v.uuid(line, row, "consent_record", required=False)
        if consent is not None and consent not in consent_records:
            parsed["audits.csv"].error(line, "consent_record", f"unknown consent record “{row['consent_record']}”")
            consent = None
        if (
            all(x is not None for x in (audit_id, pod, audited_on, passed))
            and (installer or not row["installer"])
            and (consent is not None or not row["consent_record"])
        ):
            audit = {
                "external_id": audit_id,
                "pod": pod,
                "installer": installer,
                "audited_on": audited_on,
                "passed": passed,
                "findings": row["findings"],
            }
            if with_consent:
                audit["consent_record"] = consent
            plan["audits"].append(audit)

    # candidates.csv, scorecards.csv
    validate_hiring(parsed, plan)
    return plan


def _consent_records_named(audit_rows) -> set:
    """The ids of the consent records that exist among those the rows name: one query per thousand."""
    named = list({parsed for _line, row in audit_rows if (parsed := parse_uuid(row["consent_record"]))})
    found = set()
    for start in range(0, len(named), 1000):
        found.update(ConsentRecord.objects.filter(pk__in=named[start : start + 1000]).values_list("pk", flat=True))
    return found


def _names_and_codes(model) -> set[str]:
    """What a vertical or geography of pods.csv is matched against: names (lower case) and codes."""
    return {name.lower() for name in model.objects.values_list("name", flat=True)} | set(
        model.objects.values_list("code", flat=True)
    )


def _new_code_problem(value: str, model, known: set[str]) -> str | None:
    """Why `value`, which names no existing row, makes no code for a new one, or None.
    A new one becomes known, so that the next row naming it matches it as the writes will."""
    if value.lower() in known or slugify(value) in known:
        return None
    code, limit = slugify(value), model._meta.get_field("code").max_length
    if not code:
        return "makes no code (letters a-z, digits); name an existing one by its code"
    if len(code) > limit:
        return f"makes a code longer than {limit} characters; name an existing one by its code"
    known.update({value.lower(), code})
    return None


def existing(model, field: str, named) -> set:
    """The values of `field` among `named` that rows of `model` hold, asked in chunks (SQLite's parameter limit)."""
    named = sorted(value for value in named if value)
    found = set()
    for start in range(0, len(named), 1000):
        chunk = named[start : start + 1000]
        found.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return found
