"""The hiring rows of a validated import, written through hiring's services
(kpis/import_hiring.py validated them): candidates are added, given their
interviewers, scored, then moved to the file's stage one step at a time, so
that their history, their audit entries and the rules are those of the
pages and the API. Runs inside write_plan's transaction; a refusal by a
service becomes an error of its row, and the import is refused whole."""

from django.core.exceptions import PermissionDenied, ValidationError

from hiring import services as hiring_services
from hiring.models import DIMENSIONS, EXITS, PIPELINE, Candidate, CandidateStage
from installer_ops.exceptions import DomainConflict

from .import_format import ImportReport, RowError
from .rebuild_parts import PEOPLE_PART

REFUSALS = (ValidationError, DomainConflict, PermissionDenied)
# A service's field, as the column of the file that holds it.
CANDIDATE_COLUMNS = {"requisition", "name", "email", "source", "applied_on", "stage", "reason", "interviewers"}
SCORECARD_COLUMNS = {"task", "interviewer", "notes", "recommendation", *DIMENSIONS}


def _error(file: str, line: int, exc: Exception, columns: set[str], default: str) -> RowError:
    """A service's refusal as an error of the row, under the column it names when the file has one."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        field = next(iter(exc.error_dict))
        column = field if field in columns else default
        return RowError(file, line, column, " ".join(exc.messages))
    message = exc.message if isinstance(exc, DomainConflict) else " ".join(getattr(exc, "messages", [str(exc)]))
    return RowError(file, line, default, message)


def write_hiring(plan: dict, report: ImportReport, errors: list[RowError], actor) -> None:
    if not plan.get("candidates") and not plan.get("scorecards"):
        return
    candidates = _write_candidates(plan.get("candidates", []), report, errors, actor)
    if errors:
        return  # the scorecards would name a candidate that is not there; the import is refused anyway
    _write_scorecards(plan.get("scorecards", []), candidates, report, errors, actor)
    if errors:
        return
    # Last: a candidate rejected by this import has their scorecards first.
    _write_moves(plan.get("candidates", []), candidates, report, errors, actor)


def _write_candidates(rows: list[dict], report: ImportReport, errors: list[RowError], actor) -> dict:
    """Add the new candidates, name the interviewers of the others; {key: Candidate}."""
    candidates = {}
    for row in rows:
        candidate = row["existing"]
        try:
            if candidate is None:
                candidate = hiring_services.candidate_add(
                    actor=actor,
                    requisition=row["requisition"],
                    name=row["name"],
                    email=row["email"],
                    source=row["source"],
                    applied_on=row["applied_on"],
                    interviewers=row["interviewers"] or [],
                )
                row["created"] = True
                report.created["candidates"] += 1
                report.touch(row["applied_on"], PEOPLE_PART)
            elif (
                row["interviewers"]
                and candidate.is_open
                and {u.pk for u in row["interviewers"]} != {u.pk for u in candidate.interviewers.all()}
            ):
                candidate = hiring_services.candidate_interviewers_set(
                    actor=actor, candidate=candidate, interviewers=row["interviewers"]
                )
                row["updated"] = True
        except REFUSALS as exc:
            errors.append(_error("candidates.csv", row["line"], exc, CANDIDATE_COLUMNS, "email"))
            continue
        candidates[row["key"]] = candidate
    return candidates


def _write_scorecards(rows: list[dict], candidates: dict, report: ImportReport, errors: list[RowError], actor) -> None:
    for row in rows:
        if row["unchanged"]:
            report.unchanged["scorecards"] += 1
            continue
        try:
            hiring_services.scorecard_submit(
                actor=actor,
                candidate=candidates.get(row["key"]) or row["candidate"],
                task=row["task"],
                scores=row["scores"],
                recommendation=row["recommendation"],
                notes=row["notes"],
                interviewer=row["interviewer"],
            )
        except REFUSALS as exc:
            errors.append(_error("scorecards.csv", row["line"], exc, SCORECARD_COLUMNS, "interviewer"))
            continue
        report.created["scorecards"] += 1


def _write_moves(rows: list[dict], candidates: dict, report: ImportReport, errors: list[RowError], actor) -> None:
    """Bring each candidate to the file's stage: forward one step at a time,
    or out with the reason. A stage the candidate has been at already is
    history the app keeps: nothing to do."""
    for row in rows:
        candidate = Candidate.objects.get(pk=candidates[row["key"]].pk)
        target = CandidateStage(row["stage"])
        reached = set(candidate.stage_changes.values_list("to_stage", flat=True))
        try:
            if target not in reached:
                candidate = _move(candidate, target, row["reason"], actor)
                row["updated"] = True
        except REFUSALS as exc:
            errors.append(_error("candidates.csv", row["line"], exc, CANDIDATE_COLUMNS, "stage"))
            continue
        if not row.get("created"):
            if row.get("updated"):
                report.updated["candidates"] += 1
            else:
                report.unchanged["candidates"] += 1


def _move(candidate: Candidate, target: CandidateStage, reason: str, actor) -> Candidate:
    if target in EXITS or not candidate.is_open:
        # A closed candidate: the service says why it does not move.
        return hiring_services.candidate_stage_move(actor=actor, candidate=candidate, stage=target, reason=reason)
    while PIPELINE.index(CandidateStage(candidate.stage)) < PIPELINE.index(target):
        following = PIPELINE[PIPELINE.index(CandidateStage(candidate.stage)) + 1]
        candidate = hiring_services.candidate_stage_move(actor=actor, candidate=candidate, stage=following)
    return candidate
