"""Writes of the bootcamp: programs, cohorts, enrollments and check-off
events. Each takes the actor, asks bootcamp/policies.py and writes its audit
entry. One module per concern; callers import the package."""

from .cohorts import (
    cohort_create,
    enrollment_bulk_create,
)
from .events import (
    ItemEventsOutcome,
    enrollment_signoff_record,
    item_events_apply,
    item_states_refresh,
)
from .field_signoffs import FieldSignoffsOutcome, field_signoffs_apply
from .program_drafts import (
    draft_item_add,
    draft_item_move,
    draft_item_remove,
    draft_item_update,
    draft_module_add,
    draft_module_move,
    draft_module_remove,
    draft_module_update,
    draft_settings_update,
    program_create,
    program_version_draft,
)
from .programs import (
    program_load,
    program_version_create,
    program_version_publish,
    program_version_revise,
    program_version_spec,
)

__all__ = [
    "FieldSignoffsOutcome",
    "ItemEventsOutcome",
    "cohort_create",
    "draft_item_add",
    "draft_item_move",
    "draft_item_remove",
    "draft_item_update",
    "draft_module_add",
    "draft_module_move",
    "draft_module_remove",
    "draft_module_update",
    "draft_settings_update",
    "enrollment_bulk_create",
    "enrollment_signoff_record",
    "field_signoffs_apply",
    "item_events_apply",
    "item_states_refresh",
    "program_create",
    "program_load",
    "program_version_create",
    "program_version_draft",
    "program_version_publish",
    "program_version_revise",
    "program_version_spec",
]
