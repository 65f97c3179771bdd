"""Who may do what on a case: recusal (回避), reviewers' qualification, the tracks a textbook
needs. Administrators' scope is textbooks.scope."""

from django.conf import settings
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from wagtail.models import Revision

from textbooks import roles, scope
from textbooks.models import Institution, InstitutionKind, Textbook
from textbooks.names import display_name
from workflow.models import CaseState, Edition, EditionLeaf, ReviewCase, TrackKind

UNDER_REVIEW = [CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.RESUBMIT_REQUESTED]


def administered_or_written(user):
    """Q on ``textbook__`` for the textbooks ``user`` administers or writes. Subqueries, not
    joins: no duplicate rows to remove, whatever the number of cases."""
    return scope.administered_q(user, "textbook__") | Q(
        textbook__in=Textbook.objects.authored_by(user)
    )


def recusal_reason(user, textbook, case=None):
    """Why ``user`` may not review, decide or publish this textbook's case, or None.

    Recused: the textbook's editor-in-chief and authors; members of its co-developing
    institutions, of its publisher and of its writers' own institutions; and, for a case,
    whoever submitted it or wrote any revision it carries to readers."""
    if textbook.is_written_by(user):
        return _("%(name)s 是该教材的编写人员，须回避。") % {"name": display_name(user)}
    if case is not None and case.submitted_by_id == user.pk:
        return _("%(name)s 是本次送审的提交人，不能审核或决定自己提交的修订。") % {
            "name": display_name(user)
        }
    if case is not None and wrote_change_set(user, case):
        return _("%(name)s 编写过本次送审的内容，不能审核或决定自己的修订。") % {
            "name": display_name(user)
        }
    involved = Q(pk__in=textbook.co_developers.values("pk"))
    if textbook.publisher_id:
        involved |= Q(pk=textbook.publisher_id)
    institution = user.institutions.filter(involved).first()
    if institution is not None:
        return _("%(name)s 所在单位“%(institution)s”参与该教材的开发或出版，须回避。") % {
            "name": display_name(user),
            "institution": institution.name,
        }
    writers = [textbook.editor_in_chief_id, *textbook.authors.values_list("pk", flat=True)]
    institution = user.institutions.filter(
        pk__in=Institution.objects.filter(members__in=writers).values("pk")
    ).first()
    if institution is not None:
        return _("%(name)s 与该教材的编写人员同在“%(institution)s”，须回避。") % {
            "name": display_name(user),
            "institution": institution.name,
        }
    return None


def wrote_change_set(user, case):
    """Whether ``user`` saved a revision that ``case`` carries to readers: a pinned revision
    (the textbook page's included) or any revision of the same page between the last
    published one and the pinned one, whose content a later save carries on."""
    pinned = dict(case.pinned_revisions.values_list("page", "revision"))
    if case.textbook_revision_id:
        front = int(
            Revision.objects.values_list("object_id", flat=True).get(pk=case.textbook_revision_id)
        )
        pinned[front] = case.textbook_revision_id
    saved = list(
        Revision.page_revisions.filter(
            user=user, object_id__in=[str(page) for page in pinned]
        ).values_list("object_id", "pk")
    )
    if not saved:  # most reviewers and administrators: no need to find what was published
        return False
    earlier = Edition.objects.filter(textbook=case.textbook_id).exclude(review_case=case)
    published = dict(
        EditionLeaf.objects.filter(edition__in=earlier, page__in=pinned)
        .values("page")
        .annotate(last=Max("revision"))
        .values_list("page", "last")
    )
    if case.textbook_revision_id:
        published[front] = earlier.aggregate(last=Max("textbook_revision"))["last"]
    return any((published.get(int(page)) or 0) < pk <= pinned[int(page)] for page, pk in saved)


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
            return _("%(name)s 不是政治把关专家。") % {"name": display_name(user)}
        return None
    if not roles.user_has_role(user, roles.REVIEWER):
        return _("%(name)s 不是审核专家。") % {"name": display_name(user)}
    if (
        track_kind == TrackKind.ENTERPRISE
        and not user.institutions.filter(kind=InstitutionKind.ENTERPRISE).exists()
    ):
        return _("%(name)s 不属于任何企业，不能担任企业专家。") % {"name": display_name(user)}
    return None


def can_manage_case(user, case):
    return scope.administers(user, case.textbook)


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
