"""Plain-Python KPIs written from docs/product.md, KPIs, one fact at a time:
the reference the set-based computation is checked against."""

import datetime
from collections import defaultdict

from kpis.field_kpis import percentile


def employed(installer, day):
    return installer["hired_on"] <= day and (installer["left_on"] is None or installer["left_on"] > day)


def in_period(day, period):
    return period.start <= day <= period.end


def audit_pass_rate(audits, period, pods):
    held = [a for a in audits if a["pod"] in pods and in_period(a["audited_on"], period)]
    return sum(a["passed"] for a in held), len(held)


def headcount(installers, period, pods):
    mine = [i for i in installers if i["pod"] in pods]
    start = sum(employed(i, period.start) for i in mine)
    end = sum(employed(i, period.end) for i in mine)
    return (start + end) / 2


def churn(installers, period, pods):
    left = [i for i in installers if i["pod"] in pods and i["left_on"] and in_period(i["left_on"], period)]
    return len(left), headcount(installers, period, pods), sum(i["voluntary"] for i in left)


def promotion_rate(installers, promotions, period, pods):
    by_id = {i["id"]: i for i in installers}
    n = sum(1 for p in promotions if by_id[p["installer"]]["pod"] in pods and in_period(p["effective_on"], period))
    return n, headcount(installers, period, pods)


def mttr(incidents, period, pods):
    lo, hi = period.start_at(), period.end_at()
    mine = [i for i in incidents if i["pod"] in pods]
    durations = [
        (i["resolved_at"] - i["opened_at"]).total_seconds() / 3600
        for i in mine
        if i["resolved_at"] is not None and lo <= i["resolved_at"] < hi
    ]
    still_open = [i for i in mine if i["opened_at"] < hi and (i["resolved_at"] is None or i["resolved_at"] >= hi)]
    oldest = max(((hi - i["opened_at"]).total_seconds() / 3600 for i in still_open), default=None)
    return {
        "total": sum(durations),
        "count": len(durations),
        "median": percentile(durations, 0.5) if durations else None,
        "p90": percentile(durations, 0.9) if durations else None,
        "open": len(still_open),
        "oldest": oldest,
    }


def first_time_success(installs, period, pods, now, window_days=14):
    return first_time_success_where(installs, period, lambda pod, installer: pod in pods, now, window_days=window_days)


def group_pods(pods):
    """scope -> {scope_id: set of pod ids}"""
    scopes = {"org": {0: {p["id"] for p in pods}}, "pod": {p["id"]: {p["id"]} for p in pods}}
    for scope, key in (("geography", "geography"), ("vertical", "vertical")):
        grouped = defaultdict(set)
        for p in pods:
            grouped[p[key]].add(p["id"])
        scopes[scope] = dict(grouped)
    return scopes


# --- the readiness KPIs and the cohort scope ------------------------------------------------
# `match(pod, installer, cohort=None)` says whether a fact belongs to the
# scope: field scopes look at the pod, the cohort scope at the installer's
# enrollment not withdrawn (or, for an enrollment itself, its own cohort).


def working_day(start, n):
    """The n-th working day (Mon-Fri) of a cohort, day 1 on or after the start."""
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == n:
                return day
        day += datetime.timedelta(days=1)


def bootcamp_completion(enrollments, period, match, today):
    ended = [
        e
        for e in enrollments
        if e["ends_on"] < today and in_period(e["ends_on"], period) and match(e["pod"], e["installer"], e["cohort"])
    ]
    completed = [
        e
        for e in ended
        if not e["withdrawn"] and all(checked and (signed or not needs) for checked, signed, needs in e["states"])
    ]
    return len(completed), len(ended), sum(e["withdrawn"] for e in ended)


def first_clearances(clearances):
    firsts = {}
    for c in clearances:
        if c["installer"] not in firsts or c["cleared_at"] < firsts[c["installer"]]:
            firsts[c["installer"]] = c["cleared_at"]
    return firsts


def days_to_clearance(installers, clearances, period, match, tz):
    lo, hi = period.start_at(), period.end_at()
    firsts = first_clearances(clearances)
    total = count = 0
    for installer in installers:
        first = firsts.get(installer["id"])
        if first is None or not (lo <= first < hi) or not match(installer["pod"], installer["id"]):
            continue
        total += (first.astimezone(tz).date() - installer["hired_on"]).days
        count += 1
    return total, count


def drill_first_pass(drills, installers, period, match):
    lo, hi = period.start_at(), period.end_at()
    pods = {i["id"]: i["pod"] for i in installers}
    firsts = [
        d
        for d in drills
        if d["attempt"] == 1 and lo <= d["completed_at"] < hi and match(pods[d["installer"]], d["installer"])
    ]
    return sum(d["passed"] for d in firsts), len(firsts)


def first_time_success_where(installs, period, match, now, keep=None, window_days=14):
    """first_time_success with a scope predicate, and `keep(install, first_at)`
    to restrict the installs (newcomers)."""
    lo, hi = period.start_at(), period.end_at()
    window = datetime.timedelta(days=window_days)
    successes = total = provisional = 0
    for install in installs:
        if not install["visits"] or not match(install["pod"], install.get("installer")):
            continue
        visits = sorted(install["visits"])
        first_at, first_outcome = visits[0]
        if not (lo <= first_at < hi) or (keep and not keep(install, first_at)):
            continue
        total += 1
        revisit = any(first_at < at <= first_at + window for at, _outcome in visits[1:])
        successes += first_outcome == "success" and not revisit
        provisional += first_at + window > now
    return successes, total, provisional


def newcomer(clearances, days=90):
    firsts = first_clearances(clearances)

    def keep(install, first_at):
        cleared = firsts.get(install["installer"])
        return cleared is not None and cleared <= first_at < cleared + datetime.timedelta(days=days)

    return keep


def audit_pass_rate_where(audits, period, match):
    held = [a for a in audits if match(a["pod"], a["installer"]) and in_period(a["audited_on"], period)]
    return sum(a["passed"] for a in held), len(held)


def scope_matchers(pods, cohorts, active_cohort):
    """scope -> {scope_id: match}, for every scope the readiness KPIs have."""
    matchers = {}
    for scope, groups in group_pods(pods).items():
        matchers[scope] = {
            scope_id: (lambda pod, installer, cohort=None, members=members: pod in members)
            for scope_id, members in groups.items()
        }
    matchers["cohort"] = {
        cohort_id: (
            lambda pod, installer, cohort=None, cohort_id=cohort_id: (
                (cohort if cohort is not None else active_cohort.get(installer)) == cohort_id
            )
        )
        for cohort_id in cohorts
    }
    return matchers


def stored(snapshots, kpi, scope, scope_id, start):
    """The stored snapshot, or what "no snapshot" stands for: no facts, no value."""
    from types import SimpleNamespace

    from kpis.registry import empty_details

    found = snapshots.get((kpi, scope, scope_id, start))
    if found is not None:
        return found
    return SimpleNamespace(value=None, numerator=0, denominator=0, provisional=False, details=empty_details(kpi))


def consent_completion(installs, records, period, pods):
    """Installs first visited in the period (in `pods`) with at least one
    complete record of the current version; those with no record at all.
    `installs`: {"external_id", "pod", "visits": [(at, outcome)]}, records:
    {"install_ref", "complete", "superseded"}."""
    lo, hi = period.start_at(), period.end_at()
    consented = total = no_record = 0
    for install in installs:
        if not install["visits"] or install["pod"] not in pods:
            continue
        if not lo <= min(at for at, _outcome in install["visits"]) < hi:
            continue
        total += 1
        mine = [r for r in records if r["install_ref"] == install["external_id"]]
        consented += any(r["complete"] and not r["superseded"] for r in mine)
        no_record += not mine
    return consented, total, no_record
