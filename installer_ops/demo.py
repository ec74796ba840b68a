"""The demo organisation (fixtures/demo_org.json), created through the services.

Dates in the fixture are days before the day of seeding, so the demo is always current.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password

from . import services
from .models import STAGE_ORDER, Installer, Level, Pod, Stage, User
from .roles import Role

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_org.json"
# Not a secret: a password for throwaway demo accounts on a DEBUG-only database.
DEMO_PASSWORD = "installer-ops-demo"  # noqa: S105


@dataclass
class DemoOrganisation:
    users: dict[str, User]
    pods: dict[str, Pod]
    # The stage each installer is meant to reach; the apps above move them there.
    target_stages: dict[str, str]
    installers: dict[str, Installer]


def seed_organisation(today: datetime.date, hire: Callable[..., Installer | None] | None = None) -> DemoOrganisation:
    """`hire`, when given, may hire an installer of the fixture another way
    (the hiring app's demo hires its candidates); it answers None for those
    it leaves to the organisation's hire."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    services.role_groups_ensure()
    geographies = {g["code"]: services.geography_create(actor=None, **g) for g in data["geographies"]}
    verticals = {v["code"]: services.vertical_create(actor=None, **v) for v in data["verticals"]}
    users = {
        person["username"]: services.user_create(
            actor=None,
            username=person["username"],
            name=person["name"],
            email=person["email"],
            role=Role(person["role"]) if person["role"] else None,
        )
        for person in data["staff"]
    }
    pods = {}
    for spec in data["pods"]:
        pod = services.pod_create(
            actor=None,
            code=spec["code"],
            name=spec["name"],
            vertical=verticals[spec["vertical"]],
            geography=geographies[spec["geography"]],
        )
        pods[pod.code] = pod
        for role in sorted(spec["roles"], key=lambda r: -r["started_days_ago"]):
            services.pod_role_assign(
                actor=None,
                pod=pod,
                role=role["role"],
                user=users[role["user"]],
                started_on=ago(role["started_days_ago"]),
                phone=role["phone"],
            )
    installers, targets = {}, {}
    for spec in data["installers"]:
        person = {
            "employee_id": spec["employee_id"],
            "name": spec["name"],
            "pod": pods[spec["pod"]],
            "hired_on": ago(spec["hired_days_ago"]),
            "level": Level.from_code(spec["level"]),
            "hiring_source": spec["hiring_source"],
            "email": spec.get("email", ""),
            "username": spec.get("username"),
        }
        installer = (hire and hire(users=users, **person)) or services.installer_hire(actor=None, **person)
        for promotion in spec["promotions"]:
            services.installer_promote(
                actor=None,
                installer=installer,
                to_level=Level.from_code(promotion["to"]),
                effective_on=ago(promotion["days_ago"]),
            )
        if spec["stage"] == Stage.LEFT:
            services.installer_separate(
                actor=None, installer=installer, left_on=ago(spec["left_days_ago"]), voluntary=spec["left_voluntarily"]
            )
        installers[spec["employee_id"]] = installer
        targets[spec["employee_id"]] = spec["stage"]
    # One hash for every demo account (they share the password): hashing it
    # per account would take most of the seed's time.
    User.objects.update(password=make_password(DEMO_PASSWORD))
    return DemoOrganisation(users=users, pods=pods, target_stages=targets, installers=installers)


def advance_to_targets(organisation: DemoOrganisation) -> None:
    """Move every installer still short of their demo stage there. Runs after
    the apps above have created the records that move them (enrolments...);
    someone already further along (enrolled in a planned cohort) stays."""
    current = dict(Installer.objects.values_list("employee_id", "stage"))
    by_stage: dict[str, list[Installer]] = {}
    for employee_id, target in organisation.target_stages.items():
        if target == Stage.LEFT or STAGE_ORDER.index(Stage(current[employee_id])) >= STAGE_ORDER.index(target):
            continue
        by_stage.setdefault(target, []).append(organisation.installers[employee_id])
    for stage, installers in by_stage.items():
        services.installers_stage_advance(actor=None, installers=installers, stage=stage)
