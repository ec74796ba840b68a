"""Which stage moves the pipeline allows a candidate: written once, read by
the stage-move service (which refuses anything else) and by the pages
(which offer only these moves as buttons)."""

from .models import EXITS, OPEN_STAGES, PIPELINE, Candidate, CandidateStage


def next_stage(stage: str) -> CandidateStage:
    return PIPELINE[PIPELINE.index(CandidateStage(stage)) + 1]


def moves_allowed(candidate: Candidate) -> list[CandidateStage]:
    """The next stage while the requisition is open (never hired: only the
    hire reaches it), then rejected and withdrawn, from any open stage;
    nothing once the candidate is hired, rejected or withdrawn. Reads
    `candidate.requisition` (select it with the candidate)."""
    current = CandidateStage(candidate.stage)
    if current not in OPEN_STAGES:
        return []
    following = next_stage(current)
    forward = [following] if following != CandidateStage.HIRED and candidate.requisition.is_open else []
    return [*forward, *EXITS]
