"""E-mail notifications of the review workflow (Django's e-mail backend).

Called from services through transaction.on_commit, so nothing is sent for a rolled-back
operation. Users without an e-mail address are skipped.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from textbooks import roles
from textbooks.models import Tier


def _url(name, *args):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(subject, body, users):
    addresses = sorted({u.email for u in users if u.email and u.is_active})
    if addresses:
        send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses],
            fail_silently=False,
        )


def administrators_for(textbook):
    admin_roles = [roles.NATIONAL_ADMIN]
    if textbook.tier != Tier.NATIONAL:
        admin_roles.append(roles.PROVINCIAL_ADMIN)
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=admin_roles) | Q(is_superuser=True))
        .distinct()
    )


def writers_of(textbook):
    return [textbook.editor_in_chief, *textbook.authors.all()]


def case_submitted(case):
    _send(
        _("【送审】《%(title)s》%(kind)s待分配审核专家")
        % {"title": case.textbook.title, "kind": case.get_kind_display()},
        _(
            "《%(title)s》已提交%(kind)s（第 %(round)d 轮），请分配审核专家：\n%(url)s\n\n修订说明：%(summary)s"
        )
        % {
            "title": case.textbook.title,
            "kind": case.get_kind_display(),
            "round": case.round,
            "url": _url("workflow:case", case.pk),
            "summary": case.change_summary,
        },
        administrators_for(case.textbook),
    )


def reviewer_assigned(assignment):
    case = assignment.track.case
    _send(
        _("【审核任务】《%(title)s》%(track)s，截止 %(due)s")
        % {
            "title": case.textbook.title,
            "track": assignment.track.get_kind_display(),
            "due": assignment.due_date.isoformat(),
        },
        _("您被分配审核《%(title)s》（%(track)s），请于 %(due)s 前提交审核意见：\n%(url)s")
        % {
            "title": case.textbook.title,
            "track": assignment.track.get_kind_display(),
            "due": assignment.due_date.isoformat(),
            "url": _url("workflow:review", assignment.pk),
        },
        [assignment.reviewer],
    )


def due_reminder(assignment, today):
    case = assignment.track.case
    days = (assignment.due_date - today).days
    when = (
        _("已逾期 %(days)d 天") % {"days": -days}
        if days < 0
        else _("还剩 %(days)d 天") % {"days": days}
    )
    _send(
        _("【审核提醒】《%(title)s》审核意见截止 %(due)s（%(when)s）")
        % {"title": case.textbook.title, "due": assignment.due_date.isoformat(), "when": when},
        _("请尽快提交《%(title)s》的审核意见：\n%(url)s")
        % {"title": case.textbook.title, "url": _url("workflow:review", assignment.pk)},
        [assignment.reviewer],
    )


def case_decided(case):
    _send(
        _("【审核结论】《%(title)s》：%(state)s")
        % {"title": case.textbook.title, "state": case.get_state_display()},
        _("《%(title)s》%(kind)s的审核结论为：%(state)s。\n%(url)s")
        % {
            "title": case.textbook.title,
            "kind": case.get_kind_display(),
            "state": case.get_state_display(),
            "url": _url("workflow:case", case.pk),
        },
        writers_of(case.textbook),
    )


def edition_published(edition):
    _send(
        _("【已发布】《%(title)s》第 %(version)s 版")
        % {"title": edition.textbook.title, "version": edition.version},
        _("《%(title)s》第 %(version)s 版已发布。")
        % {"title": edition.textbook.title, "version": edition.version},
        writers_of(edition.textbook),
    )
