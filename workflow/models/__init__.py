from .archives import EditionArchive
from .assets import EditionAsset, PinnedAsset
from .audit import AuditLogEntry
from .editions import Edition, EditionLeaf
from .errata import Erratum, ErratumState
from .lifecycle import LifecycleState, RetirementProposal, TextbookLifecycle
from .review import (
    OPEN_STATES,
    AssignmentState,
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
    "OPEN_STATES",
    "AssignmentState",
    "AuditLogEntry",
    "CaseKind",
    "CaseState",
    "ChangeCategory",
    "ChangeType",
    "Edition",
    "EditionArchive",
    "EditionAsset",
    "EditionLeaf",
    "Erratum",
    "ErratumState",
    "LifecycleState",
    "RetirementProposal",
    "TextbookLifecycle",
    "Opinion",
    "Outcome",
    "PinnedAsset",
    "PinnedRevision",
    "ReviewAssignment",
    "ReviewCase",
    "ReviewTrack",
    "TrackKind",
]
