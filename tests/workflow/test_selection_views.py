"""Selection over HTTP: the committee drafts, approves, announces and files a plan; the
province accepts it; a later suspension flags it and the committee hears of it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from workflow.models import SelectionPlan, TextbookLifecycle
from workflow.services import selection

from .selection import after_notice, draft, one_reviewer, publish, school_world

__all__ = ["one_reviewer", "school_world"]


def post_action(client, plan, action):
    return client.post(reverse("workflow:selection_action", args=[plan.pk, action]), follow=True)


def test_a_valid_plan_approved_announced_filed_and_accepted_over_http(
    client, school_world, django_capture_on_commit_callbacks
):
    first, second, _third = school_world["committee"]
    year, season = selection.current_term()
    client.force_login(first)
    response = client.post(
        reverse("workflow:selections"),
        {"school": school_world["school"].pk, "year": year, "season": season},
        follow=True,
    )
    plan = SelectionPlan.objects.get()
    assert response.redirect_chain[-1][0] == reverse("workflow:selection_plan", args=[plan.pk])
    response = client.post(
        reverse("workflow:selection_plan", args=[plan.pk]),
        {
            "course": school_world["course"].pk,
            "edition": school_world["edition"].pk,
            "expected_students": "45",
            "reason": "",
        },
        follow=True,
    )
    assert "已保存课程“数控机床编程与操作”的选用" in response.content.decode()
    assert "violations" not in response.content.decode()

    response = post_action(client, plan, "approve")
    assert "1 / 3 名委员同意（需 2 名）" in response.content.decode()
    client.force_login(second)
    response = post_action(client, plan, "approve")
    assert 'id="plan-state">委员会已通过' in response.content.decode()
    response = post_action(client, plan, "start_notice")
    assert "校内公示至" in response.content.decode()
    response = post_action(client, plan, "file")
    assert "公示期满后才能报备" in response.content.decode()
    plan.refresh_from_db()
    with after_notice(plan), django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, plan, "file")
    assert 'id="plan-state">已备案待审核' in response.content.decode()

    province = school_world["users"]["province"]
    client.force_login(province)
    listing = client.get(reverse("workflow:selections")).content.decode()
    assert reverse("workflow:selection_review", args=[plan.pk]) in listing
    response = client.post(
        reverse("workflow:selection_review", args=[plan.pk]), {"accept": "0", "reason": ""}
    )
    assert "请说明退回的理由" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workflow:selection_review", args=[plan.pk]),
            {"accept": "1", "reason": "同意备案"},
            follow=True,
        )
    assert 'id="plan-state">备案通过' in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox if "备案通过" in m.subject) == [
        "member1@example.org",
        "member2@example.org",
        "member3@example.org",
    ]

    # Later the textbook is suspended: the plan is flagged and the committee is told.
    mail.outbox.clear()
    lifecycle = TextbookLifecycle.objects.get(textbook=school_world["textbook"])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.suspend(by=None, reason="逾期未修订超过宽限期")
        lifecycle.save()
    assert SelectionPlan.objects.get(pk=plan.pk).state == "flagged"
    assert len(mail.outbox) == 3 and "有教材需重新选用" in mail.outbox[0].subject
    client.force_login(first)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "需重新选用的教材" in dashboard and "暂停使用" in dashboard


@pytest.mark.parametrize("who", ["teacher", "other_province", "anonymous"])
def test_outsiders_cannot_see_or_move_a_plan(client, school_world, make_user, who):
    from textbooks import roles
    from textbooks.models import Institution

    plan = selection.create_plan(
        user=school_world["committee"][0], school=school_world["school"], year=2027, season="spring"
    )
    if who == "teacher":
        client.force_login(school_world["teacher"])
    elif who == "other_province":
        zj = Institution.objects.create(name="浙江省教育厅", kind="authority", province="ZJ")
        client.force_login(make_user("zj", roles.PROVINCIAL_ADMIN, institution=zj))
    for url in (
        reverse("workflow:selection_plan", args=[plan.pk]),
        reverse("workflow:selection_review", args=[plan.pk]),
    ):
        assert client.get(url).status_code in (302, 403, 404)
    response = client.post(reverse("workflow:selection_action", args=[plan.pk, "approve"]))
    assert response.status_code in (302, 403, 404)
    assert not plan.approvals.exists()


def test_an_unknown_action_or_bad_line_is_refused_without_a_server_error(client, school_world):
    member = school_world["committee"][0]
    plan = selection.create_plan(
        user=member, school=school_world["school"], year=2027, season="spring"
    )
    client.force_login(member)
    assert (
        client.post(reverse("workflow:selection_action", args=[plan.pk, "explode"])).status_code
        == 404
    )
    response = client.post(
        reverse("workflow:selection_plan", args=[plan.pk]),
        {"course": "x", "edition": "999999", "expected_students": "-3"},
    )
    assert response.status_code == 200
    assert "error-message" in response.content.decode()


def test_the_committee_chooses_a_current_edition_by_title_isbn_or_tier(
    client, school_world, make_textbook
):
    """The edition chooser lists current editions only, searched and filtered, a page at a
    time — never every edition of the country in one list."""
    users = school_world["users"]
    provincial = make_textbook(users["author"], tier="provincial", title="汽车电工电子技术")
    newer = publish(provincial, users)
    never_published = make_textbook(users["author"], title="汽车电工电子技术（未出版）")
    client.force_login(school_world["committee"][0])

    def titles(**query):
        response = client.get(reverse("edition_chooser:choose_results"), query)
        assert response.status_code == 200
        return {str(edition) for edition in response.context["results"]}

    assert titles() == {str(school_world["edition"]), str(newer)}
    assert titles(q="汽车电工") == {str(newer)}
    assert titles(q=school_world["textbook"].isbn) == {str(school_world["edition"])}
    assert titles(tier="provincial") == {str(newer)}
    assert titles(q="没有这本书") == set()
    assert never_published.title not in " ".join(titles(q="汽车"))
    # The line form takes the chosen edition's id, as the chooser posts it.
    plan = selection.create_plan(
        user=school_world["committee"][0],
        school=school_world["school"],
        year=selection.current_term()[0],
        season=selection.current_term()[1],
    )
    page = client.get(reverse("workflow:selection_plan", args=[plan.pk])).content.decode()
    assert 'name="edition"' in page and "选择教材" in page
    assert "<option" not in page.split('name="edition"')[1].split("</div>")[0]


def test_the_plans_history_names_states_by_label(client, school_world):
    """The committee read raw codes (draft, approved) in the plan's history table."""
    from .selection import approved, draft

    plan = approved(school_world, draft(school_world))
    client.force_login(school_world["committee"][0])
    page = client.get(reverse("workflow:selection_plan", args=[plan.pk])).content.decode()
    history = page[page.rindex("<tbody>") :]
    assert "草稿" in history
    assert ">draft<" not in history and ">approved<" not in history


def test_the_remove_line_button_says_remove_in_english(client, school_world):
    """In English the committee's button to remove a line read "Removed": it shared its
    source string with the diff's label for a removed leaf."""
    from .selection import draft

    plan = draft(school_world)
    client.force_login(school_world["committee"][0])
    client.cookies["django_language"] = "en"
    try:
        page = client.get(reverse("workflow:selection_plan", args=[plan.pk])).content.decode()
    finally:
        translation.deactivate()  # LocaleMiddleware leaves English active in the thread
    form = page[
        page.index(reverse("workflow:selection_remove_line", args=[plan.pk, plan.lines.get().pk])) :
    ]
    button = form[: form.index("</button>")]
    assert button.endswith(">Remove")


def test_the_committees_dashboard_says_what_this_terms_plan_is(client, school_world, users):
    """The committee's home screen was empty: it now says whether this term's plan is drawn
    up, and leads to it or to the screen that draws it up."""
    member = school_world["committee"][0]
    year, season = selection.current_term()
    client.force_login(member)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f"本学期教材选用（{selection.term_label(year, season)}）" in home
    assert "尚未编制" in home and reverse("workflow:selections") in home
    plan = draft(school_world)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "尚未编制" not in home
    assert reverse("workflow:selection_plan", args=[plan.pk]) in home and "草稿" in home
    # Not a committee member: no such panel.
    client.force_login(users["author"])
    assert "本学期教材选用" not in client.get(reverse("wagtailadmin_home")).content.decode()
