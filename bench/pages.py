"""Benchmark: the executive dashboard, the lead's queue and the onboarding
board at one pod and at scale (200 pods, 5,000 installers, 400 cohorts),
in-process through Django's test client. Prints each page's queries and
server time at both sizes, and the worst ratio of the two.

    make bench            (or: python bench/pages.py [--reuse] [--requests 15])

Each size has its own PostgreSQL database on BENCH_DATABASE_URL's (or
DATABASE_URL's) server, `installer_ops_bench_pages_one` and
`installer_ops_bench_pages`, created afresh (kept with --reuse) and seeded
the same way but for the number of pods (bench/seeds/organisation.py),
with the KPI snapshots of 13 months computed.

One process reads both: the connection moves from one database to the
other between requests, and the two sizes' requests alternate, so that the
machine's noise (other processes on a shared machine) falls on both alike.
A page is asked once cold (the dashboard's running period is then computed
from the facts and cached, as the first reader after a computation finds
it), twice more to warm up, once under CaptureQueriesContext to count its
queries, then --requests times for the median. The pages of a pod's lead
are read by the lead of a pod of 25 installers, as every pod has; the
administrator reads the whole organisation. DEBUG is off, as in production.
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
SIZES = {
    "one": ("one pod", 1, "installer_ops_bench_pages_one"),
    "scale": ("at scale", 200, "installer_ops_bench_pages"),
}
TARGET = 3
# Whose reading the target is for: the dashboard is the organisation's
# (executives and administrators read all of it); the queue and the board
# are a lead's, of their pods. An administrator's queue and board (every
# pod's) are printed beside them and in the "every reader" line.
OWN_READERS = {"dashboard": ("executive", "admin"), "queue": ("lead",), "board": ("lead",)}
# (page, path, who reads it)
PAGES = [
    ("dashboard", "/dashboard/", "executive"),
    ("dashboard", "/dashboard/", "admin"),
    ("queue", "/lead/queue/", "lead"),
    ("queue", "/lead/queue/", "admin"),
    ("board", "/lead/onboarding/", "lead"),
    ("board", "/lead/onboarding/", "admin"),
]


def _server_url() -> str | None:
    base = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/postgres"
    )
    return base if urlsplit(base).scheme.startswith("postgres") else None


def _database(base: str, name: str, reuse: bool) -> bool:
    """Create `name` afresh (or keep it with `reuse`); True when it is to be seeded."""
    import psycopg

    parts = urlsplit(base)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return False
        if exists:
            conn.execute(f"DROP DATABASE {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return True


def _setup(base: str) -> None:
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(base)._replace(path=f"/{SIZES['scale'][2]}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "installer_ops.settings.local"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def _use(name: str) -> None:
    """Point the default connection at database `name` (connected, so that no request pays for it)."""
    from django.db import connection

    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def _seed(pods: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench.seeds import organisation
    from kpis.computation import kpis_compute

    today = timezone.localdate()
    started = time.perf_counter()
    organisation.seed(pods, today)
    timings = {"seed": time.perf_counter() - started}
    started = time.perf_counter()
    first = (today.replace(day=1) - datetime.timedelta(days=31 * (organisation.MONTHS - 1))).replace(day=1)
    kpis_compute(since=first, until=today, grains=["month", "quarter"])
    timings["kpis_compute"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timings


def measure(reuse: bool, requests: int) -> dict:
    base = _server_url()
    fresh = {size: _database(base, name, reuse) for size, (_label, _pods, name) in SIZES.items()}
    _setup(base)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bootcamp.models import Cohort
    from installer_ops.models import Installer, Pod, User

    runs = {}
    for size, (label, pods, name) in SIZES.items():
        _use(name)
        call_command("migrate", verbosity=0)
        timings = _seed(pods) if fresh[size] or not Pod.objects.exists() else {}
        clients = {}
        for page, path, who in PAGES:
            # Each size's clients log in to that size's database: their sessions live there.
            client = Client()
            client.force_login(User.objects.get(username={"lead": "lead-000"}.get(who, f"bench-{who}")))
            clients[(page, who)] = (client, path)
        runs[size] = {
            "size": label,
            "pods": Pod.objects.count(),
            "installers": Installer.objects.count(),
            "cohorts": Cohort.objects.count(),
            "timings": timings,
            "clients": clients,
            "pages": {},
        }

    def timed(size, key) -> float:
        client, path = runs[size]["clients"][key]
        _use(SIZES[size][2])
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{path} as {key[1]} ({size}): HTTP {response.status_code}")
        runs[size]["pages"].setdefault(key, {"times": [], "bytes": len(response.content)})
        return elapsed

    for size in SIZES:
        for key in runs[size]["clients"]:
            cold = timed(size, key)
            runs[size]["pages"][key]["cold_ms"] = cold * 1000
            for _ in range(2):
                timed(size, key)
            client, path = runs[size]["clients"][key]
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            # Counted now: the next requests reset the connection's log, which captured_queries reads.
            runs[size]["pages"][key]["queries"] = len(queries.captured_queries)
    for _ in range(requests):
        for key in runs["one"]["clients"]:
            for size in SIZES:
                runs[size]["pages"][key]["times"].append(timed(size, key))
    for run in runs.values():
        del run["clients"]
        for figures in run["pages"].values():
            figures["ms"] = statistics.median(figures.pop("times")) * 1000
    return runs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true", help="keep already seeded benchmark databases")
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page (the median is kept)")
    args = parser.parse_args()
    if _server_url() is None:
        print("bench/pages.py needs PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL)", file=sys.stderr)
        return 1
    runs = measure(args.reuse, args.requests)
    for run in runs.values():
        seeded = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in run["timings"].items()) or "reused"
        print(f"{run['size']}: {run['pods']} pods, {run['installers']} installers, {run['cohorts']} cohorts ({seeded})")
    print(f"median of {args.requests} requests after warm-up, the two sizes alternating; cold: the first request")
    ratios = {}
    for (page, who), small in runs["one"]["pages"].items():
        large = runs["scale"]["pages"][(page, who)]
        ratios[(page, who)] = large["ms"] / small["ms"]
        print(
            f"{page:<9} as {who:<9} "
            f"one pod: {small['queries']:>3} queries {small['ms']:7.1f} ms (cold {small['cold_ms']:7.1f}) | "
            f"at scale: {large['queries']:>3} queries {large['ms']:7.1f} ms (cold {large['cold_ms']:7.1f}, "
            f"{large['bytes'] // 1024} KiB) | ratio {ratios[(page, who)]:.2f}"
            + ("" if small["queries"] == large["queries"] else "  QUERIES DIFFER")
        )
    everyone = max(ratios, key=ratios.get)
    print(f"worst over every reader: {ratios[everyone]:.2f} (the {everyone[0]} as {everyone[1]})")
    own = max((key for key in ratios if key[1] in OWN_READERS[key[0]]), key=ratios.get)
    print(
        "the line below is the worst ratio of the three pages as their own readers read them "
        f"(dashboard: executive and admin; queue and board: a pod's lead): the {own[0]} as {own[1]}"
    )
    print(f"dashboard at scale / one pod: {ratios[own]:.2f} (target at most {TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
