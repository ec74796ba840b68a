"""Benchmark: KPI computation at scale on PostgreSQL, each figure against a
floor measured in the same run. Prints, among the details:

    KPI rebuild / raw SQL floor: R (target at most 1.15)
    incremental refresh / full rebuild: R (target at most 0.05)
    rebuild with 2 workers / 1 worker: R (target at most 0.7)

    make bench            (or: python bench/kpis.py [--reuse] [--installs N])

It creates (or reuses, with --reuse) the database `installer_ops_bench` (with
--installs other than a million, `installer_ops_bench_<N>`) on the
PostgreSQL of BENCH_DATABASE_URL's server, seeds it with `seed_scale` (200
pods, 5,000 installers, 400 cohorts, 1,000,000 installs, 300,000 incidents,
50,000 audits over 36 months, with the bootcamp, onboarding, hiring and
consent facts in proportion), then measures, median of three interleaved
rounds each:
  floor   - hand-written SQL computing every figure of every KPI (all grains
            and scopes) with GROUPING SETS, rows fetched, nothing stored
            (the people KPIs' in bench/floor_people.py);
  rebuild - kpis_compute over the same range into an emptied table: what
            the nightly job and `compute_kpis` run, storing every snapshot.
Then, once: an import of 1,000 visits and 100 incidents and the refresh its
job runs (bench/kpi_refresh.py), against the median rebuild; and the
rebuild as a recompute job run by one, then two, real Celery workers
(bench/kpi_workers.py; Redis database 4 of BENCH_REDIS_URL's server).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BENCH_DB = "installer_ops_bench"
SINCE, UNTIL = datetime.date(2023, 11, 1), datetime.date(2026, 10, 31)
UNIT = {"week": "1 week", "month": "1 month", "quarter": "3 months"}
ROUNDS = 3
SETS = "GROUPING SETS ((1), (1, pod.geography_id), (1, pod.vertical_id), (1, pod.id))"
# Audit pass rate and first-time success have a cohort figure too (the
# installer's active enrollment: at most one, so no fact counts twice); the
# NULL cohort group of facts with no cohort is fetched and not a figure.
COHORT_SETS = "GROUPING SETS ((1), (1, pod.geography_id), (1, pod.vertical_id), (1, pod.id), (1, enr.cohort_id))"


def floor_queries(grain: str) -> list[tuple[str, list]]:
    lo = datetime.datetime.combine(SINCE, datetime.time(), tzinfo=datetime.UTC)
    hi = datetime.datetime.combine(UNTIL + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
    unit = UNIT[grain]
    bucket = f"date_trunc('{grain}', %s AT TIME ZONE 'UTC')::date"
    return [
        (
            f"""SELECT date_trunc('{grain}', a.audited_on)::date, pod.geography_id, pod.vertical_id, pod.id, enr.cohort_id,
                    SUM(CASE WHEN a.passed THEN 1 ELSE 0 END), COUNT(*)
             FROM kpis_audit a JOIN installer_ops_pod pod ON pod.id = a.pod_id
             LEFT JOIN bootcamp_enrollment enr ON enr.installer_id = a.installer_id AND enr.withdrawn_at IS NULL
             WHERE a.audited_on >= %s AND a.audited_on < %s GROUP BY {COHORT_SETS}""",
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
             SELECT {bucket % "r.visited_at"}, pod.geography_id, pod.vertical_id, pod.id, enr.cohort_id,
                    SUM(CASE WHEN r.outcome = 'success' AND (r.next_at IS NULL OR r.next_at > r.visited_at + interval '14 days')
                             THEN 1 ELSE 0 END), COUNT(*),
                    SUM(CASE WHEN r.visited_at + interval '14 days' > now() THEN 1 ELSE 0 END)
             FROM ranked r JOIN kpis_install ins ON ins.id = r.install_id
             JOIN installer_ops_pod pod ON pod.id = ins.pod_id
             LEFT JOIN bootcamp_enrollment enr ON enr.installer_id = ins.installer_id AND enr.withdrawn_at IS NULL
             WHERE r.rn = 1 AND r.visited_at >= %s AND r.visited_at < %s GROUP BY {COHORT_SETS}""",
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


def _floor(cursor) -> tuple[float, int]:
    from django.conf import settings
    from floor_people import floor_queries as people_queries

    # The rebuild's own session settings (kpis/computation.py, tune_transaction):
    # the floor is the same SQL work, not a different configuration.
    cursor.execute("SELECT set_config('work_mem', %s, false), set_config('jit', 'off', false)", [settings.KPI_WORK_MEM])
    started, rows = time.perf_counter(), 0
    for grain in UNIT:
        for sql, params in floor_queries(grain) + people_queries(grain, SINCE, UNTIL):
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return time.perf_counter() - started, rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded benchmark database")
    parser.add_argument("--installs", type=int, default=1_000_000)
    parser.add_argument("--skip-workers", action="store_true", help="leave out the Celery workers' figure")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds of floor and rebuild (median kept)")
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

    name = BENCH_DB if args.installs == 1_000_000 else f"{BENCH_DB}_{args.installs}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not args.reuse:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    redis_url = urlunsplit(urlsplit(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))._replace(path="/4"))
    os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "installer_ops.settings.local"
    os.environ["DEBUG"] = "false"  # no query log kept in memory
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
        scale = args.installs / 1_000_000
        started = time.perf_counter()
        call_command(
            "seed_scale",
            until=UNTIL,
            months=36,
            installs=args.installs,
            incidents=round(300_000 * scale),
            audits=round(50_000 * scale),
        )
        print(f"seed_scale: {time.perf_counter() - started:.1f} s")

    # Interleaved rounds, the median of each side: single rounds on this
    # 2-core machine vary by up to 20 %, and neither side should gain from
    # the other's noise.
    floors, rebuilds = [], []
    for _ in range(args.rounds):
        with connection.cursor() as cursor:
            seconds, rows = _floor(cursor)
        floors.append(seconds)
        # A clean table, as the first rebuild finds it (TRUNCATE, not DELETE:
        # the dead rows of a DELETE would make the inserts pay for a vacuum not yet run).
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {KpiSnapshot._meta.db_table}")
        started = time.perf_counter()
        written = kpis_compute(since=SINCE, until=UNTIL)
        rebuilds.append(time.perf_counter() - started)
    floor, rebuild = statistics.median(floors), statistics.median(rebuilds)
    print(f"rounds: floor {_times(floors)}; rebuild {_times(rebuilds)}")
    print(f"floor (hand-written SQL, {rows} grouped rows fetched): median {floor:.1f} s")
    print(f"rebuild (kpis_compute, {written} snapshots stored): median {rebuild:.1f} s")
    print(f"KPI rebuild / raw SQL floor: {rebuild / floor:.2f} (target at most 1.15)")

    from kpi_refresh import import_and_refresh

    imported, refreshed, days, rewritten = import_and_refresh(UNTIL)
    print(
        f"import of 1,000 visits and 100 incidents: {imported:.2f} s; its refresh: {refreshed:.2f} s "
        f"({days} days touched, {rewritten} snapshots written; {refreshed / rebuild:.3f} of the rebuild, "
        "the ratio below to two places)"
    )
    print(f"incremental refresh / full rebuild: {refreshed / rebuild:.2f} (target at most 0.05)")

    if not args.skip_workers:
        import redis
        from kpi_workers import timed_rebuild

        redis.Redis.from_url(redis_url).flushdb()
        one = timed_rebuild(1, SINCE, UNTIL, redis_url)
        two = timed_rebuild(2, SINCE, UNTIL, redis_url)
        redis.Redis.from_url(redis_url).flushdb()
        print(f"recompute job by Celery workers: 1 worker {one:.1f} s, 2 workers {two:.1f} s")
        print(f"rebuild with 2 workers / 1 worker: {two / one:.2f} (target at most 0.7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
