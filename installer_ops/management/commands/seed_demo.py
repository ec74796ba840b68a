"""Load the demo organisation from fixtures/ through the services."""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from installer_ops import services
from installer_ops.models import Geography, Level, Pod, Stage, User, Vertical
from installer_ops.roles import Role

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_org.json"
# Not a secret: a password for throwaway demo accounts on a DEBUG-only database.
DEMO_PASSWORD = "installer-ops-demo"  # noqa: S105
DEMO_LOGINS = ["lead", "installer", "exec", "admin"]


class Command(BaseCommand):
    help = "Create a small, realistic demo organisation with the demo logins lead, installer, exec and admin."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: it creates accounts with a known password.")
        if User.objects.filter(username="admin").exists():
            self.stdout.write("The demo data is already loaded.")
        else:
            self._seed(json.loads(FIXTURE.read_text(encoding="utf-8")))
            self.stdout.write(self.style.SUCCESS("Demo organisation loaded."))
        self._print_logins()

    @transaction.atomic
    def _seed(self, data: dict) -> None:
        today = timezone.localdate()

        def ago(days: int) -> datetime.date:
            return today - datetime.timedelta(days=days)

        services.role_groups_ensure()
        geographies = {g["code"]: services.geography_create(**g) for g in data["geographies"]}
        verticals = {v["code"]: services.vertical_create(**v) for v in data["verticals"]}
        users = {}
        for person in data["staff"]:
            users[person["username"]] = services.user_create(
                username=person["username"],
                name=person["name"],
                email=person["email"],
                role=Role(person["role"]) if person["role"] else None,
                password=DEMO_PASSWORD,
            )
        pods = {}
        for spec in data["pods"]:
            pod = services.pod_create(
                code=spec["code"],
                name=spec["name"],
                vertical=verticals[spec["vertical"]],
                geography=geographies[spec["geography"]],
            )
            pods[pod.code] = pod
            for role in sorted(spec["roles"], key=lambda r: -r["started_days_ago"]):
                services.pod_role_assign(
                    pod=pod,
                    role=role["role"],
                    user=users[role["user"]],
                    started_on=ago(role["started_days_ago"]),
                    phone=role["phone"],
                )
        for spec in data["installers"]:
            self._seed_installer(spec, pods, ago)

    def _seed_installer(self, spec: dict, pods: dict, ago) -> None:
        installer = services.installer_hire(
            employee_id=spec["employee_id"],
            name=spec["name"],
            pod=pods[spec["pod"]],
            hired_on=ago(spec["hired_days_ago"]),
            level=Level.from_code(spec["level"]),
            hiring_source=spec["hiring_source"],
            email=spec.get("email", ""),
            username=spec.get("username"),
            password=DEMO_PASSWORD,
        )
        for promotion in spec["promotions"]:
            services.installer_promote(
                installer=installer, to_level=Level.from_code(promotion["to"]), effective_on=ago(promotion["days_ago"])
            )
        if spec["stage"] == Stage.LEFT:
            services.installer_separate(
                installer=installer, left_on=ago(spec["left_days_ago"]), voluntary=spec["left_voluntarily"]
            )
        else:
            services.installer_stage_advance(installer=installer, stage=spec["stage"])

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username in DEMO_LOGINS:
            user = User.objects.filter(username=username).first()
            if user is not None:
                self.stdout.write(f"  {username:<10} {user.get_full_name()}")
        self.stdout.write(
            f"  ({Geography.objects.count()} geographies, {Vertical.objects.count()} verticals, "
            f"{Pod.objects.count()} pods, {User.objects.filter(installer__isnull=False).count()} installers)"
        )
