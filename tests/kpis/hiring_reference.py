"""The hiring KPIs in plain Python, one fact at a time, written from the
definitions (docs/product.md, KPIs): the reference the grouped SQL of
kpis/hiring_kpis.py is checked against.

`match(pod, source)` says whether a fact belongs to a scope: field scopes
look at the pod, the source scope at the source (never a blank one)."""

import datetime

from kpis.field_kpis import percentile
from kpis.sources import SOURCE_IDS
from tests.kpis.reference import group_pods, in_period

PIPELINE = ["applied", "screen", "practical", "interview", "offer", "hired"]
OPEN = PIPELINE[:-1]


def matchers(pods):
    """scope -> {scope id: match(pod, source)} for every scope the hiring KPIs have."""
    found = {}
    for scope, groups in group_pods(pods).items():
        found[scope] = {sid: (lambda pod, source, members=members: pod in members) for sid, members in groups.items()}
    found["source"] = {
        number: (lambda pod, source, value=value: source == value) for value, number in SOURCE_IDS.items()
    }
    return found


def time_to_hire(candidates, period, match, tz):
    lo, hi = period.start_at(), period.end_at()
    days = [
        (c["hired_at"].astimezone(tz).date() - c["applied_on"]).days
        for c in candidates
        if c["stage"] == "hired" and lo <= c["hired_at"] < hi and match(c["pod"], c["source"])
    ]
    if not days:
        return {"total": 0, "count": 0, "median": None, "p90": None}
    return {
        "total": sum(days),
        "count": len(days),
        "median": percentile(days, 0.5),
        "p90": percentile(days, 0.9),
    }


def furthest(candidate):
    """The furthest pipeline stage the candidate reached: their stage now, or
    the furthest their history went (one rejected at interview passed screen)."""
    ranks = [PIPELINE.index(s) for s in [candidate["stage"], *candidate["history"]] if s in PIPELINE]
    return max(ranks, default=0)


def conversion(candidates, period, match):
    mine = [c for c in candidates if in_period(c["applied_on"], period) and match(c["pod"], c["source"])]
    reached = {stage: sum(furthest(c) >= rank for c in mine) for rank, stage in enumerate(PIPELINE)}
    return {
        "hired": reached["hired"],
        "applied": len(mine),
        "reached": reached,
        "open": sum(c["stage"] in OPEN for c in mine),
        "rejected": sum(c["stage"] == "rejected" for c in mine),
        "withdrawn": sum(c["stage"] == "withdrawn" for c in mine),
    }


def first_cleared_on(installer, clearances, tz):
    mine = [c["cleared_at"] for c in clearances if c["installer"] == installer["id"]]
    return min(mine).astimezone(tz).date() if mine else None


def clearance_60d(installers, clearances, period, match, today, tz):
    cleared = hires = 0
    for installer in installers:
        last_day = installer["hired_on"] + datetime.timedelta(days=60)
        if not in_period(last_day, period) or last_day >= today or not match(installer["pod"], installer["source"]):
            continue
        hires += 1
        first = first_cleared_on(installer, clearances, tz)
        cleared += first is not None and first <= last_day
    return cleared, hires


def retention(installers, period, match, today):
    stayed = hires = voluntary = 0
    for installer in installers:
        day = installer["hired_on"] + datetime.timedelta(days=365)
        if not in_period(day, period) or day >= today or not match(installer["pod"], installer["source"]):
            continue
        hires += 1
        left = installer["left_on"] is not None and installer["left_on"] <= day
        stayed += not left
        voluntary += left and installer["voluntary"]
    return stayed, hires, voluntary
