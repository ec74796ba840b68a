"""python manage.py compute_kpis [--grain G ...] [--since DATE] [--until DATE]: the service the Celery job runs."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kpis.computation import kpis_compute
from kpis.jobs import recompute_range_validate
from kpis.models import Grain


class Command(BaseCommand):
    help = "Compute the KPI snapshots for the periods overlapping [since, until] (default: the last 36 months)."

    def add_arguments(self, parser):
        parser.add_argument("--grain", action="append", choices=Grain.values, help="repeat for several; default all")
        parser.add_argument("--since", type=datetime.date.fromisoformat)
        parser.add_argument("--until", type=datetime.date.fromisoformat)

    def handle(self, *args, grain=None, since=None, until=None, **options):
        until = until or timezone.localdate()
        since = since or until.replace(day=1) - datetime.timedelta(days=3 * 365)
        try:
            recompute_range_validate(since=since, until=until)
        except ValidationError as refused:
            problems = (f"--{field}: {' '.join(messages)}" for field, messages in refused.message_dict.items())
            raise CommandError(" ".join(problems)) from refused
        written = kpis_compute(since=since, until=until, grains=grain)
        self.stdout.write(f"{written} snapshots written for {since} to {until}.")
