"""Administrators' scope: who administers which textbook, in one table."""

import pytest
from django.contrib.auth import get_user_model

from textbooks import roles, scope
from textbooks.models import Institution

pytestmark = pytest.mark.django_db

PROVINCES = ["JS", "GD", ""]  # a Jiangsu textbook, a Guangdong one, one without a province

# who → the textbook provinces he or she administers
TABLE = {
    "national": {"JS", "GD", ""},
    "superuser": {"JS", "GD", ""},
    "jiangsu": {"JS"},
    "guangdong": {"GD"},
    "jiangsu_and_guangdong": {"JS", "GD"},
    # A provincial administrator's province is that of his or her education department; a
    # school in Guangdong does not make a Jiangsu teacher Guangdong's administrator.
    "provincial_without_department": set(),
    "provincial_member_of_a_school": set(),
    # Holding no administrator's role, a department member administers nothing.
    "author_in_a_department": set(),
    "reviewer": set(),
}


@pytest.fixture
def people(make_user, make_institution):
    js = make_institution("江苏省教育厅", "authority", "JS")
    gd = make_institution("广东省教育厅", "authority", "GD")
    school = make_institution("深圳信息职业技术学院", "school", "GD")
    people = {
        "national": make_user("national", roles.NATIONAL_ADMIN),
        "superuser": get_user_model().objects.create_superuser("root", "root@example.org", "pw"),
        "jiangsu": make_user("jiangsu", roles.PROVINCIAL_ADMIN, institution=js),
        "guangdong": make_user("guangdong", roles.PROVINCIAL_ADMIN, institution=gd),
        "jiangsu_and_guangdong": make_user("both", roles.PROVINCIAL_ADMIN, institution=js),
        "provincial_without_department": make_user("lost", roles.PROVINCIAL_ADMIN),
        "provincial_member_of_a_school": make_user(
            "teacher_admin", roles.PROVINCIAL_ADMIN, institution=school
        ),
        "author_in_a_department": make_user("clerk", roles.AUTHOR, institution=js),
        "reviewer": make_user("reviewer", roles.REVIEWER),
    }
    gd.members.add(people["jiangsu_and_guangdong"])
    return people


@pytest.fixture
def chief(make_user):
    return make_user("chief", roles.AUTHOR)


@pytest.fixture
def textbooks(chief, make_textbook):
    return {
        province: make_textbook(chief, province=province, tier="provincial")
        for province in PROVINCES
    }


@pytest.mark.parametrize("who", TABLE)
def test_role_by_textbook_province(people, textbooks, who):
    user = people[who]
    allowed = {p for p, textbook in textbooks.items() if scope.administers(user, textbook)}
    assert allowed == TABLE[who]
    # The queryset form selects exactly what the predicate allows.
    listed = set(scope.administered_textbooks(user).values_list("province", flat=True))
    assert listed == TABLE[who]


@pytest.mark.parametrize("province", PROVINCES)
def test_mail_goes_to_the_administrators_of_the_textbook(people, textbooks, province):
    recipients = {u.username for u in scope.administrators_of(textbooks[province])}
    assert recipients == {people[who].username for who, seen in TABLE.items() if province in seen}


def test_tier_does_not_enter_into_scope(people, make_textbook, chief):
    national_tier = make_textbook(chief, province="JS", tier="national")
    assert scope.administers(people["jiangsu"], national_tier)
    assert not scope.administers(people["guangdong"], national_tier)


def test_the_dashboard_names_the_scope(people):
    assert scope.scope_label(people["national"]) == "全国"
    assert scope.scope_label(people["jiangsu_and_guangdong"]) == "江苏省、广东省"
    Institution.objects.filter(name="江苏省教育厅").get().members.remove(people["jiangsu"])
    assert scope.scope_label(people["jiangsu"]) == ""
