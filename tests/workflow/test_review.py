"""The review state machine: legal transitions, refusals, recusal, the decision rule."""

import pytest
from django.urls import reverse
from django.utils import translation

from textbooks import roles
from textbooks.models import InstitutionKind, UnitPage
from workflow import services
from workflow.models import AuditLogEntry, CaseKind, CaseState, ReviewCase, TrackKind
from workflow.services import TrackResult, WorkflowError, decide_outcome

from .conftest import SCORES, add_leaf, documents, due, edit_leaf, published_edition, submitted_case


def fresh(case):
    return ReviewCase.objects.get(pk=case.pk)


def history(case):
    return [
        (e.transition, e.from_state, e.to_state, e.actor.username)
        for e in AuditLogEntry.objects.for_object(case)
    ]


def assign(case, admin, reviewer, track="subject"):
    return services.assign_reviewer(
        fresh(case), user=admin, reviewer=reviewer, track_kind=track, due_date=due()
    )


def opine(assignment, outcome):
    return services.record_opinion(
        assignment,
        user=assignment.reviewer,
        scores=SCORES,
        comment="意见",
        outcome=outcome,
    )


# --- the decision rule, on its own -------------------------------------------------------


P, R, X = "pass", "resubmit", "reject"
POLITICAL, SUBJECT, ENTERPRISE = TrackKind.POLITICAL, TrackKind.SUBJECT, TrackKind.ENTERPRISE
APPROVED, RESUBMIT, REJECTED = (
    CaseState.APPROVED,
    CaseState.RESUBMIT_REQUESTED,
    CaseState.REJECTED,
)

# (tracks as (kind, required reviewers, their outcomes), the decision)
DECISIONS = [
    # A track's result is the majority of its opinions.
    ([(SUBJECT, 1, (P,))], APPROVED),
    ([(SUBJECT, 2, (P, P))], APPROVED),
    ([(SUBJECT, 3, (P, P, R))], APPROVED),
    ([(SUBJECT, 3, (P, P, X))], APPROVED),
    ([(SUBJECT, 3, (R, R, P))], RESUBMIT),
    # A subject or enterprise expert's 不予通过 rejects when it is the track's majority.
    ([(SUBJECT, 1, (X,))], REJECTED),
    ([(SUBJECT, 3, (X, X, P))], REJECTED),
    ([(SUBJECT, 1, (P,)), (ENTERPRISE, 1, (X,))], REJECTED),
    # No majority, a tie included, asks for resubmission.
    ([(SUBJECT, 2, (P, X))], RESUBMIT),
    ([(SUBJECT, 2, (P, R))], RESUBMIT),
    ([(SUBJECT, 3, (P, R, X))], RESUBMIT),
    ([(SUBJECT, 4, (P, P, X, X))], RESUBMIT),
    # A track short of its required opinions does not pass.
    ([(SUBJECT, 2, (P,))], RESUBMIT),
    # Every track must pass; one asking for resubmission holds the case.
    ([(POLITICAL, 1, (P,)), (SUBJECT, 1, (P,))], APPROVED),
    ([(SUBJECT, 1, (P,)), (ENTERPRISE, 1, (R,))], RESUBMIT),
    # One political reject vetoes, against a political majority and the other tracks.
    ([(POLITICAL, 1, (X,)), (SUBJECT, 3, (P, P, P))], REJECTED),
    ([(POLITICAL, 3, (P, P, X)), (SUBJECT, 1, (P,))], REJECTED),
    ([(POLITICAL, 1, (X,)), (SUBJECT, 2, ())], REJECTED),
    # A rejecting track outweighs another's request for resubmission.
    ([(SUBJECT, 1, (X,)), (ENTERPRISE, 1, (R,))], REJECTED),
]


@pytest.mark.parametrize("tracks,decision", DECISIONS)
def test_problem_9_decision_table(tracks, decision):
    assert decide_outcome([TrackResult(*track) for track in tracks]) == decision


def test_problem_9_a_subject_experts_reject_rejects_the_case(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    opine(assign(case, u["national"], u["reviewer"]), "reject")
    assert services.decide(fresh(case), user=u["national"]).state == CaseState.REJECTED


# --- every legal transition --------------------------------------------------------------


def test_submit_assign_decide_publish_history(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    assert case.state == CaseState.SUBMITTED
    assert {p.page_id for p in case.pinned_revisions.all()} == {leaf.pk for leaf in world["leaves"]}
    assert {p.change_type for p in case.pinned_revisions.all()} == {"added"}
    assert [t.kind for t in case.tracks.all()] == [TrackKind.SUBJECT]
    a = assign(case, u["national"], u["reviewer"])
    assert fresh(case).state == CaseState.IN_REVIEW
    opine(a, "pass")
    services.decide(fresh(case), user=u["national"])
    services.publish(fresh(case), user=u["national"])
    assert history(case) == [
        ("submit", "draft", "submitted", "author"),
        ("start_review", "submitted", "in_review", "national"),
        ("approve", "in_review", "approved", "national"),
        ("publish", "approved", "published", "national"),
    ]


def test_resubmission_round(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    opine(assign(case, u["national"], u["reviewer"]), "resubmit")
    assert services.decide(fresh(case), user=u["national"]).state == CaseState.RESUBMIT_REQUESTED
    edit_leaf(world["leaves"][0], "按意见修改", u["author"])
    case = services.resubmit(fresh(case), user=u["author"], change_summary="按意见修改")
    assert (case.state, case.round) == (CaseState.SUBMITTED, 2)
    pinned = {p.page_id: p.revision_id for p in case.pinned_revisions.all()}
    latest = UnitPage.objects.get(pk=world["leaves"][0].pk).latest_revision_id
    assert pinned[world["leaves"][0].pk] == latest
    # The old round's opinion does not count: the new round needs its own.
    with pytest.raises(WorkflowError):
        services.decide(fresh(case), user=u["national"])
    opine(assign(case, u["national"], u["reviewer"]), "pass")
    assert services.decide(fresh(case), user=u["national"]).state == CaseState.APPROVED


@pytest.mark.parametrize("submit_first", [False, True])
def test_withdraw_from_draft_and_submitted(world, submit_first):
    u = world["users"]
    case = services.open_case(world["textbook"], user=u["author"], kind=CaseKind.INITIAL)
    if submit_first:
        case = services.submit(case, user=u["author"], change_summary="说明")
    case = services.withdraw(fresh(case), user=u["author"], reason="暂缓")
    assert case.state == CaseState.WITHDRAWN
    assert history(case)[-1] == (
        "withdraw",
        "submitted" if submit_first else "draft",
        "withdrawn",
        "author",
    )
    # A withdrawn case frees the textbook for a new one.
    services.open_case(world["textbook"], user=u["author"], kind=CaseKind.INITIAL)


def test_political_veto_overrides_passing_experts(users, make_user, make_textbook):
    textbook = make_textbook(users["author"], tier="school", ideology_sensitive=True)
    add_leaf(textbook, "unit-1", "内容", users["author"])
    case = submitted_case(textbook, users["author"])
    assert {t.kind for t in case.tracks.all()} == {TrackKind.POLITICAL, TrackKind.SUBJECT}
    opine(assign(case, users["national"], users["reviewer"]), "pass")
    opine(assign(case, users["national"], users["political"], "political"), "reject")
    assert services.decide(fresh(case), user=users["national"]).state == CaseState.REJECTED


def test_political_reject_decides_before_the_other_opinions(users, make_textbook):
    textbook = make_textbook(users["author"], tier="school", ideology_sensitive=True)
    add_leaf(textbook, "unit-1", "内容", users["author"])
    case = submitted_case(textbook, users["author"])
    assign(case, users["national"], users["reviewer"])
    opine(assign(case, users["national"], users["political"], "political"), "reject")
    assert services.decide(fresh(case), user=users["national"]).state == CaseState.REJECTED


# --- refusals: state unchanged, no audit row ---------------------------------------------


def assert_refused(case, call, message):
    before_state = fresh(case).state
    before_rows = AuditLogEntry.objects.count()
    with pytest.raises(WorkflowError) as exc:
        call()
    assert message in exc.value.message
    assert fresh(case).state == before_state
    assert AuditLogEntry.objects.count() == before_rows


def test_illegal_transitions_are_refused(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    assert_refused(
        case,
        lambda: services.publish(fresh(case), user=u["national"]),
        "审核案当前状态为“已送审”，不能发布",
    )
    assert_refused(
        case,
        lambda: services.decide(fresh(case), user=u["national"]),
        "审核案当前状态为“已送审”，不能作出审核结论",
    )
    assert_refused(
        case,
        lambda: services.resubmit(fresh(case), user=u["author"], change_summary="x"),
        "不能重新送审",
    )
    a = assign(case, u["national"], u["reviewer"])
    assert_refused(case, lambda: services.withdraw(fresh(case), user=u["author"]), "不能撤回")
    assert_refused(
        case,
        lambda: services.decide(fresh(case), user=u["national"]),
        "学科专家审核需 1 位专家意见，已收到 0 份",
    )
    opine(a, "pass")
    assert_refused(case, lambda: opine(a, "pass"), "不能重复提交")
    services.decide(fresh(case), user=u["national"])
    assert_refused(
        case,
        lambda: services.submit(fresh(case), user=u["author"], change_summary="x"),
        "审核案当前状态为“审核通过”，不能送审",
    )


def test_stale_case_gets_a_conflict_message(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    stale = fresh(case)
    opine(assign(case, u["national"], u["reviewer"]), "pass")
    services.decide(fresh(case), user=u["national"])
    with pytest.raises(services.ReviewConflict, match="已被他人处理"):
        services.decide(stale, user=u["national"])


def test_missing_documents_are_named(world):
    u = world["users"]
    args = (world["textbook"], u["author"], u["reviewer"], u["national"])
    published_edition(*args)
    edit_leaf(world["leaves"][0], "改", u["author"])
    case = services.open_case(world["textbook"], user=u["author"], kind=CaseKind.MINOR)
    assert_refused(
        case,
        lambda: services.submit(fresh(case), user=u["author"], change_summary=" "),
        "送审材料不全，缺少：修订说明、使用跟踪报告、修订内容对照表、修订类别",
    )
    assert_refused(
        case,
        lambda: services.submit(
            fresh(case), user=u["author"], change_summary="说明", **documents()
        ),
        "缺少：修订类别（新知识、新技术、新工艺、新方法）",
    )
    assert not fresh(case).pinned_revisions.exists()


def test_revision_without_changes_is_refused(world):
    u = world["users"]
    published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    case = services.open_case(world["textbook"], user=u["author"], kind=CaseKind.MINOR)
    assert_refused(
        case,
        lambda: services.submit(
            fresh(case),
            user=u["author"],
            change_summary="说明",
            change_categories=["new_method"],
            **documents(),
        ),
        "与现行版相比没有任何变更",
    )


# --- who may act ---------------------------------------------------------------------


def test_recusal(world, make_user, make_institution):
    u = world["users"]
    textbook = world["textbook"]
    school = make_institution("江苏机电职业技术学院", InstitutionKind.SCHOOL)
    publisher = make_institution("机械工业出版社", InstitutionKind.PUBLISHER, "BJ")
    textbook.co_developers.add(school)
    textbook.publisher = publisher
    textbook.save()
    co_author = make_user("co_author", roles.REVIEWER, roles.AUTHOR)
    textbook.authors.add(co_author)
    colleague = make_user("colleague", roles.REVIEWER, institution=school)
    editor = make_user("editor", roles.REVIEWER, institution=publisher)
    case = submitted_case(textbook, u["author"])
    for reviewer, message in [
        (co_author, "是该教材的编写人员，须回避"),
        (colleague, "所在单位“江苏机电职业技术学院”参与该教材的开发或出版，须回避"),
        (editor, "所在单位“机械工业出版社”参与该教材的开发或出版，须回避"),
        (u["political"], "不是审核专家"),
    ]:
        assert_refused(case, lambda r=reviewer: assign(case, u["national"], r), message)


def test_problem_8_a_member_of_an_authors_institution_cannot_be_assigned(
    world, make_user, make_institution
):
    u = world["users"]
    school = make_institution("江苏机电职业技术学院", InstitutionKind.SCHOOL)
    school.members.add(u["author"])
    colleague = make_user(
        "colleague", roles.REVIEWER, institution=school, last_name="李", first_name="同事"
    )
    case = submitted_case(world["textbook"], u["author"])
    assert_refused(
        case,
        lambda: assign(case, u["national"], colleague),
        "李同事 与该教材的编写人员同在“江苏机电职业技术学院”，须回避",
    )


def save_front_matter(textbook, text, user):
    page = textbook.page.get_latest_revision_as_object()
    page.overview = f"<p>{text}</p>"
    return page.save_revision(user=user)


@pytest.mark.parametrize("edits", ["a leaf", "the textbook page"])
def test_problem_8_an_administrator_who_wrote_a_pinned_revision_cannot_decide_or_publish(
    client, world, make_user, edits
):
    u = world["users"]
    editor = make_user("editor", roles.NATIONAL_ADMIN, last_name="赵", first_name="编辑")
    if edits == "a leaf":
        edit_leaf(world["leaves"][0], "管理员改写的内容", editor)
        # The author saving once more on top does not hide whose words these are.
        edit_leaf(world["leaves"][0], "管理员改写的内容。", u["author"])
    else:
        save_front_matter(world["textbook"], "管理员改写的简介", editor)
    case = submitted_case(world["textbook"], u["author"])
    recused = "赵编辑 编写过本次送审的内容，不能审核或决定自己的修订"
    assert_refused(case, lambda: assign(case, editor, u["reviewer"]), recused)
    opine(assign(case, u["national"], u["reviewer"]), "pass")
    assert_refused(case, lambda: services.decide(fresh(case), user=editor), recused)
    client.force_login(editor)
    screen = client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    assert recused in screen and reverse("workflow:decide", args=[case.pk]) not in screen
    services.decide(fresh(case), user=u["national"])
    assert_refused(case, lambda: services.publish(fresh(case), user=editor), recused)
    services.publish(fresh(case), user=u["national"])


def test_an_edit_published_in_an_earlier_edition_does_not_recuse(world, make_user):
    u = world["users"]
    editor = make_user("editor", roles.NATIONAL_ADMIN)
    edit_leaf(world["leaves"][0], "管理员改写的内容", editor)
    published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    edit_leaf(world["leaves"][0], "作者的新修订", u["author"])
    case = submitted_case(world["textbook"], u["author"], kind=CaseKind.MINOR)
    opine(assign(case, editor, u["reviewer2"]), "pass")
    assert services.decide(fresh(case), user=editor).state == CaseState.APPROVED


def test_problem_8_an_opinion_is_refused_when_the_reviewer_became_recused_after_assignment(
    world, make_institution
):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    a = assign(case, u["national"], u["reviewer"])
    publisher = make_institution("机械工业出版社", InstitutionKind.PUBLISHER, "BJ")
    world["textbook"].publisher = publisher
    world["textbook"].save()
    publisher.members.add(u["reviewer"])
    assert_refused(
        case,
        lambda: opine(a, "pass"),
        "所在单位“机械工业出版社”参与该教材的开发或出版，须回避",
    )
    assert not fresh(case).tracks.filter(assignments__opinion__isnull=False).exists()


def test_nobody_reviews_or_decides_what_they_submitted(world, make_user):
    u = world["users"]
    # An administrator who also writes the textbook submits a change...
    boss = make_user("boss", roles.NATIONAL_ADMIN, roles.REVIEWER, last_name="王", first_name="总")
    world["textbook"].authors.add(boss)
    case = submitted_case(world["textbook"], boss)
    assert_refused(case, lambda: assign(case, boss, boss), "王总 是该教材的编写人员，须回避")
    a = assign(case, u["national"], u["reviewer"])
    opine(a, "pass")
    # ...and cannot decide or publish it.
    assert_refused(
        case, lambda: services.decide(fresh(case), user=boss), "是该教材的编写人员，须回避"
    )


def test_a_textbook_without_a_province_is_the_national_administrators_alone(users, make_textbook):
    textbook = make_textbook(users["author"], tier="school", province="")
    add_leaf(textbook, "unit-1", "内容", users["author"])
    case = submitted_case(textbook, users["author"])
    assert_refused(
        case,
        lambda: assign(case, users["province"], users["reviewer"]),
        "只有负责该教材的教材管理员可以执行此操作",
    )


def test_only_assigned_reviewer_gives_opinion_and_only_admins_assign(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    assert_refused(
        case, lambda: assign(case, u["author"], u["reviewer"]), "只有负责该教材的教材管理员"
    )
    a = assign(case, u["province"], u["reviewer"])  # a Jiangsu textbook: Jiangsu's admin may
    assert_refused(
        case,
        lambda: services.record_opinion(
            a, user=u["reviewer2"], scores=SCORES, comment="x", outcome="pass"
        ),
        "只有被分配的审核专家本人",
    )
    assert_refused(
        case,
        lambda: services.record_opinion(
            a, user=u["reviewer"], scores={**SCORES, "suitability": 9}, comment="", outcome="?"
        ),
        "适宜性评分须为 1 至 5 的整数；请填写审核意见；请选择审核结论",
    )


def test_a_reviewer_reading_english_gets_the_problems_punctuated_in_english(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    a = assign(case, u["province"], u["reviewer"])
    with translation.override("en"), pytest.raises(WorkflowError) as refused:
        services.record_opinion(a, user=u["reviewer"], scores=SCORES, comment="", outcome="?")
    assert refused.value.message == "Write your review opinion; Choose an outcome."


def test_one_open_case_per_textbook(world):
    u = world["users"]
    submitted_case(world["textbook"], u["author"])
    with pytest.raises(WorkflowError, match="已有进行中的审核案"):
        services.open_case(world["textbook"], user=u["author"], kind=CaseKind.INITIAL)
    with pytest.raises(WorkflowError, match="只有该教材的主编或编写人员"):
        services.open_case(world["textbook"], user=u["other_author"], kind=CaseKind.INITIAL)


def test_audit_log_is_append_only(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    entry = AuditLogEntry.objects.for_object(case).get()
    with pytest.raises(Exception, match="append-only"):
        entry.save()
    with pytest.raises(Exception, match="append-only"):
        AuditLogEntry.objects.all().delete()
    with pytest.raises(Exception, match="append-only"):
        AuditLogEntry.objects.update(reason="x")
