"""Load: 200 simulated tablets, each syncing 50 check-off events in batches
of 10 with retries, against `make serve` on loopback (gunicorn, worker, beat
under production settings, PostgreSQL and Redis). Prints p50/p95 latency,
the rows stored (exactly 10,000 expected), the errors (zero expected), where
the CPU went, and last the sync endpoint's throughput relative to a bare
JSON endpoint of the same server in the same run: /bench/bare, a constant
answered behind the same middleware, touching neither database nor broker
(bench/serving/: the production settings plus that one route, which no
deployment serves). Exits non-zero unless every row is stored once and
every request was answered.

    make bench            (or: python bench/load.py)

Uses the database `installer_ops_load` on BENCH_DATABASE_URL's (or
DATABASE_URL's) server, created afresh, and BENCH_REDIS_URL (default Redis
database 3).
"""

import contextlib
import datetime
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LOAD_DB = "installer_ops_load"
TABLETS, EVENTS, BATCH, ATTEMPTS = 200, 50, 10, 8
SYNC_PATH, BARE_PATH, INSERT_PATH = "/api/v1/sync/", "/bench/bare", "/bench/insert"
# Each prober's requests to the bare endpoint: more than a tablet's five
# batches, so that its phase lasts long enough to measure a rate.
BARE_REQUESTS = 25
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Tablet(threading.Thread):
    """One installer's tablet: its outbox drained in batches, each batch
    resent (same event ids) until the server answers, as the app does."""

    def __init__(self, port, token, enrollment_id, item_ids, index, start_gate, path=SYNC_PATH):
        super().__init__(daemon=True)
        self.port, self.token, self.gate, self.path = port, token, start_gate, path
        self.device_id = f"load-tablet-{index}" if path == SYNC_PATH else f"floor-tablet-{index}"
        now = datetime.datetime.now(datetime.UTC)
        # Check every item, then un-check the first ones: 50 events.
        kinds = [("item.checked", item) for item in item_ids] + [
            ("item.unchecked", item) for item in item_ids[: EVENTS - len(item_ids)]
        ]
        self.events = [
            {
                "id": str(uuid.uuid4()),
                "type": kind,
                "enrollment": enrollment_id,
                "item": item,
                "occurred_at": (now + datetime.timedelta(seconds=seq)).isoformat(),
                "device_seq": seq,
            }
            for seq, (kind, item) in enumerate(kinds, start=1)
        ]
        self.latencies, self.retries, self.errors, self.refused = [], 0, 0, 0

    def run(self):
        self.gate.wait()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        for start in range(0, len(self.events), BATCH):
            body = json.dumps({"device_id": self.device_id, "events": self.events[start : start + BATCH]})
            for attempt in range(ATTEMPTS):
                try:
                    began = time.perf_counter()
                    connection.request(
                        "POST",
                        self.path,
                        body=body,
                        headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
                    )
                    response = connection.getresponse()
                    payload = response.read()
                    elapsed = time.perf_counter() - began
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    status = None
                else:
                    status = response.status
                if status == 200:
                    self.latencies.append(elapsed)
                    results = json.loads(payload)["results"]
                    self.refused += sum(r["status"] not in ("applied", "duplicate") for r in results)
                    break
                self.retries += 1
                time.sleep(min(5.0, 0.2 * 2**attempt) * random.uniform(0.5, 1.0))  # noqa: S311 - jitter
            else:
                self.errors += 1
        connection.close()


class Prober(threading.Thread):
    """Requests to the bare JSON endpoint (bench/serving/urls.py)."""

    def __init__(self, port, requests, start_gate):
        super().__init__(daemon=True)
        self.port, self.requests, self.gate = port, requests, start_gate
        self.latencies, self.errors = [], 0

    def run(self):
        self.gate.wait()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        for _ in range(self.requests):
            began = time.perf_counter()
            try:
                connection.request("GET", BARE_PATH)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                ok = False
            if ok:
                self.latencies.append(time.perf_counter() - began)
            else:
                self.errors += 1
        connection.close()


def process_cpu() -> dict[int, tuple[int, float]]:
    """Every process's parent and CPU seconds so far (user + system), from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return table


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and its descendants (the server's processes)."""
    table = process_cpu()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += table.get(pid, (0, 0.0))[1]
        todo.extend(children.get(pid, []))
    return total


def machine_cpu() -> float:
    """CPU seconds every core of the machine spent busy so far."""
    counters = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = counters[3] + counters[4]  # idle, iowait
    return (sum(counters[:8]) - idle) / CLOCK_TICKS


def database_cpu(table: dict[int, tuple[int, float]]) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving the load database."""
    used = {}
    for pid, (_, seconds) in table.items():
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and f" {LOAD_DB} " in title:
            used[pid] = seconds
    return used


class CpuShare:
    """Where the CPU went during a phase: this load generator, the server's
    processes (gunicorn, worker, beat), PostgreSQL's backends for the load
    database, and the rest (Redis, and anything else running on the machine:
    a large rest means the figures were disturbed)."""

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.start = (time.process_time(), tree_cpu(server_pid), database_cpu(process_cpu()), machine_cpu())

    def line(self, name, seconds):
        client = time.process_time() - self.start[0]
        server = tree_cpu(self.server_pid) - self.start[1]
        database = sum(v - self.start[2].get(pid, 0.0) for pid, v in database_cpu(process_cpu()).items())
        busy = machine_cpu() - self.start[3]
        rest = max(0.0, busy - client - server - database)
        return (
            f"CPU during {name} ({seconds:.1f} s x {os.cpu_count()} cores = {seconds * os.cpu_count():.1f} s): "
            f"load generator {client:.1f} s, server {server:.1f} s, PostgreSQL {database:.1f} s, rest {rest:.1f} s"
        )


def run_all(threads) -> float:
    gate = threads[0].gate
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    gate.set()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def phase(name, server_pid, make_clients):
    """Run one phase's clients at once: (seconds, latencies, errors, CPU line, clients)."""
    clients = make_clients(threading.Event())
    cpu = CpuShare(server_pid)
    seconds = run_all(clients)
    cpu_line = cpu.line(name, seconds)
    return seconds, [v for c in clients for v in c.latencies], sum(c.errors for c in clients), cpu_line, clients


def seed(count: int):
    """`count` installers in one cohort on the default program, each with an API token."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from bootcamp import services as bootcamp_services
    from bootcamp.demo import load_default_program
    from tests.factories import InstallerFactory, PodFactory, UserFactory

    version = load_default_program()
    pod = PodFactory(code="load")
    installers = [InstallerFactory(pod=pod) for _ in range(count)]
    cohort = bootcamp_services.cohort_create(
        actor=None,
        name="Load",
        program_version=version,
        start_on=timezone.localdate(),
        lead=UserFactory(role="lead"),
        pods=[pod],
        capacity=count,
    )
    enrollments = bootcamp_services.enrollment_bulk_create(actor=None, cohort=cohort, installers=installers)
    items = [item.pk for module in version.modules.order_by("position") for item in module.items.order_by("position")]
    made = Token.objects.bulk_create([Token(user=i.user, key=Token.generate_key()) for i in installers])
    tokens = {t.user_id: t.key for t in made}
    return [(tokens[e.installer.user_id], e.pk) for e in enrollments], items


def main() -> int:
    base = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or "postgres://postgres@127.0.0.1/postgres"
    )
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        print("bench/load.py needs PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL)", file=sys.stderr)
        return 1
    import psycopg

    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {LOAD_DB}")
    database_url = urlunsplit(parts._replace(path=f"/{LOAD_DB}"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "WEB_BIND": f"127.0.0.1:{port}",
    }
    # Production settings plus the bare endpoint (bench/serving/). `make serve`
    # compiles the messages under them before deploy/serve.py would give them
    # what they require, so it is given here (the same values).
    env["DJANGO_SETTINGS_MODULE"] = "bench.serving.settings"
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    server = subprocess.Popen(  # noqa: S603
        [shutil.which("make") or "make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                print("make serve did not come up", file=sys.stderr)
                return 1
            time.sleep(0.5)

        os.environ["DATABASE_URL"] = database_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "installer_ops.settings.local"
        import django

        django.setup()
        from bootcamp.models import CheckoffEvent

        tablets, items = seed(TABLETS)
        sync_seconds, latencies, errors, sync_cpu, sync = phase(
            "sync", server.pid, lambda gate: [Tablet(port, *t, items, n, gate) for n, t in enumerate(tablets)]
        )
        stored = CheckoffEvent.objects.filter(device_id__startswith="load-tablet-").count()
        bare_seconds, bare_latencies, bare_errors, bare_cpu, _ = phase(
            "bare JSON", server.pid, lambda gate: [Prober(port, BARE_REQUESTS, gate) for _ in range(TABLETS)]
        )
        # The floor below any sync that stores the rows: the same batches,
        # new event ids, authenticated and inserted in one statement each.
        floor_seconds, floor_latencies, floor_errors, floor_cpu, _ = phase(
            "minimal write",
            server.pid,
            lambda gate: [Tablet(port, *t, items, n, gate, path=INSERT_PATH) for n, t in enumerate(tablets)],
        )
        floor_stored = CheckoffEvent.objects.filter(device_id__startswith="floor-tablet-").count()

        sync_rate = len(latencies) / sync_seconds
        bare_rate = len(bare_latencies) / bare_seconds
        floor_rate = len(floor_latencies) / floor_seconds
        p95 = percentile(latencies, 0.95) * 1000
        print(f"{TABLETS} tablets x {EVENTS} events in batches of {BATCH}, against make serve on loopback")
        print(
            f"sync: {len(latencies)} requests in {sync_seconds:.1f} s, {sync_rate:.0f} req/s "
            f"({sync_rate * BATCH:.0f} events/s); p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95:.0f} ms; retries {sum(t.retries for t in sync)}"
        )
        print(sync_cpu)
        print(f"rows stored: {stored} (expected {TABLETS * EVENTS}); errors: {errors}; ", end="")
        print(f"events refused: {sum(t.refused for t in sync)}")
        print(
            f"bare JSON ({BARE_PATH}): {len(bare_latencies)} requests in {bare_seconds:.1f} s, {bare_rate:.0f} req/s; "
            f"p50 {statistics.median(bare_latencies) * 1000:.0f} ms, "
            f"p95 {percentile(bare_latencies, 0.95) * 1000:.0f} ms; errors {bare_errors}"
        )
        print(bare_cpu)
        print(
            f"minimal write ({INSERT_PATH}: token, one INSERT, no rule): {len(floor_latencies)} requests in "
            f"{floor_seconds:.1f} s, {floor_rate:.0f} req/s; p50 {statistics.median(floor_latencies) * 1000:.0f} ms, "
            f"p95 {percentile(floor_latencies, 0.95) * 1000:.0f} ms; rows {floor_stored}; errors {floor_errors}"
        )
        print(floor_cpu)
        print(f"minimal write / bare JSON throughput: {floor_rate / bare_rate:.2f} (no target: the floor of any sync)")
        print(f"sync p95 per batch: {p95:.0f} ms (target under 1000)")
        print(f"sync throughput / bare JSON throughput: {sync_rate / bare_rate:.2f} (target at least 0.5)")
        return 0 if stored == TABLETS * EVENTS and errors == 0 and bare_errors == 0 else 1
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
