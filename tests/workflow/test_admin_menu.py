"""The admin menu per role: each role sees the workflow screens it has work on, and none that
could never list anything for it (a committee member took an always-empty 审核与版次 for a
broken screen). The screens themselves stay scoped to the viewer (tests/workflow/test_views.py)."""

import pytest
from django.test import RequestFactory
from wagtail.admin.menu import admin_menu

from textbooks import membership
from textbooks.models import MemberRole

pytestmark = pytest.mark.django_db

WORKFLOW_MENU = [
    "审核与版次",
    "规划教材",
    "校本教材备案",
    "勘误处理",
    "抽查与退出",
    "选用备案",
    "达标情况",
]
EVERYTHING = set(WORKFLOW_MENU)

EXPECTED = {
    "author": {"审核与版次", "规划教材", "勘误处理"},
    "reviewer": {"审核与版次", "规划教材", "抽查与退出"},  # plan expert, sampling inspector
    "political": {"审核与版次"},
    "committee": {"校本教材备案", "选用备案"},  # files for the school, selects
    "province": EVERYTHING,
    "national": EVERYTHING,
}


def shown(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    labels = {str(item.label) for item in admin_menu.menu_items_for_request(request)}
    return labels & EVERYTHING


def test_each_role_sees_the_workflow_screens_it_has_work_on(users, make_institution):
    school = make_institution("常州机电职业技术学院", "school", province="JS")
    membership.join(users["committee"], school, MemberRole.COMMITTEE)
    assert {role: shown(users[role]) for role in EXPECTED} == EXPECTED


def test_a_teacher_of_a_school_may_file_its_school_based_textbooks(users, make_institution):
    school = make_institution("常州机电职业技术学院", "school", province="JS")
    membership.join(users["other_author"], school, MemberRole.STAFF)
    assert "校本教材备案" in shown(users["other_author"])
    assert "校本教材备案" not in shown(users["author"])
