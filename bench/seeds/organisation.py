"""An organisation of any size for bench/pages.py, the same in every pod:
25 installers at every stage of the lifecycle, two cohorts (one finished,
one running with items awaiting sign-off and photos), day-1 kits (one to
reprint), shadow weeks, drills, clearances (some expiring, some recent),
field data for the KPIs, and snapshots computed by kpis_compute. Only
the number of pods changes, so that one pod and 200 pods compare.

Written with bulk_create in a fixed number of statements per table; the
reference data (documents, profile, scenarios, program) goes through the
services as the demo's does."""

import datetime
import uuid
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from bootcamp import services as bootcamp_services
from bootcamp.models import Cohort, Enrollment, ItemState, Program
from installer_ops.models import (
    AuditEntry,
    Geography,
    Installer,
    Level,
    Pod,
    PodMembership,
    PodRole,
    Stage,
    User,
    Vertical,
)
from installer_ops.roles import Role
from kpis.models import Audit, Install, Visit, VisitOutcome
from onboarding.demo import load_reference_data
from onboarding.models import Clearance, Day1Kit, DrillOutcome, DrillScenario, OutageDrill, ShadowAssignment, ShadowDay

# Each pod's 25 installers, by stage: the shares of a pod some years old.
STAGES = [Stage.CLEARED] * 12 + [Stage.ONBOARDING] * 4 + [Stage.BOOTCAMP] * 5 + [Stage.HIRED] * 2 + [Stage.LEFT] * 2
MODULES = [
    {
        "title": f"Module {m}",
        "first_day": m,
        "last_day": m,
        "items": [{"title": f"Task {m}.{i}", "kind": "task"} for i in range(1, 3)]
        + [
            {"title": f"Practical {m}.1", "kind": "practical", "needs_signoff": True, "needs_evidence": True},
            {"title": f"Practical {m}.2", "kind": "practical", "needs_signoff": True},
        ],
    }
    for m in range(1, 4)
]
UNUSABLE = make_password(None)  # nobody logs in with a password here: the bench logs in with force_login
MONTHS = 13  # field data and snapshots: the dashboard's trend of 12 complete months and the running one


@dataclass
class Seeded:
    admin: User
    executive: User
    lead: User  # the lead of the first pod: 25 installers, as every pod
    pods: int
    installers: int
    cohorts: int


def _groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def _users(names: list[str], groups: dict, role: Role, **extra) -> list[User]:
    users = User.objects.bulk_create(
        [
            User(username=n, name=n.replace("-", " ").title(), email=f"{n}@example.com", password=UNUSABLE, **extra)
            for n in names
        ]
    )
    User.groups.through.objects.bulk_create([User.groups.through(user=u, group=groups[role]) for u in users])
    return users


def _program():
    program, created = Program.objects.get_or_create(code="bench-bootcamp", defaults={"title": "Bench bootcamp"})
    if not created:
        version = program.versions.get()
        return version, [
            item for module in version.modules.order_by("position") for item in module.items.order_by("position")
        ]
    version = bootcamp_services.program_version_create(actor=None, program=program, working_days=5, modules=MODULES)
    version = bootcamp_services.program_version_publish(actor=None, version=version) or version
    items = [item for module in version.modules.order_by("position") for item in module.items.order_by("position")]
    return version, items


@transaction.atomic
def seed(pods: int, today: datetime.date, first: int = 0) -> Seeded:
    """`pods` pods numbered from `first`: a second call with `first` past
    the pods of the first adds pods to the same organisation."""
    now = timezone.now()
    groups = _groups()
    admin = (
        User.objects.filter(username="bench-admin").first()
        or _users(["bench-admin"], groups, Role.ADMIN, is_staff=True, is_superuser=True)[0]
    )
    executive = (
        User.objects.filter(username="bench-executive").first()
        or _users(["bench-executive"], groups, Role.EXECUTIVE)[0]
    )
    numbers = range(first, first + pods)
    geographies = [
        Geography.objects.get_or_create(code=f"geo-{g}", defaults={"name": f"Geography {g}"})[0]
        for g in range(min(8, first + pods))
    ]
    verticals = [
        Vertical.objects.get_or_create(code=f"v-{v}", defaults={"name": f"Vertical {v}"})[0]
        for v in range(min(5, first + pods))
    ]
    pod_rows = Pod.objects.bulk_create(
        [
            Pod(code=f"pod-{p:03d}", name=f"Pod {p:03d}", geography=geographies[p % 8], vertical=verticals[p % 5])
            for p in numbers
        ]
    )
    leads = _users([f"lead-{p:03d}" for p in numbers], groups, Role.LEAD)
    PodMembership.objects.bulk_create(
        [
            PodMembership(
                pod=pod, user=lead, role=PodRole.INSTALLER_LEAD, started_on=today - datetime.timedelta(days=900)
            )
            for pod, lead in zip(pod_rows, leads, strict=True)
        ]
    )
    people = _users([f"installer-{p:03d}-{i:02d}" for p in numbers for i in range(len(STAGES))], groups, Role.INSTALLER)
    installers = []
    for n, (p, pod) in enumerate(zip(numbers, pod_rows, strict=True)):
        for i, stage in enumerate(STAGES):
            hired = today - datetime.timedelta(
                days={Stage.CLEARED: 200 + 20 * i, Stage.LEFT: 400}.get(stage, 120 if stage == Stage.ONBOARDING else 10)
            )
            left = stage == Stage.LEFT
            installers.append(
                Installer(
                    user=people[n * len(STAGES) + i],
                    employee_id=f"E{p:03d}{i:02d}",
                    pod=pod,
                    level=Level.INSTALLER_2 if stage == Stage.CLEARED and i % 3 == 0 else Level.INSTALLER_1,
                    stage=stage,
                    hired_on=hired,
                    left_on=today - datetime.timedelta(days=20 + 30 * (i % 2) + p % 200) if left else None,
                    left_voluntarily=(i % 2 == 0) if left else None,
                )
            )
    installers = Installer.objects.bulk_create(installers)
    by_pod = [installers[p * len(STAGES) : (p + 1) * len(STAGES)] for p in range(pods)]

    profile, (runbook, playbook) = load_reference_data()
    scenario = DrillScenario.objects.order_by("pk").first()
    version, items = _program()

    cohorts, enrollments = _cohorts(pod_rows, leads, by_pod, version, today)
    _item_states(enrollments, items, now)
    _onboarding(numbers, by_pod, leads, profile, runbook, playbook, scenario, now, today)
    _field_data(numbers, pod_rows, by_pod, today)
    return Seeded(admin, executive, leads[0], pods, len(installers), cohorts)


def _cohorts(pods, leads, by_pod, version, today):
    """A finished cohort (those now past bootcamp) and a running one per pod."""
    rows = []
    for pod, lead in zip(pods, leads, strict=True):
        rows.append(
            Cohort(
                name=f"{pod.name} spring",
                program_version=version,
                start_on=today - datetime.timedelta(days=150),
                lead=lead,
                capacity=25,
            )
        )
        rows.append(
            Cohort(
                name=f"{pod.name} autumn",
                program_version=version,
                start_on=today - datetime.timedelta(days=2),
                lead=lead,
                capacity=25,
            )
        )
    cohorts = Cohort.objects.bulk_create(rows)
    Cohort.pods.through.objects.bulk_create(
        [Cohort.pods.through(cohort=c, pod=pods[n // 2]) for n, c in enumerate(cohorts)]
    )
    enrollments = []
    for p, people in enumerate(by_pod):
        done, running = cohorts[2 * p], cohorts[2 * p + 1]
        for installer in people:
            if installer.stage in (Stage.CLEARED, Stage.ONBOARDING, Stage.LEFT):
                enrollments.append((Enrollment(cohort=done, installer=installer), True))
            elif installer.stage == Stage.BOOTCAMP:
                enrollments.append((Enrollment(cohort=running, installer=installer), False))
    created = Enrollment.objects.bulk_create([e for e, _finished in enrollments])
    return len(cohorts), list(zip(created, [f for _e, f in enrollments], strict=True))


def _item_states(enrollments, items, now):
    """Finished cohorts: every item done. Running ones: the first module's
    items checked, its practicals awaiting sign-off, one photo still on
    the tablet for every other installer."""
    states = []
    for n, (enrollment, finished) in enumerate(enrollments):
        for position, item in enumerate(items):
            checked = finished or position < 4
            photo = checked and (finished or not item.needs_evidence or n % 2 == 0)
            states.append(
                ItemState(
                    enrollment=enrollment,
                    item=item,
                    checked=checked,
                    signed_off=checked and item.needs_signoff and finished,
                    changed_at=now if checked else None,
                    checked_event=uuid.uuid4() if checked else None,
                    evidence_received=photo and item.needs_evidence,
                )
            )
    ItemState.objects.bulk_create(states, batch_size=5000)


def _onboarding(numbers, by_pod, leads, profile, runbook, playbook, scenario, now, today):
    day = datetime.timedelta(days=1)
    kits, assignments, days, drills, clearances, entries = [], [], [], [], [], []
    for p, people, lead in zip(numbers, by_pod, leads, strict=True):
        mentor = people[0]
        for i, installer in enumerate(people):
            stage = installer.stage
            if stage == Stage.CLEARED:
                # One clearance in four within the month of its end; two of twelve in the last 30 days.
                ago = 345 if i % 4 == 1 else (10 + i if i in (2, 3) else 40 + 25 * i)
                cleared_at = now - ago * day
                clearances.append(
                    Clearance(
                        installer=installer,
                        cleared_by=lead,
                        cleared_at=cleared_at,
                        valid_until=(cleared_at + 365 * day).date(),
                    )
                )
                drills.append(
                    OutageDrill(
                        installer=installer,
                        scenario=scenario,
                        scheduled_for=cleared_at - 3 * day,
                        run_by=lead,
                        outcome=DrillOutcome.PASSED,
                        attempt=1,
                        minutes_to_recover=25,
                        completed_at=cleared_at - 3 * day,
                    )
                )
            kit_at = {Stage.CLEARED: now - 300 * day, Stage.ONBOARDING: now - 20 * day}.get(stage)
            if stage == Stage.BOOTCAMP and i == 16:
                kit_at = now - day  # a kit issued early
            if kit_at is not None and not (stage == Stage.ONBOARDING and i == 15):
                acknowledged = kit_at + day if stage != Stage.ONBOARDING or i < 14 else None
                kits.append(
                    Day1Kit(
                        installer=installer,
                        device_serial=f"DEV-{p:03d}-{i:02d}",
                        profile=profile,
                        runbook_version=runbook,
                        playbook_version=playbook,
                        issued_by=lead,
                        issued_at=kit_at,
                        runbook_acknowledged_at=acknowledged,
                        playbook_acknowledged_at=acknowledged,
                        reprint_needed_since=now - day if i == 4 else None,
                    )
                )
            if stage == Stage.ONBOARDING:
                entries.append(
                    AuditEntry(
                        actor=lead,
                        source=AuditEntry.Source.PAGE,
                        action="advance stage",
                        object_type="installer",
                        object_id=str(installer.pk),
                        object_repr=str(installer.employee_id),
                        changes={"stage": [Stage.BOOTCAMP, Stage.ONBOARDING]},
                    )
                )
                assignment = ShadowAssignment(installer=installer, mentor=mentor, assigned_by=lead)
                assignments.append(assignment)
                confirmed = (5, 5, 3, 0)[i - 12]
                for d in range(confirmed + 1):  # and one day not confirmed yet
                    days.append(
                        (
                            assignment,
                            ShadowDay(
                                day=today - (10 - d) * day,
                                site=f"Site {p}-{d}",
                                confirmed_at=now - (9 - d) * day if d < confirmed else None,
                            ),
                        )
                    )
                if i == 12:
                    drills.append(
                        OutageDrill(
                            installer=installer, scenario=scenario, scheduled_for=now + (p % 5 - 2) * day, run_by=lead
                        )
                    )
                if i == 13:
                    drills.append(
                        OutageDrill(
                            installer=installer,
                            scenario=scenario,
                            scheduled_for=now - 4 * day,
                            run_by=lead,
                            outcome=DrillOutcome.FAILED,
                            attempt=1,
                            minutes_to_recover=90,
                            completed_at=now - 4 * day,
                        )
                    )
    Day1Kit.objects.bulk_create(kits)
    ShadowAssignment.objects.bulk_create(assignments)
    for assignment, shadow_day in days:
        shadow_day.assignment = assignment
    ShadowDay.objects.bulk_create([d for _a, d in days])
    OutageDrill.objects.bulk_create(drills)
    Clearance.objects.bulk_create(clearances)
    AuditEntry.objects.bulk_create(entries)


def _field_data(numbers, pods, by_pod, today):
    """Per pod and month: four audits and six installs with a first visit (one revisited)."""
    first = (today.replace(day=1) - datetime.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    audits, installs, visits = [], [], []
    for p, pod, people in zip(numbers, pods, by_pod, strict=True):
        month = first
        for _m in range(MONTHS):
            for k in range(4):
                audits.append(
                    Audit(
                        external_id=f"A-{p}-{month:%Y%m}-{k}",
                        pod=pod,
                        installer=people[k],
                        audited_on=month + datetime.timedelta(days=3 + k),
                        passed=k != 3,
                    )
                )
            for k in range(6):
                install = Install(external_id=f"I-{p}-{month:%Y%m}-{k}", site=f"Site {k}", pod=pod, installer=people[k])
                installs.append(install)
                at = timezone.make_aware(
                    datetime.datetime.combine(month + datetime.timedelta(days=2 + k), datetime.time(10))
                )
                visits.append((install, Visit(visited_at=at, outcome=VisitOutcome.SUCCESS)))
                if k == 5:
                    visits.append(
                        (install, Visit(visited_at=at + datetime.timedelta(days=3), outcome=VisitOutcome.SUCCESS))
                    )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
            if month > today:
                break
    Audit.objects.bulk_create(audits, batch_size=5000)
    Install.objects.bulk_create(installs, batch_size=5000)
    for install, visit in visits:
        visit.install = install
    Visit.objects.bulk_create([v for _i, v in visits], batch_size=5000)
