"""What waits for whom: the queues the dashboard panels count and the lists they link to
filter by (one definition for both), always within a queryset already in the viewer's scope."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.models import (
    AssignmentState,
    CaseState,
    ErratumState,
    Opinion,
    Outcome,
    ReviewAssignment,
    ReviewTrack,
    TrackKind,
)


def _current(**filters):
    """Assignments of the outer track's case's current round that still count."""
    return ReviewAssignment.objects.filter(
        track=OuterRef("pk"),
        round=OuterRef("case__round"),
        state=AssignmentState.ACTIVE,
        **filters,
    )


def awaiting_decision(cases):
    """Cases in review that the decision rule can decide now: every track has its required
    opinions and nobody assigned is still to answer, or a political expert rejected (veto).
    The set form of workflow.services.review.missing_opinions and vetoed."""
    answered = _current(opinion__isnull=False).values("track").annotate(n=Count("pk")).values("n")
    incomplete = (
        ReviewTrack.objects.filter(case=OuterRef("pk"))
        .annotate(answered=Coalesce(Subquery(answered), 0))
        .filter(Q(answered__lt=F("required_reviewers")) | Exists(_current(opinion__isnull=True)))
    )
    veto = Opinion.objects.filter(
        assignment__track__case=OuterRef("pk"),
        assignment__track__kind=TrackKind.POLITICAL,
        assignment__round=OuterRef("round"),
        assignment__state=AssignmentState.ACTIVE,
        outcome=Outcome.REJECT,
    )
    return cases.filter(state=CaseState.IN_REVIEW).filter(~Exists(incomplete) | Exists(veto))


def overdue_assignments(assignments):
    """Open review tasks past their due date: the case still in review, this round, no
    opinion yet."""
    return assignments.filter(
        track__case__state=CaseState.IN_REVIEW,
        round=F("track__case__round"),
        state=AssignmentState.ACTIVE,
        opinion__isnull=True,
        due_date__lt=timezone.localdate(),
    )


def with_overdue_reviews(cases):
    return cases.filter(
        pk__in=overdue_assignments(ReviewAssignment.objects.all()).values("track__case")
    )


@dataclass(frozen=True)
class Queue:
    label: str
    select: object  # cases → the cases in this queue


CASE_QUEUES = {
    "assignment": Queue(_("待分配审核专家"), lambda cases: cases.filter(state=CaseState.SUBMITTED)),
    "decision": Queue(_("待作出审核结论"), awaiting_decision),
    "publication": Queue(_("待发布"), lambda cases: cases.filter(state=CaseState.APPROVED)),
    "overdue": Queue(_("审核逾期"), with_overdue_reviews),
}

# Errata an administrator has still to look at (the errata list's ?state=new).
AWAITING_TRIAGE = [ErratumState.NEW]
# Errata on a textbook that are not settled yet: reported, or accepted and not yet fixed.
UNSETTLED_ERRATA = Q(state__in=[ErratumState.NEW, ErratumState.TRIAGED]) | Q(
    state=ErratumState.ACCEPTED, fixed_in__isnull=True
)
