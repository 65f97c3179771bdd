"""Teachers find the right book from the school: its public page lists the filed selections
per course, linking to the current edition; the textbook page counts the schools."""

from django.urls import reverse

from tests.workflow.conftest import published_edition
from tests.workflow.selection import draft, filed, one_reviewer, publish, school_world
from workflow.services import selection

__all__ = ["one_reviewer", "school_world"]


def test_a_schools_filed_selection_links_each_course_to_the_current_edition(
    client, school_world, make_textbook
):
    textbook = school_world["textbook"]
    plan = filed(school_world, draft(school_world))
    school_url = reverse("schools:detail", args=[school_world["school"].pk])
    page = client.get(school_url).content.decode()
    assert school_world["course"].name in page
    assert reverse("editions:detail", args=[textbook.slug, "1.0"]) in page
    assert plan.term_label in page
    assert client.get(reverse("schools:list")).content.decode().count(school_url) == 1

    counted = client.get(textbook.page.url).content.decode()
    assert f"{plan.term_label}：1 所学校选用" in counted
    # Another textbook nobody selected says so.
    other = make_textbook(school_world["users"]["author"])
    publish(other, school_world["users"])
    assert f"{plan.term_label}：0 所学校选用" in client.get(other.page.url).content.decode()


def test_after_a_new_edition_the_school_page_links_to_it(client, school_world):
    from tests.workflow.conftest import edit_leaf

    u, textbook = school_world["users"], school_world["textbook"]
    filed(school_world, draft(school_world))
    edit_leaf(textbook.page.get_children().first().specific, "第二版内容", u["author"])
    published_edition(textbook, u["author"], u["reviewer"], u["national"], kind="minor")
    page = client.get(reverse("schools:detail", args=[school_world["school"].pk])).content.decode()
    assert reverse("editions:detail", args=[textbook.slug, "1.1"]) in page
    assert "选用时为第 1.0 版" in page


def test_a_plan_under_notice_is_public_and_drafts_are_not(client, school_world):
    plan = draft(school_world)
    url = reverse("schools:detail", args=[school_world["school"].pk])
    assert "教材选用公示" not in client.get(url).content.decode()
    from tests.workflow.selection import approved

    selection.start_notice(approved(school_world, plan), user=school_world["committee"][0])
    page = client.get(url).content.decode()
    assert "教材选用公示" in page and school_world["course"].name in page


def test_an_institution_that_is_not_a_school_has_no_school_page(client, school_world):
    from textbooks.models import Institution

    authority = Institution.objects.get(name="江苏省教育厅")
    assert client.get(reverse("schools:detail", args=[authority.pk])).status_code == 404
    assert client.get("/schools/0/").status_code == 404


def test_a_teacher_reaches_the_schools_from_every_page_and_finds_the_way_back(client, school_world):
    """/schools/ was linked from nowhere and the school list had no breadcrumb."""
    filed(school_world, draft(school_world))
    home = client.get("/").content.decode()
    assert f'href="{reverse("schools:list")}"' in home
    school = school_world["school"]
    listing = client.get(reverse("schools:list")).content.decode()
    assert 'aria-label="位置"' in listing and 'aria-current="page"' in listing
    page = client.get(reverse("schools:detail", args=[school.pk])).content.decode()
    trail = page[
        page.index('class="breadcrumb"') : page.index("</nav>", page.index('class="breadcrumb"'))
    ]
    assert "首页" in trail and "学校教材选用" in trail and school.name in trail
