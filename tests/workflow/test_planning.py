"""Layered planning through the services: batches move stage by stage, the formal check names
every failed rule, experts score under the recusal rule, the public notice takes objections
under real names, publishing lists the textbooks, and school-based filings need a reason."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from textbooks import roles
from textbooks.models import Course, Institution, Textbook
from workflow.models import (
    AuditLogEntry,
    BatchState,
    EntryState,
    FilingState,
    Objection,
    ObjectionState,
    PlanEntry,
    PlanTier,
)
from workflow.services import WorkflowError, planning

from .planning import GOOD, applied, due, experts, in_notice, national_batch, reviewed

__all__ = ["experts", "in_notice"]

pytestmark = pytest.mark.usefixtures("empty_cache")

OBJECTION = {"name": "张三", "contact": "13800000000", "reason": "该教材存在抄袭"}


def after_notice(batch):
    return time_machine.travel(batch.notice_ends_at + datetime.timedelta(minutes=1))


def test_a_batch_moves_through_every_stage_and_publishing_sets_the_tiers(in_notice):
    batch, admin = in_notice["batch"], in_notice["admin"]
    first, second, third = in_notice["textbooks"]
    states = dict(batch.entries.values_list("textbook", "state"))
    assert states == {
        first.pk: EntryState.RECOMMENDED,
        second.pk: EntryState.RECOMMENDED,
        third.pk: EntryState.NOT_RECOMMENDED,
    }
    assert batch.notice_ends_at - batch.notice_starts_at == datetime.timedelta(days=7)
    with after_notice(batch):
        batch = planning.publish_batch(batch, user=admin)
    assert batch.state == BatchState.PUBLISHED
    tiers = dict(Textbook.objects.values_list("pk", "tier"))
    assert (tiers[first.pk], tiers[second.pk], tiers[third.pk]) == (
        "national",
        "national",
        "school",
    )
    assert planning.listed_in(first, PlanTier.NATIONAL).batch == batch
    moves = list(
        AuditLogEntry.objects.for_object(batch).values_list("transition", "actor", flat=False)
    )
    assert [m[0] for m in moves] == [
        "open",
        "start_formal_check",
        "start_expert_review",
        "start_notice",
        "publish",
    ]
    assert {m[1] for m in moves} == {admin.pk}
    entry = batch.entries.get(textbook=first)
    assert list(AuditLogEntry.objects.for_object(entry).values_list("to_state", flat=True)) == [
        "eligible",
        "scored",
        "recommended",
        "listed",
    ]


def test_the_formal_check_lists_every_failed_rule_in_words(users, make_textbook, course):
    admin = users["national"]
    book = make_textbook(users["author"], tier="school", kind="exercise_book")
    batch = national_batch(
        admin,
        revised_since=datetime.date(2025, 1, 1),
        allowed_forms=["workbook"],
        co_development_required=True,
        excluded_kinds=["exercise_book", "teacher_guide"],
    )
    batch, [entry] = applied(batch, admin, [book])
    planning.start_formal_check(batch, user=admin)
    entry = planning.check_entry(entry, user=admin, note="申报材料不全")
    assert entry.state == EntryState.INELIGIBLE
    assert entry.check_failures == [
        "尚未出版（没有已发布的版次）。",
        "教材形态不符：本批次只接受工作手册式教材。",
        "专业课教材须由学校与企业合作开发，该教材没有同时登记合作学校和合作企业。",
        "练习册不参加本批次遴选。",
    ]
    assert entry.check_note == "申报材料不全"
    reason = AuditLogEntry.objects.for_object(entry).get().reason
    assert "尚未出版" in reason and "申报材料不全" in reason


def test_a_textbook_revised_before_the_date_fails_and_one_after_passes(published):
    u = published["users"]
    batch = national_batch(u["national"], revised_since=timezone.localdate())
    assert planning.eligibility_failures(batch, published["textbook"]) == []
    batch.revised_since = timezone.localdate() + datetime.timedelta(days=1)
    [failure] = planning.eligibility_failures(batch, published["textbook"])
    assert "早于要求的" in failure


def test_an_administrator_may_reject_an_entry_that_passes_the_rules_but_must_say_why(
    users, make_textbook
):
    admin = users["national"]
    batch, [entry] = applied(national_batch(admin), admin, [make_textbook(users["author"])])
    planning.start_formal_check(batch, user=admin)
    with pytest.raises(WorkflowError, match="请说明不予通过形式审查的理由"):
        planning.check_entry(entry, user=admin, reject=True)
    entry = planning.check_entry(entry, user=admin, reject=True, note="教材内容与申报专业不符")
    assert (entry.state, entry.check_failures) == (EntryState.INELIGIBLE, [])


def test_expert_review_waits_for_the_formal_check_and_the_notice_for_every_score(
    users, make_textbook, experts
):
    admin = users["national"]
    batch, [entry] = applied(national_batch(admin), admin, [make_textbook(users["author"])])
    batch = planning.start_formal_check(batch, user=admin)
    with pytest.raises(WorkflowError, match="还有 1 条申报未经形式审查"):
        planning.start_expert_review(batch, user=admin)
    planning.check_entry(entry, user=admin)
    batch = planning.start_expert_review(batch, user=admin)
    assignment = planning.assign_expert(
        entry.__class__.objects.get(pk=entry.pk), user=admin, expert=experts[0], due_date=due()
    )
    with pytest.raises(WorkflowError, match="还有 1 条申报未完成专家评分"):
        planning.start_notice(batch, user=admin)
    with pytest.raises(WorkflowError, match="只有被分配的评审专家可以评分"):
        planning.record_score(assignment, user=experts[1], scores=GOOD, recommend=True)
    planning.record_score(assignment, user=experts[0], scores=GOOD, recommend=True)
    with pytest.raises(WorkflowError, match="您已评过分"):
        planning.record_score(assignment, user=experts[0], scores=GOOD, recommend=True)
    assert planning.start_notice(batch, user=admin).state == BatchState.PUBLIC_NOTICE


def test_an_expert_who_wrote_the_textbook_or_works_with_its_writers_is_recused(
    users, make_textbook, make_user, make_institution
):
    admin = users["national"]
    school = make_institution("某职业技术学院", "school")
    author = make_user("chief", roles.AUTHOR, institution=school)
    colleague = make_user("colleague", roles.REVIEWER, institution=school)
    writer = make_user("writer", roles.REVIEWER)
    book = make_textbook(author, authors=[writer])
    batch, [entry] = applied(national_batch(admin), admin, [book])
    batch = planning.start_formal_check(batch, user=admin)
    planning.check_all(batch, user=admin)
    planning.start_expert_review(batch, user=admin)
    entry.refresh_from_db()
    with pytest.raises(WorkflowError, match="是该教材的编写人员，须回避"):
        planning.assign_expert(entry, user=admin, expert=writer, due_date=due())
    entry.refresh_from_db()
    with pytest.raises(WorkflowError, match="与该教材的编写人员同在“某职业技术学院”"):
        planning.assign_expert(entry, user=admin, expert=colleague, due_date=due())
    with pytest.raises(WorkflowError, match="不是审核专家"):
        planning.assign_expert(entry, user=admin, expert=users["author"], due_date=due())


def test_the_quota_recommends_the_best_scored_and_a_majority_must_recommend(
    users, make_textbook, experts
):
    admin = users["national"]
    books = [make_textbook(users["author"]) for _ in range(4)]
    strong = {"ideological_soundness": 5, "scientific_accuracy": 5, "suitability": 5}
    batch, _ = applied(national_batch(admin, quota=2), admin, books)
    batch = reviewed(batch, admin, experts, [GOOD, strong, None, GOOD])
    planning.start_notice(batch, user=admin)
    rows = PlanEntry.objects.filter(batch=batch).order_by("rank")
    assert [(r.textbook_id, r.state) for r in rows] == [
        (books[1].pk, EntryState.RECOMMENDED),
        (books[0].pk, EntryState.RECOMMENDED),
        (books[3].pk, EntryState.NOT_RECOMMENDED),
        (books[2].pk, EntryState.NOT_RECOMMENDED),
    ]
    assert [str(r.score) for r in rows] == ["15.00", "14.00", "14.00", "10.00"]


def test_an_objection_without_a_real_name_is_refused(in_notice):
    entry = in_notice["batch"].entries.filter(state=EntryState.RECOMMENDED).first()
    for missing in ["name", "contact", "reason"]:
        with pytest.raises(WorkflowError, match="异议须实名提出"):
            planning.object_to(entry, address="203.0.113.9", **(OBJECTION | {missing: "  "}))
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_like_errata(in_notice, settings):
    entry = in_notice["batch"].entries.filter(state=EntryState.RECOMMENDED).first()
    for n in range(settings.PLANNING_OBJECTIONS_PER_HOUR):
        planning.object_to(entry, address="203.0.113.9", **OBJECTION | {"reason": f"理由{n}"})
    with pytest.raises(WorkflowError, match="每小时最多提交 5 条"):
        planning.object_to(entry, address="203.0.113.9", **OBJECTION)
    planning.object_to(entry, address="198.51.100.2", **OBJECTION)


def test_an_upheld_objection_withdraws_the_entry_and_a_dismissed_one_keeps_it(
    in_notice, django_capture_on_commit_callbacks
):
    from django.core import mail

    batch, admin = in_notice["batch"], in_notice["admin"]
    first, second = batch.entries.filter(state=EntryState.RECOMMENDED).order_by("rank")
    upheld = planning.object_to(first, address="a", **OBJECTION)
    dismissed = planning.object_to(second, address="b", **OBJECTION | {"reason": "不好用"})
    with pytest.raises(WorkflowError, match="请填写答复意见"):
        planning.answer_objection(dismissed, user=admin, uphold=False, answer="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        planning.answer_objection(upheld, user=admin, uphold=True, answer="经核实，存在抄袭")
        planning.answer_objection(dismissed, user=admin, uphold=False, answer="理由不成立")
    # The withdrawn entry's applicant is told why; the other hears when the list is out.
    [withdrawn] = mail.outbox
    assert withdrawn.to == [first.applied_by.email]
    assert withdrawn.subject == f"【教材规划】《{first.textbook.title}》：已撤销"
    assert "原因：经核实，存在抄袭" in withdrawn.body
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (EntryState.WITHDRAWN, EntryState.RECOMMENDED)
    assert AuditLogEntry.objects.for_object(first).last().reason == "经核实，存在抄袭"
    with after_notice(batch):
        planning.publish_batch(batch, user=admin)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (EntryState.WITHDRAWN, EntryState.LISTED)
    assert first.textbook.tier == "school" and second.textbook.tier == "national"


def test_publishing_is_refused_during_the_notice_and_while_an_objection_is_open(in_notice):
    batch, admin = in_notice["batch"], in_notice["admin"]
    with pytest.raises(WorkflowError, match="公示期满前不能公布名单"):
        planning.publish_batch(batch, user=admin)
    entry = batch.entries.filter(state=EntryState.RECOMMENDED).first()
    objection = planning.object_to(entry, address="a", **OBJECTION)
    with after_notice(batch):
        with pytest.raises(WorkflowError, match="该批次不在公示期内"):
            planning.object_to(entry, address="b", **OBJECTION)
        with pytest.raises(WorkflowError, match="还有 1 条异议未答复"):
            planning.publish_batch(batch, user=admin)
        planning.answer_objection(objection, user=admin, uphold=False, answer="理由不成立")
        assert planning.publish_batch(batch, user=admin).state == BatchState.PUBLISHED
    assert Objection.objects.get().state == ObjectionState.DISMISSED
    assert (
        not Textbook.objects.filter(tier="school").exclude(pk=in_notice["textbooks"][2].pk).exists()
    )


def test_a_textbook_is_listed_at_most_once_per_tier(in_notice, experts):
    batch, admin = in_notice["batch"], in_notice["admin"]
    with after_notice(batch):
        planning.publish_batch(batch, user=admin)
    listed = in_notice["textbooks"][0]
    again = national_batch(admin, quota=None)
    planning.open_batch(again, user=admin)
    with pytest.raises(WorkflowError, match="已列入国家规划教材，同一层级只能列入一次"):
        planning.apply(again, listed, user=listed.editor_in_chief)
    entry = PlanEntry.objects.get(textbook=listed, state=EntryState.LISTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanEntry.objects.create(
            batch=again, textbook=listed, tier="national", applied_by=admin, state="listed"
        )
    assert entry.batch == batch


def test_each_tier_and_province_runs_only_its_own_batches(users, make_user, make_textbook):
    zhejiang = Institution.objects.create(name="浙江省教育厅", kind="authority", province="ZJ")
    other = make_user("zj_admin", roles.PROVINCIAL_ADMIN, institution=zhejiang)
    jiangsu_batch = planning.create_batch(
        user=users["province"], tier="provincial", province="JS", title="江苏省规划", year=2026
    )
    for outsider in [other, users["national"], users["author"]]:
        with pytest.raises(WorkflowError, match="只有江苏省的省级教材管理员可以管理该批次"):
            planning.open_batch(jiangsu_batch, user=outsider)
    with pytest.raises(WorkflowError, match="只有国家级教材管理员可以管理国家规划批次"):
        national_batch(users["province"])
    with pytest.raises(WorkflowError, match="只有浙江省的省级教材管理员"):
        planning.create_batch(
            user=users["province"], tier="provincial", province="ZJ", title="x", year=2026
        )
    assert planning.open_batch(jiangsu_batch, user=users["province"]).state == BatchState.OPEN
    assert list(planning.batches_run_by(other)) == []
    assert list(planning.batches_run_by(users["province"])) == [jiangsu_batch]
    zj_book = make_textbook(users["author"], province="ZJ")
    with pytest.raises(WorkflowError, match="不属于江苏省"):
        planning.apply(jiangsu_batch, zj_book, user=users["author"])


def test_a_provincial_administrator_recommends_a_textbook_of_the_province_to_a_national_batch(
    users, make_textbook
):
    batch = planning.open_batch(national_batch(users["national"]), user=users["national"])
    js_book = make_textbook(users["author"], province="JS")
    zj_book = make_textbook(users["author"], province="ZJ")
    entry = planning.apply(batch, js_book, user=users["province"])
    assert entry.recommended_by_province == "JS"
    with pytest.raises(WorkflowError, match="只有该教材的主编可以申报"):
        planning.apply(batch, zj_book, user=users["province"])
    with pytest.raises(WorkflowError, match="只有该教材的主编可以申报"):
        planning.apply(batch, zj_book, user=users["other_author"])


def test_cancelling_needs_a_reason_and_is_audited(users):
    batch = national_batch(users["national"])
    with pytest.raises(WorkflowError, match="请说明取消批次的原因"):
        planning.cancel_batch(batch, user=users["national"], reason=" ")
    batch = planning.cancel_batch(batch, user=users["national"], reason="政策调整")
    assert (batch.state, batch.cancel_reason) == (BatchState.CANCELLED, "政策调整")
    assert AuditLogEntry.objects.for_object(batch).get().reason == "政策调整"


# ---- school-based textbooks ---------------------------------------------------------------


@pytest.fixture
def school_world(users, make_user, make_textbook, make_institution, course):
    school = make_institution("苏州工业职业技术学院", "school", province="JS")
    teacher = make_user("teacher", roles.SELECTION_COMMITTEE, institution=school)
    own = make_textbook(users["author"], tier="school", province="JS")
    return {"school": school, "teacher": teacher, "own": own, "course": course}


def test_a_filing_without_a_reason_is_refused_when_a_planned_candidate_exists(
    school_world, in_notice
):
    w = school_world
    batch = in_notice["batch"]
    with after_notice(batch):
        planning.publish_batch(batch, user=in_notice["admin"])
    candidate = in_notice["textbooks"][0]
    assert w["course"] in candidate.courses.all()
    assert candidate in planning.planned_candidates(w["course"], "JS")
    fields = {"school": w["school"], "course": w["course"], "textbook": w["own"]}
    with pytest.raises(WorkflowError) as refused:
        planning.file_school_textbook(user=w["teacher"], reason=" ", **fields)
    # The teacher reads every planned candidate by name (ordered by title, whose counter
    # depends on how many textbooks the worker made before), and is asked why.
    assert str(refused.value).startswith("本课程已有规划教材（")
    assert candidate.title in str(refused.value)
    assert "请说明为什么它们不能满足需要" in str(refused.value)
    filing = planning.file_school_textbook(
        user=w["teacher"], reason="本校数控设备型号特殊，规划教材未覆盖", **fields
    )
    assert filing.state == FilingState.FILED


def test_a_filing_without_candidates_needs_no_reason_and_the_province_answers_it(
    school_world, users
):
    w = school_world
    other_course = Course.objects.create(name="校本特色课程", course_type="professional")
    fields = {"school": w["school"], "course": other_course, "textbook": w["own"]}
    with pytest.raises(WorkflowError, match="只有该校人员可以为本校备案"):
        planning.file_school_textbook(user=users["author"], **fields)
    filing = planning.file_school_textbook(user=w["teacher"], **fields)
    with pytest.raises(WorkflowError, match="只有该校所在省份的教材管理员"):
        planning.answer_filing(filing, user=users["national"], acknowledge=True)
    with pytest.raises(WorkflowError, match="请说明退回的理由"):
        planning.answer_filing(filing, user=users["province"], acknowledge=False)
    filing = planning.answer_filing(
        filing, user=users["province"], acknowledge=False, answer="请补充课程标准"
    )
    assert filing.state == FilingState.RETURNED
    assert AuditLogEntry.objects.for_object(filing).get().reason == "请补充课程标准"
    second = planning.file_school_textbook(user=w["teacher"], **fields)
    second = planning.answer_filing(second, user=users["province"], acknowledge=True)
    assert second.state == FilingState.ACKNOWLEDGED


def test_applicants_hear_of_each_decision_and_experts_of_their_assignments(
    users, make_user, make_textbook, experts, django_capture_on_commit_callbacks
):
    from django.core import mail

    admin = users["national"]
    chiefs = [make_user(f"chief{i}", roles.AUTHOR) for i in range(4)]
    books = [make_textbook(chief, tier="school") for chief in chiefs[:3]]
    books.append(make_textbook(chiefs[3], tier="school", kind="exercise_book"))
    batch = national_batch(admin, quota=1, excluded_kinds=["exercise_book"])

    def mails_to(name):
        return [(m.subject, m.body) for m in mail.outbox if m.to == [f"{name}@example.org"]]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        batch, _entries = applied(batch, admin, books)
        batch = reviewed(batch, admin, experts, [GOOD, GOOD, None, None])
    assert [mails_to(f"chief{i}") for i in range(3)] == [[], [], []]
    [(subject, body)] = mails_to("chief3")
    assert subject == f"【教材规划】《{books[3].title}》：形式审查未通过"
    assert "练习册不参加本批次遴选。" in body and "/admin/planning/entries/" in body
    assigned = mails_to("expert1")
    assert len(assigned) == 3 and all(s.startswith("【规划评审】") for s, _b in assigned)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        batch = planning.start_notice(batch, user=admin)
    assert mails_to("chief0") == []  # recommended: its news is the list
    [(subject, body)] = mails_to("chief1")
    assert subject == f"【教材规划】《{books[1].title}》：未入选" and "按评分排名超出名额" in body
    [(subject, body)] = mails_to("chief2")
    assert "多数评审专家不推荐" in body

    mail.outbox.clear()
    with after_notice(batch), django_capture_on_commit_callbacks(execute=True):
        planning.publish_batch(batch, user=admin)
    [(subject, body)] = mails_to("chief0")
    assert subject == f"【教材规划】《{books[0].title}》：已列入规划"
    assert "已公布名单" in body and "国家规划教材" in body
    assert len(mail.outbox) == 1
