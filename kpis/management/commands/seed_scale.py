"""python manage.py seed_scale: synthetic field data at scale, for benchmarks.

Table names in the SQL below are our own models' tables; every value is a parameter.

Generated inside PostgreSQL with generate_series (a million rows in seconds);
deterministic (setseed), so two runs make the same data set.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from installer_ops.models import Geography, Installer, Pod, User, Vertical
from kpis.models import Audit, Incident, Install, Node, Visit


class Command(BaseCommand):
    help = "Create a large synthetic organisation and field data (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--pods", type=int, default=200)
        parser.add_argument("--installers", type=int, default=5000)
        parser.add_argument("--installs", type=int, default=1_000_000)
        parser.add_argument("--incidents", type=int, default=300_000)
        parser.add_argument("--audits", type=int, default=50_000)
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--until", type=datetime.date.fromisoformat, default=datetime.date(2026, 10, 31))

    def handle(self, *args, **o):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale generates its data inside PostgreSQL: set DATABASE_URL to a PostgreSQL database."
            )
        if Pod.objects.exists():
            raise CommandError("The database already has pods: seed_scale wants an empty one.")
        until = o["until"]
        since = (until.replace(day=1) - datetime.timedelta(days=31 * (o["months"] - 1))).replace(day=1)
        days = (until - since).days
        t = {
            m.__name__: m._meta.db_table
            for m in (Geography, Vertical, Pod, User, Installer, Node, Install, Visit, Incident, Audit)
        }
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT setseed(0.42)")
            c.execute(
                f"INSERT INTO {t['Geography']} (code, name, time_zone, locale) "
                "SELECT 'geo-' || g, 'Geography ' || g, 'UTC', 'en' FROM generate_series(1, 8) g"
            )
            c.execute(
                f"INSERT INTO {t['Vertical']} (code, name) "
                "SELECT 'vertical-' || v, 'Vertical ' || v FROM generate_series(1, 5) v"
            )
            c.execute(
                f"""
                INSERT INTO {t["Pod"]} (code, name, vertical_id, geography_id)
                SELECT 'pod-' || p, 'Pod ' || p,
                       (SELECT id FROM {t["Vertical"]} ORDER BY id OFFSET mod(p, 5) LIMIT 1),
                       (SELECT id FROM {t["Geography"]} ORDER BY id OFFSET mod(p, 8) LIMIT 1)
                FROM generate_series(1, %s) p""",
                [o["pods"]],
            )
            c.execute(
                f"""
                INSERT INTO {t["User"]}
                    (password, is_superuser, username, email, is_staff, is_active, date_joined, name)
                SELECT '!', false, 'scale-' || i, '', false, true, now(), 'Installer ' || i
                FROM generate_series(1, %s) i""",
                [o["installers"]],
            )
            c.execute(
                f"""
                INSERT INTO {t["Installer"]} (user_id, employee_id, pod_id, level, stage, hired_on, hiring_source,
                                             left_on, left_voluntarily, created_at, updated_at)
                SELECT h.id, 'S-' || h.n, h.pod_id, 1 + mod(h.n, 4),
                       CASE WHEN h.leaves THEN 'left' ELSE 'cleared' END, h.hired_on, '',
                       CASE WHEN h.leaves THEN least(h.hired_on + 30 + (random() * 500)::int, %s::date) END,
                       CASE WHEN h.leaves THEN random() < 0.7 END, now(), now()
                FROM (
                    SELECT u.id, u.n, pods.ids[1 + mod(u.n, array_length(pods.ids, 1))] AS pod_id,
                           %s::date - 30 - (random() * 900)::int AS hired_on, mod(u.n, 7) = 0 AS leaves
                    FROM (SELECT id, row_number() OVER (ORDER BY id) n FROM {t["User"]}
                          WHERE left(username, 6) = 'scale-') u,
                         (SELECT array_agg(id ORDER BY id) ids FROM {t["Pod"]}) pods
                ) h""",
                [until, until],
            )
            c.execute(
                f"""
                INSERT INTO {t["Install"]} (external_id, site, pod_id, installer_id)
                SELECT 'I-' || n, 'Site ' || mod(n, 5000), pods.ids[1 + mod(n, array_length(pods.ids, 1))], NULL
                FROM generate_series(1, %s) n, (SELECT array_agg(id ORDER BY id) ids FROM {t["Pod"]}) pods""",
                [o["installs"]],
            )
            c.execute(
                f"""
                INSERT INTO {t["Visit"]} (install_id, visited_at, outcome)
                SELECT id, %s::timestamptz + random() * (%s * interval '1 day'),
                       (ARRAY['success', 'success', 'success', 'success', 'success', 'partial', 'failed'])
                           [1 + floor(random() * 7)::int]
                FROM {t["Install"]}""",
                [since, days],
            )
            c.execute(f"""
                INSERT INTO {t["Visit"]} (install_id, visited_at, outcome)
                SELECT install_id, visited_at + (1 + floor(random() * 25)::int) * interval '1 day', 'success'
                FROM {t["Visit"]} WHERE random() < 0.25""")
            c.execute(
                f"""
                INSERT INTO {t["Node"]} (serial, site, pod_id, installer_id, installed_on)
                SELECT 'N-' || n, 'Site ' || mod(n, 5000), pods.ids[1 + mod(n, array_length(pods.ids, 1))], NULL,
                       %s::date + (random() * %s)::int
                FROM generate_series(1, %s) n, (SELECT array_agg(id ORDER BY id) ids FROM {t["Pod"]}) pods""",
                [since, days, max(o["incidents"] // 3, 1)],
            )
            c.execute(
                f"""
                INSERT INTO {t["Incident"]} (external_id, node_id, severity, opened_at, resolved_at)
                SELECT 'INC-' || n, nodes.ids[1 + mod(n, array_length(nodes.ids, 1))], 'sev3', o.opened,
                       CASE WHEN random() < 0.01 THEN NULL ELSE o.opened + random() * interval '72 hours' END
                FROM (SELECT n, %s::timestamptz + random() * (%s * interval '1 day') AS opened
                      FROM generate_series(1, %s) n) o,
                     (SELECT array_agg(id ORDER BY id) ids FROM {t["Node"]}) nodes""",
                [since, days, o["incidents"]],
            )
            c.execute(
                f"""
                INSERT INTO {t["Audit"]} (external_id, pod_id, installer_id, audited_on, passed, findings)
                SELECT 'A-' || n, pods.ids[1 + mod(n, array_length(pods.ids, 1))], NULL,
                       %s::date + (random() * %s)::int, random() < 0.9, ''
                FROM generate_series(1, %s) n, (SELECT array_agg(id ORDER BY id) ids FROM {t["Pod"]}) pods""",
                [since, days, o["audits"]],
            )
            c.execute("ANALYZE")
        self.stdout.write(
            f"{Pod.objects.count()} pods, {Installer.objects.count()} installers, {Install.objects.count()} installs, "
            f"{Visit.objects.count()} visits, {Incident.objects.count()} incidents, {Audit.objects.count()} audits, "
            f"{since} to {until}."
        )
