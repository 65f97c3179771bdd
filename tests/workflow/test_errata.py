"""Errata: reports, the rate limit, triage transitions with their audit log, the revision queue."""

import itertools

import pytest

from workflow import services
from workflow.models import AuditLogEntry, CaseKind, Erratum, ErratumState, ReviewCase
from workflow.services import errata

from .conftest import SCORES, add_leaf, due, edit_leaf, published_edition, submitted_case

pytestmark = pytest.mark.usefixtures("empty_cache")


REPORTS = itertools.count()


def report(edition, slug="unit-1", address="203.0.113.7", **extra):
    """A report of its own each time (the same one sent twice is one erratum)."""
    fields = {"quoted_text": "主轴转速 S100", "correction": f"应为 S{next(REPORTS)}"} | extra
    return errata.report(edition, slug, address=address, **fields)


def accepted(edition, user, **extra):
    erratum = errata.triage(report(edition, **extra), user=user)
    return errata.accept(erratum, user=user, reason="核实无误")


def test_a_report_is_new_and_points_at_the_leaf_of_that_edition(published):
    erratum = report(published["edition"], name=" 王老师 ", contact="wang@example.org")
    assert erratum.state == ErratumState.NEW
    assert erratum.textbook == published["textbook"]
    assert erratum.leaf_id == published["leaves"][0].pk
    assert erratum.reporter_name == "王老师"
    assert erratum.reporter_ip_hash == errata.address_hash("203.0.113.7")
    assert "203.0.113.7" not in erratum.reporter_ip_hash


def test_a_leaf_outside_the_edition_cannot_be_reported(published):
    u = published["users"]
    add_leaf(published["textbook"], "draft-unit", "未发布的活页", u["author"])
    with pytest.raises(services.WorkflowError, match="该版次中没有这个活页"):
        report(published["edition"], slug="draft-unit")
    assert not Erratum.objects.exists()


def test_the_sixth_report_in_an_hour_from_one_address_is_refused(published):
    for _ in range(errata.REPORTS_PER_HOUR):
        report(published["edition"])
    with pytest.raises(services.WorkflowError, match="每小时最多提交 5 条"):
        report(published["edition"])
    assert Erratum.objects.count() == errata.REPORTS_PER_HOUR
    report(published["edition"], address="198.51.100.1")  # another address is not limited


def test_refused_reports_do_not_count_toward_the_limit(published):
    for _ in range(errata.REPORTS_PER_HOUR):
        with pytest.raises(services.WorkflowError):
            report(published["edition"], slug="no-such-leaf")
    report(published["edition"])


def test_the_same_report_sent_again_is_the_erratum_already_received(published):
    same = {"quoted_text": " 主轴转速 S100", "correction": "应为 S1000 ", "contact": "w@x.org"}
    erratum = report(published["edition"], **same)
    with pytest.raises(errata.AlreadyReceived, match="已经收到") as received:
        report(published["edition"], **same)
    assert received.value.erratum == erratum
    assert Erratum.objects.count() == 1


def test_triage_then_accept_writes_the_audit_log(published):
    author = published["users"]["author"]
    erratum = errata.triage(report(published["edition"]), user=author, reason="转主编核实")
    erratum = errata.accept(erratum, user=author, reason="核实无误")
    assert erratum.state == ErratumState.ACCEPTED
    assert erratum.accepted_at is not None
    rows = list(AuditLogEntry.objects.for_object(erratum))
    assert [(r.transition, r.from_state, r.to_state, r.actor, r.reason) for r in rows] == [
        ("triage", "new", "triaged", author, "转主编核实"),
        ("accept", "triaged", "accepted", author, "核实无误"),
    ]


def test_a_new_report_cannot_be_accepted_before_triage(published):
    erratum = report(published["edition"])
    with pytest.raises(services.WorkflowError, match="勘误当前状态为“新报告”，不能采纳"):
        errata.accept(erratum, user=published["users"]["author"])
    erratum.refresh_from_db()
    assert erratum.state == ErratumState.NEW
    assert not AuditLogEntry.objects.for_object(erratum).exists()


def test_declining_needs_a_reason(published):
    admin = published["users"]["national"]
    erratum = errata.triage(report(published["edition"]), user=admin)
    with pytest.raises(services.WorkflowError, match="请说明不予采纳的理由"):
        errata.decline(erratum, user=admin, reason="  ")
    erratum = errata.decline(erratum, user=admin, reason="原文无误")
    assert erratum.state == ErratumState.DECLINED


def test_a_duplicate_points_at_another_original_of_the_same_textbook(published, make_textbook):
    admin = published["users"]["national"]
    original = report(published["edition"])
    erratum = errata.triage(report(published["edition"]), user=admin)
    with pytest.raises(services.WorkflowError, match="不能重复于它自己"):
        errata.mark_duplicate(erratum, user=admin, original=erratum)
    erratum = errata.mark_duplicate(erratum, user=admin, original=original, reason="同一处")
    assert (erratum.state, erratum.duplicate_of) == (ErratumState.DUPLICATE, original)

    third = errata.triage(report(published["edition"]), user=admin)
    with pytest.raises(services.WorkflowError, match="本身是重复报告"):
        errata.mark_duplicate(third, user=admin, original=erratum)
    assert Erratum.objects.get(pk=third.pk).state == ErratumState.TRIAGED


def test_only_administrators_in_scope_and_writers_may_triage(published, make_textbook):
    u = published["users"]
    erratum = report(published["edition"])
    for name in ("reviewer", "other_author", "committee"):
        with pytest.raises(services.WorkflowError, match="只有该教材的管理员或编写人员"):
            errata.triage(erratum, user=u[name])
    assert errata.triage(erratum, user=u["province"]).state == ErratumState.TRIAGED  # school tier
    national = make_textbook(u["author"], tier="national")
    assert not errata.can_triage(u["province"], national)
    assert errata.can_triage(u["national"], national)
    assert errata.can_triage(u["author"], national)


def test_a_stale_triage_is_a_conflict(published):
    admin = published["users"]["national"]
    erratum = report(published["edition"])
    stale = Erratum.objects.get(pk=erratum.pk)
    errata.triage(erratum, user=admin)
    with pytest.raises(services.ReviewConflict, match="已被他人处理"):
        errata.triage(stale, user=admin)


def test_accepted_errata_queue_for_the_next_revision_and_are_fixed_when_it_ships(published):
    u = published["users"]
    textbook, first = published["textbook"], published["edition"]
    fixed = accepted(first, u["author"])
    declined = errata.triage(report(first), user=u["author"])
    errata.decline(declined, user=u["author"], reason="原文无误")
    assert list(services.open_errata_for(textbook)) == [fixed]

    edit_leaf(published["leaves"][0], "主轴转速 S1000", u["author"])
    case = submitted_case(textbook, u["author"], kind=CaseKind.MINOR)
    late = accepted(first, u["author"])  # accepted after the revision was submitted
    assert list(errata.errata_for_case(case)) == [fixed]

    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    services.record_opinion(
        assignment, user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    case = services.decide(ReviewCase.objects.get(pk=case.pk), user=u["national"])
    second = services.publish(case, user=u["national"])

    fixed.refresh_from_db()
    late.refresh_from_db()
    declined.refresh_from_db()
    assert fixed.fixed_in == second
    assert late.fixed_in is None and declined.fixed_in is None
    assert list(services.open_errata_for(textbook)) == [late]


def test_the_leaf_shows_corrections_made_after_the_edition_read(published):
    u = published["users"]
    textbook, first = published["textbook"], published["edition"]
    leaf = published["leaves"][0]
    fixed = accepted(first, u["author"])
    other_leaf = accepted(first, u["author"], slug="unit-2")
    edit_leaf(leaf, "主轴转速 S1000", u["author"])
    edit_leaf(published["leaves"][1], "第二处更正", u["author"])
    second = published_edition(
        textbook, u["author"], u["reviewer"], u["national"], kind=CaseKind.MINOR
    )
    first.refresh_from_db()

    assert list(errata.fixed_errata_for(leaf.pk, first)) == [fixed]
    assert list(errata.fixed_errata_for(leaf.pk, second)) == [fixed]  # current: every fix
    assert list(errata.fixed_errata_for(published["leaves"][1].pk, first)) == [other_leaf]

    edit_leaf(leaf, "第三版", u["author"])
    published_edition(textbook, u["author"], u["reviewer"], u["national"], kind=CaseKind.MINOR)
    second.refresh_from_db()
    assert list(errata.fixed_errata_for(leaf.pk, second)) == []  # fixed before 1.1 was read
