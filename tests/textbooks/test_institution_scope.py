"""Institutions and their members are kept in the administrator's scope: a provincial
administrator keeps the schools, enterprises and publishers of his or her province and no
education authority — otherwise joining another province's education department would make
him or her that province's administrator."""

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from textbooks import roles, scope
from textbooks.models import Institution, MemberRole, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(users, make_institution):
    return {
        "js_school": make_institution("江苏信息职业技术学院", "school", "JS"),
        "gd_school": make_institution("深圳信息职业技术学院", "school", "GD"),
        "gd_authority": make_institution("广东省教育厅", "authority", "GD"),
        "js_authority": Institution.objects.get(name="江苏省教育厅"),
    }


@pytest.fixture
def memberships(users, places, make_user):
    teacher = make_user("teacher", roles.SELECTION_COMMITTEE)
    return {
        name: Membership.objects.create(
            institution=places[name], user=teacher, role=MemberRole.COMMITTEE
        )
        for name in ("js_school", "gd_school")
    }


def listed(client, url_name):
    return client.get(reverse(url_name)).context["object_list"]


def test_the_province_lists_its_own_institutions_and_members_and_the_nation_all(
    client, users, places, memberships
):
    client.force_login(users["province"])
    assert set(listed(client, "institution:index")) == {places["js_school"]}
    assert set(listed(client, "membership:index")) == {memberships["js_school"]}
    client.force_login(users["national"])
    assert set(listed(client, "institution:index")) == set(places.values())
    # ... the provincial administrators' own memberships of their departments included.
    everyone = set(listed(client, "membership:index"))
    assert everyone == set(Membership.objects.all()) and everyone > set(memberships.values())


@pytest.mark.parametrize("view", ["edit", "delete", "history", "usage", "copy"])
def test_another_provinces_institution_or_member_cannot_be_reached(
    client, users, places, memberships, view
):
    client.force_login(users["province"])
    for url_name, row in (
        (f"institution:{view}", places["gd_school"]),
        (f"institution:{view}", places["js_authority"]),
        (f"membership:{view}", memberships["gd_school"]),
    ):
        if view == "copy" and url_name.startswith("membership"):
            continue  # the same person twice in one institution is refused anyway
        assert client.get(reverse(url_name, args=[row.pk])).status_code == 404, url_name
    assert client.get(reverse("institution:edit", args=[places["js_school"].pk])).status_code == 200
    # The record stays as it was when a post is tried anyway.
    response = client.post(reverse("membership:delete", args=[memberships["gd_school"].pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=memberships["gd_school"].pk).exists()


def test_a_provincial_administrator_cannot_join_another_provinces_education_department(
    client, users, places
):
    province = users["province"]
    client.force_login(province)
    form = client.get(reverse("membership:add")).context["form"]
    offered = set(form.fields["institution"].queryset)
    assert offered == {places["js_school"]}
    response = client.post(
        reverse("membership:add"),
        {"institution": places["gd_authority"].pk, "user": province.pk, "role": "staff"},
    )
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert scope.administered_provinces(province) == ["JS"]


def test_a_provincial_administrator_creates_institutions_only_in_his_province(
    client, users, places
):
    client.force_login(users["province"])
    form = client.get(reverse("institution:add")).context["form"]
    assert [code for code, _label in form.fields["province"].choices] == ["JS"]
    assert "authority" not in [code for code, _label in form.fields["kind"].choices]
    response = client.post(
        reverse("institution:add"),
        {"name": "广东某厅", "code": "", "kind": "authority", "province": "GD"},
    )
    assert response.status_code == 200
    assert {"kind", "province"} <= set(response.context["form"].errors)
    assert not Institution.objects.filter(name="广东某厅").exists()
    client.force_login(users["national"])
    response = client.post(
        reverse("institution:add"),
        {"name": "广东某厅", "code": "", "kind": "authority", "province": "GD"},
    )
    assert response.status_code == 302
    assert Institution.objects.filter(name="广东某厅", kind="authority").exists()


def test_a_provincial_import_keeps_to_the_provinces_institutions(client, users, places):
    places["gd_school"].code = "4144012345"
    places["gd_school"].save()
    rows = [
        ("3132012345", "江苏某职业学院", "学校", "江苏省"),
        ("4144012345", "深圳信息职业技术学院", "学校", "江苏省"),  # another province's, moved
        ("4400000001", "广东省某厅", "教育行政部门", "广东省"),
    ]
    data = tablib.Dataset(*rows, headers=["单位代码", "名称", "类型", "省份"])
    upload = SimpleUploadedFile("units.csv", data.export("csv").encode(), "text/csv")
    client.force_login(users["province"])
    response = client.post("/admin/catalogue/import/", {"kind": "institutions", "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "该单位不在您的管理范围内" in page
    assert "教育行政部门由国家级教材管理员维护" in page and "您只能导入本省的单位" in page
    # Nothing imported, nothing moved.
    assert not Institution.objects.filter(code__in=["3132012345", "4400000001"]).exists()
    assert Institution.objects.get(code="4144012345").province == "GD"


def test_members_are_chosen_by_name_in_a_chooser_only_administrators_open(
    client, users, places, make_user
):
    """A <select> of every account would list tens of thousands of people on each membership
    form, and to anyone who could open it."""
    make_user("zhangwei", roles.AUTHOR, last_name="张", first_name="伟")
    make_user("zhangli", roles.AUTHOR, last_name="张", first_name="丽", is_active=False)
    make_user("wangfang", roles.AUTHOR, last_name="王", first_name="芳")
    client.force_login(users["province"])
    form = client.get(reverse("membership:add")).content.decode()
    assert reverse("person_chooser:choose") in form
    found = client.get(reverse("person_chooser:choose_results"), {"q": "张伟"})
    assert "张伟" in found.content.decode() and "王芳" not in found.content.decode()
    everyone = client.get(reverse("person_chooser:choose_results"), {"q": "张"}).content.decode()
    assert "张伟" in everyone and "张丽" not in everyone  # inactive accounts are not offered
    wei = get_user_model().objects.get(username="zhangwei")
    chosen = client.get(reverse("person_chooser:chosen", args=[wei.pk])).json()
    assert chosen["result"]["title"] == "张伟"
    assert client.get(reverse("person_chooser:chosen", args=["x" * 30])).status_code == 404
    response = client.post(
        reverse("membership:add"),
        {"institution": places["js_school"].pk, "user": wei.pk, "role": "teacher"},
    )
    assert Membership.objects.filter(user=wei, institution=places["js_school"]).exists()
    for role in ("author", "reviewer", "committee"):
        client.force_login(users[role])
        for name in ("choose", "choose_results"):
            response = client.get(reverse(f"person_chooser:{name}"), {"q": "张"})
            assert "张伟" not in response.content.decode(), (role, name)
        assert (
            "张伟"
            not in client.get(reverse("person_chooser:chosen", args=[wei.pk])).content.decode()
        )
