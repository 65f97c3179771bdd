"""Helpers for the selection tests: a school with a committee of three, published editions,
and plans brought to any state through the services."""

import datetime

import pytest
import time_machine

from textbooks import membership, roles
from textbooks.models import Course, Institution, MemberRole
from workflow.models import SelectionPlan
from workflow.services import selection

from .conftest import add_leaf, published_edition


@pytest.fixture
def one_reviewer(settings):
    """One subject expert per tier, so that editions publish in a line of test code."""
    settings.WORKFLOW_SUBJECT_REVIEWERS = {"national": 1, "provincial": 1, "school": 1}


@pytest.fixture
def school_world(users, make_user, make_textbook, course, one_reviewer):
    """A Jiangsu school whose committee has three members, and for the professional course
    ``course`` a national textbook with edition 1.0 published."""
    school = Institution.objects.create(name="江苏省常州技师学院", kind="school", province="JS")
    committee = [
        make_user(f"member{n}", roles.SELECTION_COMMITTEE, last_name="委员", first_name=str(n))
        for n in (1, 2, 3)
    ]
    for member in committee:
        membership.join(member, school, MemberRole.COMMITTEE)
    teacher = make_user("teacher")
    membership.join(teacher, school, MemberRole.TEACHER)
    national = make_textbook(users["author"], tier="national", province="JS")
    edition = publish(national, users)
    return {
        "users": users,
        "school": school,
        "committee": committee,
        "teacher": teacher,
        "course": course,
        "textbook": national,
        "edition": edition,
    }


def publish(textbook, users):
    add_leaf(textbook, f"unit-{textbook.pk}", "第一版内容", users["author"])
    return published_edition(textbook, users["author"], users["reviewer"], users["national"])


def make_course(name, course_type, *, compulsory=False, unified=False):
    return Course.objects.create(
        name=name, course_type=course_type, is_compulsory=compulsory, uses_unified_textbook=unified
    )


def draft(world, lines=None, term=None):
    """A draft plan of ``world``'s school for ``term`` (the current one) with ``lines``
    [(course, edition, students, reason)] (default: the national textbook for ``course``)."""
    year, season = term or selection.current_term()
    plan = selection.create_plan(
        user=world["committee"][0], school=world["school"], year=year, season=season
    )
    for course, edition, students, reason in lines or [(world["course"], world["edition"], 40, "")]:
        selection.save_line(
            plan,
            user=world["committee"][0],
            course=course,
            edition=edition,
            expected_students=students,
            reason=reason,
        )
    return SelectionPlan.objects.get(pk=plan.pk)


def approved(world, plan):
    for member in world["committee"][:2]:
        plan = selection.approve(plan, user=member)
    return plan


def filed(world, plan):
    plan = selection.start_notice(approved(world, plan), user=world["committee"][0])
    with after_notice(plan):
        return selection.file_plan(plan, user=world["committee"][0])


def after_notice(plan):
    return time_machine.travel(plan.notice_ends_at + datetime.timedelta(minutes=1))
