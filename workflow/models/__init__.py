from .audit import AuditLogEntry
from .editions import Edition, EditionLeaf
from .review import (
    CaseKind,
    CaseState,
    ChangeCategory,
    ChangeType,
    Opinion,
    Outcome,
    PinnedRevision,
    ReviewAssignment,
    ReviewCase,
    ReviewTrack,
    TrackKind,
)

__all__ = [
    "AuditLogEntry",
    "CaseKind",
    "CaseState",
    "ChangeCategory",
    "ChangeType",
    "Edition",
    "EditionLeaf",
    "Opinion",
    "Outcome",
    "PinnedRevision",
    "ReviewAssignment",
    "ReviewCase",
    "ReviewTrack",
    "TrackKind",
]
