"""Every admin view of the workflow, by role; and what the screens show."""

import pytest
from django.urls import reverse

from textbooks.models import UnitPage
from workflow import services
from workflow.models import CaseState, ReviewAssignment, ReviewCase

from .conftest import SCORES, due, edit_leaf, published_edition, submitted_case

ROLES = [
    "anonymous",
    "author",
    "other_author",
    "reviewer",  # assigned
    "reviewer2",  # not assigned
    "political",
    "committee",
    "province",
    "national",
]


@pytest.fixture
def scene(users, make_user, make_textbook):
    """A national textbook in review: ``reviewer`` is assigned on the subject track."""
    from textbooks import roles

    from .conftest import add_leaf

    users["reviewer2"] = make_user("reviewer2", roles.REVIEWER)
    textbook = make_textbook(users["author"], tier="national")
    add_leaf(textbook, "unit-1", "内容一", users["author"])
    add_leaf(textbook, "unit-2", "内容二", users["author"])
    case = submitted_case(textbook, users["author"])
    case.tracks.update(required_reviewers=1)
    assignment = services.assign_reviewer(
        case,
        user=users["national"],
        reviewer=users["reviewer"],
        track_kind="subject",
        due_date=due(),
    )
    return {"users": users, "textbook": textbook, "case": case, "assignment": assignment}


def outcome(response):
    """ "ok", "login" (sent to log in) or "denied" (Wagtail turns PermissionDenied in admin
    views into a redirect to the dashboard with an error message; a case outside the
    viewer's scope is not found)."""
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302 and "/admin/login/" in response.url:
        return "login"
    if response.status_code in (403, 404) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    ):
        return "denied"
    return response.status_code


def status_by_role(client, scene, url):
    seen = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(scene["users"][role])
        seen[role] = outcome(client.get(url))
    return seen


def expect(allowed):
    return {
        role: "login" if role == "anonymous" else ("ok" if role in allowed else "denied")
        for role in ROLES
    }


def test_matrix_get_views(client, scene):
    case, assignment, textbook = scene["case"], scene["assignment"], scene["textbook"]
    everyone = set(ROLES) - {"anonymous"}
    matrix = {
        reverse("workflow:cases"): expect(everyone),
        reverse("workflow:case", args=[case.pk]): expect({"author", "reviewer", "national"}),
        reverse("workflow:assign", args=[case.pk]): expect({"national"}),
        reverse("workflow:cancel", args=[case.pk]): expect({"national"}),
        reverse("workflow:replace", args=[assignment.pk]): expect({"national"}),
        reverse("workflow:review", args=[assignment.pk]): expect({"reviewer"}),
        reverse("workflow:submit", args=[textbook.pk]): expect({"author"}),
    }
    for url, expected in matrix.items():
        assert status_by_role(client, scene, url) == expected, url


def test_matrix_post_actions(client, scene):
    """Only the right role moves the case; everybody else leaves it as it was."""
    u, case = scene["users"], scene["case"]
    services.record_opinion(
        scene["assignment"], user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    actions = [
        ("workflow:decide", "national", CaseState.APPROVED),
        ("workflow:publish", "national", CaseState.PUBLISHED),
    ]
    for name, allowed, target in actions:
        url = reverse(name, args=[case.pk])
        before = ReviewCase.objects.get(pk=case.pk).state
        for role in ROLES:
            if role == allowed:
                continue
            client.logout()
            if role != "anonymous":
                client.force_login(u[role])
            response = client.post(url, follow=True)
            if role == "anonymous":
                assert "/admin/login/" in response.redirect_chain[0][0]
            elif response.status_code != 404:  # outside the viewer's scope
                text = response.content.decode()
                assert "只有负责该教材的教材管理员" in text or "没有权限" in text, (name, role)
            assert ReviewCase.objects.get(pk=case.pk).state == before, (name, role)
        client.force_login(u[allowed])
        response = client.post(url, follow=True)
        assert ReviewCase.objects.get(pk=case.pk).state == target, name


def test_matrix_replace_and_cancel(client, scene):
    """Only the administrator in scope replaces a reviewer or cancels the case."""
    u, case, assignment = scene["users"], scene["case"], scene["assignment"]
    actions = [
        (
            reverse("workflow:replace", args=[assignment.pk]),
            {"reviewer": u["reviewer2"].pk, "due_date": due().isoformat()},
            lambda: ReviewAssignment.objects.get(pk=assignment.pk).state,
            "replaced",
        ),
        (
            reverse("workflow:cancel", args=[case.pk]),
            {"reason": "不再需要"},
            lambda: ReviewCase.objects.get(pk=case.pk).state,
            CaseState.CANCELLED,
        ),
    ]
    for url, data, current, target in actions:
        before = current()
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(u[role])
            if role != "national":
                assert outcome(client.post(url, data)) in ("login", "denied"), (url, role)
                assert current() == before, (url, role)
        client.post(url, data)
        assert current() == target, url


def test_withdraw_by_role(client, users, make_textbook):
    from .conftest import add_leaf

    textbook = make_textbook(users["author"], tier="school")
    add_leaf(textbook, "unit-1", "内容", users["author"])
    case = submitted_case(textbook, users["author"])
    url = reverse("workflow:withdraw", args=[case.pk])
    for role in ["other_author", "reviewer", "committee", "province", "national"]:
        client.force_login(users[role])
        client.post(url)
        assert ReviewCase.objects.get(pk=case.pk).state == CaseState.SUBMITTED, role
    client.force_login(users["author"])
    client.post(url)
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.WITHDRAWN


def test_submit_screen_lists_changed_leaves_and_names_missing_documents(client, world):
    u = world["users"]
    published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    edit_leaf(world["leaves"][1], "新内容", u["author"])
    client.force_login(u["author"])
    url = reverse("workflow:submit", args=[world["textbook"].pk])
    page = client.get(url).content.decode()
    assert "现行版：第 1.0 版" in page
    assert "单元 unit-2</td><td>修改" in page
    assert "单元 unit-1</td>" not in page
    response = client.post(url, {"kind": "minor", "change_summary": "更新"})
    assert response.status_code == 200
    assert "送审材料不全，缺少：使用跟踪报告、修订内容对照表、修订类别" in response.content.decode()
    assert not ReviewCase.objects.filter(kind="minor").exists()


def test_review_screen_shows_pinned_leaf_beside_current_edition(client, world):
    u = world["users"]
    published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    edit_leaf(world["leaves"][0], "送审的新内容", u["author"])
    case = submitted_case(world["textbook"], u["author"], kind="minor")
    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer2"], track_kind="subject", due_date=due()
    )
    client.force_login(u["reviewer2"])
    url = reverse("workflow:review", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "现行版（第 1.0 版）" in page
    assert "第一版内容一" in page and "送审的新内容" in page
    assert "第一版内容二" not in page  # unchanged leaves are not part of the change set
    response = client.post(url, {**SCORES, "comment": "内容准确", "outcome": "pass"}, follow=True)
    assert "审核意见已提交" in response.content.decode()
    history = client.get(reverse("workflow:case", args=[case.pk]))
    assert history.status_code == 200


def test_case_page_shows_history_and_dashboard_shows_due_dates(client, scene):
    u = scene["users"]
    client.force_login(u["national"])
    page = client.get(reverse("workflow:case", args=[scene["case"].pk])).content.decode()
    history = page[page.index('id="case-history"') :]
    assert "已送审" in history and "审核中" in history and "in_review" not in history
    client.force_login(u["reviewer"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "我的审核任务" in home
    assert due().strftime("%Y-%m-%d") in home


def test_an_expert_with_nothing_to_review_is_told_so_on_the_dashboard(client, scene):
    client.force_login(scene["users"]["reviewer2"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "我的审核任务" in home
    assert "目前没有待提交的审核意见" in home
    client.force_login(scene["users"]["author"])  # not an expert: no such panel
    assert "我的审核任务" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_public_edition_urls_show_pinned_revisions_only(client, world):
    u = world["users"]
    textbook = world["textbook"]
    published_edition(textbook, u["author"], u["reviewer"], u["national"])
    edit_leaf(world["leaves"][0], "第二版内容一", u["author"])
    published_edition(textbook, u["author"], u["reviewer"], u["national"], kind="minor")
    edit_leaf(world["leaves"][0], "未审核的草稿", u["author"])

    old = client.get(f"/textbooks/{textbook.slug}/editions/1.0/")
    assert old.status_code == 200
    assert "已被第 1.1 版替代" in old.content.decode()
    leaf = client.get(f"/textbooks/{textbook.slug}/editions/1.0/unit-1/").content.decode()
    assert "第一版内容一" in leaf
    leaf = client.get(f"/textbooks/{textbook.slug}/editions/1.1/unit-1/").content.decode()
    assert "第二版内容一" in leaf and "未审核的草稿" not in leaf
    assert client.get(f"/textbooks/{textbook.slug}/editions/9.9/").status_code == 404
    assert client.get(f"/textbooks/{textbook.slug}/editions/x/").status_code == 404
    assert client.get(f"/textbooks/{textbook.slug}/editions/1.0/nope/").status_code == 404
    live = client.get(textbook.page.url)
    assert "第 1.1 版" in live.content.decode()
    assert (
        "未审核的草稿"
        not in client.get(UnitPage.objects.get(pk=world["leaves"][0].pk).url).content.decode()
    )
