"""The catalogue admin: who may do what (role-by-action matrix), and creation through it."""

import pytest
from django.urls import reverse

from tests.conftest import valid_isbn
from textbooks.models import Major, Textbook

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "author", "reviewer", "political", "committee", "province", "national"]

# (url name, who may) — "may" means the view answers 200; everyone else is refused.
MATRIX = [
    ("textbook:index", {"author", "reviewer", "political", "committee", "province", "national"}),
    ("textbook:add", {"province", "national"}),
    ("major:index", {"committee", "province", "national"}),
    ("major:add", {"national"}),
    ("course:index", {"committee", "province", "national"}),
    ("course:add", {"province", "national"}),
    ("institution:index", {"province", "national"}),
    ("institution:add", {"province", "national"}),
]


@pytest.mark.parametrize("url_name,allowed", MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_role_by_action_matrix(client, users, role, url_name, allowed):
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(reverse(url_name))
    if role in allowed:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        # Wagtail answers a refused admin view by redirecting home with a message.
        assert response.status_code in (302, 403)


def textbook_form(users, course, **overrides):
    data = {
        "title": "新能源汽车动力电池检测与维修",
        "slug": "ev-battery",
        "isbn": valid_isbn(4242),
        "is_workbook": "on",
        "is_mixed_media": "on",
        "kind": "textbook",
        "tier": "national",
        "courses": [course.pk],
        "editor_in_chief": users["author"].pk,
        "authors": [users["other_author"].pk],
    }
    data.update(overrides)
    return data


def test_administrator_creates_a_textbook_and_its_page_through_the_admin(client, users, course):
    client.force_login(users["province"])
    response = client.post(reverse("textbook:add"), textbook_form(users, course, province="JS"))
    assert response.status_code == 302
    textbook = Textbook.objects.get(slug="ev-battery")
    assert textbook.page.title == "新能源汽车动力电池检测与维修"
    assert not textbook.page.live
    assert list(textbook.authors.all()) == [users["other_author"]]
    assert textbook.forms and [code for code, _ in textbook.forms] == ["workbook", "mixed_media"]


def test_bad_input_in_the_admin_form_names_the_field_in_chinese(client, users, course):
    client.force_login(users["province"])
    response = client.post(
        reverse("textbook:add"),
        textbook_form(users, course, isbn="9787111723450", is_workbook="", is_mixed_media=""),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "校验位错误" in form.errors["isbn"][0]
    assert "至少选择一种教材形态" in form.non_field_errors()[0]
    assert not Textbook.objects.exists()


def test_problem_7_a_provincial_administrator_edits_only_his_provinces_textbooks(
    client, users, course, make_textbook
):
    """Jiangsu's administrator cannot reach a Guangdong textbook's record or pages, nor move
    a textbook into or out of Jiangsu."""
    jiangsu = make_textbook(users["author"], province="JS", title="江苏教材")
    guangdong = make_textbook(users["author"], province="GD", title="广东教材")
    client.force_login(users["province"])
    listing = client.get(reverse("textbook:index")).content.decode()
    assert "广东教材" in listing  # the catalogue is listed whole...
    assert reverse("textbook:edit", args=[jiangsu.pk]) in listing
    assert reverse("textbook:edit", args=[guangdong.pk]) not in listing  # ...edited in scope
    assert client.get(reverse("textbook:edit", args=[guangdong.pk])).status_code == 404
    assert client.get(reverse("textbook:edit", args=[jiangsu.pk])).status_code == 200
    moved = textbook_form(users, course, slug=jiangsu.slug, isbn=jiangsu.isbn, province="GD")
    response = client.post(reverse("textbook:edit", args=[jiangsu.pk]), moved)
    assert response.status_code == 200 and "province" in response.context["form"].errors
    response = client.post(reverse("textbook:add"), textbook_form(users, course))
    assert "province" in response.context["form"].errors
    assert Textbook.objects.get(pk=jiangsu.pk).province == "JS"

    edit_page = "wagtailadmin_pages:edit"
    assert client.get(reverse(edit_page, args=[jiangsu.page.pk])).status_code == 200
    assert client.get(reverse(edit_page, args=[guangdong.page.pk])).status_code in (302, 403)
    assert guangdong.page.permissions_for_user(users["province"]).can_edit() is False


def test_author_cannot_create_a_textbook(client, users, course):
    client.force_login(users["author"])
    response = client.post(reverse("textbook:add"), textbook_form(users, course))
    assert response.status_code in (302, 403)
    assert not Textbook.objects.exists()


def test_duplicate_major_code_in_the_admin_is_refused_with_a_message(client, users):
    Major.objects.create(
        code="460103", name="数控技术", category="装备制造大类", level="higher_associate"
    )
    client.force_login(users["national"])
    response = client.post(
        reverse("major:add"),
        {"code": "460103", "name": "重复", "category": "装备制造大类", "level": "higher_associate"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["该专业代码已存在。"]
    assert Major.objects.count() == 1


def test_admin_and_site_speak_chinese_by_default_and_english_on_request(client):
    response = client.get("/admin/login/")
    assert "登录" in response.content.decode()
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in" in response.content.decode()
    assert 'lang="zh-hans"' in client.get("/").content.decode()
