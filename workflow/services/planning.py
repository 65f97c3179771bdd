"""Layered planning (分层规划): batches, applications, the formal check, expert scores, the
public notice (公示) with its objections, publication of the list, and schools' filings of
school-based textbooks.

Each operation checks, then executes, in one transaction that locks the row it moves; a
refused operation raises WorkflowError (its message is for the user) and changes nothing.
Every state change is a django-fsm transition, so the audit log has every move.

Who: a batch is run by the administrators of its tier and scope (textbooks.scope.plans_for):
national batches by national administrators, a province's batches by its administrators.
"""

import datetime
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from textbooks import roles, scope
from textbooks.i18n import clauses, enumeration, in_record_language
from textbooks.models import CourseType, InstitutionKind, Textbook, TextbookKind, Tier
from workflow import notifications
from workflow.models import (
    BatchState,
    EntryState,
    Objection,
    ObjectionState,
    PlanAssignment,
    PlanBatch,
    PlanEntry,
    PlanScore,
    PlanTier,
    SchoolFiling,
    TrackKind,
)
from workflow.models.planning import FORM_CHOICES
from workflow.services.errors import ReviewConflict, WorkflowError
from workflow.services.ratelimit import RateLimited, address_hash, within_limit
from workflow.services.rules import display_name, recusal_reason, reviewer_qualification_error

ACTION_LABELS = {
    "open": gettext_lazy("开始申报"),
    "start_formal_check": gettext_lazy("截止申报并开始形式审查"),
    "start_expert_review": gettext_lazy("开始专家评审"),
    "start_notice": gettext_lazy("开始公示"),
    "publish": gettext_lazy("公布名单"),
    "close": gettext_lazy("结束"),
    "cancel": gettext_lazy("取消"),
    "pass_check": gettext_lazy("通过形式审查"),
    "fail_check": gettext_lazy("作出形式审查结论"),
    "mark_scored": gettext_lazy("完成评分"),
    "recommend": gettext_lazy("推荐"),
    "pass_over": gettext_lazy("作出评审结论"),
    "add_to_list": gettext_lazy("列入规划"),
    "withdraw": gettext_lazy("撤销"),
    "uphold": gettext_lazy("答复"),
    "dismiss": gettext_lazy("答复"),
    "acknowledge": gettext_lazy("确认"),
    "send_back": gettext_lazy("退回"),
}

# The batch's stage moves, in order, as the admin screen offers them.
BATCH_MOVES = ["open", "start_formal_check", "start_expert_review", "start_notice", "publish"]


# ---- shared mechanics ----------------------------------------------------------------------


def _lock(obj):
    """Lock ``obj``'s row and return a fresh copy; refuse if it moved since it was read."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if locked.state != obj.state:
        raise ReviewConflict(
            _("该记录已被他人处理（当前状态：%(state)s），请刷新页面后再操作。")
            % {"state": locked.get_state_display()}
        )
    return locked


def _move(obj, name, *, by, reason="", labels=ACTION_LABELS):
    """Run transition ``name`` and save; an illegal one raises WorkflowError (``labels`` name
    the transitions in it)."""
    if not can_proceed(getattr(obj, name)):
        raise WorkflowError(
            _("当前状态为“%(state)s”，不能%(action)s。")
            % {"state": obj.get_state_display(), "action": labels[name]}
        )
    getattr(obj, name)(by=by, reason=reason)
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise ReviewConflict(_("该记录已被他人处理，请刷新页面后再操作。")) from exc
    return obj


def can_run(user, batch):
    """Whether ``user`` administers ``batch``'s tier and scope."""
    return scope.plans_for(user, batch.province)


def _require_runner(user, batch):
    if not can_run(user, batch):
        if batch.province:
            raise WorkflowError(
                _("只有%(province)s的省级教材管理员可以管理该批次。")
                % {"province": batch.get_province_display()}
            )
        raise WorkflowError(_("只有国家级教材管理员可以管理国家规划批次。"))


def _require_state(batch, state, action):
    if batch.state != state:
        raise WorkflowError(
            _("批次当前状态为“%(state)s”，不能%(action)s。")
            % {"state": batch.get_state_display(), "action": action}
        )


def batches_run_by(user):
    return PlanBatch.objects.filter(scope.planned_provinces_q(user))


# ---- batches -------------------------------------------------------------------------------


def create_batch(*, user, tier, title, year, province="", **rules):
    """A draft batch; ``rules`` are PlanBatch's rule and date fields."""
    province = "" if tier == PlanTier.NATIONAL else province
    if tier == PlanTier.PROVINCIAL and not province:
        raise WorkflowError(_("省级规划批次须选择省份。"))
    batch = PlanBatch(
        tier=tier, province=province, title=title, year=year, created_by=user, **rules
    )
    _require_runner(user, batch)
    unknown = set(batch.allowed_forms) - {code for code, _label in FORM_CHOICES}
    unknown |= set(batch.excluded_kinds) - set(TextbookKind.values)
    if unknown:
        raise WorkflowError(_("未知的条件：%(codes)s。") % {"codes": enumeration(sorted(unknown))})
    batch.save()
    return batch


def open_batch(batch, *, user):
    with transaction.atomic():
        batch = _lock(batch)
        _require_runner(user, batch)
        return _move(batch, "open", by=user)


def start_formal_check(batch, *, user):
    with transaction.atomic():
        batch = _lock(batch)
        _require_runner(user, batch)
        if not batch.entries.exists():
            raise WorkflowError(_("本批次还没有任何申报。"))
        return _move(batch, "start_formal_check", by=user)


def start_expert_review(batch, *, user):
    with transaction.atomic():
        batch = _lock(batch)
        _require_runner(user, batch)
        waiting = batch.entries.filter(state=EntryState.APPLIED).count()
        if waiting:
            raise WorkflowError(
                _("还有 %(n)d 条申报未经形式审查，不能开始专家评审。") % {"n": waiting}
            )
        return _move(batch, "start_expert_review", by=user)


def start_notice(batch, *, user):
    """Rank the scored entries, recommend those within the quota, and start the notice."""
    with transaction.atomic():
        batch = _lock(batch)
        _require_runner(user, batch)
        eligible = batch.entries.filter(state=EntryState.ELIGIBLE)
        unscored = eligible.filter(
            Q(assignments__isnull=True) | Q(assignments__score__isnull=True)
        ).distinct()
        if unscored.exists():
            raise WorkflowError(
                _("还有 %(n)d 条申报未完成专家评分，不能开始公示。") % {"n": unscored.count()}
            )
        _move(batch, "start_notice", by=user)
        # Scores close with the review stage: every eligible entry is scored from here on.
        for entry in eligible:
            _move(entry, "mark_scored", by=user)
        _rank(batch, user)
        batch.notice_starts_at = timezone.now()
        batch.notice_ends_at = batch.notice_starts_at + datetime.timedelta(
            days=settings.PLANNING_NOTICE_DAYS
        )
        batch.save(update_fields=["notice_starts_at", "notice_ends_at"])
        return batch


def _rank(batch, user):
    """Entries the majority of their experts recommend, by mean total score (highest first),
    are recommended up to the quota; the others are not."""
    ranked = []
    for entry in batch.entries.filter(state=EntryState.SCORED).prefetch_related(
        "assignments__score"
    ):
        scores = [a.score for a in entry.assignments.all()]
        entry.score = Decimal(sum(s.total for s in scores)) / len(scores)
        entry.backed = sum(s.recommend for s in scores) * 2 > len(scores)
        ranked.append(entry)
    ranked.sort(key=lambda e: (not e.backed, -e.score, e.pk))
    with in_record_language():
        for rank, entry in enumerate(ranked, start=1):
            entry.rank = rank
            within_quota = batch.quota is None or rank <= batch.quota
            if entry.backed and within_quota:
                _move(entry, "recommend", by=user, reason=_("按评分排名在名额内"))
                continue
            # Lazy: recorded in the site language, mailed in each recipient's.
            if entry.backed:
                reason = gettext_lazy("按评分排名超出名额")
            else:
                reason = gettext_lazy("多数评审专家不推荐")
            _move(entry, "pass_over", by=user, reason=str(reason))
            transaction.on_commit(partial(notifications.plan_entry_decided, entry, reason))


def notice_is_over(batch, now=None):
    return batch.notice_ends_at is not None and (now or timezone.now()) >= batch.notice_ends_at


def publish_batch(batch, *, user):
    """Publish the list: refused before the notice period ends or while an objection is
    unanswered. Every recommended entry is listed and its textbook takes the batch's tier."""
    with transaction.atomic():
        batch = _lock(batch)
        _require_runner(user, batch)
        _require_state(batch, BatchState.PUBLIC_NOTICE, ACTION_LABELS["publish"])
        if not notice_is_over(batch):
            raise WorkflowError(
                _("公示期至 %(end)s 结束，公示期满前不能公布名单。")
                % {"end": date_format(timezone.localtime(batch.notice_ends_at), "Y-m-d H:i")}
            )
        unanswered = Objection.objects.filter(entry__batch=batch, state=ObjectionState.OPEN)
        if unanswered.exists():
            raise WorkflowError(
                _("还有 %(n)d 条异议未答复，答复后才能公布名单。") % {"n": unanswered.count()}
            )
        entries = list(
            batch.entries.filter(state=EntryState.RECOMMENDED).select_related("textbook")
        )
        twice = PlanEntry.objects.filter(
            tier=batch.tier, state=EntryState.LISTED, textbook__in=[e.textbook for e in entries]
        ).select_related("textbook")
        if twice:
            raise WorkflowError(
                _("以下教材已列入同一层级的规划：%(titles)s。")
                % {"titles": enumeration(e.textbook.title for e in twice)}
            )
        _move(batch, "publish", by=user)
        batch.published_at = timezone.now()
        batch.save(update_fields=["published_at"])
        for entry in entries:
            _move(entry, "add_to_list", by=user)
            transaction.on_commit(partial(notifications.plan_entry_decided, entry))
        listed = Textbook.objects.filter(pk__in=[e.textbook_id for e in entries])
        if batch.tier == PlanTier.PROVINCIAL:  # a national planned textbook stays national
            listed = listed.exclude(tier=Tier.NATIONAL)
        listed.update(tier=batch.tier)
        return batch


def close_batch(batch, *, user):
    with transaction.atomic():
        batch = _lock(batch)
        _require_runner(user, batch)
        return _move(batch, "close", by=user)


def cancel_batch(batch, *, user, reason):
    with transaction.atomic():
        batch = _lock(batch)
        _require_runner(user, batch)
        if not (reason or "").strip():
            raise WorkflowError(_("请说明取消批次的原因。"))
        batch.cancel_reason = reason.strip()
        return _move(batch, "cancel", by=user, reason=reason.strip())


MOVES = {
    "open": open_batch,
    "start_formal_check": start_formal_check,
    "start_expert_review": start_expert_review,
    "start_notice": start_notice,
    "publish": publish_batch,
    "close": close_batch,
}


def next_move(batch):
    """The stage move the batch's screen offers now, or None."""
    for name in [*BATCH_MOVES, "close"]:
        if can_proceed(getattr(batch, name)):
            return name
    return None


# ---- eligibility ----------------------------------------------------------------------------


def _latest_edition_date(textbook):
    edition = textbook.editions.order_by("-published_at").first()
    return edition and timezone.localdate(edition.published_at)


def rule_revised_since(batch, textbook):
    if batch.revised_since is None:
        return None
    latest = _latest_edition_date(textbook)
    if latest is None:
        return _("尚未出版（没有已发布的版次）。")
    if latest < batch.revised_since:
        return _("最近一次出版或修订在 %(latest)s，早于要求的 %(since)s。") % {
            "latest": latest.isoformat(),
            "since": batch.revised_since.isoformat(),
        }
    return None


def rule_forms(batch, textbook):
    if not batch.allowed_forms:
        return None
    if any(code in batch.allowed_forms for code, _label in textbook.forms):
        return None
    labels = dict(FORM_CHOICES)
    return _("教材形态不符：本批次只接受%(forms)s教材。") % {
        "forms": enumeration(labels[code] for code in batch.allowed_forms)
    }


def rule_co_development(batch, textbook):
    if not batch.co_development_required:
        return None
    if not textbook.courses.filter(course_type=CourseType.PROFESSIONAL).exists():
        return None
    if textbook.is_co_developed:
        return None
    return _("专业课教材须由学校与企业合作开发，该教材没有同时登记合作学校和合作企业。")


def rule_kind(batch, textbook):
    if textbook.kind in batch.excluded_kinds:
        return _("%(kind)s不参加本批次遴选。") % {"kind": textbook.get_kind_display()}
    return None


# The batch's rules, each a function of (batch, textbook) that names what fails, or None.
RULES = [rule_revised_since, rule_forms, rule_co_development, rule_kind]


def eligibility_failures(batch, textbook):
    """Every rule ``textbook`` fails in ``batch``, in words."""
    return [message for rule in RULES if (message := rule(batch, textbook))]


# ---- entries ---------------------------------------------------------------------------------


def listed_in(textbook, tier):
    return PlanEntry.objects.filter(textbook=textbook, tier=tier, state=EntryState.LISTED).first()


def recommending_province(batch, textbook, user):
    """The province whose administrator ``user`` recommends ``textbook`` to a national batch
    for, or ""."""
    if (
        batch.tier == PlanTier.NATIONAL
        and textbook.province
        and not user.is_superuser
        and scope.plans_for(user, textbook.province)
    ):
        return textbook.province
    return ""


def application_problem(batch, textbook, user):
    """Why ``user`` may not apply with ``textbook`` to ``batch`` now, or None."""
    if batch.state != BatchState.OPEN:
        return _("批次当前状态为“%(state)s”，不能申报。") % {"state": batch.get_state_display()}
    if not (
        user.pk == textbook.editor_in_chief_id
        or recommending_province(batch, textbook, user)
        or can_run(user, batch)
    ):
        return _("只有该教材的主编可以申报；省级教材管理员可以向国家规划批次推荐本省教材。")
    if batch.province and textbook.province != batch.province:
        return _("“%(title)s”不属于%(province)s，不能申报该省的规划批次。") % {
            "title": textbook.title,
            "province": batch.get_province_display(),
        }
    if listed_in(textbook, batch.tier):
        return _("“%(title)s”已列入%(tier)s，同一层级只能列入一次。") % {
            "title": textbook.title,
            "tier": batch.get_tier_display(),
        }
    if batch.entries.filter(textbook=textbook).exists():
        return _("“%(title)s”已申报本批次。") % {"title": textbook.title}
    return None


def apply(batch, textbook, *, user, statement=""):
    """An application: by the textbook's editor-in-chief, or a recommendation to a national
    batch by an administrator of the textbook's province, or entered by the batch's own
    administrators (an imported list)."""
    with transaction.atomic():
        batch = PlanBatch.objects.select_for_update().get(pk=batch.pk)
        problem = application_problem(batch, textbook, user)
        if problem:
            raise WorkflowError(problem)
        return PlanEntry.objects.create(
            batch=batch,
            textbook=textbook,
            tier=batch.tier,
            applied_by=user,
            recommended_by_province=recommending_province(batch, textbook, user),
            statement=statement.strip(),
        )


def _lock_entry(entry, user):
    entry = _lock(entry)
    _require_runner(user, entry.batch)
    return entry


def check_entry(entry, *, user, note="", reject=False):
    """The formal check of one entry: the machine checks the batch's rules; failing any, or
    rejected by the administrator (who must say why), the entry is ineligible."""
    note = (note or "").strip()
    if reject and not note:
        raise WorkflowError(_("请说明不予通过形式审查的理由。"))
    with transaction.atomic():
        entry = _lock_entry(entry, user)
        _require_state(entry.batch, BatchState.FORMAL_CHECK, ACTION_LABELS["pass_check"])
        with in_record_language():
            failures = eligibility_failures(entry.batch, entry.textbook)
            entry.check_failures = [str(f) for f in failures]
            entry.check_note = note
            if failures or reject:
                reason = clauses([*failures, note] if note else failures)
                _move(entry, "fail_check", by=user, reason=reason)
                transaction.on_commit(lambda: notifications.plan_entry_decided(entry))
                return entry
            return _move(entry, "pass_check", by=user, reason=note)


def check_all(batch, *, user):
    """The machine check of every entry still waiting; returns (eligible, ineligible) counts."""
    done = {EntryState.ELIGIBLE: 0, EntryState.INELIGIBLE: 0}
    for entry in batch.entries.filter(state=EntryState.APPLIED):
        done[check_entry(entry, user=user).state] += 1
    return done[EntryState.ELIGIBLE], done[EntryState.INELIGIBLE]


def assign_expert(entry, *, user, expert, due_date):
    """Name an expert to score an eligible entry: a qualified reviewer, not recused."""
    with transaction.atomic():
        entry = _lock_entry(entry, user)
        _require_state(entry.batch, BatchState.EXPERT_REVIEW, _("分配评审专家"))
        if entry.state != EntryState.ELIGIBLE:
            raise WorkflowError(_("只能为通过形式审查的申报分配专家。"))
        problem = reviewer_qualification_error(expert, TrackKind.SUBJECT) or recusal_reason(
            expert, entry.textbook
        )
        if problem:
            raise WorkflowError(problem)
        if entry.assignments.filter(expert=expert).exists():
            raise WorkflowError(
                _("%(name)s 已是该申报的评审专家。") % {"name": display_name(expert)}
            )
        if due_date is None or due_date < timezone.localdate():
            raise WorkflowError(_("截止日期不能早于今天。"))
        assignment = PlanAssignment.objects.create(
            entry=entry, expert=expert, due_date=due_date, assigned_by=user
        )
        transaction.on_commit(lambda: notifications.plan_expert_assigned(assignment))
        return assignment


def record_score(assignment, *, user, scores, recommend, comment=""):
    """The expert's scores on one entry, once; the entry is scored when the notice starts."""
    with transaction.atomic():
        assignment = (
            PlanAssignment.objects.select_for_update()
            .select_related("entry__batch", "entry__textbook")
            .get(pk=assignment.pk)
        )
        entry = assignment.entry
        if assignment.expert_id != user.pk:
            raise WorkflowError(_("只有被分配的评审专家可以评分。"))
        _require_state(entry.batch, BatchState.EXPERT_REVIEW, _("评分"))
        if PlanScore.objects.filter(assignment=assignment).exists():
            raise WorkflowError(_("您已评过分。"))
        problem = recusal_reason(user, entry.textbook)
        if problem:
            raise WorkflowError(problem)
        bad = [k for k, v in scores.items() if not isinstance(v, int) or not 1 <= v <= 5]
        if bad or len(scores) != 3:
            raise WorkflowError(_("思想性、科学性、适宜性各须评 1 至 5 分。"))
        return PlanScore.objects.create(
            assignment=assignment, recommend=recommend, comment=comment.strip(), **scores
        )


# ---- the public notice ----------------------------------------------------------------------


def notices():
    """Batches in public notice, as the public page lists them."""
    return PlanBatch.objects.filter(state=BatchState.PUBLIC_NOTICE).order_by("notice_ends_at")


def published_lists():
    """Published lists (规划教材书目): they stay public after the batch closes."""
    return PlanBatch.objects.filter(state__in=[BatchState.PUBLISHED, BatchState.CLOSED]).order_by(
        "-published_at"
    )


def public_entries(batch):
    """What the public sees of a batch: its recommended entries during the notice (and those
    withdrawn after an objection), its list once published."""
    if batch.state == BatchState.PUBLIC_NOTICE:
        states = [EntryState.RECOMMENDED, EntryState.WITHDRAWN]
    else:
        states = [EntryState.LISTED]
    return (
        batch.entries.filter(state__in=states)
        .select_related("textbook__publisher", "textbook__editor_in_chief", "textbook__page")
        .order_by("rank", "pk")
    )


def object_to(entry, *, address, name, contact, reason):
    """An objection to a recommended entry during the notice period, under a real name."""
    fields = {"name": name, "contact": contact, "reason": reason}
    fields = {k: (v or "").strip() for k, v in fields.items()}
    missing = [
        label
        for key, label in [
            ("name", _("真实姓名")),
            ("contact", _("联系方式")),
            ("reason", _("异议理由")),
        ]
        if not fields[key]
    ]
    if missing:
        raise WorkflowError(
            _("请填写%(fields)s：异议须实名提出。") % {"fields": enumeration(missing)}
        )
    batch = entry.batch
    if batch.state != BatchState.PUBLIC_NOTICE or notice_is_over(batch):
        raise WorkflowError(_("该批次不在公示期内，不能提出异议。"))
    if entry.state != EntryState.RECOMMENDED:
        raise WorkflowError(_("只能对公示中的拟入选教材提出异议。"))
    ip_hash = address_hash(address)
    with transaction.atomic():
        # A second click or a reload sends the same objection again: it is the one already
        # waiting for an answer, neither filed twice nor counted against the limit. The
        # entry's row lock makes two such posts at once wait for each other.
        PlanEntry.objects.select_for_update().filter(pk=entry.pk).exists()
        waiting = Objection.objects.filter(
            entry=entry, ip_hash=ip_hash, state=ObjectionState.OPEN, **fields
        ).first()
        if waiting is not None:
            return waiting
        if not within_limit("planning:objections", ip_hash, settings.PLANNING_OBJECTIONS_PER_HOUR):
            raise RateLimited(
                _("您提交异议过于频繁：每个网络地址每小时最多提交 %(n)d 条，请稍后再试。")
                % {"n": settings.PLANNING_OBJECTIONS_PER_HOUR}
            )
        return Objection.objects.create(entry=entry, ip_hash=ip_hash, **fields)


def answer_objection(objection, *, user, uphold, answer):
    """Upheld: the entry is withdrawn from the list. Dismissed: with the reason why."""
    answer = (answer or "").strip()
    if not answer:
        raise WorkflowError(_("请填写答复意见。"))
    with transaction.atomic():
        objection = _lock(objection)
        entry = _lock_entry(objection.entry, user)
        _require_state(entry.batch, BatchState.PUBLIC_NOTICE, _("答复异议"))
        objection.answer, objection.answered_by = answer, user
        objection.answered_at = timezone.now()
        _move(objection, "uphold" if uphold else "dismiss", by=user, reason=answer)
        if uphold and entry.state == EntryState.RECOMMENDED:
            _move(entry, "withdraw", by=user, reason=answer)
            # The applicant would otherwise never hear: a withdrawn entry is not on the list.
            transaction.on_commit(partial(notifications.plan_entry_decided, entry, answer))
        return objection


# ---- school-based textbooks ------------------------------------------------------------------


def planned_candidates(course, province):
    """Planned textbooks that serve ``course`` in ``province``: national ones anywhere,
    provincial ones of that province."""
    listed = PlanEntry.objects.filter(state=EntryState.LISTED).filter(
        Q(tier=PlanTier.NATIONAL) | Q(batch__province=province)
    )
    return Textbook.objects.filter(courses=course, pk__in=listed.values("textbook")).order_by(
        "title"
    )


def can_file_for(user, school):
    return user.is_authenticated and (
        user.is_superuser or school.members.filter(pk=user.pk).exists()
    )


def file_school_textbook(*, user, school, course, textbook, reason=""):
    """A school files a school-based textbook for a course, saying why no planned textbook
    serves it; refused without a reason when planned candidates exist."""
    reason = (reason or "").strip()
    if school.kind != InstitutionKind.SCHOOL:
        raise WorkflowError(_("只有学校可以备案校本教材。"))
    if not can_file_for(user, school):
        raise WorkflowError(_("只有该校人员可以为本校备案校本教材。"))
    if textbook.tier != Tier.SCHOOL:
        raise WorkflowError(_("“%(title)s”不是校本教材。") % {"title": textbook.title})
    candidates = list(planned_candidates(course, school.province))
    if candidates and not reason:
        raise WorkflowError(
            _("本课程已有规划教材（%(titles)s），请说明为什么它们不能满足需要。")
            % {"titles": enumeration(t.title for t in candidates)}
        )
    return SchoolFiling.objects.create(
        school=school, course=course, textbook=textbook, reason=reason, filed_by=user
    )


def can_answer_filing(user, filing):
    return scope.plans_for(user, filing.school.province)


def answer_filing(filing, *, user, acknowledge, answer=""):
    """The provincial administrator acknowledges the filing, or returns it with reasons."""
    answer = (answer or "").strip()
    if not acknowledge and not answer:
        raise WorkflowError(_("请说明退回的理由。"))
    with transaction.atomic():
        filing = _lock(filing)
        if not can_answer_filing(user, filing):
            raise WorkflowError(_("只有该校所在省份的教材管理员可以处理备案。"))
        filing.answer, filing.answered_at = answer, timezone.now()
        return _move(filing, "acknowledge" if acknowledge else "send_back", by=user, reason=answer)


def is_planning_administrator(user):
    return roles.user_has_role(user, *roles.ADMIN_ROLES)
