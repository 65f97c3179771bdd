"""Form rendering that browsers depend on, and who the pickers offer."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from textbooks import roles
from workflow.forms import AssignForm, ReplaceForm

from .conftest import due, submitted_case

pytestmark = pytest.mark.django_db


def test_due_date_renders_as_an_iso_date_in_chinese_too(world):
    # <input type="date"> accepts only YYYY-MM-DD; a localized 2026/12/12 shows as empty and
    # the browser refuses to submit the assignment.
    case = submitted_case(world["textbook"], world["users"]["author"])
    with translation.override("zh-hans"):
        html = str(AssignForm(case=case)["due_date"])
    value = re.search(r'value="([^"]+)"', html).group(1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    assert value > timezone.localdate().isoformat()


def options(html):
    """(label, disabled) of each option but the empty one."""
    return [
        (re.sub(r"\s+", " ", label).strip(), "disabled" in attrs)
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", html)
        if 'value=""' not in attrs
    ]


def test_the_reviewer_picker_offers_experts_and_shows_the_recused_disabled_with_why(
    world, make_user, make_institution
):
    u = world["users"]
    textbook = world["textbook"]
    school = make_institution("江苏机电职业技术学院", "school")
    school.members.add(u["author"])
    make_user("zhang", roles.REVIEWER, last_name="张", first_name="伟")
    make_user("li", roles.REVIEWER, institution=school, last_name="李", first_name="娜")
    case = submitted_case(textbook, u["author"])
    with translation.override("zh-hans"):
        offered = options(str(AssignForm(case=case)["reviewer"]))
    names = [label for label, _disabled in offered]
    # Experts only: no author, committee or administrator; family name first.
    assert "张伟" in names and not any(
        n.startswith(("author", "committee", "national")) for n in names
    )
    assert ("李娜（李娜 与该教材的编写人员同在“江苏机电职业技术学院”，须回避。）", True) in offered
    assert ("张伟", False) in offered

    form = AssignForm(
        {"track_kind": "subject", "reviewer": u["reviewer"].pk, "due_date": due()}, case=case
    )
    assert form.is_valid(), form.errors
    li = type(u["author"]).objects.get(username="li")
    form = AssignForm({"track_kind": "subject", "reviewer": li.pk, "due_date": due()}, case=case)
    assert not form.is_valid() and "须回避" in form.errors["reviewer"][0]


def test_replacing_offers_only_experts_of_the_track(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    from workflow import services

    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    with translation.override("zh-hans"):
        html = str(ReplaceForm(track=assignment.track)["reviewer"])
    assert "political" not in html and "reviewer2" in html


def test_the_textbook_form_offers_only_writers_as_editor_in_chief_and_authors(
    world, make_user, client
):
    u = world["users"]
    make_user("wang", roles.AUTHOR, last_name="王", first_name="芳")
    client.force_login(u["national"])
    html = client.get(reverse("textbook:edit", args=[world["textbook"].pk])).content.decode()
    for field in ("editor_in_chief", "authors"):
        select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
        offered = {label for label, _disabled in options(select)}
        assert "王芳" in offered and "author" in offered
        assert not offered & {"reviewer", "political", "committee", "national", "province"}
