"""Bad catalogue input is refused with a message naming the field and the reason; nothing
half-created is left behind."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from textbooks.models import CatalogueIndexPage, Major, Textbook, TextbookPage, UnitPage
from textbooks.validators import validate_isbn13

pytestmark = pytest.mark.django_db


def test_isbn_with_a_wrong_check_digit_is_refused_naming_the_right_digit():
    with pytest.raises(ValidationError) as excinfo:
        validate_isbn13("978-7-111-72345-0")
    assert "校验位错误" in excinfo.value.messages[0]
    assert "应为 5" in excinfo.value.messages[0]


def test_isbn_with_hyphens_and_a_right_check_digit_is_accepted_and_normalised(users, make_textbook):
    textbook = make_textbook(users["author"], isbn="978-7-111-72345-5")
    assert textbook.isbn == "9787111723455"


def test_textbook_with_a_bad_isbn_is_not_created_and_leaves_no_page(users, make_textbook):
    with pytest.raises(ValidationError) as excinfo:
        make_textbook(users["author"], isbn="9787111723450")
    assert "isbn" in excinfo.value.message_dict
    assert not Textbook.objects.exists()
    assert not TextbookPage.objects.exists()


def test_duplicate_major_code_is_refused_on_the_code_field():
    Major.objects.create(
        code="460103", name="数控技术", category="装备制造大类", level="higher_associate"
    )
    duplicate = Major(
        code="460103", name="数控技术（重复）", category="装备制造大类", level="higher_associate"
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert excinfo.value.message_dict["code"] == ["该专业代码已存在。"]


def test_major_code_must_be_six_digits():
    with pytest.raises(ValidationError) as excinfo:
        Major(code="4601", name="x", category="y", level="secondary").full_clean()
    assert "6 位数字" in excinfo.value.message_dict["code"][0]


def test_textbook_needs_at_least_one_form(users, make_textbook):
    with pytest.raises(ValidationError) as excinfo:
        make_textbook(users["author"], is_loose_leaf=False)
    assert "至少选择一种教材形态" in str(excinfo.value)
    assert not Textbook.objects.exists()


def test_unit_page_outside_a_textbook_page_is_refused_with_a_clear_message():
    catalogue = CatalogueIndexPage.objects.get()
    with pytest.raises(ValidationError) as excinfo:
        catalogue.add_child(instance=UnitPage(title="孤立的单元", slug="orphan"))
    assert "只能放在教材页面之下" in str(excinfo.value)
    assert not UnitPage.objects.exists()


def test_page_type_rules():
    assert UnitPage.allowed_parent_page_models() == [TextbookPage]
    assert TextbookPage.allowed_parent_page_models() == [CatalogueIndexPage]
    # Textbook pages are only ever created with their Textbook, never from "add page".
    assert not TextbookPage.can_create_at(CatalogueIndexPage.objects.get())


def test_enterprise_without_a_school_is_not_co_developed(users, make_textbook, make_institution):
    enterprise = make_institution("华数数控机床有限公司", "enterprise")
    school = make_institution("江苏机电职业技术学院", "school")
    enterprise_only = make_textbook(users["author"], co_developers=[enterprise])
    both = make_textbook(users["author"], co_developers=[enterprise, school])

    assert not enterprise_only.is_co_developed
    assert both.is_co_developed
    assert list(Textbook.objects.co_developed()) == [both]


def test_textbook_and_its_page_are_created_together_or_not_at_all(users, make_textbook):
    # A page already holds the slug the textbook's page would take: page creation fails,
    # and the Textbook row must go with it.
    catalogue = CatalogueIndexPage.objects.get()
    catalogue.add_child(instance=Page(title="占位", slug="clash"))
    with pytest.raises(ValidationError) as excinfo:
        make_textbook(users["author"], slug="clash")
    assert "slug" in excinfo.value.message_dict
    assert not Textbook.objects.filter(slug="clash").exists()


def test_created_textbook_has_exactly_one_draft_page_under_the_catalogue(users, make_textbook):
    textbook = make_textbook(users["author"])
    page = textbook.page
    assert page.get_parent().specific_class is CatalogueIndexPage
    assert not page.live
    assert page.latest_revision is not None
