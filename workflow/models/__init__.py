from .archives import EditionArchive
from .audit import AuditLogEntry
from .editions import Edition, EditionLeaf
from .errata import Erratum, ErratumState
from .lifecycle import LifecycleState, RetirementProposal, TextbookLifecycle
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
    "EditionArchive",
    "EditionLeaf",
    "Erratum",
    "ErratumState",
    "LifecycleState",
    "RetirementProposal",
    "TextbookLifecycle",
    "Opinion",
    "Outcome",
    "PinnedRevision",
    "ReviewAssignment",
    "ReviewCase",
    "ReviewTrack",
    "TrackKind",
]
