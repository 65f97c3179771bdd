"""E-mail on submit, assignment, due-date reminder and decision."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from workflow import services
from workflow.models import ReviewCase

from .conftest import SCORES, due, prefers, submitted_case


def sent_to(username):
    return [m.subject for m in mail.outbox if m.to == [f"{username}@example.org"]]


def test_mail_on_submit_assign_and_decision(world, django_capture_on_commit_callbacks):
    u = world["users"]
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_case(world["textbook"], u["author"])
    # A Jiangsu textbook: the national and the Jiangsu administrators are told.
    assert any("待分配审核专家" in s for s in sent_to("national"))
    assert any("待分配审核专家" in s for s in sent_to("province"))
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign_reviewer(
            case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
        )
    assert sent_to("reviewer") == [
        f"【审核任务】《{world['textbook'].title}》学科专家审核，截止 {due()}"
    ]
    assert f"/admin/reviews/assignments/{assignment.pk}/" in mail.outbox[-1].body
    services.record_opinion(
        assignment, user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(ReviewCase.objects.get(pk=case.pk), user=u["national"])
    assert sent_to("author")[-1] == f"【审核结论】《{world['textbook'].title}》：审核通过"


def test_nothing_is_sent_for_a_refused_operation(world, django_capture_on_commit_callbacks):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(services.WorkflowError, match="不是审核专家"):
            services.assign_reviewer(
                case, user=u["national"], reviewer=u["author"], track_kind="subject", due_date=due()
            )
    assert mail.outbox == []


def test_review_reminders_once_a_day_for_due_and_overdue(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    today = timezone.localdate()
    services.assign_reviewer(
        case,
        user=u["national"],
        reviewer=u["reviewer"],
        track_kind="subject",
        due_date=today + datetime.timedelta(days=2),
    )
    services.assign_reviewer(
        ReviewCase.objects.get(pk=case.pk),
        user=u["national"],
        reviewer=u["reviewer2"],
        track_kind="subject",
        due_date=today + datetime.timedelta(days=30),
    )
    mail.outbox.clear()
    call_command("review_reminders", stdout=open("/dev/null", "w"))
    call_command("review_reminders", stdout=open("/dev/null", "w"))  # same day: nothing new
    assert [m.to for m in mail.outbox] == [["reviewer@example.org"]]
    assert "还剩 2 天" in mail.outbox[0].subject
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5)):
        call_command("review_reminders", stdout=open("/dev/null", "w"))
    assert "已逾期 3 天" in mail.outbox[-1].subject
    assert len(mail.outbox) == 2


def mail_to(username):
    return [m for m in mail.outbox if m.to == [f"{username}@example.org"]]


def test_each_recipient_reads_the_mail_in_his_or_her_language(
    world, django_capture_on_commit_callbacks
):
    """Whoever triggers a mail, and in whatever language, each recipient gets it in the
    language of his or her account settings, or in Chinese without one."""
    u, title = world["users"], world["textbook"].title
    prefers(u["national"], "en")
    prefers(u["reviewer"], "en")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        case = submitted_case(world["textbook"], u["author"])
    [english] = mail_to("national")
    assert english.subject == f"[Submitted] “{title}” Initial review awaits reviewer assignment"
    assert "please assign reviewers" in english.body.lower()
    [chinese] = mail_to("province")
    assert chinese.subject == f"【送审】《{title}》首次审核待分配审核专家"

    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign_reviewer(
            case, user=u["province"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
        )
    [english] = mail_to("reviewer")
    assert english.subject == f"[Review task] “{title}” Subject expert review, due {due()}"
    services.record_opinion(
        assignment, user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )

    # The other way round: an English-speaking administrator, a Chinese-speaking author.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.decide(ReviewCase.objects.get(pk=case.pk), user=u["national"])
    [chinese] = mail_to("author")
    assert chinese.subject == f"【审核结论】《{title}》：审核通过"
    assert "的审核结论为：审核通过。" in chinese.body


@pytest.mark.parametrize("run_in", ["zh-hans", "en"])
def test_review_reminders_are_in_each_reviewers_language(world, run_in):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    today = timezone.localdate()
    for reviewer in ["reviewer", "reviewer2"]:
        services.assign_reviewer(
            ReviewCase.objects.get(pk=case.pk),
            user=u["national"],
            reviewer=u[reviewer],
            track_kind="subject",
            due_date=today + datetime.timedelta(days=2),
        )
    prefers(u["reviewer2"], "en")
    mail.outbox.clear()
    with translation.override(run_in):
        call_command("review_reminders", stdout=open("/dev/null", "w"))
    [chinese], [english] = mail_to("reviewer"), mail_to("reviewer2")
    assert "（还剩 2 天）" in chinese.subject and "请尽快提交" in chinese.body
    assert "(2 days left)" in english.subject and english.subject.startswith("[Review reminder]")


def test_each_mail_addresses_its_recipient_by_name(world, django_capture_on_commit_callbacks):
    u = world["users"]
    u["reviewer"].last_name, u["reviewer"].first_name = "赵", "磊"
    u["reviewer"].save()
    prefers(u["reviewer2"], "en")
    u["reviewer2"].first_name, u["reviewer2"].last_name = "Anna", "Schmidt"
    u["reviewer2"].save()
    case = submitted_case(world["textbook"], u["author"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for reviewer in ("reviewer", "reviewer2"):
            services.assign_reviewer(
                ReviewCase.objects.get(pk=case.pk),
                user=u["national"],
                reviewer=u[reviewer],
                track_kind="subject",
                due_date=due(),
            )
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert bodies["reviewer@example.org"].startswith("赵磊，您好：\n\n")
    assert bodies["reviewer2@example.org"].startswith("Dear Anna Schmidt,\n\n")
