"""Which kinds of case a textbook may open, and the kind the deciding administrator confirms."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workflow import services
from workflow.models import AuditLogEntry, CaseKind, CaseState, ReviewCase, TextbookLifecycle
from workflow.services.lifecycle import lifecycle_for

from .conftest import SCORES, add_leaf, due, edit_leaf, submitted_case


def move_lifecycle(textbook, transition, admin):
    lifecycle = lifecycle_for(textbook)
    getattr(lifecycle, transition)(by=admin, reason="测试")
    lifecycle.save()


def submission(kind):
    return {
        "kind": kind,
        "change_summary": "修订说明",
        "change_categories": ["new_technology"],
        "usage_report": SimpleUploadedFile("usage.pdf", b"%PDF-1.4 usage"),
        "change_table": SimpleUploadedFile("table.pdf", b"%PDF-1.4 table"),
    }


@pytest.fixture
def revised(published):
    """``published`` (1.0) with a change to unit 1 waiting to be submitted."""
    edit_leaf(published["leaves"][0], "第一单元的改动", published["users"]["author"])
    published["submit_url"] = reverse("workflow:submit", args=[published["textbook"].pk])
    return published


def test_problem_16_a_retired_textbook_opens_no_case(client, revised):
    u, textbook = revised["users"], revised["textbook"]
    move_lifecycle(textbook, "retire", u["national"])
    client.force_login(u["author"])

    page = client.get(revised["submit_url"]).content.decode()
    assert "该教材已退出使用，不能再送审。" in page
    assert 'name="kind"' not in page
    response = client.post(revised["submit_url"], submission(CaseKind.MAJOR))
    assert "该教材已退出使用，不能再送审。" in response.content.decode()
    assert not ReviewCase.objects.filter(kind=CaseKind.MAJOR).exists()
    for kind in CaseKind.values:
        with pytest.raises(services.WorkflowError, match="该教材已退出使用，不能再送审。"):
            services.open_case(textbook, user=u["author"], kind=kind)


def test_problem_16_a_suspended_textbook_submits_only_a_major_or_corrective_revision(
    client, revised
):
    u, textbook = revised["users"], revised["textbook"]
    move_lifecycle(textbook, "suspend", u["national"])
    client.force_login(u["author"])

    page = client.get(revised["submit_url"]).content.decode()
    assert "该教材已暂停使用，只能送审大修订或整改修订。" in page
    assert 'value="major"' in page and 'value="corrective"' in page
    assert 'value="minor"' not in page
    response = client.post(revised["submit_url"], submission(CaseKind.MINOR))
    assert response.status_code == 200
    assert "该教材已暂停使用，只能送审大修订或整改修订。" in response.content.decode()
    assert not ReviewCase.objects.filter(kind=CaseKind.MINOR).exists()
    with pytest.raises(services.WorkflowError, match="只能送审大修订或整改修订"):
        services.open_case(textbook, user=u["author"], kind=CaseKind.MINOR)

    response = client.post(revised["submit_url"], submission(CaseKind.CORRECTIVE))
    assert response.status_code == 302
    assert ReviewCase.objects.get(state=CaseState.SUBMITTED).kind == CaseKind.CORRECTIVE


def passed(case, users):
    assignment = services.assign_reviewer(
        case,
        user=users["national"],
        reviewer=users["reviewer"],
        track_kind="subject",
        due_date=due(),
    )
    services.record_opinion(
        assignment, user=users["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    return ReviewCase.objects.get(pk=case.pk)


def test_problem_16_the_administrator_makes_a_claimed_major_revision_minor(
    client, revised, django_capture_on_commit_callbacks
):
    u, textbook = revised["users"], revised["textbook"]
    first_major_due = TextbookLifecycle.objects.get(textbook=textbook).major_due_on
    client.force_login(u["author"])
    client.post(revised["submit_url"], submission(CaseKind.MAJOR))
    case = passed(ReviewCase.objects.get(kind=CaseKind.MAJOR), u)
    client.force_login(u["national"])
    decide = reverse("workflow:decide", args=[case.pk])
    case_url = reverse("workflow:case", args=[case.pk])
    assert 'name="kind"' in client.get(case_url).content.decode()

    response = client.post(decide, {"kind": "minor", "kind_reason": ""}, follow=True)
    assert "更改送审类型时请说明理由。" in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.IN_REVIEW
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide,
            {"reason": "", "kind": "minor", "kind_reason": "只改动一个单元的示例"},
            follow=True,
        )
    assert "审核结论：审核通过。" in response.content.decode()

    case.refresh_from_db()
    assert (case.state, case.kind) == (CaseState.APPROVED, CaseKind.MINOR)
    change = AuditLogEntry.objects.for_object(case).get(transition="change_kind")
    assert (change.from_state, change.to_state, change.actor, change.reason) == (
        "major",
        "minor",
        u["national"],
        "只改动一个单元的示例",
    )
    told = "管理员在作出审核结论时将送审类型由“大修订”改为“小修订”，理由：只改动一个单元的示例"
    (decision_mail,) = [m for m in mail.outbox if u["author"].email in m.to]
    assert told in decision_mail.body
    client.force_login(u["author"])
    assert told in client.get(case_url).content.decode()

    client.force_login(u["national"])
    client.post(reverse("workflow:publish", args=[case.pk]))
    assert textbook.editions.get(is_current=True).version == "1.1"
    # The three-year clock still runs from 1.0.
    assert TextbookLifecycle.objects.get(textbook=textbook).major_due_on == first_major_due


def test_the_administrator_confirms_the_kind_by_leaving_it(client, revised):
    u = revised["users"]
    case = passed(submitted_case(revised["textbook"], u["author"], kind=CaseKind.MAJOR), u)
    client.force_login(u["national"])
    client.post(reverse("workflow:decide", args=[case.pk]), {"kind": "major"})
    case.refresh_from_db()
    assert (case.state, case.kind) == (CaseState.APPROVED, CaseKind.MAJOR)
    assert not AuditLogEntry.objects.for_object(case).filter(transition="change_kind").exists()
    assert services.publish(case, user=u["national"]).version == "2.0"


def test_a_suspended_textbook_cannot_be_decided_down_to_a_minor_revision(revised):
    u = revised["users"]
    case = passed(submitted_case(revised["textbook"], u["author"], kind=CaseKind.MAJOR), u)
    move_lifecycle(revised["textbook"], "suspend", u["national"])
    with pytest.raises(services.WorkflowError, match="只能送审大修订或整改修订"):
        services.decide(case, user=u["national"], kind=CaseKind.MINOR, kind_reason="小改")
    with pytest.raises(services.WorkflowError, match="只有修订的送审类型可以更改"):
        services.decide(case, user=u["national"], kind=CaseKind.INITIAL, kind_reason="首次")
    assert ReviewCase.objects.get(pk=case.pk).kind == CaseKind.MAJOR


def test_a_first_review_stays_a_first_review(client, users, make_textbook):
    textbook = make_textbook(users["author"], tier="school")
    add_leaf(textbook, "unit-1", "内容", users["author"])
    case = passed(submitted_case(textbook, users["author"]), users)
    client.force_login(users["national"])
    assert (
        'name="kind"' not in client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    )
    response = client.post(
        reverse("workflow:decide", args=[case.pk]),
        {"kind": "major", "kind_reason": "x"},
        follow=True,
    )
    assert "只有修订的送审类型可以更改" in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.IN_REVIEW
