"""Errata: teachers report, the textbook's administrators and writers triage, a revision fixes.

Reports are rate-limited per address (workflow.services.ratelimit), and a report sent again
(a double click, a resubmitted form) is the erratum already received, not a second one. Accepted
errata queue for the textbook's next revision: the submit screen lists them, and publishing a
revision submitted after they were accepted marks those whose leaf it changed fixed in the new
edition; the others stay queued.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from textbooks import scope
from workflow.models import Edition, EditionLeaf, Erratum, ErratumState
from workflow.services.errors import (
    ERRATUM_CONFLICT,
    ReviewConflict,
    WorkflowError,
    conflict_when_busy,
)
from workflow.services.ratelimit import RateLimited, address_hash, within_limit

REPORTS_PER_HOUR = 5
# The same text from the same reporter on the same leaf within this window is one erratum sent
# twice; after it, a report of its own (the first may have been declined meanwhile).
RESENT_WITHIN = datetime.timedelta(hours=1)

ACTION_LABELS = {
    "triage": gettext_lazy("受理"),
    "accept": gettext_lazy("采纳"),
    "decline": gettext_lazy("不予采纳"),
    "mark_duplicate": gettext_lazy("标记为重复"),
}


# A report collides with nobody's work: the reporter only needs to send it again.
REPORT_BUSY = gettext_lazy("正在处理其他提交，您的勘误尚未保存，请稍后再次提交。")


class AlreadyReceived(WorkflowError):
    """The report was received before; ``erratum`` is the one on file."""

    def __init__(self, erratum):
        super().__init__(_("这条勘误我们已经收到，无需重复提交。感谢您的报告！"))
        self.erratum = erratum


def leaf_in_edition(edition, leaf_slug):
    """The manifest row of ``edition`` whose pinned revision has ``leaf_slug``, or None."""
    for row in edition.leaves.select_related("revision"):
        if row.revision.content.get("slug") == leaf_slug:
            return row
    return None


def _received_before(report):
    """The erratum on file that ``report`` (the fields of a new one) repeats, or None."""
    return (
        Erratum.objects.filter(created_at__gte=timezone.now() - RESENT_WITHIN, **report)
        .order_by("pk")
        .first()
    )


@conflict_when_busy(REPORT_BUSY)
def report(edition, leaf_slug, *, address, quoted_text, correction, name="", contact=""):
    """A public report against one leaf of one edition. Raises WorkflowError when the leaf
    is not in that edition or the address has reported too often this hour, AlreadyReceived
    when the same reporter sent the same report on this leaf within RESENT_WITHIN."""
    row = leaf_in_edition(edition, leaf_slug)
    if row is None:
        raise WorkflowError(_("该版次中没有这个活页。"))
    fields = {
        "textbook_id": edition.textbook_id,
        "leaf_id": row.page_id,
        "quoted_text": quoted_text.strip(),
        "correction": correction.strip(),
        "reporter_name": name.strip(),
        "reporter_contact": contact.strip(),
        "reporter_ip_hash": address_hash(address),
    }
    # A resent form is answered before the rate limit: it adds nothing, so it costs nothing.
    if earlier := _received_before(fields):
        raise AlreadyReceived(earlier)
    if not within_limit("errata:reports", fields["reporter_ip_hash"], REPORTS_PER_HOUR):
        raise RateLimited(
            _("您提交勘误过于频繁：每个网络地址每小时最多提交 %(n)d 条，请稍后再试。")
            % {"n": REPORTS_PER_HOUR}
        )
    with transaction.atomic():
        # A double click sends both posts at once: the edition's row lock makes the second
        # wait for the first to commit, then find it. (The rate limit stays outside: its
        # counter is atomic by itself and must not wait on rows.)
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if earlier := _received_before(fields):
            raise AlreadyReceived(earlier)
        return Erratum.objects.create(edition=edition, **fields)


def can_triage(user, textbook):
    """Administrators in scope and the textbook's editor-in-chief and authors."""
    return user.is_authenticated and (
        scope.administers(user, textbook) or textbook.is_written_by(user)
    )


def _lock(erratum, user):
    locked = Erratum.objects.select_for_update().select_related("textbook").get(pk=erratum.pk)
    if locked.state != erratum.state:
        raise ReviewConflict(
            _("该勘误已被他人处理（当前状态：%(state)s），请刷新页面后再操作。")
            % {"state": locked.get_state_display()}
        )
    if not can_triage(user, locked.textbook):
        raise WorkflowError(_("只有该教材的管理员或编写人员可以处理勘误。"))
    return locked


def _apply(erratum, name, *, by, reason):
    if not can_proceed(getattr(erratum, name)):
        raise WorkflowError(
            _("勘误当前状态为“%(state)s”，不能%(action)s。")
            % {"state": erratum.get_state_display(), "action": ACTION_LABELS[name]}
        )
    getattr(erratum, name)(by=by, reason=reason)
    try:
        erratum.save()
    except ConcurrentTransition as exc:
        raise ReviewConflict(str(ERRATUM_CONFLICT)) from exc
    return erratum


@conflict_when_busy(ERRATUM_CONFLICT)
def triage(erratum, *, user, reason=""):
    with transaction.atomic():
        erratum = _lock(erratum, user)
        return _apply(erratum, "triage", by=user, reason=reason)


@conflict_when_busy(ERRATUM_CONFLICT)
def accept(erratum, *, user, reason=""):
    with transaction.atomic():
        erratum = _lock(erratum, user)
        erratum.accepted_at = timezone.now()
        return _apply(erratum, "accept", by=user, reason=reason)


@conflict_when_busy(ERRATUM_CONFLICT)
def decline(erratum, *, user, reason):
    with transaction.atomic():
        erratum = _lock(erratum, user)
        if not (reason or "").strip():
            raise WorkflowError(_("请说明不予采纳的理由。"))
        return _apply(erratum, "decline", by=user, reason=reason.strip())


@conflict_when_busy(ERRATUM_CONFLICT)
def mark_duplicate(erratum, *, user, original, reason=""):
    """``original`` must be another, non-duplicate report of the same textbook."""
    with transaction.atomic():
        erratum = _lock(erratum, user)
        if original is None or original.textbook_id != erratum.textbook_id:
            raise WorkflowError(_("请选择同一教材的另一条勘误作为原报告。"))
        if original.pk == erratum.pk:
            raise WorkflowError(_("一条勘误不能重复于它自己。"))
        if original.state == ErratumState.DUPLICATE:
            raise WorkflowError(_("所选勘误本身是重复报告，请选择它所重复的原报告。"))
        erratum.duplicate_of = original
        return _apply(erratum, "mark_duplicate", by=user, reason=reason)


def open_errata_for(textbook):
    """Accepted errata not fixed yet: what the textbook's next revision should correct."""
    return Erratum.objects.open_for(textbook).select_related("edition", "leaf")


def errata_for_case(case):
    """The open errata a submitted case carries: those accepted before it was (re)submitted."""
    if case.submitted_at is None:
        return Erratum.objects.none()
    return open_errata_for(case.textbook).filter(accepted_at__lte=case.submitted_at)


def changed_leaves(edition):
    """The leaves whose revision in ``edition`` differs from the one in the edition before it
    (new leaves included)."""
    previous = (
        Edition.objects.filter(textbook_id=edition.textbook_id)
        .filter(Q(major__lt=edition.major) | Q(major=edition.major, minor__lt=edition.minor))
        .order_by("-major", "-minor")
        .first()
    )
    unchanged = EditionLeaf.objects.filter(
        edition=previous, page_id=OuterRef("page_id"), revision_id=OuterRef("revision_id")
    )
    return edition.leaves.exclude(Exists(unchanged)).values("page_id")


def mark_fixed(case, edition):
    """Called in the publishing transaction: the errata listed with a revision are fixed by it
    if it changed their leaf. The others stay accepted and queued for the next revision: the
    leaf page must not claim a correction that was never made."""
    if not case.is_revision:
        return 0
    return (
        errata_for_case(case).filter(leaf_id__in=changed_leaves(edition)).update(fixed_in=edition)
    )


def fixed_errata_for(leaf_id, edition):
    """Errata of this leaf corrected after ``edition``: in a later edition, or (for the
    current edition) in any edition, so that readers of older copies see the corrections."""
    errata = Erratum.objects.filter(leaf_id=leaf_id, fixed_in__isnull=False)
    if edition is not None and not edition.is_current:
        errata = errata.filter(
            Q(fixed_in__major__gt=edition.major)
            | Q(fixed_in__major=edition.major, fixed_in__minor__gt=edition.minor)
        )
    return errata.select_related("fixed_in").order_by("fixed_in__major", "fixed_in__minor", "pk")
