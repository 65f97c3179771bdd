"""Selection through the services: quorum approval with each approval recorded, the school
notice, filing, the province's answer in its scope, flags when a selected textbook leaves
service or is superseded, and the next term starting from the last one."""

import pytest
from django.core import mail
from django.utils.timezone import now

from textbooks import roles
from textbooks.models import Institution
from workflow.models import AuditLogEntry, SelectionLine, SelectionPlan, TextbookLifecycle
from workflow.services import WorkflowError, selection
from workflow.services.lifecycle import bulk_transition

from .conftest import edit_leaf
from .selection import after_notice, approved, draft, filed, one_reviewer, school_world

__all__ = ["one_reviewer", "school_world"]


def test_a_plan_is_approved_when_a_quorum_of_the_committee_approves(school_world):
    first, second, _third = school_world["committee"]
    plan = draft(school_world)
    assert selection.quorum(school_world["school"]) == 2
    plan = selection.approve(plan, user=first)
    assert plan.state == "draft"
    with pytest.raises(WorkflowError, match="您已同意过"):
        selection.approve(plan, user=first)
    plan = selection.approve(plan, user=second)
    assert plan.state == "approved"
    assert [a.member for a in selection.approvals(plan)] == [first, second]
    [entry] = AuditLogEntry.objects.for_object(plan)
    assert (entry.transition, entry.actor, entry.reason) == (
        "approve",
        second,
        "选用委员会 2 名委员同意",
    )


def test_only_the_schools_committee_drafts_and_approves(school_world, make_user):
    plan = draft(school_world)
    for outsider in (school_world["teacher"], make_user("stranger", roles.SELECTION_COMMITTEE)):
        with pytest.raises(WorkflowError, match="选用委员会的委员"):
            selection.approve(plan, user=outsider)
    assert not plan.approvals.exists()


def test_filing_waits_for_the_end_of_the_notice_and_tells_the_province(
    school_world, django_capture_on_commit_callbacks
):
    member = school_world["committee"][0]
    plan = selection.start_notice(approved(school_world, draft(school_world)), user=member)
    assert (plan.notice_ends_at - plan.notice_starts_at).days == 3
    with pytest.raises(WorkflowError, match="公示期满后才能报备"):
        selection.file_plan(plan, user=member)
    mail.outbox.clear()
    with after_notice(plan), django_capture_on_commit_callbacks(execute=True):
        plan = selection.file_plan(plan, user=member)
    assert plan.state == "filed"
    assert [m.to for m in mail.outbox] == [["province@example.org"]]
    assert "选用计划待审核" in mail.outbox[0].subject


def test_filing_checks_the_rules_again(school_world):
    member = school_world["committee"][0]
    plan = selection.start_notice(approved(school_world, draft(school_world)), user=member)
    lifecycle = TextbookLifecycle.objects.get(textbook=school_world["textbook"])
    lifecycle.mark_overdue(by=None)
    lifecycle.save()
    with after_notice(plan), pytest.raises(WorkflowError, match="逾期未修订"):
        selection.file_plan(plan, user=member)
    assert SelectionPlan.objects.get(pk=plan.pk).state == "public_notice"


def test_the_province_answers_in_its_scope_and_a_return_needs_reasons(school_world, make_user):
    u = school_world["users"]
    plan = filed(school_world, draft(school_world))
    zhejiang = Institution.objects.create(name="浙江省教育厅", kind="authority", province="ZJ")
    other = make_user("zj", roles.PROVINCIAL_ADMIN, institution=zhejiang)
    with pytest.raises(WorkflowError, match="该校所在省份"):
        selection.answer(plan, user=other, accept=True)
    with pytest.raises(WorkflowError, match="请说明退回的理由"):
        selection.answer(plan, user=u["province"], accept=False)
    plan = selection.answer(plan, user=u["province"], accept=False, reason="人数与招生计划不符")
    assert (plan.state, plan.answer) == ("returned", "人数与招生计划不符")
    # The committee revises: a new round, in which the earlier approvals no longer count.
    plan = selection.revise(plan, user=school_world["committee"][0])
    assert (plan.state, plan.round) == ("draft", 2)
    plan = selection.approve(plan, user=school_world["committee"][2])
    assert plan.state == "draft"


def test_a_suspension_flags_the_filed_plan_and_mails_the_committee(
    school_world, django_capture_on_commit_callbacks
):
    u = school_world["users"]
    plan = selection.answer(
        filed(school_world, draft(school_world)), user=u["province"], accept=True
    )
    mail.outbox.clear()
    lifecycle = TextbookLifecycle.objects.get(textbook=school_world["textbook"])
    with django_capture_on_commit_callbacks(execute=True):
        # The daily sweep's bulk move, then its signal.
        bulk_transition(
            TextbookLifecycle.objects.filter(pk=lifecycle.pk), "suspend", at=plan.filed_at
        )
        from workflow.signals import lifecycles_moved

        lifecycles_moved.send(sender=TextbookLifecycle, textbook_ids=[school_world["textbook"].pk])
    plan.refresh_from_db()
    assert plan.state == "flagged"
    line = plan.lines.get()
    assert line.flagged_at is not None and "暂停使用或退出" in line.flag_reason
    assert sorted(m.to[0] for m in mail.outbox) == [
        "member1@example.org",
        "member2@example.org",
        "member3@example.org",
    ]
    assert school_world["course"].name in mail.outbox[0].body


def test_one_sweep_that_suspends_one_selected_textbook_and_retires_another_mails_once(
    school_world, make_textbook, django_capture_on_commit_callbacks
):
    """Each line keeps its own cause; each committee member gets one mail naming both."""
    from workflow.signals import lifecycles_moved

    from .selection import make_course, publish

    u = school_world["users"]
    drawing = make_course("机械制图", "professional")
    other = make_textbook(u["author"], tier="national", province="JS", courses=[drawing])
    plan = filed(
        school_world,
        draft(
            school_world,
            [
                (school_world["course"], school_world["edition"], 40, ""),
                (drawing, publish(other, u), 40, ""),
            ],
        ),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for textbook, name in ((school_world["textbook"], "suspend"), (other, "retire")):
            lifecycles = TextbookLifecycle.objects.filter(textbook=textbook)
            bulk_transition(lifecycles, name, at=plan.filed_at)
        lifecycles_moved.send(
            sender=TextbookLifecycle, textbook_ids=[school_world["textbook"].pk, other.pk]
        )
    causes = dict(plan.lines.values_list("course__name", "flag_cause"))
    assert causes == {school_world["course"].name: "suspended", "机械制图": "retired"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "member1@example.org",
        "member2@example.org",
        "member3@example.org",
    ]
    assert school_world["course"].name in mail.outbox[0].body and "机械制图" in mail.outbox[0].body


def suspend_then_restore(world, sweep=False):
    lifecycle = TextbookLifecycle.objects.get(textbook=world["textbook"])
    if sweep:  # the daily sweep's bulk move, then its signal
        from workflow.signals import lifecycles_moved

        bulk_transition(TextbookLifecycle.objects.filter(pk=lifecycle.pk), "suspend", at=now())
        lifecycles_moved.send(sender=TextbookLifecycle, textbook_ids=[world["textbook"].pk])
        lifecycle.refresh_from_db()
    else:
        lifecycle.suspend(by=None, reason="逾期")
        lifecycle.save()
    assert lifecycle.state == "suspended"
    lifecycle.restore(by=world["users"]["national"], reason="发布第 2.0 版")
    lifecycle.save()


@pytest.mark.parametrize(("answered", "sweep"), [(True, False), (False, True)])
def test_restoring_a_suspended_textbook_clears_the_flags_its_suspension_set(
    school_world, answered, sweep
):
    plan = filed(school_world, draft(school_world))
    if answered:
        plan = selection.answer(plan, user=school_world["users"]["province"], accept=True)
    was = plan.state

    suspend_then_restore(school_world, sweep=sweep)

    plan.refresh_from_db()
    assert plan.state == was  # filed or accepted again, as before the suspension
    line = plan.lines.get()
    assert (line.flagged_at, line.flag_reason, line.flag_cause) == (None, "", "")
    entry = AuditLogEntry.objects.for_object(plan).get(transition__startswith="unflag")
    assert (entry.from_state, entry.to_state) == ("flagged", was)
    assert entry.reason == f"《{school_world['textbook'].title}》恢复使用"


def test_restoring_keeps_a_flag_the_suspension_did_not_set(
    school_world, django_capture_on_commit_callbacks
):
    from .conftest import published_edition

    u, textbook = school_world["users"], school_world["textbook"]
    plan = filed(school_world, draft(school_world))
    edit_leaf(textbook.page.get_children().first().specific, "第二版内容", u["author"])
    with django_capture_on_commit_callbacks(execute=True):
        published_edition(textbook, u["author"], u["reviewer"], u["national"], kind="minor")

    suspend_then_restore(school_world)

    line = SelectionLine.objects.get(plan=plan)
    assert "第 1.0 版已被第 1.1 版替代" in line.flag_reason and line.flag_cause == "superseded"
    assert SelectionPlan.objects.get(pk=plan.pk).state == "flagged"


def test_retirement_of_one_textbook_flags_its_lines(
    school_world, django_capture_on_commit_callbacks
):
    plan = filed(school_world, draft(school_world))
    lifecycle = TextbookLifecycle.objects.get(textbook=school_world["textbook"])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.retire(by=school_world["users"]["national"], reason="违规推销")
        lifecycle.save()
    plan.refresh_from_db()
    assert plan.state == "flagged"
    assert plan.lines.get().flag_reason.endswith("已退出")
    assert "flag" in AuditLogEntry.objects.for_object(plan).values_list("transition", flat=True)


def test_a_new_edition_flags_lines_of_the_edition_it_supersedes(
    school_world, django_capture_on_commit_callbacks
):
    from .conftest import published_edition

    u, textbook = school_world["users"], school_world["textbook"]
    plan = filed(school_world, draft(school_world))
    edit_leaf(textbook.page.get_children().first().specific, "第二版内容", u["author"])
    with django_capture_on_commit_callbacks(execute=True):
        published_edition(textbook, u["author"], u["reviewer"], u["national"], kind="minor")
    line = SelectionLine.objects.get(plan=plan)
    assert "第 1.0 版已被第 1.1 版替代" in line.flag_reason
    assert SelectionPlan.objects.get(pk=plan.pk).state == "flagged"


def test_the_next_term_starts_from_the_last_plan_with_flagged_lines_marked(
    school_world, django_capture_on_commit_callbacks
):
    plan = filed(school_world, draft(school_world, term=(2026, "autumn")))
    lifecycle = TextbookLifecycle.objects.get(textbook=school_world["textbook"])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.suspend(by=None, reason="逾期")
        lifecycle.save()
    member = school_world["committee"][0]
    following = selection.create_plan(
        user=member, school=school_world["school"], year=2027, season="spring"
    )
    assert following.previous == SelectionPlan.objects.get(pk=plan.pk)
    [line] = following.lines.all()
    assert line.edition == school_world["edition"] and line.expected_students == 40
    assert "暂停使用" in line.carried_flag
