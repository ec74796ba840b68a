"""Part of bench/kpis.py (not a script of its own): an import of 1,000
visits and 100 incidents into the seeded set, then the refresh its jobs
ask for, timed.

The import is what a day's or a week's field data looks like: visits and
incidents of the last week before the seed's last day, 800 follow-up visits
to installs first visited in the four weeks before (which makes the refresh
reach back to their first visits' periods) and 200 first visits to new installs;
incidents on existing nodes, a few still open. Ids carry the run's time, so
that --reuse can import again."""

import datetime
import random
import time


def _files(until: datetime.date, tag: str) -> dict[str, str]:
    from kpis.models import Install, Node, Visit

    rng = random.Random(tag)  # noqa: S311 - benchmark data, not secrets
    week_start = datetime.datetime.combine(until - datetime.timedelta(days=6), datetime.time(), tzinfo=datetime.UTC)
    recent = week_start - datetime.timedelta(days=28)
    revisited = list(
        Visit.objects.filter(visited_at__gte=recent, visited_at__lt=week_start)
        .order_by("install_id")
        .values_list("install__external_id", flat=True)
        .distinct()[:800]
    )
    pods = list(Install.objects.order_by("pk").values_list("pod__code", flat=True)[:200])
    new = [f"bench-{tag}-{n}" for n in range(200)]
    installs = ["install_id,site,pod_code,installer"] + [f"{i},Bench site,{pods[n]}," for n, i in enumerate(new)]

    def at():
        return (week_start + datetime.timedelta(seconds=rng.randint(0, 7 * 86400 - 1))).isoformat()

    visits = ["install_id,visited_at,outcome"] + [
        f"{install},{at()},{rng.choice(['success', 'success', 'partial'])}" for install in revisited + new
    ]
    nodes = list(Node.objects.order_by("pk").values_list("serial", flat=True)[:100])
    incidents = ["incident_id,node_serial,severity,opened_at,resolved_at"]
    for n, serial in enumerate(nodes):
        opened = datetime.datetime.fromisoformat(at())
        resolved = "" if n % 20 == 0 else (opened + datetime.timedelta(hours=rng.uniform(0.5, 48))).isoformat()
        if resolved and resolved > f"{until + datetime.timedelta(days=1)}":
            resolved = ""
        incidents.append(f"bench-{tag}-inc-{n},{serial},sev3,{opened.isoformat()},{resolved}")
    return {
        "installs.csv": "\n".join(installs) + "\n",
        "visits.csv": "\n".join(visits) + "\n",
        "incidents.csv": "\n".join(incidents) + "\n",
    }


def import_and_refresh(until: datetime.date) -> tuple[float, float, int, int]:
    """(import seconds, refresh seconds, days touched, snapshots written)."""
    from kpis.importing import field_data_import
    from kpis.jobs import kpi_job_run

    files = _files(until, datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S"))
    started = time.perf_counter()
    report = field_data_import(actor=None, files=files)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    written = sum(kpi_job_run(job_id=job.pk).written for job in report.jobs)
    return imported, time.perf_counter() - started, len(report.days), written
