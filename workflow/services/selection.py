"""Selection and filing (选用备案) by a school's selection committee.

The committee (textbooks.membership.committee_of) drafts a plan for one term, approves it by
quorum (each approval recorded), announces it at the school for SELECTION_NOTICE_DAYS, then
files it; the administrators of the school's province (textbooks.scope) accept it or return
it with reasons. The rules (workflow.services.selection_rules) are checked at approval and
again at filing. A filed plan whose textbook is later suspended, retired or superseded is
flagged, its lines marked and the committee told (``flag_lines``); a suspended textbook
restored to use clears the flags its suspension set (``clear_flags``).

Each operation checks, then executes, in one transaction that locks the plan; a refused
operation raises WorkflowError and changes nothing. Every state change is a transition, so
the audit log has every move.
"""

import datetime
import math

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from textbooks import membership, scope
from textbooks.i18n import in_record_language
from textbooks.models import InstitutionKind
from workflow import notifications
from workflow.models import (
    AuditLogEntry,
    Edition,
    FlagCause,
    LifecycleState,
    Season,
    SelectionApproval,
    SelectionLine,
    SelectionPlan,
    SelectionState,
)
from workflow.models.selection import IN_FORCE
from workflow.services import selection_rules
from workflow.services.errors import WorkflowError
from workflow.services.lifecycle import bulk_transition
from workflow.services.planning import _lock
from workflow.services.planning import _move as _planning_move

S = SelectionState

ACTION_LABELS = {
    "approve": gettext_lazy("通过"),
    "start_notice": gettext_lazy("开始校内公示"),
    "file": gettext_lazy("报备"),
    "accept": gettext_lazy("通过备案"),
    "send_back": gettext_lazy("退回"),
    "revise": gettext_lazy("重新修改"),
}


# ---- terms ---------------------------------------------------------------------------------


def current_term(today=None):
    """(year, season) of the term ``today`` falls in: spring February–July, autumn from
    August (January still belongs to the autumn term of the year before)."""
    today = today or timezone.localdate()
    if today.month == 1:
        return today.year - 1, Season.AUTUMN
    return today.year, Season.SPRING if today.month < 8 else Season.AUTUMN


def term_label(year, season):
    return f"{year} {Season(season).label}"


def _term_order(plan):
    return plan.year * 2 + (plan.season == Season.AUTUMN)


# ---- who -----------------------------------------------------------------------------------


def sits_on_committee(user, school):
    return user.is_authenticated and membership.belongs_to(
        user, school, role=membership.MemberRole.COMMITTEE
    )


def can_review(user, plan):
    """Whether ``user`` administers the province of ``plan``'s school (accepts or returns)."""
    provinces = scope.administered_provinces(user)
    return provinces is scope.EVERY_PROVINCE or plan.school.province in provinces


def plans_visible_to(user):
    """Committee members see their schools' plans; administrators those of their provinces."""
    mine = SelectionPlan.objects.filter(school__in=membership.committee_schools(user))
    provinces = scope.administered_provinces(user)
    if provinces is scope.EVERY_PROVINCE:
        return SelectionPlan.objects.all()
    return mine | SelectionPlan.objects.filter(school__province__in=provinces)


def plans_to_review(user):
    """Filed plans waiting for ``user``'s answer, oldest first."""
    provinces = scope.administered_provinces(user)
    filed = SelectionPlan.objects.filter(state=S.FILED).order_by("filed_at", "pk")
    if provinces is scope.EVERY_PROVINCE:
        return filed
    return filed.filter(school__province__in=provinces)


def quorum(school):
    """How many committee members must approve: more than SELECTION_QUORUM of them."""
    members = membership.committee_of(school).count()
    return math.floor(members * settings.SELECTION_QUORUM) + 1


def _require_committee(user, plan):
    if not sits_on_committee(user, plan.school):
        raise WorkflowError(
            _("只有%(school)s选用委员会的委员可以办理本校的选用计划。")
            % {"school": plan.school.name}
        )


def _require_state(plan, states, action):
    if plan.state not in states:
        raise WorkflowError(
            _("选用计划当前状态为“%(state)s”，不能%(action)s。")
            % {"state": plan.get_state_display(), "action": action}
        )


def _lock_plan(plan):
    return _lock(plan)


def _move(plan, name, *, by, reason=""):
    return _planning_move(plan, name, by=by, reason=reason, labels=ACTION_LABELS)


# ---- drafting ------------------------------------------------------------------------------


def create_plan(*, user, school, year, season):
    """A draft plan for ``school`` and the term, starting from the school's latest plan that
    was filed: its lines are copied, the flagged ones marked with why they were flagged."""
    if school.kind != InstitutionKind.SCHOOL:
        raise WorkflowError(_("只有学校可以制定选用计划。"))
    if season not in Season.values:
        raise WorkflowError(_("请选择学期。"))
    if not sits_on_committee(user, school):
        raise WorkflowError(
            _("只有%(school)s选用委员会的委员可以办理本校的选用计划。") % {"school": school.name}
        )
    with transaction.atomic():
        if SelectionPlan.objects.filter(school=school, year=year, season=season).exists():
            raise WorkflowError(
                _("%(school)s %(term)s 已有选用计划。")
                % {"school": school.name, "term": term_label(year, season)}
            )
        earlier = [
            p
            for p in SelectionPlan.objects.filter(school=school, state__in=IN_FORCE)
            if _term_order(p) < year * 2 + (season == Season.AUTUMN)
        ]
        previous = max(earlier, key=_term_order, default=None)
        plan = SelectionPlan.objects.create(
            school=school, year=year, season=season, previous=previous, created_by=user
        )
        if previous is not None:
            SelectionLine.objects.bulk_create(
                SelectionLine(
                    plan=plan,
                    course_id=line.course_id,
                    edition_id=line.edition_id,
                    expected_students=line.expected_students,
                    reason=line.reason,
                    carried_flag=line.flag_reason if line.flagged_at else "",
                )
                for line in previous.lines.all()
            )
        return plan


def save_line(plan, *, user, course, edition, expected_students, reason=""):
    """Add or change the line of ``course`` on a draft plan."""
    with transaction.atomic():
        plan = _lock_plan(plan)
        _require_committee(user, plan)
        _require_state(plan, [S.DRAFT], _("修改"))
        if not expected_students or expected_students < 1:
            raise WorkflowError(_("预计使用人数须至少为 1。"))
        line, _created = SelectionLine.objects.update_or_create(
            plan=plan,
            course=course,
            defaults={
                "edition": edition,
                "expected_students": expected_students,
                "reason": (reason or "").strip(),
                "carried_flag": "",
                "flagged_at": None,
                "flag_reason": "",
            },
        )
        return line


def remove_line(line, *, user):
    with transaction.atomic():
        plan = _lock_plan(line.plan)
        _require_committee(user, plan)
        _require_state(plan, [S.DRAFT], _("修改"))
        line.delete()


def _require_rules(plan, action):
    if not plan.lines.exists():
        raise WorkflowError(_("选用计划还没有任何课程。"))
    violations = selection_rules.check(plan)
    if violations:
        raise RulesBroken(action, violations)


class RulesBroken(WorkflowError):
    """The plan breaks rules; ``violations`` lists them (course, rule, words)."""

    def __init__(self, action, violations):
        self.violations = violations
        super().__init__(
            _("选用计划不符合选用规则，不能%(action)s：%(list)s")
            % {"action": action, "list": "；".join(str(v) for v in violations)}
        )


# ---- approval, notice, filing ----------------------------------------------------------------


def approvals(plan):
    return plan.approvals.filter(round=plan.round).select_related("member")


def approve(plan, *, user):
    """Record ``user``'s approval of the draft; with a quorum the plan is approved. Refused
    while it breaks a rule."""
    with transaction.atomic():
        plan = _lock_plan(plan)
        _require_committee(user, plan)
        _require_state(plan, [S.DRAFT], ACTION_LABELS["approve"])
        _require_rules(plan, ACTION_LABELS["approve"])
        if plan.approvals.filter(round=plan.round, member=user).exists():
            raise WorkflowError(_("您已同意过本轮选用计划。"))
        SelectionApproval.objects.create(plan=plan, member=user, round=plan.round)
        count = plan.approvals.filter(
            round=plan.round, member__in=membership.committee_of(plan.school)
        ).count()
        if count >= quorum(plan.school):
            with in_record_language():
                reason = _("选用委员会 %(n)d 名委员同意") % {"n": count}
            _move(plan, "approve", by=user, reason=reason)
        return plan


def start_notice(plan, *, user):
    with transaction.atomic():
        plan = _lock_plan(plan)
        _require_committee(user, plan)
        _require_state(plan, [S.APPROVED], ACTION_LABELS["start_notice"])
        plan.notice_starts_at = timezone.now()
        plan.notice_ends_at = plan.notice_starts_at + datetime.timedelta(
            days=settings.SELECTION_NOTICE_DAYS
        )
        return _move(plan, "start_notice", by=user)


def notice_is_over(plan, now=None):
    return plan.notice_ends_at is not None and (now or timezone.now()) >= plan.notice_ends_at


def file_plan(plan, *, user):
    """File the announced plan with the province: after the notice, the rules checked again."""
    with transaction.atomic():
        plan = _lock_plan(plan)
        _require_committee(user, plan)
        _require_state(plan, [S.PUBLIC_NOTICE], ACTION_LABELS["file"])
        if not notice_is_over(plan):
            raise WorkflowError(
                _("校内公示至 %(end)s 结束，公示期满后才能报备。")
                % {"end": date_format(timezone.localtime(plan.notice_ends_at), "Y-m-d H:i")}
            )
        _require_rules(plan, ACTION_LABELS["file"])
        plan.filed_at = timezone.now()
        _move(plan, "file", by=user)
        transaction.on_commit(lambda: notifications.selection_filed(plan))
        return plan


def answer(plan, *, user, accept, reason=""):
    """The provincial administrator accepts the filing, or returns it with reasons."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise WorkflowError(_("请说明退回的理由。"))
    with transaction.atomic():
        plan = _lock_plan(plan)
        if not can_review(user, plan):
            raise WorkflowError(_("只有该校所在省份的教材管理员可以审核选用备案。"))
        _require_state(plan, [S.FILED], ACTION_LABELS["accept" if accept else "send_back"])
        plan.answer, plan.answered_at, plan.answered_by = reason, timezone.now(), user
        _move(plan, "accept" if accept else "send_back", by=user, reason=reason)
        committee = list(membership.committee_of(plan.school))
        transaction.on_commit(lambda: notifications.selection_answered(plan, committee))
        return plan


def revise(plan, *, user, reason=""):
    """Back to draft to change the lines (after a return, or before filing); earlier
    approvals no longer count."""
    with transaction.atomic():
        plan = _lock_plan(plan)
        _require_committee(user, plan)
        _require_state(plan, [S.RETURNED, S.APPROVED, S.PUBLIC_NOTICE], ACTION_LABELS["revise"])
        plan.round += 1
        plan.notice_starts_at = plan.notice_ends_at = None
        return _move(plan, "revise", by=user, reason=(reason or "").strip())


# ---- flags ---------------------------------------------------------------------------------


def flag_lines(lines, reason, cause):
    """Mark ``lines`` (a queryset) flagged with ``reason`` (words) and ``cause`` (a FlagCause,
    or an expression giving one per line); the filed plans among theirs become flagged, and
    each school's committee is told once, after commit. Set-based: a fixed number of
    statements whatever the number of lines; only lines not yet flagged count."""
    with transaction.atomic():
        lines = lines.filter(flagged_at__isnull=True).select_for_update()
        line_ids = list(lines.values_list("pk", flat=True))
        if not line_ids:
            return 0
        plan_ids = list(
            SelectionLine.objects.filter(pk__in=line_ids).values_list("plan_id", flat=True)
        )
        now = timezone.now()
        SelectionLine.objects.filter(pk__in=line_ids).update(
            flagged_at=now, flag_reason=reason, flag_cause=cause
        )
        plans = SelectionPlan.objects.filter(pk__in=set(plan_ids))
        bulk_transition(plans, "flag", at=now, reason=reason)
        transaction.on_commit(lambda: _tell_committees(set(plan_ids), line_ids))
    return len(line_ids)


def clear_flags(lines, reason):
    """The cause of the flags on ``lines`` (a queryset) is gone: unflag them; a plan left with
    no flagged line goes back to filed or accepted, as it was when flagged (its last "flag" in
    the audit log says), each move in the audit log with ``reason``. Set-based."""
    with transaction.atomic():
        lines = lines.filter(flagged_at__isnull=False).select_for_update()
        line_ids = list(lines.values_list("pk", flat=True))
        if not line_ids:
            return 0
        plan_ids = set(
            SelectionLine.objects.filter(pk__in=line_ids).values_list("plan_id", flat=True)
        )
        SelectionLine.objects.filter(pk__in=line_ids).update(
            flagged_at=None, flag_reason="", flag_cause=""
        )
        still_flagged = SelectionLine.objects.filter(plan=OuterRef("pk"), flagged_at__isnull=False)
        plans = SelectionPlan.objects.filter(pk__in=plan_ids).exclude(Exists(still_flagged))
        last_flag = AuditLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(SelectionPlan),
            object_id=OuterRef("pk"),
            transition="flag",
        ).order_by("-at", "-pk")
        was_accepted = plans.annotate(was=Subquery(last_flag.values("from_state")[:1])).filter(
            was=S.ACCEPTED
        )
        now = timezone.now()
        bulk_transition(
            plans.filter(pk__in=was_accepted.values("pk")), "unflag_accepted", at=now, reason=reason
        )
        bulk_transition(
            plans.exclude(pk__in=was_accepted.values("pk")), "unflag_filed", at=now, reason=reason
        )
    return len(line_ids)


def _tell_committees(plan_ids, line_ids):
    for plan in SelectionPlan.objects.filter(pk__in=plan_ids).select_related("school"):
        told = plan.lines.filter(pk__in=line_ids).select_related("course")
        notifications.selection_flagged(plan, list(told), membership.committee_of(plan.school))


def _open_lines():
    """Lines of plans not closed for good (a returned plan is changed anyway)."""
    return SelectionLine.objects.exclude(plan__state=S.RETURNED)


def flag_textbook(textbook, state):
    """``textbook`` was suspended or retired (``state``): every line selecting it is flagged."""
    state = LifecycleState(state)
    with in_record_language():
        reason = _("《%(title)s》%(state)s") % {"title": textbook.title, "state": state.label}
    return flag_lines(_open_lines().filter(edition__textbook=textbook), reason, state.value)


def unflag_restored(textbook):
    """``textbook``, suspended, is in use again: the flags its suspension set are cleared;
    flags for anything else (a superseded edition) stay."""
    with in_record_language():
        reason = _("《%(title)s》恢复使用") % {"title": textbook.title}
    lines = SelectionLine.objects.filter(edition__textbook=textbook, flag_cause=FlagCause.SUSPENDED)
    return clear_flags(lines, reason)


def flag_out_of_service(textbook_ids):
    """After a bulk move of the lifecycles of ``textbook_ids``: flag every line selecting one
    of them that is now suspended or retired, its cause the textbook's state (set-based, for
    the daily sweep; one call, so a committee with both kinds of lines gets one mail)."""
    from workflow.models import TextbookLifecycle

    with in_record_language():
        reason = _("所选教材已暂停使用或退出")
    out = TextbookLifecycle.objects.filter(
        textbook__editions=OuterRef("edition_id"), state__in=selection_rules.OUT_OF_SERVICE
    )
    lines = _open_lines().filter(Exists(out), edition__textbook__in=textbook_ids)
    return flag_lines(lines, reason, Subquery(out.values("state")[:1]))


def flag_superseded(edition):
    """A new ``edition`` superseded its predecessor: lines selecting the old one are flagged."""
    previous = getattr(edition, "predecessor", None)
    if previous is None:
        return 0
    with in_record_language():
        reason = _("《%(title)s》第 %(old)s 版已被第 %(new)s 版替代") % {
            "title": edition.textbook.title,
            "old": previous.version,
            "new": edition.version,
        }
    return flag_lines(_open_lines().filter(edition=previous), reason, FlagCause.SUPERSEDED)


# ---- what the public and the dashboard read -------------------------------------------------


def filed_plans(school):
    """The plans ``school`` teaches from, latest term first."""
    return SelectionPlan.objects.filter(school=school, state__in=IN_FORCE).order_by(
        "-year", "season"
    )


def announced_plan(school):
    """The plan under notice at ``school``, if any."""
    return SelectionPlan.objects.filter(school=school, state=S.PUBLIC_NOTICE).first()


def schools_selecting(textbook, term=None):
    """How many schools selected ``textbook`` (any of its editions) for ``term`` (the current
    one by default) in a plan they filed."""
    year, season = term or current_term()
    return (
        SelectionPlan.objects.filter(
            year=year,
            season=season,
            state__in=IN_FORCE,
            lines__edition__textbook=textbook,
        )
        .values("school")
        .distinct()
        .count()
    )


def edition_choices(course):
    """Current editions of the textbooks serving ``course``, for the committee's form."""
    return (
        Edition.objects.current()
        .filter(textbook__courses=course)
        .select_related("textbook")
        .order_by("textbook__title")
    )
