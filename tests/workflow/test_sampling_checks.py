"""Sampling checks walked through: inspectors, results, rectification, and retirement."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.workflow.conftest import SCORES, documents, due, edit_leaf
from textbooks import roles
from workflow import services
from workflow.models import (
    AuditLogEntry,
    CampaignLevel,
    CaseKind,
    CaseState,
    RetirementProposal,
    ReviewCase,
    SamplingCheck,
    TextbookLifecycle,
)
from workflow.services import retirement, sampling
from workflow.services.errors import WorkflowError
from workflow.services.lifecycle import sweep
from workflow.signals import textbook_retired

pytestmark = pytest.mark.django_db
Reason = RetirementProposal.Reason


def drawn_check(textbook, admin, cycle=2026):
    """A national campaign drawing every textbook in use; ``textbook``'s check."""
    campaign = sampling.create_campaign(
        user=admin, cycle=cycle, level=CampaignLevel.NATIONAL, national_ratio=Decimal("1")
    )
    sampling.draw(campaign, user=admin, seed=1)
    return SamplingCheck.objects.get(textbook=textbook, cycle=cycle)


def inspected(check, admin, inspector, *, recommends_pass=False, evidence=()):
    inspection = sampling.assign_inspector(check, user=admin, inspector=inspector, due_date=due())
    sampling.submit_inspection(
        inspection,
        user=inspector,
        scores=SCORES,
        findings="第 2 单元的安全操作规程与现行标准不符",
        recommends_pass=recommends_pass,
        evidence=evidence,
    )
    return SamplingCheck.objects.get(pk=check.pk)


def failed_check(world, django_capture_on_commit_callbacks):
    u = world["users"]
    check = inspected(drawn_check(world["textbook"], u["national"]), u["national"], u["reviewer2"])
    with django_capture_on_commit_callbacks(execute=True):
        return sampling.decide_check(
            check, user=u["national"], passed=False, reason="安全操作规程须按现行标准整改"
        )


def transitions(obj):
    return list(AuditLogEntry.objects.for_object(obj).values_list("transition", flat=True))


def test_a_failed_check_is_rectified_by_a_corrective_edition_in_time(
    published, django_capture_on_commit_callbacks
):
    u = published["users"]
    mail.outbox.clear()
    check = failed_check(published, django_capture_on_commit_callbacks)

    # Rectification: a deadline 90 days on, a draft corrective case for the editor-in-chief.
    assert check.state == "rectifying"
    assert check.rectification_due_on == timezone.localdate() + datetime.timedelta(days=90)
    case = check.corrective_case
    assert (case.kind, case.state, case.submitted_by) == ("corrective", "draft", u["author"])
    told = [m for m in mail.outbox if "抽查不合格" in m.subject]
    assert told and told[0].to == [u["author"].email]
    assert check.rectification_due_on.isoformat() in told[0].subject

    # The author revises and submits that case; it is reviewed and published as 1.1.
    edit_leaf(published["leaves"][0], "按现行标准改写的安全操作规程", u["author"])
    with django_capture_on_commit_callbacks(execute=True):
        edition = _publish_draft(case, u)
    check.refresh_from_db()
    assert check.state == "rectified" and check.rectified_by == edition
    assert transitions(check) == [
        "start_inspection",
        "fail",
        "start_rectification",
        "rectify",
    ]
    report = sampling.cycle_report(2026)
    assert report["rectifications"][0]["state"] == "rectified"
    assert report["rectifications"][0]["edition"] == "1.1"
    assert report["pass_rate"] == {
        "drawn": 1,
        "decided": 1,
        "passed": 0,
        "failed": 1,
        "pass_rate": 0.0,
    }


def _publish_draft(case, u):
    """The corrective case sampling opened, submitted by its author and passed."""
    case = services.submit(
        case,
        user=u["author"],
        change_summary="按抽查意见整改",
        change_categories=["new_process"],
        **documents(),
    )
    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    services.record_opinion(
        assignment, user=u["reviewer"], scores=SCORES, comment="已整改", outcome="pass"
    )
    case = services.decide(ReviewCase.objects.get(pk=case.pk), user=u["national"])
    return services.publish(case, user=u["national"])


def at(day):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 10, tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


def test_a_failed_check_not_rectified_in_time_is_proposed_and_retired(
    published, make_textbook, django_capture_on_commit_callbacks
):
    u, textbook = published["users"], published["textbook"]
    check = failed_check(published, django_capture_on_commit_callbacks)
    deadline = check.rectification_due_on
    with at(deadline):
        assert sweep(deadline).lapsed == 0  # the last day still counts
    day_after = deadline + datetime.timedelta(days=1)
    with at(day_after):
        with django_capture_on_commit_callbacks(execute=True):
            result = sweep(day_after)
        assert result.lapsed == 1
        assert sweep(day_after).lapsed == 0  # idempotent: one proposal, not two
    check.refresh_from_db()
    assert check.state == "lapsed"
    proposal = RetirementProposal.objects.get(textbook=textbook, reason=Reason.FAILED_CHECK)
    assert proposal.sampling_check == check and proposal.state == "proposed"

    successor = make_textbook(u["author"], tier="school", province="JS", title="安全生产（新版）")
    received = []

    def listen(sender, **kwargs):
        received.append(kwargs)

    textbook_retired.connect(listen)
    try:
        with at(day_after), django_capture_on_commit_callbacks(execute=True):
            retirement.retire(
                proposal, user=u["province"], reason="逾期未整改，退出目录", successor=successor
            )
    finally:
        textbook_retired.disconnect(listen)
    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    assert lifecycle.state == "retired" and lifecycle.successor == successor
    assert retirement.is_retired(textbook)
    assert textbook in retirement.retired_textbooks()
    assert received[0]["textbook"] == textbook and received[0]["successor"] == successor
    assert received[0]["reason"] == Reason.FAILED_CHECK
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.successor) == (
        "retired",
        u["province"],
        successor,
    )
    entry = AuditLogEntry.objects.for_object(lifecycle).get(transition="retire")
    assert entry.actor == u["province"] and "安全生产（新版）" in entry.reason
    # The corrective case left open ends with the textbook; nothing new can be submitted.
    corrective = ReviewCase.objects.get(pk=check.corrective_case_id)
    assert corrective.state == CaseState.CANCELLED
    # Its submitter is told why, and not invited to submit again.
    [told] = [m for m in mail.outbox if m.subject.startswith("【已取消】")]
    assert told.to == [corrective.submitted_by.email]
    assert "已因" in told.body and "可以重新提交送审" not in told.body
    with pytest.raises(WorkflowError, match="退出"):
        services.open_case(textbook, user=u["author"], kind=CaseKind.CORRECTIVE)
    with pytest.raises(WorkflowError, match="已被处理"):
        retirement.dismiss(proposal, user=u["national"], reason="重复")


MANUAL_REASONS = [
    Reason.AUTHOR_CONDUCT,
    Reason.MAJOR_INCIDENT,
    Reason.IMPROPER_PROMOTION,
    Reason.SUPERSEDED_BY_PLANNING,
]


@pytest.mark.parametrize("reason", MANUAL_REASONS)
def test_an_administrator_proposes_and_decides_each_reason(published, reason):
    u, textbook = published["users"], published["textbook"]
    proposal = retirement.propose(textbook, user=u["province"], reason=reason, note="经调查核实")
    assert proposal.proposed_by == u["province"] and proposal.state == "proposed"
    with pytest.raises(WorkflowError, match="同一事由"):
        retirement.propose(textbook, user=u["national"], reason=reason, note="再次")
    with pytest.raises(WorkflowError, match="理由"):
        retirement.retire(proposal, user=u["national"], reason="  ")
    retirement.retire(proposal, user=u["national"], reason="核实属实")
    assert TextbookLifecycle.objects.get(textbook=textbook).state == "retired"
    counts = {
        row["reason"]: row for row in sampling.retirements_by_reason(timezone.localdate().year)
    }
    assert counts[reason]["retired"] == 1
    with pytest.raises(WorkflowError, match="已退出"):
        retirement.propose(textbook, user=u["national"], reason=Reason.MAJOR_INCIDENT, note="x")


def test_three_years_without_update_is_proposed_by_the_sweep_and_may_be_dismissed(published):
    u, textbook = published["users"], published["textbook"]
    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    with at(lifecycle.retirement_due_on):
        sweep(lifecycle.retirement_due_on)
    proposal = RetirementProposal.objects.get(textbook=textbook)
    assert proposal.reason == Reason.NO_UPDATE and proposal.proposed_by is None
    with pytest.raises(WorkflowError, match="理由"):
        retirement.dismiss(proposal, user=u["national"], reason="")
    retirement.dismiss(proposal, user=u["national"], reason="修订稿已在审核中")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decision) == ("dismissed", "修订稿已在审核中")
    assert TextbookLifecycle.objects.get(textbook=textbook).state != "retired"
    assert transitions(proposal) == ["dismiss"]


def test_only_administrators_in_scope_and_not_recused_decide(
    published, make_user, make_institution
):
    u, textbook = published["users"], published["textbook"]
    zhejiang = make_institution("浙江省教育厅", "authority", province="ZJ")
    outsider = make_user("zj-admin", roles.PROVINCIAL_ADMIN, institution=zhejiang)
    proposal = retirement.propose(
        textbook, user=u["national"], reason=Reason.MAJOR_INCIDENT, note="出现重大事故"
    )
    with pytest.raises(WorkflowError, match="负责该教材"):
        retirement.retire(proposal, user=outsider, reason="退出")
    with pytest.raises(WorkflowError, match="负责该教材"):
        retirement.propose(textbook, user=outsider, reason=Reason.AUTHOR_CONDUCT, note="x")
    # An administrator who writes the textbook is recused.
    textbook.authors.add(u["province"])
    with pytest.raises(WorkflowError, match="回避"):
        retirement.retire(proposal, user=u["province"], reason="退出")
    with pytest.raises(WorkflowError, match="本身"):
        retirement.retire(proposal, user=u["national"], reason="退出", successor=textbook)
    assert RetirementProposal.objects.get(pk=proposal.pk).state == "proposed"


def test_inspectors_recusal_and_qualification_are_enforced(published, make_user, make_institution):
    u, textbook = published["users"], published["textbook"]
    check = drawn_check(textbook, u["national"])
    publisher = make_institution("高等教育出版社", "publisher")
    textbook.publisher = publisher
    textbook.save()
    colleague = make_user("colleague", roles.REVIEWER, institution=publisher)
    for inspector, message in [
        (u["author"], "编写人员"),
        (colleague, "参与该教材的开发或出版"),
        (u["committee"], "不是审核专家"),
    ]:
        with pytest.raises(WorkflowError, match=message):
            sampling.assign_inspector(
                check, user=u["national"], inspector=inspector, due_date=due()
            )
    with pytest.raises(WorkflowError, match="早于今天"):
        sampling.assign_inspector(
            check,
            user=u["national"],
            inspector=u["reviewer2"],
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert SamplingCheck.objects.get(pk=check.pk).state == "pending"
    inspection = sampling.assign_inspector(
        check, user=u["national"], inspector=u["reviewer2"], due_date=due()
    )
    # Recusal again when the report comes: the inspector joined the publisher meanwhile.
    publisher.members.add(u["reviewer2"])
    with pytest.raises(WorkflowError, match="回避"):
        sampling.submit_inspection(
            inspection, user=u["reviewer2"], scores=SCORES, findings="x", recommends_pass=True
        )
    # The deciding administrator is recused too.
    textbook.authors.add(u["national"])
    publisher.members.remove(u["reviewer2"])
    sampling.submit_inspection(
        inspection, user=u["reviewer2"], scores=SCORES, findings="符合要求", recommends_pass=True
    )
    with pytest.raises(WorkflowError, match="回避"):
        sampling.decide_check(
            SamplingCheck.objects.get(pk=check.pk), user=u["national"], passed=True
        )


def test_a_report_needs_scores_findings_and_acceptable_evidence(published):
    u, textbook = published["users"], published["textbook"]
    check = drawn_check(textbook, u["national"])
    inspection = sampling.assign_inspector(
        check, user=u["national"], inspector=u["reviewer2"], due_date=due()
    )
    with pytest.raises(WorkflowError, match="思想性评分须为 1 至 5 的整数；请填写检查发现"):
        sampling.submit_inspection(
            inspection,
            user=u["reviewer2"],
            scores={**SCORES, "ideological_soundness": 9},
            findings=" ",
            recommends_pass=True,
        )
    with pytest.raises(WorkflowError, match="证据材料"):
        sampling.submit_inspection(
            inspection,
            user=u["reviewer2"],
            scores=SCORES,
            findings="符合要求",
            recommends_pass=True,
            evidence=[ContentFile(b"MZ\x90\x00 program", name="photo.pdf")],
        )
    with pytest.raises(WorkflowError, match="本人"):
        sampling.submit_inspection(
            inspection, user=u["reviewer"], scores=SCORES, findings="x", recommends_pass=True
        )
    check = SamplingCheck.objects.get(pk=check.pk)  # inspecting since the assignment
    with pytest.raises(WorkflowError, match="未提交检查报告"):
        sampling.decide_check(check, user=u["national"], passed=True)
    sampling.submit_inspection(
        inspection,
        user=u["reviewer2"],
        scores=SCORES,
        findings="符合要求",
        recommends_pass=True,
        evidence=[ContentFile(b"%PDF-1.4 evidence", name="photo.pdf")],
    )
    assert inspection.evidence.get().file.name.startswith("sampling-evidence/")
    with pytest.raises(WorkflowError, match="写明问题"):
        sampling.decide_check(check, user=u["national"], passed=False, reason="")
    check = sampling.decide_check(check, user=u["national"], passed=True)
    assert check.state == "passed"


def test_a_campaign_concludes_only_when_every_check_has_its_result(published):
    u, textbook = published["users"], published["textbook"]
    check = drawn_check(textbook, u["national"])
    campaign = check.campaign
    with pytest.raises(WorkflowError, match="没有检查结论"):
        sampling.conclude(campaign, user=u["national"])
    check = inspected(check, u["national"], u["reviewer2"], recommends_pass=True)
    campaign.refresh_from_db()
    assert campaign.state == "inspecting"
    sampling.decide_check(check, user=u["national"], passed=True)
    campaign = sampling.conclude(campaign, user=u["national"])
    assert campaign.state == "concluded"
    assert transitions(campaign) == ["draw", "start_inspection", "conclude"]
