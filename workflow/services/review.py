"""Review operations: open, submit, assign and replace reviewers, record opinions, decide,
resubmit, withdraw, cancel."""

from collections import Counter
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from textbooks import scope
from textbooks.i18n import clauses, enumeration, in_record_language
from textbooks.names import display_name
from workflow import notifications
from workflow.models import (
    OPEN_STATES,
    AssignmentState,
    AuditLogEntry,
    CaseKind,
    CaseState,
    ChangeCategory,
    Edition,
    LifecycleState,
    Opinion,
    Outcome,
    PinnedRevision,
    ReviewAssignment,
    ReviewCase,
    ReviewTrack,
    TextbookLifecycle,
    TrackKind,
)
from workflow.services import documents
from workflow.services.assets import pin_assets
from workflow.services.changes import front_matter, leaf_changes
from workflow.services.errors import (
    CASE_CONFLICT,
    ReviewConflict,
    WorkflowError,
    conflict_when_busy,
)
from workflow.services.rules import (
    recusal_reason,
    reviewer_qualification_error,
    tracks_for,
)

ACTION_LABELS = {
    "submit": gettext_lazy("送审"),
    "start_review": gettext_lazy("开始审核"),
    "approve": gettext_lazy("作出审核结论"),
    "request_resubmission": gettext_lazy("作出审核结论"),
    "reject": gettext_lazy("作出审核结论"),
    "resubmit": gettext_lazy("重新送审"),
    "publish": gettext_lazy("发布"),
    "withdraw": gettext_lazy("撤回"),
    "cancel": gettext_lazy("取消"),
}


def lock(case):
    """Lock the case row and return a fresh copy; refuse if it moved since ``case`` was read."""
    locked = ReviewCase.objects.select_for_update().select_related("textbook").get(pk=case.pk)
    if locked.state != case.state:
        raise ReviewConflict(
            _("该审核案已被他人处理（当前状态：%(state)s），请刷新页面后再操作。")
            % {"state": locked.get_state_display()}
        )
    return locked


def check_transition(case, name):
    """Raise WorkflowError, naming the state and the action, if ``name`` is illegal now."""
    if not can_proceed(getattr(case, name)):
        raise WorkflowError(
            _("审核案当前状态为“%(state)s”，不能%(action)s。")
            % {"state": case.get_state_display(), "action": ACTION_LABELS[name]}
        )


def apply_transition(case, name, *, by, reason=""):
    """Run transition ``name`` and save; an illegal one raises WorkflowError, changing nothing."""
    check_transition(case, name)
    getattr(case, name)(by=by, reason=reason)
    try:
        case.save()
    except ConcurrentTransition as exc:
        raise ReviewConflict(str(CASE_CONFLICT)) from exc


def _require_writer(case_or_textbook, user):
    textbook = getattr(case_or_textbook, "textbook", case_or_textbook)
    if not textbook.is_written_by(user):
        raise WorkflowError(_("只有该教材的主编或编写人员可以送审或撤回。"))


def require_administrator(case, user):
    """The administrator acting on a case: in scope and not recused (nobody assigns the
    reviewers of, decides, publishes or cancels a change that is his or her own)."""
    if not scope.administers(user, case.textbook):
        raise WorkflowError(_("只有负责该教材的教材管理员可以执行此操作。"))
    problem = recusal_reason(user, case.textbook, case)
    if problem:
        raise WorkflowError(problem)


# A suspended textbook returns to use only through a revision that reviews it thoroughly.
SUSPENDED_KINDS = [CaseKind.MAJOR, CaseKind.CORRECTIVE]
RESTRICTIONS = {
    LifecycleState.RETIRED: gettext_lazy("该教材已退出使用，不能再送审。"),
    LifecycleState.SUSPENDED: gettext_lazy("该教材已暂停使用，只能送审大修订或整改修订。"),
}


def _lifecycle_state(textbook):
    return (
        TextbookLifecycle.objects.filter(textbook=textbook).values_list("state", flat=True).first()
    )


def _standing(textbook):
    return _lifecycle_state(textbook), textbook.editions.exists()


def _kind_problem(kind, state, has_edition):
    if state == LifecycleState.RETIRED:
        return str(RESTRICTIONS[state])
    if kind == CaseKind.INITIAL and has_edition:
        return _("该教材已有发布的版次，请选择小修订、大修订或整改修订。")
    if kind != CaseKind.INITIAL and not has_edition:
        return _("该教材尚无发布的版次，首次送审请选择“首次审核”。")
    if state == LifecycleState.SUSPENDED and kind not in SUSPENDED_KINDS:
        return str(RESTRICTIONS[state])
    return None


def kind_restriction(textbook):
    """Why the lifecycle narrows what ``textbook`` may submit (retired: nothing; suspended:
    a major or corrective revision only), or None."""
    return RESTRICTIONS.get(_lifecycle_state(textbook))


def kind_problem(textbook, kind):
    """Why ``textbook`` may not have a case of ``kind`` now, or None: a retired textbook opens
    nothing, a suspended one only a major or corrective revision, the first review comes
    before any edition and revisions after."""
    return _kind_problem(kind, *_standing(textbook))


def allowed_kinds(textbook):
    """The kinds of case ``textbook`` may have now (none once it is retired)."""
    standing = _standing(textbook)
    return [kind for kind in CaseKind.values if _kind_problem(kind, *standing) is None]


@conflict_when_busy()
def open_case(textbook, *, user, kind):
    """Start a draft case for ``textbook``. One open case per textbook at a time."""
    with transaction.atomic():
        _require_writer(textbook, user)
        type(textbook).objects.select_for_update().get(pk=textbook.pk)
        if ReviewCase.objects.filter(textbook=textbook, state__in=OPEN_STATES).exists():
            raise WorkflowError(_("该教材已有进行中的审核案，请先完成或撤回。"))
        problem = kind_problem(textbook, kind)
        if problem:
            raise WorkflowError(problem)
        return ReviewCase.objects.create(textbook=textbook, kind=kind, submitted_by=user)


def _take_documents(case, change_summary, change_categories, usage_report, change_table):
    case.change_summary = (change_summary or "").strip()
    case.change_categories = [c for c in ChangeCategory.values if c in set(change_categories)]
    for field, fileobj in (("usage_report", usage_report), ("change_table", change_table)):
        if fileobj:
            try:
                setattr(case, field, documents.prepared(field, fileobj))
            except ValidationError as exc:
                raise WorkflowError(exc.messages[0]) from exc
    missing = []
    if not case.change_summary:
        missing.append(_("修订说明"))
    if case.is_revision:
        if not case.usage_report:
            missing.append(_("使用跟踪报告"))
        if not case.change_table:
            missing.append(_("修订内容对照表"))
        if not case.change_categories:
            missing.append(_("修订类别（新知识、新技术、新工艺、新方法）"))
    if missing:
        raise WorkflowError(
            _("送审材料不全，缺少：%(missing)s。") % {"missing": enumeration(missing)}
        )


def _pin_change_set(case, user, remove):
    """Pin the textbook page's and every changed leaf's exact revision, each leaf's place,
    and every asset the resulting edition would show: what is reviewed is what is published,
    in that order."""
    changes = leaf_changes(case.textbook, remove=remove)
    page = case.textbook.page
    case.textbook_revision = page.latest_revision or page.save_revision(user=user)
    if not changes and not case.is_revision:
        raise WorkflowError(_("教材还没有任何活页（单元），无法送审。"))
    if not changes:
        # A revision may change only the front matter (title, overview, preface).
        edition = Edition.objects.current().filter(textbook=case.textbook).first()
        before = edition.textbook_revision if edition else None
        if not any(f.changed for f in front_matter(before, case.textbook_revision)):
            raise WorkflowError(_("与现行版相比没有任何变更，无需送审。"))
    case.pinned_revisions.all().delete()
    pins = PinnedRevision.objects.bulk_create(
        PinnedRevision(
            case=case,
            page=change.page,
            revision=change.revision or change.page.save_revision(user=user),
            change_type=change.change_type,
            position=change.position,
        )
        for change in changes
    )
    pin_assets(case, pins)


def _take_change_set(
    case, user, transition, summary, categories, usage_report, change_table, remove
):
    """What submitting and resubmitting share: lock, check who and whether, take the
    documents, pin the leaves that differ from the current edition."""
    case = lock(case)
    _require_writer(case, user)
    check_transition(case, transition)
    _take_documents(case, summary, categories, usage_report, change_table)
    _pin_change_set(case, user, remove)
    return case


@conflict_when_busy()
def submit(
    case,
    *,
    user,
    change_summary,
    change_categories=(),
    usage_report=None,
    change_table=None,
    remove=(),
):
    """Submit a draft: check the documents, pin the change set, derive the review tracks."""
    with transaction.atomic():
        case = _take_change_set(
            case,
            user,
            "submit",
            change_summary,
            change_categories,
            usage_report,
            change_table,
            remove,
        )
        for kind, required in tracks_for(case.textbook).items():
            ReviewTrack.objects.create(case=case, kind=kind, required_reviewers=required)
        case.submitted_at = timezone.now()
        apply_transition(case, "submit", by=user)
        transaction.on_commit(lambda: notifications.case_submitted(case))
        return case


@conflict_when_busy()
def resubmit(
    case,
    *,
    user,
    change_summary,
    change_categories=(),
    usage_report=None,
    change_table=None,
    remove=(),
):
    """After "resubmit requested": pin the new change set and start a new round."""
    with transaction.atomic():
        case = _take_change_set(
            case,
            user,
            "resubmit",
            change_summary,
            change_categories,
            usage_report,
            change_table,
            remove,
        )
        case.round += 1
        case.submitted_at = timezone.now()
        case.decided_at = None
        apply_transition(case, "resubmit", by=user, reason=case.change_summary)
        transaction.on_commit(lambda: notifications.case_submitted(case))
        return case


@conflict_when_busy()
def withdraw(case, *, user, reason=""):
    with transaction.atomic():
        case = lock(case)
        _require_writer(case, user)
        apply_transition(case, "withdraw", by=user, reason=reason)
        return case


def _check_reviewer(case, track, reviewer, due_date):
    """What assigning and replacing share: the reviewer is qualified, not recused, not yet
    on this track this round, and the due date is not past."""
    problem = reviewer_qualification_error(reviewer, track.kind) or recusal_reason(
        reviewer, case.textbook, case
    )
    if problem:
        raise WorkflowError(problem)
    if due_date < timezone.localdate():
        raise WorkflowError(_("截止日期不能早于今天。"))
    if track.assignments.filter(reviewer=reviewer, round=case.round).exists():
        raise WorkflowError(_("该专家已分配到此审核类别。"))


@conflict_when_busy()
def assign_reviewer(case, *, user, reviewer, track_kind, due_date):
    """An administrator names a reviewer on one track; the first assignment starts the review."""
    with transaction.atomic():
        case = lock(case)
        require_administrator(case, user)
        if case.state not in (CaseState.SUBMITTED, CaseState.IN_REVIEW):
            raise WorkflowError(
                _("审核案当前状态为“%(state)s”，不能分配审核专家。")
                % {"state": case.get_state_display()}
            )
        track = case.tracks.filter(kind=track_kind).first()
        if track is None:
            raise WorkflowError(
                _("该审核案没有“%(track)s”类别。") % {"track": TrackKind(track_kind).label}
            )
        _check_reviewer(case, track, reviewer, due_date)
        assignment = ReviewAssignment.objects.create(
            track=track, reviewer=reviewer, round=case.round, due_date=due_date, assigned_by=user
        )
        if case.state == CaseState.SUBMITTED:
            apply_transition(case, "start_review", by=user)
        transaction.on_commit(lambda: notifications.reviewer_assigned(assignment))
        return assignment


@conflict_when_busy()
def replace_reviewer(assignment, *, user, reviewer, due_date, reason=""):
    """An administrator hands a silent reviewer's task to another: the old assignment ends
    (its audit row names both reviewers and the reason), the new one runs to ``due_date``."""
    with transaction.atomic():
        case = lock(assignment.track.case)
        require_administrator(case, user)
        old = ReviewAssignment.objects.select_related("track", "reviewer").get(pk=assignment.pk)
        if case.state != CaseState.IN_REVIEW or old.round != case.round:
            raise WorkflowError(_("只能替换本轮审核中的专家。"))
        if old.state != AssignmentState.ACTIVE:
            raise WorkflowError(_("该专家已被替换。"))
        if Opinion.objects.filter(assignment=old).exists():
            raise WorkflowError(_("该专家已提交审核意见，不能替换。"))
        _check_reviewer(case, old.track, reviewer, due_date)
        new = ReviewAssignment.objects.create(
            track=old.track,
            reviewer=reviewer,
            round=case.round,
            due_date=due_date,
            assigned_by=user,
        )
        old.replaced_by = new
        with in_record_language():
            note = _("由 %(new)s 接替 %(old)s") % {
                "new": display_name(reviewer),
                "old": display_name(old.reviewer),
            }
            if reason.strip():
                note = clauses([note, reason.strip()])
        old.replace(by=user, reason=note)
        old.save()
        transaction.on_commit(lambda: notifications.reviewer_assigned(new))
        return new


@conflict_when_busy()
def cancel(case, *, user, reason):
    """An administrator ends an open case (a silent review, a resubmission that never came);
    the textbook may then open a new case. The submitter is told why."""
    with transaction.atomic():
        case = lock(case)
        require_administrator(case, user)
        if not (reason or "").strip():
            raise WorkflowError(_("请说明取消的理由。"))
        apply_transition(case, "cancel", by=user, reason=reason.strip())
        transaction.on_commit(lambda: notifications.case_cancelled(case, reason.strip()))
        return case


SCORE_FIELDS = {
    "ideological_soundness": gettext_lazy("思想性"),
    "scientific_accuracy": gettext_lazy("科学性"),
    "suitability": gettext_lazy("适宜性"),
}


@conflict_when_busy()
def record_opinion(assignment, *, user, scores, comment, outcome):
    """The assigned reviewer's scores (1-5 each), comment and outcome; one per assignment."""
    with transaction.atomic():
        case = ReviewCase.objects.select_for_update().get(pk=assignment.track.case_id)
        assignment = ReviewAssignment.objects.select_related("track").get(pk=assignment.pk)
        if assignment.reviewer_id != user.pk:
            raise WorkflowError(_("只有被分配的审核专家本人可以提交审核意见。"))
        if case.state != CaseState.IN_REVIEW or assignment.round != case.round:
            raise WorkflowError(_("该审核任务已结束，不能再提交审核意见。"))
        if assignment.state != AssignmentState.ACTIVE:
            raise WorkflowError(_("该审核任务已由其他专家接替，不能再提交审核意见。"))
        # Recusal again: the reviewer may have joined an involved institution since.
        problem = recusal_reason(user, case.textbook, case)
        if problem:
            raise WorkflowError(problem)
        if Opinion.objects.filter(assignment=assignment).exists():
            raise WorkflowError(_("您已提交过审核意见，不能重复提交。"))
        errors = []
        for field, label in SCORE_FIELDS.items():
            value = scores.get(field)
            if not isinstance(value, int) or not 1 <= value <= 5:
                errors.append(_("%(label)s评分须为 1 至 5 的整数") % {"label": label})
        if not (comment or "").strip():
            errors.append(_("请填写审核意见"))
        if outcome not in Outcome.values:
            errors.append(_("请选择审核结论"))
        if errors:
            raise WorkflowError(_("%(problems)s。") % {"problems": clauses(errors)})
        return Opinion.objects.create(
            assignment=assignment, comment=comment.strip(), outcome=outcome, **scores
        )


@dataclass(frozen=True)
class TrackResult:
    kind: str
    required: int
    outcomes: tuple


def vetoed(results):
    """A single political reject rejects the case, whatever else was said or is missing."""
    return any(r.kind == TrackKind.POLITICAL and Outcome.REJECT in r.outcomes for r in results)


def track_outcome(result):
    """A track's result: the outcome more than half of its opinions give; without such a
    majority (a tie included), or short of its required opinions, resubmission."""
    if len(result.outcomes) < result.required:
        return Outcome.RESUBMIT
    for outcome, count in Counter(result.outcomes).items():
        if 2 * count > len(result.outcomes):
            return outcome
    return Outcome.RESUBMIT


def decide_outcome(results):
    """The decision rule (one place): a political reject vetoes; a track whose majority
    rejects rejects the case; every track passing approves it; otherwise resubmission."""
    if vetoed(results):
        return CaseState.REJECTED
    outcomes = [track_outcome(r) for r in results]
    if Outcome.REJECT in outcomes:
        return CaseState.REJECTED
    if all(o == Outcome.PASS for o in outcomes):
        return CaseState.APPROVED
    return CaseState.RESUBMIT_REQUESTED


DECISION_TRANSITIONS = {
    CaseState.APPROVED: "approve",
    CaseState.REJECTED: "reject",
    CaseState.RESUBMIT_REQUESTED: "request_resubmission",
}


def track_results(case):
    results = []
    for track in case.tracks.all():
        assignments = list(track.current_assignments().select_related("opinion"))
        outcomes = tuple(a.opinion.outcome for a in assignments if hasattr(a, "opinion"))
        results.append(TrackResult(track.kind, track.required_reviewers, outcomes))
    return results


def missing_opinions(case):
    """Why the case cannot be decided yet (a list of messages), empty when it can."""
    missing = []
    for track in case.tracks.all():
        assignments = list(track.current_assignments().select_related("opinion", "reviewer"))
        answered = [a for a in assignments if hasattr(a, "opinion")]
        if len(answered) < track.required_reviewers:
            missing.append(
                _("%(track)s需 %(required)d 位专家意见，已收到 %(got)d 份")
                % {
                    "track": track.get_kind_display(),
                    "required": track.required_reviewers,
                    "got": len(answered),
                }
            )
        elif len(answered) < len(assignments):
            missing.append(_("%(track)s尚有专家未提交意见") % {"track": track.get_kind_display()})
    return missing


def _confirm_kind(case, kind, *, user, reason):
    """The deciding administrator confirms the kind the author chose, or changes it (with a
    reason, in the audit log): the kind decides the edition's version, and only a major
    edition resets the three-year clock. Returns the audit row of a change, or None."""
    if not kind or kind == case.kind:
        return None
    if case.kind == CaseKind.INITIAL or kind == CaseKind.INITIAL:
        raise WorkflowError(_("只有修订的送审类型可以更改（小修订、大修订、整改修订）。"))
    problem = kind_problem(case.textbook, kind)
    if problem:
        raise WorkflowError(problem)
    if not (reason or "").strip():
        raise WorkflowError(_("更改送审类型时请说明理由。"))
    change = AuditLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(case),
        object_id=case.pk,
        transition="change_kind",
        from_state=case.kind,
        to_state=kind,
        actor=user,
        reason=reason.strip(),
    )
    case.kind = kind
    return change


def kind_change(case):
    """The audit row of the last change of ``case``'s kind by an administrator, or None."""
    return AuditLogEntry.objects.for_object(case).filter(transition="change_kind").last()


@conflict_when_busy()
def decide(case, *, user, reason="", kind=None, kind_reason=""):
    """Apply the decision rule. Possible once every assigned reviewer has answered and every
    track has its required opinions, or at once on a political reject (veto). ``kind``
    confirms or changes the case's kind (``kind_reason`` says why it changed)."""
    with transaction.atomic():
        case = lock(case)
        require_administrator(case, user)
        check_transition(case, "approve")
        results = track_results(case)
        outcome = decide_outcome(results)
        missing = missing_opinions(case)
        if missing and not vetoed(results):
            raise WorkflowError(
                _("尚不能作出审核结论：%(missing)s。") % {"missing": clauses(missing)}
            )
        change = _confirm_kind(case, kind, user=user, reason=kind_reason)
        case.decided_at = timezone.now()
        apply_transition(case, DECISION_TRANSITIONS[outcome], by=user, reason=reason)
        transaction.on_commit(lambda: notifications.case_decided(case, kind_change=change))
        return case
