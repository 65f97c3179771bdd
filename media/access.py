"""Who may read or manage which assets.

Published content is public: an asset a published leaf shows may be read by anyone. An
asset only drafts use may be read by those who manage its textbook (its authors and
editor-in-chief, administrators who may edit any textbook, superusers) and by the reviewers
assigned to a review of that textbook still under way (bundled resources are reviewed with
the textbook).
"""

from workflow.models import CaseState, ReviewCase

UNDER_REVIEW = [CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.RESUBMIT_REQUESTED]


def can_manage_textbook(user, textbook):
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.has_perm("textbooks.edit_any_textbook"):
        return True
    return textbook is not None and textbook.is_written_by(user)


def is_reviewing(user, textbook):
    return (
        user.is_authenticated
        and textbook is not None
        and ReviewCase.objects.filter(
            textbook=textbook, state__in=UNDER_REVIEW, tracks__assignments__reviewer=user
        ).exists()
    )


def can_read_draft_asset(user, asset):
    return can_manage_textbook(user, asset.textbook) or is_reviewing(user, asset.textbook)
