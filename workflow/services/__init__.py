"""Workflow operations. Views, commands and other apps call these; nothing else moves a state.

Each operation checks, then executes, inside one transaction that locks the case row
(select_for_update). A refused operation raises WorkflowError (its message is for the user)
and changes nothing.
"""

from workflow.services import errata
from workflow.services.changes import LeafChange, leaf_changes
from workflow.services.editions import current_edition, next_version, publish
from workflow.services.errata import open_errata_for
from workflow.services.errors import ReviewConflict, WorkflowError
from workflow.services.review import (
    TrackResult,
    assign_reviewer,
    cancel,
    decide,
    decide_outcome,
    open_case,
    record_opinion,
    replace_reviewer,
    resubmit,
    submit,
    withdraw,
)
from workflow.services.rules import (
    can_manage_case,
    can_view_case,
    recusal_reason,
    tracks_for,
)

__all__ = [
    "LeafChange",
    "ReviewConflict",
    "TrackResult",
    "WorkflowError",
    "assign_reviewer",
    "cancel",
    "can_manage_case",
    "can_view_case",
    "current_edition",
    "decide",
    "decide_outcome",
    "errata",
    "leaf_changes",
    "next_version",
    "open_case",
    "open_errata_for",
    "publish",
    "record_opinion",
    "recusal_reason",
    "replace_reviewer",
    "resubmit",
    "submit",
    "tracks_for",
    "withdraw",
]
