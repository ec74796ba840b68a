"""Demo cohorts (fixtures/demo_bootcamp.json): the default program, a later
revision of it, and cohorts in every state whose check-offs enter through the
same sync service as a tablet's."""

import datetime
import json
import random
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from installer_ops.demo import DemoOrganisation
from installer_ops.models import PodRole, Stage
from installer_ops.sync import sync_batch_apply

from . import services
from .calendar import nth_working_day
from .demo_photos import demo_photos_store
from .models import Cohort, ProgramVersion
from .selectors import version_outlines

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_bootcamp.json"
PROGRAM = Path(settings.BASE_DIR) / "fixtures" / "program_default.json"
REJECTION = "The certificate chain was not verified before enrolment: redo it with the lead watching."


def load_default_program() -> ProgramVersion:
    return services.program_load(actor=None, **json.loads(PROGRAM.read_text(encoding="utf-8")))


def seed_bootcamp(organisation: DemoOrganisation, today: datetime.date) -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    rng = random.Random(7)  # noqa: S311 - demo data, the same every time, not security
    first = load_default_program()
    spec = services.program_version_spec(first)
    revision = data["revision"]
    spec["modules"][revision["module"] - 1]["items"].append(revision["add_item"])
    for change in revision.get("change_items", []):
        items = spec["modules"][change["module"] - 1]["items"]
        next(item for item in items if item["title"] == change["title"]).update(change["set"])
    latest = services.program_version_publish(
        actor=None, version=services.program_version_revise(actor=None, version=first, **spec)
    )
    for cohort_spec in data["cohorts"]:
        start_on = _start_on(today, cohort_spec)
        cohort = services.cohort_create(
            actor=None,
            name=f"{cohort_spec['region']} {start_on:%B %Y}",
            program_version=first if cohort_spec.get("version") == 1 else latest,
            start_on=start_on,
            lead=organisation.users[cohort_spec["lead"]],
            pods=[organisation.pods[code] for code in cohort_spec["pods"]],
            capacity=12,
        )
        installers = [
            installer
            for employee_id, installer in organisation.installers.items()
            if organisation.target_stages[employee_id] == cohort_spec["stage"]
            and installer.pod.code in cohort_spec["pods"]
        ]
        enrollments = services.enrollment_bulk_create(
            actor=None, cohort=cohort, installers=installers[: cohort_spec.get("limit", len(installers))]
        )
        if cohort_spec["progress"] != "none":
            for enrollment in enrollments:
                _work_through(cohort, enrollment, today, complete=cohort_spec["progress"] == "complete", rng=rng)
    _seed_graduates(organisation, first, today, rng, data["cohorts"])


def _seed_graduates(
    organisation: DemoOrganisation, version: ProgramVersion, today: datetime.date, rng, cohort_specs: list[dict]
) -> None:
    """Past cohorts of the installers now cleared, so that the dashboard can
    compare cohorts: per geography, hires within two months of each other
    went through one cohort starting after the last of them was hired."""
    graduates = sorted(
        (
            installer
            for employee_id, installer in organisation.installers.items()
            if organisation.target_stages[employee_id] == Stage.CLEARED
        ),
        key=lambda i: (i.pod.geography.name, i.hired_on, i.employee_id),
    )
    groups: list[list] = []
    for installer in graduates:
        group = groups[-1] if groups else None
        if (
            group
            and group[0].pod.geography_id == installer.pod.geography_id
            and (installer.hired_on - group[0].hired_on).days <= 60
        ):
            group.append(installer)
        else:
            groups.append([installer])
    # Each geography's past cohorts were led by the lead of its current ones.
    leads = {organisation.pods[spec["pods"][0]].geography_id: organisation.users[spec["lead"]] for spec in cohort_specs}
    for group in groups:
        start_on = nth_working_day(group[-1].hired_on + datetime.timedelta(days=3), 1)
        pods = {installer.pod for installer in group}
        lead = leads.get(group[0].pod.geography_id, organisation.users["lead"])
        cohort = services.cohort_create(
            actor=None,
            name=f"{group[0].pod.geography.name} {start_on:%B %Y}",
            program_version=version,
            start_on=start_on,
            lead=lead,
            pods=sorted(pods, key=lambda p: p.code),
            capacity=max(12, len(group)),
        )
        for enrollment in services.enrollment_bulk_create(actor=None, cohort=cohort, installers=group):
            _work_through(cohort, enrollment, today, complete=True, rng=rng)


def _start_on(today: datetime.date, spec: dict) -> datetime.date:
    day = today + datetime.timedelta(days=spec.get("start_days_ahead", 0) - spec.get("start_days_ago", 0))
    while day.weekday() >= 5:  # cohorts start on a working day
        day += datetime.timedelta(days=1)
    return day


def _work_through(cohort: Cohort, enrollment, today: datetime.date, *, complete: bool, rng: random.Random) -> None:
    """Check items off as the installer's tablet would, then sign off as the
    lead: everything for a completed cohort; for a running one, the modules
    begun by today, with some items left open and some awaiting sign-off."""
    now = timezone.now()
    outlines = version_outlines({cohort.program_version_id})[cohort.program_version_id]
    events, signoffs = [], []
    for outline in outlines:
        first_day = nth_working_day(cohort.start_on, outline.module.first_day)
        if not complete and first_day > today:
            break
        for item in outline.items:
            if not complete and rng.random() < 0.25:
                continue
            day = min(
                nth_working_day(cohort.start_on, rng.randint(outline.module.first_day, outline.module.last_day)), today
            )
            occurred = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(9 + rng.randint(0, 7), rng.randint(0, 59)))
            )
            events.append(
                {
                    "id": str(uuid.uuid4()),
                    "type": "item.checked",
                    "enrollment": enrollment.pk,
                    "item": item.pk,
                    "occurred_at": min(occurred, now).isoformat(),
                    "device_seq": len(events) + 1,
                }
            )
            if item.needs_signoff and (complete or rng.random() < 0.6):
                signoffs.append(item)
    user = enrollment.installer.user
    sync_batch_apply(actor=user, device_id=f"demo-tablet-{enrollment.installer.employee_id}", events=events)
    # The photos the checks need, uploaded after them; in a running cohort a
    # few have not arrived yet (the lead's pages show them as awaited).
    items = {item.pk: item for outline in outlines for item in outline.items}
    waiting = demo_photos_store(
        actor=user, checks=events, items=items, arrived=lambda item: complete or rng.random() >= 0.2
    )
    # The lead of the installer's pod signs off (a cohort may train several pods).
    signer = pods_led_by_user_of(enrollment.installer.pod) or cohort.lead
    for index, item in enumerate(s for s in signoffs if s.pk not in waiting):
        if not complete and index == 0 and rng.random() < 0.5:
            services.enrollment_signoff_record(
                actor=signer, enrollment=enrollment, item=item, action="reject", comment=REJECTION
            )
            continue
        services.enrollment_signoff_record(actor=signer, enrollment=enrollment, item=item, action="sign_off")


def pods_led_by_user_of(pod):
    """The active installer lead of `pod`, or None."""
    membership = pod.memberships.filter(role=PodRole.INSTALLER_LEAD, ended_on__isnull=True).select_related("user")
    first = membership.first()
    return first.user if first else None
