"""Authors write leaves through the real Wagtail admin; only reviewed content gets published."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.workflow.conftest import published_edition
from textbooks.models import UnitPage

pytestmark = pytest.mark.django_db


def leaf_form(title, slug, text, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "number": "项目 1",
            "summary": "能完成数控车床开机前点检。",
            "body": streamfield(
                [
                    ("rich_text", rich_text(f"<p>{text}</p>")),
                    (
                        "work_task",
                        {
                            "task_name": "开机前点检",
                            "goal": "15 分钟内完成点检",
                            "steps": streamfield(
                                [
                                    (
                                        "item",
                                        {
                                            "title": "检查润滑",
                                            "instruction": "查看油位",
                                            "key_points": "",
                                        },
                                    )
                                ]
                            ),
                            "tools_and_materials": streamfield([("item", "点检表")]),
                            "safety_notes": streamfield([]),
                            "checklist": streamfield([("item", "油位正常")]),
                            "record_form": "null",
                            "rubric": streamfield([]),
                        },
                    ),
                ]
            ),
            "comments": inline_formset([]),
            **extra,
        }
    )


@pytest.fixture
def textbook(users, make_textbook):
    return make_textbook(users["author"], province="JS")  # Jiangsu administers it


def add_leaf(
    client,
    textbook,
    title="数控车床开机前点检",
    slug="unit-1",
    text="草稿正文",
    follow=False,
    **extra,
):
    url = reverse("wagtailadmin_pages:add", args=("textbooks", "unitpage", textbook.page.pk))
    return client.post(url, leaf_form(title, slug, text, **extra), follow=follow)


def test_author_creates_a_leaf_and_saves_a_draft_through_the_admin(client, users, textbook):
    client.force_login(users["author"])
    response = add_leaf(client, textbook)

    assert response.status_code == 302, response.content.decode()[:2000]
    leaf = UnitPage.objects.child_of(textbook.page).get(slug="unit-1")
    assert not leaf.live
    draft = leaf.get_latest_revision_as_object()
    assert [b.block_type for b in draft.body] == ["rich_text", "work_task"]
    assert draft.body[1].value["steps"][0]["title"] == "检查润滑"


def test_authors_publish_attempt_is_refused_and_nothing_goes_live(client, users, textbook):
    client.force_login(users["author"])
    response = add_leaf(client, textbook, **{"action-publish": "action-publish"})
    assert response.status_code == 302
    assert not UnitPage.objects.child_of(textbook.page).exists()
    add_leaf(client, textbook)
    leaf = UnitPage.objects.child_of(textbook.page).get(slug="unit-1")

    edit_url = reverse("wagtailadmin_pages:edit", args=(leaf.pk,))
    response = client.post(
        edit_url,
        leaf_form("改过的标题", "unit-1", "改过的正文", **{"action-publish": "1"}),
        follow=True,
    )
    leaf.refresh_from_db()
    assert "只能经审核发布" in response.content.decode()
    assert not leaf.live
    assert leaf.get_latest_revision_as_object().title == "数控车床开机前点检"
    assert not textbook.page.permissions_for_user(users["author"]).can_publish()


def test_another_author_cannot_edit_or_add_to_a_textbook_they_do_not_write(client, users, textbook):
    client.force_login(users["author"])
    add_leaf(client, textbook)
    leaf = UnitPage.objects.child_of(textbook.page).get(slug="unit-1")

    client.force_login(users["other_author"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=(leaf.pk,)))
    assert response.status_code in (302, 403)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(leaf.pk,)), leaf_form("篡改", "unit-1", "篡改")
    )
    assert response.status_code in (302, 403)
    assert leaf.get_latest_revision_as_object().title == "数控车床开机前点检"
    response = add_leaf(client, textbook, slug="unit-2")
    assert response.status_code in (302, 403)
    assert not UnitPage.objects.filter(slug="unit-2").exists()


def test_a_co_author_may_edit(client, users, make_textbook):
    textbook = make_textbook(users["national"], authors=[users["other_author"]])
    client.force_login(users["other_author"])
    assert add_leaf(client, textbook).status_code == 302
    assert UnitPage.objects.child_of(textbook.page).filter(slug="unit-1").exists()


def test_anonymous_visitor_never_sees_a_draft(client, users, make_textbook):
    textbook = make_textbook(users["author"], tier="school")
    client.force_login(users["author"])
    add_leaf(client, textbook, text="已发布的正文")
    leaf = UnitPage.objects.child_of(textbook.page).get(slug="unit-1")
    published_edition(textbook, users["author"], users["reviewer"], users["national"])
    client.post(
        reverse("wagtailadmin_pages:edit", args=(leaf.pk,)),
        leaf_form("数控车床开机前点检", "unit-1", "未审核的草稿"),
    )
    client.post(
        reverse("wagtailadmin_pages:add", args=("textbooks", "unitpage", textbook.page.pk)),
        leaf_form("尚未发布的单元", "unit-draft", "全新草稿"),
    )
    client.logout()

    body = client.get(leaf.url).content.decode()
    assert "已发布的正文" in body
    assert "未审核的草稿" not in body
    draft_leaf = UnitPage.objects.get(slug="unit-draft")
    assert client.get(f"{textbook.page.url}unit-draft/").status_code == 404
    assert "尚未发布的单元" not in client.get(textbook.page.url).content.decode()
    assert not draft_leaf.live


@pytest.mark.parametrize("role", ["author", "province", "national"])
def test_nobody_publishes_from_the_page_editor_only_reviewed_editions_go_live(
    client, users, textbook, role
):
    client.force_login(users[role])
    response = add_leaf(client, textbook, follow=True, **{"action-publish": "action-publish"})
    assert "只能经审核发布" in response.content.decode()
    assert not UnitPage.objects.child_of(textbook.page).exists()
    add_leaf(client, textbook)
    leaf = UnitPage.objects.child_of(textbook.page).get(slug="unit-1")
    assert not leaf.live
    assert not leaf.permissions_for_user(users[role]).can_publish()
    assert not textbook.page.permissions_for_user(users[role]).can_publish()
