"""The hiring files of the import, candidates.csv and scorecards.csv:
every row validated and resolved against the database and the other file
before anything is written, as kpis/import_validation.py does for the
others. The rules checked are hiring's own (hiring/services), so that a row
the services would refuse is an error of its line and column here, and the
writes (kpis/import_hiring_writes.py) go through those services.

A candidate is keyed by requisition and email (any case), a scorecard by
candidate, task and interviewer, so that importing the same files again
changes nothing."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring.models import (
    DIMENSIONS,
    EXITS,
    OPEN_STAGES,
    PIPELINE,
    SCORE_MAX,
    SCORE_MIN,
    SOURCE_BY_CODE,
    Candidate,
    CandidateStage,
    Recommendation,
    Requisition,
    Scorecard,
    ScreeningTask,
)
from hiring.policies import can_be_interviewer
from installer_ops.models import PodMembership, PodRole, User
from installer_ops.roles import Role, role_of

from .import_format import Rows, Validator, shown

# Sources by their API code or stored value, any case; stages and
# recommendations by their codes (`strong-yes`, also `strong_yes`).
SOURCES = {**SOURCE_BY_CODE, **{value: value for value in SOURCE_BY_CODE.values()}}
IMPORTED_STAGES = {s.value: s.value for s in [*OPEN_STAGES, *EXITS]}
RECOMMENDATIONS = {**{r: r for r in Recommendation.values}, **{r.replace("-", "_"): r for r in Recommendation.values}}
# An id the database can hold (bigint); a longer one names no requisition.
REQUISITION_ID = re.compile(r"[0-9]{1,18}")
LOGINS = re.compile(r"[;\s]+")


def validate_hiring(parsed: dict[str, Rows], plan: dict) -> None:
    """Add plan["candidates"] and plan["scorecards"]; errors go to the files' Rows."""
    candidate_rows = parsed["candidates.csv"].rows if "candidates.csv" in parsed else []
    scorecard_rows = parsed["scorecards.csv"].rows if "scorecards.csv" in parsed else []
    plan["candidates"], plan["scorecards"] = [], []
    if not candidate_rows and not scorecard_rows:
        return  # an import of other files reads nothing of hiring
    known = _Known(candidate_rows, scorecard_rows)
    # (requisition id, email in lower case): the candidate's planned row, for
    # the scorecards; None when the row has an error (reported there, and
    # once: the candidate still counts as known).
    in_file: dict[tuple[int, str], dict | None] = {}
    seen: dict = {}
    for line, row in candidate_rows:
        key, planned = _candidate(Validator(parsed["candidates.csv"]), line, row, known, seen)
        if key is not None:
            in_file.setdefault(key, planned)
        if planned is not None:
            plan["candidates"].append(planned)
    seen = {}
    for line, row in scorecard_rows:
        planned = _scorecard(Validator(parsed["scorecards.csv"]), line, row, known, in_file, seen)
        if planned is not None:
            plan["scorecards"].append(planned)


class _Known:
    """What the rows refer to, read once: requisitions, logins, tasks, the
    candidates and scorecards already recorded, and who leads which pod."""

    def __init__(self, candidate_rows, scorecard_rows):
        ids = {
            int(row["requisition"])
            for _line, row in [*candidate_rows, *scorecard_rows]
            if REQUISITION_ID.fullmatch(row.get("requisition", ""))
        }
        self.requisitions = Requisition.objects.select_related("pod").in_bulk(ids)
        logins = {login for _line, row in candidate_rows for login in _logins(row.get("interviewers", ""))}
        logins |= {row["interviewer"] for _line, row in scorecard_rows if row.get("interviewer")}
        self.users = User.objects.in_bulk(logins, field_name="username")
        self.tasks = {task.slug: task for task in ScreeningTask.objects.all()}
        emails = {row.get("email", "").lower() for _line, row in candidate_rows}
        emails |= {row.get("candidate_email", "").lower() for _line, row in scorecard_rows}
        candidates = (
            Candidate.objects.annotate(email_key=Lower("email"))
            .filter(requisition_id__in=ids, email_key__in=emails)
            .prefetch_related("interviewers", "stage_changes")
        )
        self.candidates = {(c.requisition_id, c.email_key): c for c in candidates}
        self.scorecards = {
            (s.candidate_id, s.task_id, s.interviewer_id): s
            for s in Scorecard.objects.filter(candidate__in=list(self.candidates.values()))
        }
        self.leads = set(
            PodMembership.objects.filter(
                pod__in={r.pod_id for r in self.requisitions.values()},
                role=PodRole.INSTALLER_LEAD,
                ended_on__isnull=True,
            ).values_list("pod_id", "user_id")
        )

    def requisition(self, v: Validator, line, row, column="requisition") -> Requisition | None:
        value = v.required(line, row, column)
        if value is None:
            return None
        requisition = self.requisitions.get(int(value)) if REQUISITION_ID.fullmatch(value) else None
        if requisition is None:
            v.rows.error(line, column, _("unknown requisition “%(id)s”") % {"id": shown(value)})
        return requisition

    def interviewer(self, v: Validator, line, column, login: str) -> User | None:
        user = self.users.get(login)
        if user is None:
            v.rows.error(line, column, _("unknown interviewer “%(login)s”") % {"login": shown(login)})
        elif not can_be_interviewer(user):
            v.rows.error(
                line,
                column,
                _("“%(login)s” cannot interview: only active leads and administrators do") % {"login": shown(login)},
            )
            return None
        return user


def _logins(cell: str) -> list[str]:
    return list(dict.fromkeys(login for login in LOGINS.split(cell) if login))


def _email(v: Validator, line, row, column) -> str | None:
    email = v.required(line, row, column)
    if email is None:
        return None
    try:
        validate_email(email)
    except ValidationError:
        v.rows.error(line, column, _("“%(email)s” is not an email address") % {"email": shown(email)})
        return None
    return email


def _candidate(v: Validator, line, row, known: _Known, seen: dict) -> tuple[tuple | None, dict | None]:
    """The candidate's key (None unless its requisition and email are valid)
    and what to write (None when the row has an error)."""
    requisition = known.requisition(v, line, row)
    name, email = v.required(line, row, "name"), _email(v, line, row, "email")
    source = v.choice(line, row, "source", SOURCES) if v.required(line, row, "source") else None
    applied_on = v.date(line, row, "applied_on")
    if applied_on is not None and applied_on > timezone.localdate():
        v.rows.error(line, "applied_on", _("“%(date)s” is in the future") % {"date": applied_on.isoformat()})
        applied_on = None
    stage = _stage(v, line, row)
    reason = row["reason"]
    if stage in EXITS and not reason and (line, "reason") not in v.rows.bad:
        v.rows.error(line, "reason", _("is required for a candidate who is rejected or withdrew"))
        stage = None
    interviewers = None
    if row["interviewers"] and (line, "interviewers") not in v.rows.bad:
        interviewers = [known.interviewer(v, line, "interviewers", login) for login in _logins(row["interviewers"])]
        if None in interviewers:
            interviewers = False  # reported; the row is not planned
    if requisition is None or email is None:
        return None, None
    key = (requisition.pk, email.lower())
    if not v.once(line, "email", key, seen, _("candidate “%(email)s” of this requisition") % {"email": shown(email)}):
        return None, None
    existing = known.candidates.get(key)
    if existing is None and not requisition.is_open:
        v.rows.error(
            line,
            "requisition",
            _("requisition %(id)s is %(status)s; candidates join open requisitions only")
            % {"id": requisition.pk, "status": requisition.get_status_display().lower()},
        )
        return key, None
    if stage is not None and existing is not None and not _move_possible(v, line, existing, requisition, stage):
        return key, None
    if None in (name, source, applied_on, stage) or interviewers is False:
        return key, None
    return key, {
        "line": line,
        "key": key,
        "requisition": requisition,
        "existing": existing,
        "name": name,
        "email": email,
        "source": source,
        "applied_on": applied_on,
        "stage": stage,
        "reason": reason,
        "interviewers": interviewers,
    }


def _stage(v: Validator, line, row) -> str | None:
    """The stage to bring the candidate to (empty: applied), or None when refused."""
    if (line, "stage") in v.rows.bad:
        return None
    value = row["stage"].lower()
    if not value:
        return CandidateStage.APPLIED.value
    if value == CandidateStage.HIRED:
        v.rows.error(
            line,
            "stage",
            _("“hired” is reached only through the hire, which creates the installer: import the candidate at offer"),
        )
        return None
    return v.choice(line, row, "stage", IMPORTED_STAGES)


def _move_possible(v: Validator, line, candidate: Candidate, requisition: Requisition, stage: str) -> bool:
    """True if the recorded candidate is at `stage`, has been there (the app
    knows more than the file: nothing to do), or can get there by the moves
    the pipeline allows; otherwise an error of the stage column."""
    if stage in {change.to_stage for change in candidate.stage_changes.all()}:
        return True
    current = CandidateStage(candidate.stage)
    if current not in OPEN_STAGES:
        problem = _("the candidate is %(stage)s; a closed candidate does not move")
    elif stage in PIPELINE and not requisition.is_open:
        problem = _("the requisition is %(status)s; its candidates can only be rejected or withdraw")
    else:
        return True
    v.rows.error(
        line,
        "stage",
        f"“{shown(stage)}”: "
        + problem % {"stage": current.label.lower(), "status": requisition.get_status_display().lower()},
    )
    return False


def _score(v: Validator, line, row, column) -> int | None:
    value = v.required(line, row, column)
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{1,3}", value) or not SCORE_MIN <= int(value) <= SCORE_MAX:
        v.rows.error(
            line,
            column,
            _("“%(value)s” is not a score from %(low)s to %(high)s")
            % {"value": shown(value), "low": SCORE_MIN, "high": SCORE_MAX},
        )
        return None
    return int(value)


def _scorecard(v: Validator, line, row, known: _Known, in_file: dict, seen: dict) -> dict | None:
    requisition = known.requisition(v, line, row)
    email = _email(v, line, row, "candidate_email")
    slug = v.required(line, row, "task")
    task = known.tasks.get(slug) if slug else None
    if slug and task is None:
        v.rows.error(line, "task", _("unknown task “%(task)s”") % {"task": shown(slug)})
    login = v.required(line, row, "interviewer")
    interviewer = known.interviewer(v, line, "interviewer", login) if login else None
    scores = {d: _score(v, line, row, d) for d in DIMENSIONS}
    recommendation = (
        v.choice(line, row, "recommendation", RECOMMENDATIONS) if v.required(line, row, "recommendation") else None
    )
    notes = row["notes"]
    if requisition is None or email is None:
        return None
    key = (requisition.pk, email.lower())
    planned, existing = in_file.get(key), known.candidates.get(key)
    if key not in in_file and existing is None:
        v.rows.error(
            line,
            "candidate_email",
            _("unknown candidate “%(email)s” of requisition %(id)s") % {"email": shown(email), "id": requisition.pk},
        )
        return None
    if task is None or interviewer is None or (key in in_file and planned is None):
        return None  # the candidate's own row has an error: one mistake, one error
    what = _("scorecard by “%(login)s” on “%(task)s”") % {"login": shown(login), "task": task.slug}
    if not v.once(line, "interviewer", (key, task.pk, interviewer.pk), seen, what):
        return None
    if None in scores.values() or recommendation is None:
        return None
    recorded = known.scorecards.get((existing.pk, task.pk, interviewer.pk)) if existing else None
    if recorded is not None:
        if recorded.scores != scores or recorded.recommendation != recommendation or recorded.notes != notes:
            v.rows.error(
                line,
                "interviewer",
                _("“%(login)s” has scored this candidate on “%(task)s” already, with other values; it is written once")
                % {"login": shown(login), "task": task.slug},
            )
            return None
        return {"line": line, "unchanged": True}
    if not task.active:
        v.rows.error(line, "task", _("“%(task)s” is no longer in use") % {"task": task.slug})
        return None
    if existing is not None and not existing.is_open:
        v.rows.error(
            line,
            "candidate_email",
            _("the candidate is %(stage)s; scorecards are written while the pipeline is open")
            % {"stage": existing.get_stage_display().lower()},
        )
        return None
    if not _may_score(interviewer, requisition, planned, existing, known):
        v.rows.error(
            line,
            "interviewer",
            _("“%(login)s” is not named to interview this candidate and does not lead the pod")
            % {"login": shown(login)},
        )
        return None
    return {
        "line": line,
        "unchanged": False,
        "key": key,
        "candidate": existing,
        "task": task,
        "interviewer": interviewer,
        "scores": scores,
        "recommendation": recommendation,
        "notes": notes,
    }


def _may_score(interviewer: User, requisition: Requisition, planned, existing, known: _Known) -> bool:
    """hiring.policies.can_score against the interviewers the candidate will
    have once candidates.csv is written (the file's, when it names them)."""
    if role_of(interviewer) == Role.LEAD and (requisition.pod_id, interviewer.pk) in known.leads:
        return True
    if planned is not None and planned["interviewers"] and (existing is None or existing.is_open):
        return interviewer in planned["interviewers"]
    return existing is not None and interviewer in existing.interviewers.all()
