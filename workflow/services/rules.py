"""Who may do what: administrators' scope, recusal (回避), the tracks a textbook needs."""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from textbooks import roles
from textbooks.models import InstitutionKind, Textbook, Tier
from workflow.models import CaseState, ReviewCase, TrackKind

UNDER_REVIEW = [CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.RESUBMIT_REQUESTED]


def is_administrator_for(user, textbook):
    """National administrators manage every textbook; provincial ones all but national ones."""
    if roles.user_has_role(user, roles.NATIONAL_ADMIN):
        return True
    return textbook.tier != Tier.NATIONAL and roles.user_has_role(user, roles.PROVINCIAL_ADMIN)


def administered_or_written(user):
    """Q on ``textbook__`` for the textbooks ``user`` administers or writes, or None for all."""
    if is_administrator_for(user, Textbook(tier=Tier.NATIONAL)):
        return None
    scope = Q(textbook__editor_in_chief=user) | Q(textbook__authors=user)
    if is_administrator_for(user, Textbook(tier=Tier.PROVINCIAL)):
        scope |= ~Q(textbook__tier=Tier.NATIONAL)
    return scope


def recusal_reason(user, textbook, case=None):
    """Why ``user`` may not review (or decide) this textbook's case, or None."""
    if textbook.is_written_by(user):
        return _("%(name)s 是该教材的编写人员，须回避。") % {"name": _display(user)}
    if case is not None and case.submitted_by_id == user.pk:
        return _("%(name)s 是本次送审的提交人，不能审核或决定自己提交的修订。") % {
            "name": _display(user)
        }
    own = Q(pk__in=textbook.co_developers.values("pk"))
    if textbook.publisher_id:
        own |= Q(pk=textbook.publisher_id)
    institution = user.institutions.filter(own).first()
    if institution is not None:
        return _("%(name)s 所在单位“%(institution)s”参与该教材的开发或出版，须回避。") % {
            "name": _display(user),
            "institution": institution.name,
        }
    return None


def tracks_for(textbook):
    """The classified review tracks of a textbook, as {kind: required reviewers}."""
    tracks = {}
    if textbook.ideology_sensitive:
        tracks[TrackKind.POLITICAL] = 1
    tracks[TrackKind.SUBJECT] = settings.WORKFLOW_SUBJECT_REVIEWERS[textbook.tier]
    if textbook.is_co_developed:
        tracks[TrackKind.ENTERPRISE] = 1
    return tracks


def reviewer_qualification_error(user, track_kind):
    """Whether ``user`` may sit on a track of this kind: None, or the reason not."""
    if track_kind == TrackKind.POLITICAL:
        if not roles.user_has_role(user, roles.POLITICAL_REVIEWER):
            return _("%(name)s 不是政治把关专家。") % {"name": _display(user)}
        return None
    if not roles.user_has_role(user, roles.REVIEWER):
        return _("%(name)s 不是审核专家。") % {"name": _display(user)}
    if (
        track_kind == TrackKind.ENTERPRISE
        and not user.institutions.filter(kind=InstitutionKind.ENTERPRISE).exists()
    ):
        return _("%(name)s 不属于任何企业，不能担任企业专家。") % {"name": _display(user)}
    return None


def can_manage_case(user, case):
    return is_administrator_for(user, case.textbook)


def can_view_case(user, case):
    """Administrators in scope, the textbook's writers, and reviewers assigned to it."""
    if not user.is_authenticated:
        return False
    return (
        can_manage_case(user, case)
        or case.textbook.is_written_by(user)
        or case.tracks.filter(assignments__reviewer=user).exists()
    )


def is_reviewing(user, textbook):
    """Whether ``user`` is assigned to a review of ``textbook`` still under way."""
    return (
        user.is_authenticated
        and textbook is not None
        and ReviewCase.objects.filter(
            textbook=textbook, state__in=UNDER_REVIEW, tracks__assignments__reviewer=user
        ).exists()
    )


def _display(user):
    # Chinese order: family name first, no space.
    return f"{user.last_name}{user.first_name}" or user.get_username()
