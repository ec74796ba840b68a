"""Benchmark: a full KPI rebuild at scale against the same aggregates written
by hand in raw SQL, in the same run, on PostgreSQL. Prints the ratio.

    make bench            (or: python bench/kpis.py)

It creates (or reuses, with --reuse) the database `installer_ops_bench` on the
PostgreSQL of BENCH_DATABASE_URL's server, seeds it with `seed_scale` (200 pods,
5,000 installers, 1,000,000 installs, 300,000 incidents, 50,000 audits over 36
months), then times, best of two rounds each:
  floor   - hand-written SQL computing every figure (all KPIs, grains, scopes)
            with GROUPING SETS, rows fetched, nothing stored;
  rebuild - kpis_compute over the same range: what the nightly job and
            `compute_kpis` run, storing every snapshot.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "installer_ops_bench"
SINCE, UNTIL = datetime.date(2023, 11, 1), datetime.date(2026, 10, 31)
UNIT = {"week": "1 week", "month": "1 month", "quarter": "3 months"}
ROUNDS = 2
SETS = "GROUPING SETS ((1), (1, pod.geography_id), (1, pod.vertical_id), (1, pod.id))"


def floor_queries(grain: str) -> list[tuple[str, list]]:
    lo = datetime.datetime.combine(SINCE, datetime.time(), tzinfo=datetime.UTC)
    hi = datetime.datetime.combine(UNTIL + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
    unit = UNIT[grain]
    bucket = f"date_trunc('{grain}', %s AT TIME ZONE 'UTC')::date"
    return [
        (
            f"""SELECT date_trunc('{grain}', a.audited_on)::date, pod.geography_id, pod.vertical_id, pod.id,
                    SUM(CASE WHEN a.passed THEN 1 ELSE 0 END), COUNT(*)
             FROM kpis_audit a JOIN installer_ops_pod pod ON pod.id = a.pod_id
             WHERE a.audited_on >= %s AND a.audited_on < %s GROUP BY {SETS}""",
            [SINCE, UNTIL],
        ),
        (
            f"""SELECT {bucket % "inc.resolved_at"}, pod.geography_id, pod.vertical_id, pod.id,
                    AVG(EXTRACT(EPOCH FROM inc.resolved_at - inc.opened_at) / 3600), COUNT(*),
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM inc.resolved_at - inc.opened_at)),
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM inc.resolved_at - inc.opened_at))
             FROM kpis_incident inc JOIN kpis_node node ON node.id = inc.node_id
             JOIN installer_ops_pod pod ON pod.id = node.pod_id
             WHERE inc.resolved_at >= %s AND inc.resolved_at < %s GROUP BY {SETS}""",
            [lo, hi],
        ),
        (
            f"""SELECT (b.hi - interval '{unit}')::date, pod.geography_id, pod.vertical_id, pod.id,
                    COUNT(*), MIN(inc.opened_at)
             FROM kpis_incident inc JOIN kpis_node node ON node.id = inc.node_id
             JOIN installer_ops_pod pod ON pod.id = node.pod_id
             CROSS JOIN LATERAL generate_series(
                 date_trunc('{grain}', inc.opened_at AT TIME ZONE 'UTC') + interval '{unit}',
                 LEAST(COALESCE(inc.resolved_at AT TIME ZONE 'UTC', %s::timestamp), %s::timestamp),
                 interval '{unit}') b(hi)
             WHERE inc.opened_at < %s GROUP BY {SETS}""",
            [hi.replace(tzinfo=None), hi.replace(tzinfo=None), hi],
        ),
        (
            f"""WITH ranked AS (
                 SELECT install_id, visited_at, outcome, row_number() OVER w rn, lead(visited_at) OVER w next_at
                 FROM kpis_visit WINDOW w AS (PARTITION BY install_id ORDER BY visited_at))
             SELECT {bucket % "r.visited_at"}, pod.geography_id, pod.vertical_id, pod.id,
                    SUM(CASE WHEN r.outcome = 'success' AND (r.next_at IS NULL OR r.next_at > r.visited_at + interval '14 days')
                             THEN 1 ELSE 0 END), COUNT(*)
             FROM ranked r JOIN kpis_install ins ON ins.id = r.install_id
             JOIN installer_ops_pod pod ON pod.id = ins.pod_id
             WHERE r.rn = 1 AND r.visited_at >= %s AND r.visited_at < %s GROUP BY {SETS}""",
            [lo, hi],
        ),
        (
            f"""SELECT date_trunc('{grain}', i.left_on)::date, pod.geography_id, pod.vertical_id, pod.id, COUNT(*),
                    SUM(CASE WHEN i.left_voluntarily THEN 1 ELSE 0 END)
             FROM installer_ops_installer i JOIN installer_ops_pod pod ON pod.id = i.pod_id
             WHERE i.left_on >= %s AND i.left_on < %s GROUP BY {SETS}""",
            [SINCE, UNTIL],
        ),
        (
            f"""SELECT date_trunc('{grain}', pr.effective_on)::date, pod.geography_id, pod.vertical_id, pod.id, COUNT(*)
             FROM installer_ops_promotion pr JOIN installer_ops_installer i ON i.id = pr.installer_id
             JOIN installer_ops_pod pod ON pod.id = i.pod_id
             WHERE pr.effective_on >= %s AND pr.effective_on < %s GROUP BY {SETS}""",
            [SINCE, UNTIL],
        ),
        (
            f"""SELECT d.first_day, pod.geography_id, pod.vertical_id, pod.id,
                    SUM(CASE WHEN i.hired_on <= d.first_day AND (i.left_on IS NULL OR i.left_on > d.first_day) THEN 1 ELSE 0 END),
                    SUM(CASE WHEN i.hired_on <= d.last_day AND (i.left_on IS NULL OR i.left_on > d.last_day) THEN 1 ELSE 0 END)
             FROM (SELECT g::date first_day, (g + interval '{unit}' - interval '1 day')::date last_day
                   FROM generate_series(date_trunc('{grain}', %s::date), %s::date, interval '{unit}') g) d
             JOIN installer_ops_installer i ON i.hired_on <= d.last_day AND (i.left_on IS NULL OR i.left_on > d.first_day)
             JOIN installer_ops_pod pod ON pod.id = i.pod_id
             GROUP BY GROUPING SETS ((1), (1, pod.geography_id), (1, pod.vertical_id), (1, pod.id))""",
            [SINCE, UNTIL],
        ),
    ]


def _times(values: list[float]) -> str:
    return " / ".join(f"{v:.1f} s" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded benchmark database")
    args = parser.parse_args()
    base = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/postgres"
    )
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        print("bench/kpis.py needs PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL)", file=sys.stderr)
        return 1
    import psycopg

    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and not args.reuse:
            conn.execute(f"DROP DATABASE {BENCH_DB}")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "installer_ops.settings.local"
    os.environ.setdefault("KPI_TIME_ZONE", "UTC")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from installer_ops.models import Pod
    from kpis.computation import kpis_compute
    from kpis.models import KpiSnapshot

    call_command("migrate", verbosity=0)
    if not Pod.objects.exists():
        started = time.perf_counter()
        call_command("seed_scale", until=UNTIL, months=36)
        print(f"seed_scale: {time.perf_counter() - started:.1f} s")

    # Each side runs ROUNDS times, interleaved, and keeps its best time: the
    # machine's noise (other processes, caches) is then not taken for either.
    floors, rebuilds, reruns = [], [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        rows = 0
        with connection.cursor() as cursor:
            for grain in UNIT:
                for sql, params in floor_queries(grain):
                    cursor.execute(sql, params)
                    rows += len(cursor.fetchall())
        floors.append(time.perf_counter() - started)

        # A clean table, as the first rebuild finds it (TRUNCATE, not DELETE:
        # the dead rows of a DELETE would make the inserts pay for a vacuum not yet run).
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {KpiSnapshot._meta.db_table}")
        started = time.perf_counter()
        written = kpis_compute(since=SINCE, until=UNTIL)
        rebuilds.append(time.perf_counter() - started)

        # The nightly case: the same rebuild over a full table where nothing changed.
        started = time.perf_counter()
        rewritten = kpis_compute(since=SINCE, until=UNTIL)
        reruns.append(time.perf_counter() - started)
    floor, rebuild, rerun = min(floors), min(rebuilds), min(reruns)

    print(f"best of {ROUNDS} rounds each; every round: floor {_times(floors)}, rebuild {_times(rebuilds)}")
    print(f"floor (hand-written SQL, {rows} grouped rows): {floor:.1f} s")
    print(f"rebuild (kpis_compute, {written} snapshots stored): {rebuild:.1f} s")
    print(f"rerun over the stored snapshots ({rewritten} rewritten): {rerun:.1f} s, {rerun / floor:.2f} x floor")
    print(f"KPI rebuild / raw SQL floor: {rebuild / floor:.2f} (target at most 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
