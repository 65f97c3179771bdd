"""Problem 10 of issue 12: a case that waits on a silent reviewer or on a resubmission that
never comes. Administrators replace the reviewer, or cancel the case with a reason; the
textbook may then open a new case."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from textbooks import roles
from textbooks.models import InstitutionKind
from workflow import services
from workflow.models import (
    AssignmentState,
    AuditLogEntry,
    CaseKind,
    CaseState,
    ReviewAssignment,
    ReviewCase,
)

from .conftest import SCORES, due, submitted_case


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def opine(assignment, outcome="pass"):
    return services.record_opinion(
        assignment, user=assignment.reviewer, scores=SCORES, comment="意见", outcome=outcome
    )


@pytest.fixture
def silent(world):
    """A case in review whose one reviewer never answers."""
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    world["case"] = case
    world["assignment"] = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    return world


def test_problem_10_an_administrator_replaces_a_silent_reviewer(
    client, silent, django_capture_on_commit_callbacks
):
    u, case, old = silent["users"], silent["case"], silent["assignment"]
    client.force_login(u["national"])
    replace = reverse("workflow:replace", args=[old.pk])
    assert replace in client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    assert client.get(replace).status_code == 200
    later = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            replace,
            {"reviewer": u["reviewer2"].pk, "due_date": later.isoformat(), "reason": "逾期未复"},
            follow=True,
        )
    assert "已由 reviewer2 接替 reviewer。" in response.content.decode()

    old = fresh(old)
    new = old.replaced_by
    assert old.state == AssignmentState.REPLACED
    assert (new.reviewer, new.due_date, new.round) == (u["reviewer2"], later, case.round)
    [entry] = AuditLogEntry.objects.for_object(old)
    assert (entry.transition, entry.from_state, entry.to_state, entry.actor) == (
        "replace",
        "active",
        "replaced",
        u["national"],
    )
    assert entry.reason == "由 reviewer2 接替 reviewer；逾期未复"
    history = client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    assert "由 reviewer2 接替 reviewer；逾期未复" in history and "已由 reviewer2 接替" in history
    assert [m.to for m in mail.outbox] == [["reviewer2@example.org"]]

    # The replaced reviewer's task is over; the new one's opinion decides.
    with pytest.raises(services.WorkflowError, match="已由其他专家接替"):
        opine(old)
    client.force_login(u["reviewer"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "目前没有待提交的审核意见" in home
    assert reverse("workflow:review", args=[old.pk]) not in home
    opine(new)
    assert services.decide(fresh(case), user=u["national"]).state == CaseState.APPROVED


def test_a_replacement_is_qualified_and_not_recused(silent, make_user, make_institution):
    u, old = silent["users"], silent["assignment"]
    school = make_institution("江苏机电职业技术学院", InstitutionKind.SCHOOL)
    school.members.add(u["author"])
    colleague = make_user("colleague", roles.REVIEWER, institution=school)
    for reviewer, message in [
        (colleague, "与该教材的编写人员同在“江苏机电职业技术学院”，须回避"),
        (u["political"], "不是审核专家"),
        (u["reviewer"], "该专家已分配到此审核类别"),
    ]:
        with pytest.raises(services.WorkflowError, match=message):
            services.replace_reviewer(old, user=u["national"], reviewer=reviewer, due_date=due())
    with pytest.raises(services.WorkflowError, match="只有负责该教材的教材管理员"):
        services.replace_reviewer(old, user=u["author"], reviewer=u["reviewer2"], due_date=due())
    opine(old)
    with pytest.raises(services.WorkflowError, match="已提交审核意见，不能替换"):
        services.replace_reviewer(old, user=u["national"], reviewer=u["reviewer2"], due_date=due())
    assert fresh(old).state == AssignmentState.ACTIVE
    assert ReviewAssignment.objects.count() == 1
    assert not AuditLogEntry.objects.for_object(old).exists()


def test_problem_10_a_case_waiting_for_resubmission_is_cancelled_and_a_new_one_opened(
    client, silent, django_capture_on_commit_callbacks
):
    u, case = silent["users"], silent["case"]
    opine(silent["assignment"], "resubmit")
    services.decide(fresh(case), user=u["national"])
    assert fresh(case).state == CaseState.RESUBMIT_REQUESTED

    client.force_login(u["national"])
    cancel = reverse("workflow:cancel", args=[case.pk])
    assert cancel in client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    confirmation = client.get(cancel).content.decode()
    assert "取消后本案结束，不能恢复" in confirmation and "确定取消审核案" in confirmation
    response = client.post(cancel, {"reason": " "})
    assert "请说明取消的理由。" in response.content.decode()
    assert fresh(case).state == CaseState.RESUBMIT_REQUESTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel, {"reason": "半年未重新送审"}, follow=True)
    assert "审核案已取消，该教材可以重新送审。" in response.content.decode()
    assert fresh(case).state == CaseState.CANCELLED
    entry = AuditLogEntry.objects.for_object(case).last()
    assert (entry.transition, entry.to_state, entry.actor, entry.reason) == (
        "cancel",
        "cancelled",
        u["national"],
        "半年未重新送审",
    )
    [told] = mail.outbox
    assert told.to == ["author@example.org"] and "半年未重新送审" in told.body

    # The textbook is free: its author submits a new case.
    client.force_login(u["author"])
    response = client.post(
        reverse("workflow:submit", args=[silent["textbook"].pk]),
        {"kind": CaseKind.INITIAL, "change_summary": "重新整理后送审"},
    )
    new = ReviewCase.objects.exclude(pk=case.pk).get()
    assert response.status_code == 302 and new.state == CaseState.SUBMITTED


def to_state(world, target):
    """A case of ``world``'s textbook brought to ``target`` the way users would."""
    u = world["users"]
    if target in (CaseState.DRAFT, CaseState.WITHDRAWN):
        case = services.open_case(world["textbook"], user=u["author"], kind=CaseKind.INITIAL)
        if target == CaseState.WITHDRAWN:
            services.withdraw(case, user=u["author"])
        return case
    case = submitted_case(world["textbook"], u["author"])
    if target == CaseState.SUBMITTED:
        return case
    a = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    if target == CaseState.IN_REVIEW:
        return case
    outcome = {
        CaseState.RESUBMIT_REQUESTED: "resubmit",
        CaseState.REJECTED: "reject",
    }.get(target, "pass")
    opine(a, outcome)
    case = services.decide(fresh(case), user=u["national"])
    if target == CaseState.PUBLISHED:
        services.publish(case, user=u["national"])
    if target == CaseState.CANCELLED:
        services.cancel(case, user=u["national"], reason="测试")
    return case


OPEN = [
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.IN_REVIEW,
    CaseState.RESUBMIT_REQUESTED,
    CaseState.APPROVED,
]
CLOSED = [CaseState.PUBLISHED, CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.CANCELLED]


@pytest.mark.parametrize("state", OPEN)
def test_an_administrator_cancels_a_case_in_any_open_state(world, state):
    u = world["users"]
    case = to_state(world, state)
    assert fresh(case).state == state
    services.cancel(fresh(case), user=u["province"], reason="不再需要")
    assert fresh(case).state == CaseState.CANCELLED
    services.open_case(world["textbook"], user=u["author"], kind=case.kind)


@pytest.mark.parametrize("state", CLOSED)
def test_a_closed_case_cannot_be_cancelled(world, state):
    u = world["users"]
    case = to_state(world, state)
    with pytest.raises(services.WorkflowError, match="不能取消"):
        services.cancel(fresh(case), user=u["national"], reason="不再需要")
    assert fresh(case).state == state


def test_only_an_administrator_in_scope_and_not_recused_cancels(world, make_user):
    u = world["users"]
    case = to_state(world, CaseState.IN_REVIEW)
    chief_admin = make_user("chief_admin", roles.NATIONAL_ADMIN)
    world["textbook"].authors.add(chief_admin)
    for user, message in [
        (u["author"], "只有负责该教材的教材管理员"),
        (u["reviewer"], "只有负责该教材的教材管理员"),
        (chief_admin, "是该教材的编写人员，须回避"),
    ]:
        with pytest.raises(services.WorkflowError, match=message):
            services.cancel(fresh(case), user=user, reason="不再需要")
    assert fresh(case).state == CaseState.IN_REVIEW
