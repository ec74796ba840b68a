"""Load the demo data of every app, in dependency order, through the services.

It lives in the top app because it is the one allowed to reach all the others.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from bootcamp.demo import seed_bootcamp
from bootcamp.models import Cohort, Enrollment
from hiring.demo import HiringDemo
from installer_ops.audit import audit_source
from installer_ops.demo import DEMO_PASSWORD, advance_to_targets, seed_organisation
from installer_ops.models import Geography, Installer, Pod, User, Vertical
from kpis.demo import seed_field_data
from onboarding.demo import seed_onboarding

DEMO_LOGINS = ["lead", "installer", "exec", "admin"]


class Command(BaseCommand):
    help = "Create a small, realistic demo organisation with the demo logins lead, installer, exec and admin."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: it creates accounts with a known password.")
        if User.objects.filter(username="admin").exists():
            self.stdout.write("The demo data is already loaded.")
        else:
            # The hire service mails each new hire an invitation; the demo's people
            # already have the known password, so those mails (to example.com)
            # are kept in memory rather than flooding the console.
            with (
                audit_source("command"),
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            ):
                self._seed()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    @transaction.atomic
    def _seed(self) -> None:
        today = timezone.localdate()
        hiring = HiringDemo(today)
        organisation = seed_organisation(today, hire=hiring.hire)
        hiring.seed_open_requisitions(organisation.users)
        hiring.backdate()
        seed_bootcamp(organisation, today)
        advance_to_targets(organisation)
        seed_onboarding(organisation, today)
        seed_field_data(today)

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username in DEMO_LOGINS:
            user = User.objects.filter(username=username).first()
            if user is not None:
                self.stdout.write(f"  {username:<10} {user.get_full_name()}")
        self.stdout.write(
            f"  ({Geography.objects.count()} geographies, {Vertical.objects.count()} verticals, "
            f"{Pod.objects.count()} pods, {Installer.objects.count()} installers, "
            f"{Cohort.objects.count()} cohorts, {Enrollment.objects.count()} enrollments)"
        )
