from .archives import EditionArchive
from .assets import EditionAsset, PinnedAsset
from .audit import AuditLogEntry
from .editions import Edition, EditionLeaf
from .errata import Erratum, ErratumState
from .lifecycle import LifecycleState, RetirementProposal, RetirementState, TextbookLifecycle
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
from .sampling import (
    CampaignLevel,
    CampaignState,
    CheckState,
    SamplingCampaign,
    SamplingCheck,
    SamplingEvidence,
    SamplingInspection,
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
    "RetirementState",
    "CampaignLevel",
    "CampaignState",
    "CheckState",
    "SamplingCampaign",
    "SamplingCheck",
    "SamplingEvidence",
    "SamplingInspection",
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
