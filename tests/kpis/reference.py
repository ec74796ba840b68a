"""Plain-Python KPIs written from PRODUCT.md section 5, one fact at a time:
the reference the set-based computation is checked against."""

import datetime
from collections import defaultdict

from kpis.computation import percentile


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
    lo, hi = period.start_at(), period.end_at()
    window = datetime.timedelta(days=window_days)
    successes = total = provisional = 0
    for install in installs:
        if install["pod"] not in pods or not install["visits"]:
            continue
        visits = sorted(install["visits"])
        first_at, first_outcome = visits[0]
        if not (lo <= first_at < hi):
            continue
        total += 1
        revisit = any(first_at < at <= first_at + window for at, _outcome in visits[1:])
        successes += first_outcome == "success" and not revisit
        provisional += first_at + window > now
    return successes, total, provisional


def group_pods(pods):
    """scope -> {scope_id: set of pod ids}"""
    scopes = {"org": {0: {p["id"] for p in pods}}, "pod": {p["id"]: {p["id"]} for p in pods}}
    for scope, key in (("geography", "geography"), ("vertical", "vertical")):
        grouped = defaultdict(set)
        for p in pods:
            grouped[p[key]].add(p["id"])
        scopes[scope] = dict(grouped)
    return scopes
