"""Demo hiring (fixtures/demo_hiring.json), through hiring's services.

Some installers of the demo organisation come through the hiring app: the
organisation's demo asks `HiringDemo.hire` for each installer, and for
those of the fixture a requisition of their pod is opened, they and their
competitors apply, are scored and moved, and the hire service creates the
installer with the fixture's hire date as start date. Everything after
the hire (bootcamp, onboarding, clearances, separations) is then the same
as for every demo installer, so the hiring KPIs (time to hire, conversion,
clearance within 60 days, first-year retention) have history.

The services stamp each move "now"; a demo hire happened months ago, so
once everything is written `backdate` moves the stage history, scorecards
and records to the days the fixture tells, as they would have been written
then. Dates are relative to the day of seeding and the random scores come
from a fixed seed: the demo is the same every time."""

import datetime
import json
import random
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from installer_ops.models import Installer, Level, Pod, PodMembership, PodRole, User

from . import services
from .defaults import put_back_defaults
from .models import DIMENSIONS, EXITS, PIPELINE, Candidate, Requisition, Scorecard, ScreeningTask, StageChange

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_hiring.json"
PRACTICAL_TASKS = ["surface-mount-wiring", "device-provisioning", "debug-small-model"]
NOTES = {
    "strong": "Worked methodically and explained each step to the customer.",
    "practical": "Solid on the bench; the failure-scenario interview is still to come.",
    "weak": "Needed hints throughout and skipped a verification step.",
}
# The demo's records are written in working hours: from 9:00 (UTC), an hour a step.
MORNING = datetime.time(9, 0, tzinfo=datetime.UTC)


class HiringDemo:
    def __init__(self, today: datetime.date):
        self.today = today
        self.data = json.loads(FIXTURE.read_text(encoding="utf-8"))
        self.hires = {spec["employee_id"]: spec for spec in self.data["hires"]}
        self.rng = random.Random(11)  # noqa: S311 - demo data, the same every time, not security
        put_back_defaults()  # a flushed database has lost the migration's tasks
        self.tasks = {task.slug: task for task in ScreeningTask.objects.all()}
        # Candidate pk: [(to_stage, at)], in the order the services wrote the moves.
        self.timelines: dict[int, list[tuple[str, datetime.datetime]]] = {}
        self.opened: dict[int, datetime.date] = {}  # requisition pk: opened on

    def hire(self, *, users: dict[str, User], **person) -> Installer | None:
        """Hire one installer of the organisation's fixture through a
        requisition, or None for those the hiring fixture does not name (and
        for demo logins, whose username the hire would not keep)."""
        spec = self.hires.get(person["employee_id"])
        if spec is None or person.get("username"):
            return None
        pod, hired_on = person["pod"], person["hired_on"]
        hired_at = _at(hired_on - datetime.timedelta(days=spec.get("start_after", 7)), hours=7)
        applied_on = hired_at.date() - datetime.timedelta(days=spec["days_to_hire"])
        requisition = self._requisition(pod, Level(person["level"]), applied_on - datetime.timedelta(days=4), 45)
        lead, second = self._interviewers(pod, users)
        others = []
        for index, other in enumerate(spec.get("others", [])):
            others.append(
                (other, self._candidate(requisition, other, applied_on + datetime.timedelta(days=index), second))
            )
        candidate = self._candidate(
            requisition, {"name": person["name"], "source": person["hiring_source"]}, applied_on, second
        )
        self._score(candidate, "strong", lead, second)
        for other, competitor in others:
            self._score(competitor, other.get("scores"), lead, second)
            self._move(competitor, other["reached"], other["exit"], other["reason"], hired_at)
        self._move(candidate, "offer", None, "", hired_at - datetime.timedelta(hours=3))
        installer = services.candidate_hire(
            actor=None, candidate=candidate, employee_id=person["employee_id"], start_on=hired_on
        )
        self.timelines[candidate.pk].append(("hired", hired_at))
        return installer

    def seed_open_requisitions(self, users: dict[str, User]) -> None:
        """The requisitions still being filled, with candidates at every stage."""
        # Every move on a day before today: nothing lies ahead of the seeding.
        until = _at(self.today, hours=0)
        for spec in self.data["open"]:
            pod = Pod.objects.get(code=spec["pod"])
            requisition = self._requisition(
                pod,
                Level.from_code(spec["level"]),
                self.today - datetime.timedelta(days=spec["opened_days_ago"]),
                spec["opened_days_ago"] + spec["fill_by_days_ahead"],
                role=spec["role"],
            )
            lead, second = self._interviewers(pod, users)
            for person in spec["candidates"]:
                applied_on = self.today - datetime.timedelta(days=person["applied_days_ago"])
                candidate = self._candidate(requisition, person, applied_on, second)
                self._score(candidate, person.get("scores"), lead, second)
                closed = person["stage"] in EXITS
                reached = person.get("reached", person["stage"]) if closed else person["stage"]
                self._move(candidate, reached, person["stage"] if closed else None, person.get("reason", ""), until)

    def backdate(self) -> None:
        """Give the stage history, scorecards and records the days the fixture tells."""
        changes, candidates, cards = [], [], []
        by_candidate = {}
        for change in StageChange.objects.filter(candidate_id__in=self.timelines).order_by("candidate_id", "id"):
            by_candidate.setdefault(change.candidate_id, []).append(change)
        for candidate in Candidate.objects.filter(pk__in=self.timelines):
            timeline = self.timelines[candidate.pk]
            for change, (stage, at) in zip(by_candidate[candidate.pk], timeline, strict=True):
                if change.to_stage != stage:
                    raise RuntimeError(f"the demo's story of {candidate} went astray at {change}")
                change.at = at
                changes.append(change)
            candidate.stage_changed_at, candidate.created_at = timeline[-1][1], timeline[0][1]
            candidates.append(candidate)
        for card in Scorecard.objects.filter(candidate_id__in=self.timelines).select_related("task"):
            card.created_at = _scored_at(self.timelines[card.candidate_id], card.task.kind)
            cards.append(card)
        StageChange.objects.bulk_update(changes, ["at"])
        Candidate.objects.bulk_update(candidates, ["stage_changed_at", "created_at"])
        Scorecard.objects.bulk_update(cards, ["created_at"])
        requisitions = list(Requisition.objects.filter(pk__in=self.opened))
        for requisition in requisitions:
            requisition.created_at = _at(self.opened[requisition.pk], hours=0)
        Requisition.objects.bulk_update(requisitions, ["created_at"])

    # --- steps ------------------------------------------------------------------------------

    def _requisition(self, pod, level, opened_on, days, role="installer") -> Requisition:
        requisition = services.requisition_open(
            actor=None,
            pod=pod,
            role=role,
            level=level,
            opened_on=opened_on,
            fill_by=opened_on + datetime.timedelta(days=days),
        )
        self.opened[requisition.pk] = opened_on
        return requisition

    def _interviewers(self, pod: Pod, users: dict[str, User]) -> tuple[User, User]:
        """The pod's lead (who scores as such) and the second interviewer the fixture names for them."""
        lead = PodMembership.objects.get(pod=pod, role=PodRole.INSTALLER_LEAD, ended_on__isnull=True).user
        return lead, users[self.data["second_interviewer"][lead.username]]

    def _candidate(self, requisition, person: dict, applied_on: datetime.date, interviewer: User) -> Candidate:
        candidate = services.candidate_add(
            actor=None,
            requisition=requisition,
            name=person["name"],
            email=f"{slugify(person['name']).replace('-', '.')}@example.com",
            source=person["source"],
            applied_on=applied_on,
            interviewers=[interviewer],
        )
        self.timelines[candidate.pk] = [("applied", _at(applied_on, hours=1))]
        return candidate

    def _score(self, candidate: Candidate, profile: str | None, lead: User, second: User) -> None:
        """The scorecards of a profile of the fixture (none without one)."""
        if profile is None:
            return
        practical = self.tasks[self.rng.choice(PRACTICAL_TASKS)]
        cards = [(practical, lead)] + ([(self.tasks["failure-scenario"], second)] if profile == "strong" else [])
        for task, interviewer in cards:
            low, high = (1, 2) if profile == "weak" else (3, 4)
            scores = {d: self.rng.randint(low, high) for d in DIMENSIONS}
            average = sum(scores.values()) / len(scores)
            recommendation = "strong-yes" if average >= 3.5 else "yes" if average >= 2.75 else "no"
            if average < 1.5:
                recommendation = "strong-no"
            services.scorecard_submit(
                actor=None,
                candidate=candidate,
                task=task,
                scores=scores,
                recommendation=recommendation,
                notes=NOTES[profile],
                interviewer=interviewer,
            )

    def _move(self, candidate: Candidate, reached: str, exit_to: str | None, reason: str, until) -> None:
        """Forward to `reached`, then out to `exit_to` with the reason; the
        moves spread over the days between the application and `until`, in
        working hours."""
        steps = PIPELINE[1 : PIPELINE.index(reached) + 1]
        moves = [*steps, *([exit_to] if exit_to else [])]
        start = self.timelines[candidate.pk][0][1].date()
        days = (until.date() - start).days
        for index, stage in enumerate(moves, start=1):
            candidate = services.candidate_stage_move(
                actor=None, candidate=candidate, stage=stage, reason=reason if stage == exit_to else ""
            )
            # Before the day of `until`: index / (moves + 1) < 1.
            day = start + datetime.timedelta(days=days * index // (len(moves) + 1))
            self.timelines[candidate.pk].append((stage, _at(day, hours=1 + index)))


def _at(day: datetime.date, *, hours: int) -> datetime.datetime:
    return datetime.datetime.combine(day, MORNING) + datetime.timedelta(hours=hours)


def _scored_at(timeline: list[tuple[str, datetime.datetime]], kind: str) -> datetime.datetime:
    """While the candidate was at the task's stage (practical tasks at
    practical, interviews at interview): half an hour before they moved on,
    or an hour after they got there if they are there still."""
    stages = [stage for stage, _when in timeline]
    stage = "interview" if kind == "interview" else "practical"
    if stage not in stages:  # scored, then left before reaching it
        return timeline[-1][1] - datetime.timedelta(minutes=30)
    index = stages.index(stage)
    if index + 1 < len(timeline):
        return timeline[index + 1][1] - datetime.timedelta(minutes=30)
    return min(timeline[index][1] + datetime.timedelta(hours=1), timezone.now())
