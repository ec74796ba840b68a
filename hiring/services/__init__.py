"""Writes of hiring: requisitions, candidates and their stages, scorecards,
the rubric's minimums and the hire. Each takes the actor, asks
hiring/policies.py and writes its audit entry in its own transaction.
One module per concern; callers import the package."""

from .candidates import candidate_add, candidate_interviewers_set, candidate_stage_move
from .hires import candidate_hire
from .requisitions import requisition_cancel, requisition_open
from .scoring import minimums_set, scorecard_submit

__all__ = [
    "candidate_add",
    "candidate_hire",
    "candidate_interviewers_set",
    "candidate_stage_move",
    "minimums_set",
    "requisition_cancel",
    "requisition_open",
    "scorecard_submit",
]
