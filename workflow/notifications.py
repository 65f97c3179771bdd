"""E-mail notifications of the workflows (Django's e-mail backend).

Called from services through transaction.on_commit, so nothing is sent for a rolled-back
operation. Users without an e-mail address are skipped. Each mail is written in its
recipient's language, whoever triggered it.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from textbooks import scope
from textbooks.names import display_name
from workflow.models import CaseKind, EntryState


def _url(name, *args):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def mail_language(preferred_language):
    """The language of a mail to someone who chose ``preferred_language`` in their account
    settings ("" for none). Not UserProfile.get_preferred_language(): without a choice it
    answers the active language, which here is that of whoever triggered the mail."""
    return preferred_language or settings.LANGUAGE_CODE


def _send(compose, users):
    """Mail ``compose()``'s (subject, body) to each of ``users``, composed in each one's
    language (once per language, not once per recipient) and addressed to each by name."""
    recipients = sorted((u for u in users if u.email and u.is_active), key=lambda u: u.email)
    if not recipients:
        return
    preferred = dict(
        UserProfile.objects.filter(user__in=recipients).values_list("user_id", "preferred_language")
    )
    language_of = {u.pk: mail_language(preferred.get(u.pk, "")) for u in recipients}
    composed = {}
    for language in set(language_of.values()):
        with translation.override(language):
            composed[language] = compose()
    mails = []
    for user in recipients:
        language = language_of[user.pk]
        subject, body = composed[language]
        with translation.override(language):
            greeting = _("%(name)s，您好：") % {"name": display_name(user)}
        mails.append((subject, f"{greeting}\n\n{body}", settings.DEFAULT_FROM_EMAIL, [user.email]))
    send_mass_mail(mails, fail_silently=False)


def writers_of(textbook):
    return [textbook.editor_in_chief, *textbook.authors.all()]


def case_submitted(case):
    def compose():
        values = {
            "title": case.textbook.title,
            "kind": case.get_kind_display(),
            "round": case.round,
            "url": _url("workflow:case", case.pk),
            "summary": case.change_summary,
        }
        return (
            _("【送审】《%(title)s》%(kind)s待分配审核专家") % values,
            _(
                "《%(title)s》已提交%(kind)s（第 %(round)d 轮），请分配审核专家：\n%(url)s\n\n修订说明：%(summary)s"
            )
            % values,
        )

    _send(compose, scope.administrators_of(case.textbook))


def reviewer_assigned(assignment):
    case = assignment.track.case

    def compose():
        values = {
            "title": case.textbook.title,
            "track": assignment.track.get_kind_display(),
            "due": assignment.due_date.isoformat(),
            "url": _url("workflow:review", assignment.pk),
        }
        return (
            _("【审核任务】《%(title)s》%(track)s，截止 %(due)s") % values,
            _("您被分配审核《%(title)s》（%(track)s），请于 %(due)s 前提交审核意见：\n%(url)s")
            % values,
        )

    _send(compose, [assignment.reviewer])


def due_reminder(assignment, today):
    case = assignment.track.case
    days = (assignment.due_date - today).days

    def compose():
        values = {
            "title": case.textbook.title,
            "due": assignment.due_date.isoformat(),
            "when": _("已逾期 %(days)d 天") % {"days": -days}
            if days < 0
            else _("还剩 %(days)d 天") % {"days": days},
            "url": _url("workflow:review", assignment.pk),
        }
        return (
            _("【审核提醒】《%(title)s》审核意见截止 %(due)s（%(when)s）") % values,
            _("请尽快提交《%(title)s》的审核意见：\n%(url)s") % values,
        )

    _send(compose, [assignment.reviewer])


def case_decided(case, kind_change=None):
    """``kind_change``: the audit row of the administrator's change of the case's kind."""

    def compose():
        values = {
            "title": case.textbook.title,
            "kind": case.get_kind_display(),
            "state": case.get_state_display(),
            "url": _url("workflow:case", case.pk),
        }
        body = _("《%(title)s》%(kind)s的审核结论为：%(state)s。\n%(url)s") % values
        if kind_change is not None:
            body += "\n\n" + kind_change_text(kind_change)
        return _("【审核结论】《%(title)s》：%(state)s") % values, body

    _send(compose, writers_of(case.textbook))


def kind_change_text(change):
    """One sentence on an administrator's change of a case's kind, in the active language."""
    return _("管理员在作出审核结论时将送审类型由“%(old)s”改为“%(new)s”，理由：%(reason)s") % {
        "old": CaseKind(change.from_state).label,
        "new": CaseKind(change.to_state).label,
        "reason": change.reason,
    }


def case_cancelled(case, reason, *, may_resubmit=True):
    """``may_resubmit``: False when the textbook itself has ended (retired), so the mail does
    not invite a submission that would be refused."""

    def compose():
        values = {
            "title": case.textbook.title,
            "kind": case.get_kind_display(),
            "reason": reason,
            "url": _url("workflow:case", case.pk),
        }
        lines = [_("管理员取消了《%(title)s》的%(kind)s，理由：%(reason)s") % values]
        if may_resubmit:
            lines.append(_("可以重新提交送审。"))
        lines.append(values["url"])
        return _("【已取消】《%(title)s》%(kind)s") % values, "\n".join(lines)

    _send(compose, [case.submitted_by])


def edition_published(edition):
    def compose():
        values = {"title": edition.textbook.title, "version": edition.version}
        return (
            _("【已发布】《%(title)s》第 %(version)s 版") % values,
            _("《%(title)s》第 %(version)s 版已发布。") % values,
        )

    _send(compose, writers_of(edition.textbook))


def selection_filed(plan):
    def compose():
        values = {"school": plan.school.name, "term": plan.term_label}
        values["url"] = _url("workflow:selection_review", plan.pk)
        return (
            _("【选用备案】%(school)s %(term)s 选用计划待审核") % values,
            _("%(school)s 已报备 %(term)s 的教材选用计划，请审核：\n%(url)s") % values,
        )

    _send(compose, scope.provincial_administrators(plan.school.province))


def selection_answered(plan, committee):
    def compose():
        values = {
            "school": plan.school.name,
            "term": plan.term_label,
            "state": plan.get_state_display(),
            "answer": plan.answer or "—",
            "url": _url("workflow:selection_plan", plan.pk),
        }
        return (
            _("【选用备案】%(term)s 选用计划：%(state)s") % values,
            _("%(school)s %(term)s 的选用计划：%(state)s。\n审核意见：%(answer)s\n%(url)s")
            % values,
        )

    _send(compose, committee)


def selection_flagged(plan, lines, committee):
    """Tell a school's committee which of its selected textbooks changed (suspended, retired,
    superseded) and must be chosen again."""

    def compose():
        values = {
            "school": plan.school.name,
            "term": plan.term_label,
            "url": _url("workflow:selection_plan", plan.pk),
        }
        listed = "\n".join(
            _("%(course)s：%(reason)s") % {"course": line.course.name, "reason": line.flag_reason}
            for line in lines
        )
        return (
            _("【选用提醒】%(school)s %(term)s 有教材需重新选用") % values,
            _("以下课程所选教材已有变化，请选用委员会重新选用：\n%(lines)s\n\n%(url)s")
            % {**values, "lines": listed},
        )

    _send(compose, committee)


def inspector_assigned(inspection):
    check = inspection.sampling_check

    def compose():
        values = {
            "title": check.textbook.title,
            "campaign": str(check.campaign),
            "due": inspection.due_date.isoformat(),
            "url": _url("workflow:sampling_check", check.pk),
        }
        return (
            _("【抽查任务】《%(title)s》，截止 %(due)s") % values,
            _("您被分配在%(campaign)s中检查《%(title)s》，请于 %(due)s 前提交检查报告：\n%(url)s")
            % values,
        )

    _send(compose, [inspection.inspector])


def check_failed(check):
    """The textbook's writers: it failed, what to rectify, by when, through which case."""

    def compose():
        values = {
            "title": check.textbook.title,
            "campaign": str(check.campaign),
            "note": check.result_note,
            "due": check.rectification_due_on.isoformat(),
            "url": _url("workflow:case", check.corrective_case_id),
        }
        return (
            _("【抽查不合格】《%(title)s》须于 %(due)s 前完成整改") % values,
            _(
                "《%(title)s》在%(campaign)s中被判定为不合格：%(note)s\n"
                "请于 %(due)s 前通过整改修订送审并发布整改版，逾期将被提出退出建议。\n%(url)s"
            )
            % values,
        )

    _send(compose, writers_of(check.textbook))


def applicants_of(entry):
    """Who hears about a planning entry: whoever applied (the editor-in-chief, or the province
    that recommended it) and the textbook's editor-in-chief."""
    return list({u.pk: u for u in (entry.applied_by, entry.textbook.editor_in_chief)}.values())


def plan_entry_decided(entry, reason=""):
    """What became of a planning entry: found ineligible (each rule it failed), not
    recommended (``reason``), or listed when its batch published."""

    def compose():
        values = {
            "title": entry.textbook.title,
            "batch": entry.batch.title,
            "state": entry.get_state_display(),
            "tier": entry.get_tier_display(),
            "url": _url("planning:entry", entry.pk),
        }
        if entry.state == EntryState.INELIGIBLE:
            found = [*entry.check_failures, *([entry.check_note] if entry.check_note else [])]
            detail = _("未通过的条件：\n%(failures)s") % {
                "failures": "\n".join(f"- {failure}" for failure in found)
            }
        elif entry.state == EntryState.LISTED:
            detail = _("%(batch)s已公布名单，《%(title)s》列入%(tier)s。") % values
        else:
            detail = _("原因：%(reason)s") % {"reason": reason or "—"}
        return (
            _("【教材规划】《%(title)s》：%(state)s") % values,
            _("《%(title)s》在%(batch)s中：%(state)s。") % values
            + f"\n{detail}\n\n{values['url']}",
        )

    _send(compose, applicants_of(entry))


def plan_expert_assigned(assignment):
    entry = assignment.entry

    def compose():
        values = {
            "title": entry.textbook.title,
            "batch": entry.batch.title,
            "due": assignment.due_date.isoformat(),
            "url": _url("planning:entry", entry.pk),
        }
        return (
            _("【规划评审】《%(title)s》，截止 %(due)s") % values,
            _("您被分配在%(batch)s中评审《%(title)s》，请于 %(due)s 前评分：\n%(url)s") % values,
        )

    _send(compose, [assignment.expert])
