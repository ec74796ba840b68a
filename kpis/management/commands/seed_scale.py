"""python manage.py seed_scale: a large synthetic organisation, for benchmarks.

Everything every KPI reads, in proportion: pods and installers with their
promotions, installs, visits, nodes, incidents and audits
(kpis/scale_seed_field.py); cohorts, enrollments, item states and their
check-off events (kpis/scale_seed_bootcamp.py); day-1 kits, drills,
clearances and consent records (kpis/scale_seed_onboarding.py); requisitions,
candidates and their stage changes (kpis/scale_seed_hiring.py).

Generated inside PostgreSQL with set-based statements over generate_series
(a million installs in a few minutes), in one transaction; deterministic
(setseed, and hashes of row keys where rows meet in joins), so two runs make
the same data set.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bootcamp.models import CheckoffEvent, Cohort, Enrollment, Evidence, Item, ItemState
from hiring.models import Candidate, Requisition, StageChange
from installer_ops.models import Installer, Pod, Promotion
from kpis import scale_seed_bootcamp, scale_seed_field, scale_seed_hiring, scale_seed_onboarding
from kpis.models import Audit, Incident, Install, Node, Visit
from onboarding.models import Clearance, ConsentRecord, Day1Kit, OutageDrill

# What the seed writes in bulk: their foreign keys are checked and plain indexes built once, at the end.
BULK = [
    Installer,
    Promotion,
    Install,
    Visit,
    Node,
    Incident,
    Audit,
    Cohort,
    Cohort.pods.through,
    Enrollment,
    ItemState,
    CheckoffEvent,
    Evidence,
    Day1Kit,
    OutageDrill,
    Clearance,
    ConsentRecord,
    Requisition,
    Candidate,
    StageChange,
]


def bulk_tables() -> list[str]:
    return [model._meta.db_table for model in BULK]


class Command(BaseCommand):
    help = "Create a large synthetic organisation and its data for every KPI (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--pods", type=int, default=200)
        parser.add_argument("--installers", type=int, default=5000)
        parser.add_argument("--installs", type=int, default=1_000_000)
        parser.add_argument("--incidents", type=int, default=300_000)
        parser.add_argument("--audits", type=int, default=50_000)
        parser.add_argument("--cohorts", type=int, default=400)
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--until", type=datetime.date.fromisoformat, default=datetime.date(2026, 10, 31))

    def handle(self, *args, **o):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale generates its data inside PostgreSQL: set DATABASE_URL to a PostgreSQL database."
            )
        if Pod.objects.exists():
            raise CommandError("The database already has pods: seed_scale wants an empty one.")
        if o["cohorts"] < 1 or o["pods"] < 1 or o["installers"] < 1:
            raise CommandError("--pods, --installers and --cohorts need at least 1.")
        until = o["until"]
        since = (until.replace(day=1) - datetime.timedelta(days=31 * (o["months"] - 1))).replace(day=1)
        days = (until - since).days
        timings = []

        def step(label, run, *args):
            started = time.perf_counter()
            result = run(*args)
            timings.append(f"{label} {time.perf_counter() - started:.1f} s")
            return result

        with connection.cursor() as c:
            with transaction.atomic():
                c.execute("SELECT setseed(0.42)")
                # random() draws follow the order rows are scanned in: a scan
                # joining another session's half-way would draw them differently.
                c.execute("SET LOCAL synchronize_seqscans = off")
                # The sorts and hashes over a million rows, in memory rather than spilled to disk.
                c.execute("SET LOCAL work_mem = '256MB'")
                with scale_seed_field.keys_and_indexes_after_load(c, bulk_tables(), step):
                    step("organisation", scale_seed_field.organisation, c, o, until)
                    version = step("bootcamp", scale_seed_bootcamp.bootcamp, c, o, until)
                    items = Item.objects.filter(module__version=version).count()
                    step("documents", scale_seed_onboarding.documents, c, since, days)
                    step("kits, drills, clearances", scale_seed_onboarding.kits_drills_clearances, c, until, items)
                    step("who installs when", scale_seed_field.active_installers, c, since, until)
                    step("installs and visits", scale_seed_field.installs_and_visits, c, o, since, days)
                    step("incidents and audits", scale_seed_field.incidents_and_audits, c, o, since, days)
                    step("consent records", scale_seed_onboarding.consent_records, c)
                    step("hiring", scale_seed_hiring.hiring, c, until)
                started = time.perf_counter()
            timings.append(f"commit {time.perf_counter() - started:.1f} s")
            # VACUUM as well, what autovacuum does to a live database's
            # inserted rows, so that index-only scans read no table pages;
            # it cannot run in a transaction (a test's): ANALYZE alone there.
            maintenance = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            step(maintenance.lower(), c.execute, maintenance)
        if o["verbosity"] >= 2:
            self.stdout.write("; ".join(timings))
        counts = {
            name: model.objects.count()
            for name, model in [
                ("pods", Pod),
                ("installers", Installer),
                ("installs", Install),
                ("visits", Visit),
                ("incidents", Incident),
                ("audits", Audit),
                ("cohorts", Cohort),
                ("enrollments", Enrollment),
                ("item states", ItemState),
                ("drills", OutageDrill),
                ("clearances", Clearance),
                ("consent records", ConsentRecord),
                ("requisitions", Requisition),
                ("candidates", Candidate),
            ]
        }
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()) + f", {since} to {until}.")
