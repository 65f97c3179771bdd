"""Each selection rule, broken once: the check names the course and the rule in words, and
the committee cannot approve the plan."""

import pytest

from workflow.models import Edition, TextbookLifecycle
from workflow.services import WorkflowError, selection
from workflow.services.selection_rules import RULES, check

from .selection import draft, make_course, one_reviewer, publish, school_world

__all__ = ["one_reviewer", "school_world"]


def other_course(world, make_textbook):
    """A professional course the national textbook does not serve."""
    return make_course("机械制图", "professional"), world["edition"], ""


def unified(world, make_textbook):
    course = make_course("思想政治", "ideology_politics", compulsory=True, unified=True)
    book = make_textbook(world["users"]["author"], tier="provincial", courses=[course])
    return course, publish(book, world["users"]), "本省特色"


def public_basic(world, make_textbook):
    course = make_course("数学", "public_basic", compulsory=True)
    book = make_textbook(world["users"]["author"], tier="provincial", courses=[course])
    return course, publish(book, world["users"]), "本省特色"


def suspended(world, make_textbook):
    _move_lifecycle(world["textbook"], "suspend")
    return world["course"], world["edition"], ""


def overdue(world, make_textbook):
    _move_lifecycle(world["textbook"], "mark_overdue")
    return world["course"], world["edition"], ""


def school_based(world, make_textbook):
    book = make_textbook(world["users"]["author"], tier="school", courses=[world["course"]])
    return world["course"], publish(book, world["users"]), "本校实训设备专用"


def no_reason(world, make_textbook):
    book = make_textbook(world["users"]["author"], tier="provincial", courses=[world["course"]])
    return world["course"], publish(book, world["users"]), ""


def _move_lifecycle(textbook, name):
    # What the daily sweep does to a textbook past its due dates, one row at a time.
    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    getattr(lifecycle, name)(by=None, reason="测试")
    lifecycle.save()


BROKEN = {
    "course": (other_course, "不是本课程的适用教材"),
    "unified": (unified, "本课程须使用国家统编教材"),
    "public_basic": (public_basic, "必修公共基础课须从国家规划教材中选用"),
    "in_service": (suspended, "暂停使用，不能选用"),
    "latest": (overdue, "逾期未修订，不是最新修订教材"),
    "school_based": (school_based, "尚未经省级教材管理部门确认备案"),
    "reason": (no_reason, "请说明选用理由"),
}


def test_every_rule_has_its_own_test():
    assert set(BROKEN) == {rule.code for rule in RULES}


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_a_broken_rule_is_named_with_its_course_and_the_plan_cannot_be_approved(
    school_world, make_textbook, code
):
    build, words = BROKEN[code]
    course, edition, reason = build(school_world, make_textbook)
    plan = draft(school_world, [(course, edition, 30, reason)])
    [violation] = check(plan)
    rule = next(r for r in RULES if r.code == code)
    assert (violation.course, violation.rule) == (course.name, code)
    assert words in violation.message
    assert str(violation).startswith(f"{course.name}（{rule.label}）：")
    with pytest.raises(WorkflowError) as refused:
        selection.approve(plan, user=school_world["committee"][0])
    assert str(violation) in refused.value.message
    assert not plan.approvals.exists()


def test_a_superseded_edition_breaks_the_latest_rule_for_a_professional_course(school_world):
    Edition.objects.filter(pk=school_world["edition"].pk).update(is_current=False)
    plan = draft(school_world)
    [violation] = check(plan)
    assert violation.rule == "latest"
    assert "已被新版次替代，请选用现行版" in violation.message


def test_a_school_based_textbook_with_an_acknowledged_filing_keeps_the_rules(
    school_world, make_textbook
):
    from workflow.services import planning

    u = school_world["users"]
    book = make_textbook(u["author"], tier="school", courses=[school_world["course"]])
    edition = publish(book, u)
    filing = planning.file_school_textbook(
        user=school_world["committee"][0],
        school=school_world["school"],
        course=school_world["course"],
        textbook=book,
        reason="本校实训设备专用",
    )
    planning.answer_filing(filing, user=u["province"], acknowledge=True)
    plan = draft(school_world, [(school_world["course"], edition, 30, "本校实训设备专用")])
    assert check(plan) == []


def test_a_valid_plan_keeps_every_rule(school_world):
    assert check(draft(school_world)) == []
