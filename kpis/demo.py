"""Demo field data: 18 months of installs, visits, incidents and audits for
the demo pods, generated with a fixed seed and loaded through the importer
(the same path as a real import), plus the organisation's KPI targets."""

import csv
import datetime
import io
import random

from installer_ops.models import Installer, Pod, Stage
from onboarding.demo_consent_records import DemoInstall, seed_consent_records

from .computation import kpis_compute
from .importing import field_data_import
from .models import KpiCode, KpiTarget, Scope

MONTHS = 18
TARGETS = {
    KpiCode.MTTR: 24.0,
    KpiCode.FIRST_TIME_SUCCESS: 0.85,
    KpiCode.AUDIT_PASS_RATE: 0.9,
    KpiCode.CHURN: 0.03,
    KpiCode.PROMOTION_RATE: 0.02,
    KpiCode.BOOTCAMP_COMPLETION: 0.9,
    KpiCode.DAYS_TO_CLEARANCE: 45.0,
    KpiCode.DRILL_FIRST_PASS: 0.75,
    KpiCode.COHORT_FIRST_TIME_SUCCESS: 0.8,
    # Hiring: good candidates are gone in two to three weeks (the product's 14-20 days, its upper end).
    KpiCode.TIME_TO_HIRE: 20.0,
    KpiCode.HIRE_CLEARANCE_60D: 0.8,
    KpiCode.FIRST_YEAR_RETENTION: 0.85,
}
# Pods differ, so that the breakdown shows something: (install volume, first-visit success, MTTR scale, audit pass).
PROFILES = [
    (12, 0.9, 10, 0.95),
    (9, 0.8, 18, 0.9),
    (14, 0.86, 14, 0.92),
    (7, 0.72, 30, 0.8),
    (10, 0.84, 22, 0.88),
    (6, 0.78, 40, 0.85),
]


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def seed_field_data(today: datetime.date) -> None:
    rng = random.Random(5)  # noqa: S311 - demo data, the same every time
    start = (today.replace(day=1) - datetime.timedelta(days=31 * MONTHS)).replace(day=1)
    nodes, installs, visits, incidents, audits = [], [], [], [], []
    for index, pod in enumerate(Pod.objects.order_by("code")):
        volume, success, mttr_scale, audit_pass = PROFILES[index % len(PROFILES)]
        people = list(
            Installer.objects.filter(pod=pod, stage__in=[Stage.CLEARED, Stage.LEFT]).values_list(
                "employee_id", flat=True
            )
        ) or [""]
        day = start
        while day <= today:
            improving = (day - start).days / 540  # the bootcamp pays off: success creeps up over time
            for _ in range(rng.randint(volume - 3, volume + 3)):
                first = datetime.datetime.combine(
                    day + datetime.timedelta(days=rng.randint(0, 27)),
                    datetime.time(8 + rng.randint(0, 9)),
                    tzinfo=datetime.UTC,
                )
                if first.date() > today:
                    continue
                install_id = f"{pod.code}-I{len(installs) + 1:05d}"
                who = rng.choice(people)
                installs.append([install_id, f"{pod.name} site {rng.randint(1, 60)}", pod.code, who])
                roll = rng.random()
                outcome = "success" if roll < success + 0.05 * improving else "partial" if roll < 0.93 else "failed"
                visits.append([install_id, first.isoformat(), outcome])
                if outcome != "success" or rng.random() < 0.05:
                    again = first + datetime.timedelta(days=rng.choice([2, 5, 9, 13, 16]))
                    if again.date() <= today:
                        visits.append([install_id, again.isoformat(), "success"])
                serial = f"EDGE-{pod.code[:4].upper()}-{len(nodes) + 1:05d}"
                nodes.append([serial, installs[-1][1], pod.code, who, first.date().isoformat()])
            for _ in range(rng.randint(2, 6)):
                opened = datetime.datetime.combine(
                    day + datetime.timedelta(days=rng.randint(0, 27)),
                    datetime.time(rng.randint(0, 23)),
                    tzinfo=datetime.UTC,
                )
                if opened.date() > today or not nodes:
                    continue
                hours = rng.lognormvariate(0, 0.8) * mttr_scale * (1 - 0.3 * improving)
                resolved = opened + datetime.timedelta(hours=hours)
                open_still = resolved.date() > today or rng.random() < 0.02
                incidents.append(
                    [
                        f"INC-{len(incidents) + 1:06d}",
                        rng.choice(nodes[-60:])[0],
                        rng.choice(["sev2", "sev3", "sev3", "sev4"]),
                        opened.isoformat(),
                        "" if open_still else resolved.isoformat(),
                    ]
                )
            for _ in range(rng.randint(1, 3)):
                audited = day + datetime.timedelta(days=rng.randint(0, 27))
                if audited > today:
                    continue
                passed = rng.random() < audit_pass
                audits.append(
                    [
                        f"AUD-{len(audits) + 1:05d}",
                        pod.code,
                        rng.choice(people),
                        audited.isoformat(),
                        "true" if passed else "false",
                        "" if passed else "Consent signage missing at one entrance",
                    ]
                )
            day = (day + datetime.timedelta(days=32)).replace(day=1)
    # The tablets sent the sites' consent records before the field data was imported.
    first_visits: dict[str, str] = {}
    for install_id, visited_at, _outcome in visits:
        first_visits.setdefault(install_id, visited_at)
    seed_consent_records(
        [
            DemoInstall(install_id, site, who, datetime.datetime.fromisoformat(first_visits[install_id]))
            for install_id, site, _pod, who in installs
            if who
        ]
    )
    field_data_import(
        actor=None,
        files={
            "nodes.csv": _csv(["serial", "site", "pod_code", "installed_by", "installed_on"], nodes),
            "installs.csv": _csv(["install_id", "site", "pod_code", "installer"], installs),
            "visits.csv": _csv(["install_id", "visited_at", "outcome"], visits),
            "incidents.csv": _csv(["incident_id", "node_serial", "severity", "opened_at", "resolved_at"], incidents),
            "audits.csv": _csv(["audit_id", "pod_code", "installer", "audited_on", "passed", "findings"], audits),
        },
    )
    for kpi, target in TARGETS.items():
        KpiTarget.objects.update_or_create(kpi=kpi, scope=Scope.ORG, scope_id=0, defaults={"target": target})
    # The whole history, now (the import's own job covers the touched periods too).
    kpis_compute(since=start, until=today)
