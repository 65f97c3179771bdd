"""Retirement (退出): proposals, and administrators' decisions on them.

A proposal comes from the daily sweep (three years without an update; a failed check not
rectified by its deadline) or from an administrator in the textbook's scope (any reason).
An administrator in scope, not recused, retires the textbook or dismisses the proposal, each
with a written reason. Retiring moves the lifecycle to retired and records the successor;
its open review cases are cancelled and their submitters told; after commit
``textbook_retired`` tells the layers above (selection refuses and flags, the search index
ranks it below live textbooks) and the last edition's archive is completed.
"""

from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from textbooks import scope
from textbooks.i18n import clauses, in_record_language
from textbooks.models import Textbook
from workflow import notifications
from workflow.archives import archive_edition
from workflow.models import (
    OPEN_STATES,
    Edition,
    LifecycleState,
    RetirementProposal,
    RetirementState,
    ReviewCase,
    TextbookLifecycle,
)
from workflow.services.errors import ReviewConflict, WorkflowError
from workflow.services.review import apply_transition
from workflow.services.rules import recusal_reason
from workflow.signals import textbook_retired

Reason = RetirementProposal.Reason


def is_retired(textbook):
    """Whether ``textbook`` has left the catalogue."""
    return TextbookLifecycle.objects.filter(
        textbook=textbook, state=LifecycleState.RETIRED
    ).exists()


# Why a textbook left, as readers are told: not the case's words (an accusation, a name).
PUBLIC_REASONS = {
    Reason.NO_UPDATE: gettext_lazy("教材连续三年未按要求修订。"),
    Reason.FAILED_CHECK: gettext_lazy("教材质量抽查未通过，且未在期限内完成整改。"),
    Reason.AUTHOR_CONDUCT: gettext_lazy("教材编写人员方面的原因。"),
    Reason.MAJOR_INCIDENT: gettext_lazy("教材出现重大问题。"),
    Reason.IMPROPER_PROMOTION: gettext_lazy("教材发行中存在违规行为。"),
    Reason.SUPERSEDED_BY_PLANNING: gettext_lazy("教材规划调整，由新教材替代。"),
}


@dataclass
class Departure:
    """What readers are told of a retired textbook."""

    title: str
    retired_on: object  # a date, or None if no decision is on file
    reason: str  # in public words, in the reader's language
    successor_title: str = ""
    successor_url: str = ""


def departure(slug):
    """The Departure of the retired textbook at ``slug``, or None (unknown, or in service)."""
    textbook = retired_textbooks().filter(slug=slug).select_related("lifecycle").first()
    if textbook is None:
        return None
    decided = (
        textbook.retirement_proposals.filter(state=RetirementState.RETIRED)
        .order_by("-decided_at")
        .first()
    )
    gone = Departure(
        title=textbook.title,
        retired_on=timezone.localdate(decided.decided_at) if decided else None,
        reason=str(PUBLIC_REASONS.get(decided.reason, "")) if decided else "",
    )
    successor = textbook.lifecycle.successor
    page = getattr(successor, "page", None) if successor is not None else None
    if page is not None and page.live:
        gone.successor_title, gone.successor_url = successor.title, page.url
    return gone


def retired_textbooks():
    """The retired textbooks, as a queryset (``.exclude(pk__in=…)`` to refuse them)."""
    return Textbook.objects.filter(lifecycle__state=LifecycleState.RETIRED)


def open_proposals(textbooks=None):
    proposals = RetirementProposal.objects.filter(state=RetirementState.PROPOSED)
    if textbooks is not None:
        proposals = proposals.filter(textbook__in=textbooks)
    return proposals


def _require_administrator(user, textbook):
    if not scope.administers(user, textbook):
        raise WorkflowError(_("只有负责该教材的教材管理员可以执行此操作。"))
    problem = recusal_reason(user, textbook)
    if problem:
        raise WorkflowError(problem)


def propose(textbook, *, user, reason, note):
    """An administrator in scope proposes retiring ``textbook`` for ``reason``."""
    if reason not in Reason.values:
        raise WorkflowError(_("请选择退出事由。"))
    if not (note or "").strip():
        raise WorkflowError(_("请说明提出退出建议的理由。"))
    with transaction.atomic():
        _require_administrator(user, textbook)
        if is_retired(textbook):
            raise WorkflowError(_("该教材已退出使用。"))
        try:
            with transaction.atomic():
                return RetirementProposal.objects.create(
                    textbook=textbook,
                    reason=reason,
                    proposed_on=timezone.localdate(),
                    proposed_by=user,
                    note=note.strip(),
                )
        except IntegrityError as exc:
            raise WorkflowError(_("该教材已有同一事由的退出建议待决定。")) from exc


def _lock(proposal):
    locked = (
        RetirementProposal.objects.select_for_update()
        .select_related("textbook")
        .get(pk=proposal.pk)
    )
    if locked.state != RetirementState.PROPOSED:
        raise ReviewConflict(
            _("该退出建议已被处理（当前状态：%(state)s），请刷新页面后再操作。")
            % {"state": locked.get_state_display()}
        )
    return locked


def _save(proposal):
    try:
        proposal.save()
    except ConcurrentTransition as exc:
        raise ReviewConflict(_("该退出建议已被他人处理，请刷新页面后再操作。")) from exc


def retire(proposal, *, user, reason, successor=None):
    """Retire the proposal's textbook, naming ``successor`` if there is one. The textbook's
    other open proposals close with it (dismissed: it has left for this reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请写明退出决定的理由。"))
    with transaction.atomic():
        proposal = _lock(proposal)
        textbook = proposal.textbook
        _require_administrator(user, textbook)
        if successor is not None:
            if successor.pk == textbook.pk:
                raise WorkflowError(_("替代教材不能是该教材本身。"))
            if is_retired(successor):
                raise WorkflowError(_("替代教材已退出使用，请另选。"))
        lifecycle = TextbookLifecycle.objects.select_for_update().get(textbook=textbook)
        if lifecycle.state == LifecycleState.RETIRED:
            raise WorkflowError(_("该教材已退出使用。"))
        now = timezone.now()
        with in_record_language():
            record = clauses(
                [
                    proposal.get_reason_display(),
                    reason,
                    *(
                        [_("替代教材：《%(title)s》") % {"title": successor.title}]
                        if successor
                        else []
                    ),
                ]
            )
            closing = _("该教材已因“%(reason)s”退出") % {"reason": proposal.get_reason_display()}
        lifecycle.retire(by=user, reason=record)
        lifecycle.successor = successor
        lifecycle.save()
        proposal.decided_at, proposal.decided_by = now, user
        proposal.decision, proposal.successor = reason, successor
        proposal.retire(by=user, reason=reason)
        _save(proposal)
        # A retired textbook submits nothing more: its open review cases end with it.
        for case in ReviewCase.objects.select_for_update().filter(
            textbook=textbook, state__in=OPEN_STATES
        ):
            apply_transition(case, "cancel", by=user, reason=closing)
            transaction.on_commit(
                partial(notifications.case_cancelled, case, closing, may_resubmit=False)
            )
        for other in RetirementProposal.objects.select_for_update().filter(
            textbook=textbook, state=RetirementState.PROPOSED
        ):
            other.decided_at, other.decided_by, other.decision = now, user, closing
            other.dismiss(by=user, reason=closing)
            other.save()
        last = Edition.objects.current().filter(textbook=textbook).first()
        transaction.on_commit(lambda: _after_retirement(textbook, successor, proposal, last))
        return proposal


def _after_retirement(textbook, successor, proposal, edition):
    # The last edition stays readable and archived: write its archive if it never was
    # (archive_edition leaves a complete one alone).
    if edition is not None:
        archive_edition(edition)
    textbook_retired.send(
        sender=Textbook, textbook=textbook, successor=successor, reason=proposal.reason
    )


def dismiss(proposal, *, user, reason):
    """Keep the textbook: the proposal closes with the administrator's written reason."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请写明不予退出的理由。"))
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_administrator(user, proposal.textbook)
        proposal.decided_at, proposal.decided_by, proposal.decision = timezone.now(), user, reason
        proposal.dismiss(by=user, reason=reason)
        _save(proposal)
        return proposal


def successor_choices(textbook):
    """Textbooks that may replace ``textbook``: not itself, not retired."""
    retired = TextbookLifecycle.objects.filter(
        textbook=OuterRef("pk"), state=LifecycleState.RETIRED
    )
    return Textbook.objects.exclude(pk=textbook.pk).exclude(Exists(retired)).order_by("title")
