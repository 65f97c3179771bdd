"""Issue 12, problem 6: the textbook page's front matter and the order of its leaves are part
of what is reviewed. The reviewer sees both; the edition publishes the order that was reviewed,
not the page tree as it is when the administrator presses publish."""

import importlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from textbooks.models import TextbookPage, UnitPage
from workflow import services
from workflow.models import CaseKind, CaseState, ReviewCase

from .conftest import SCORES, add_leaf, due, edit_leaf, published_edition, submitted_case


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


def edit_front_matter(textbook, user, **fields):
    page = TextbookPage.objects.get(pk=textbook.page.pk).get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    return page.save_revision(user=user)


def assign(case, users):
    return services.assign_reviewer(
        ReviewCase.objects.get(pk=case.pk),
        user=users["national"],
        reviewer=users["reviewer2"],
        track_kind="subject",
        due_date=due(),
    )


def section(html, element_id):
    match = re.search(rf'<section id="{element_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return match.group(1)


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def contents(client, textbook):
    """The public table of contents, as leaf slugs in order."""
    html = client.get(f"/textbooks/{textbook.slug}/").content.decode()
    return re.findall(rf'href="/textbooks/{textbook.slug}/(unit-\d)/"', html)


def test_problem_6_the_reviewer_sees_the_front_matter_change_and_it_is_published(client, world):
    u, textbook = world["users"], world["textbook"]
    edit_front_matter(textbook, u["author"], overview="<p>第一版简介：数控车削</p>")
    published_edition(textbook, u["author"], u["reviewer"], u["national"])
    edit_front_matter(
        textbook,
        u["author"],
        title="数控车削与五轴加工",
        overview="<p>第二版简介：新增五轴加工</p>",
    )
    # Only the front matter changed: that is a change to review like any other.
    client.force_login(u["author"])
    submit = client.get(reverse("workflow:submit", args=[textbook.pk])).content.decode()
    assert "教材页面也有修改：标题、内容简介。" in submit
    case = submitted_case(textbook, u["author"], CaseKind.MINOR)
    assert not case.pinned_revisions.exists()
    assignment = assign(case, u)

    client.force_login(u["reviewer2"])
    html = client.get(reverse("workflow:review", args=[assignment.pk])).content.decode()
    # The changes first, word by word; the unchanged preface is not listed.
    front = re.sub(r"\s+", "", section(html, "front-matter"))
    old_title = textbook.title.replace(" ", "")
    assert f"<strong>标题</strong>：<del>{old_title}</del><ins>数控车削与五轴加工</ins>" in front
    assert (
        "<strong>内容简介</strong>：<del>第一版</del><ins>第二版</ins>简介："
        "<del>数控车削</del><ins>新增五轴加工</ins>"
    ) in front
    assert "前言" not in text(front).replace("标题、内容简介、前言", "")
    client.post(
        reverse("workflow:review", args=[assignment.pk]),
        {**SCORES, "comment": "同意", "outcome": "pass"},
    )

    client.force_login(u["national"])
    client.post(reverse("workflow:decide", args=[case.pk]))
    client.post(reverse("workflow:publish", args=[case.pk]))
    client.logout()
    page = client.get(f"/textbooks/{textbook.slug}/").content.decode()
    assert "<h1>数控车削与五轴加工</h1>" in page
    assert "第二版简介：新增五轴加工" in page and "第一版简介" not in page


def test_problem_6_the_reviewer_sees_the_order_as_submitted(client, world, root):
    u, textbook = world["users"], world["textbook"]
    add_leaf(textbook, "unit-3", "第一版内容三", u["author"])
    published_edition(textbook, u["author"], u["reviewer"], u["national"])
    third = UnitPage.objects.get(slug="unit-3")
    client.force_login(root)
    client.post(reverse("wagtailadmin_pages:set_page_position", args=[third.pk]) + "?position=0")
    edit_leaf(world["leaves"][1], "第二版内容二", u["author"])
    case = submitted_case(textbook, u["author"], CaseKind.MINOR)
    assignment = assign(case, u)

    client.force_login(u["reviewer2"])
    html = client.get(reverse("workflow:review", args=[assignment.pk])).content.decode()
    order = text(section(html, "leaf-order"))
    assert order.index("单元 unit-3") < order.index("单元 unit-1") < order.index("单元 unit-2")
    assert "单元 unit-3（调整顺序） · 原第 3 个" in order
    assert "单元 unit-2（修改） · 原第 2 个" in order


def test_problem_6_a_reorder_after_approval_waits_for_the_next_review(client, world, root):
    u, textbook = world["users"], world["textbook"]
    published_edition(textbook, u["author"], u["reviewer"], u["national"])
    first, second = world["leaves"]
    edit_leaf(second, "第二版内容二", u["author"])
    case = submitted_case(textbook, u["author"], CaseKind.MINOR)
    services.record_opinion(
        assign(case, u), user=u["reviewer2"], scores=SCORES, comment="同意", outcome="pass"
    )
    client.force_login(u["national"])
    client.post(reverse("workflow:decide", args=[case.pk]))
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.APPROVED

    # After approval, unit-2 is moved before unit-1 in the page tree.
    client.force_login(root)
    client.post(reverse("wagtailadmin_pages:set_page_position", args=[second.pk]) + "?position=0")
    client.force_login(u["national"])
    response = client.post(reverse("workflow:publish", args=[case.pk]), follow=True)
    assert "已发布第 1.1 版" in response.content.decode()

    client.logout()
    assert contents(client, textbook) == ["unit-1", "unit-2"]  # the order that was reviewed
    client.force_login(u["author"])
    submit = client.get(reverse("workflow:submit", args=[textbook.pk])).content.decode()
    assert "单元 unit-2</td><td>调整顺序" in submit  # the next case carries the reorder


# (previous edition, pins as (page, change, position), expected edition order)
ORDERS = [
    ("nothing pinned", [1, 2, 3], [], [1, 2, 3]),
    ("first edition", [], [(1, "added", 0), (2, "added", 1)], [1, 2]),
    ("moved to the front", [1, 2, 3], [(3, "reordered", 0)], [3, 1, 2]),
    ("added in the middle", [1, 2], [(9, "added", 1)], [1, 9, 2]),
    ("changed in place", [1, 2, 3], [(2, "changed", 1)], [1, 2, 3]),
    ("removed, the rest close up", [1, 2, 3], [(1, "removed", 0)], [2, 3]),
    ("removed and added", [1, 2, 3], [(2, "removed", 1), (9, "added", 2)], [1, 3, 9]),
    (
        "swapped and changed",
        [1, 2, 3, 4],
        [(4, "changed", 1), (2, "reordered", 3)],
        [1, 4, 3, 2],
    ),
]


@pytest.mark.parametrize(
    ("previous", "pins", "expected"), [o[1:] for o in ORDERS], ids=[o[0] for o in ORDERS]
)
def test_problem_6_the_edition_order_comes_from_the_pins(previous, pins, expected):
    from workflow.services.changes import reviewed_order

    class Pin:
        def __init__(self, page_id, change_type, position):
            self.page_id, self.change_type, self.position = page_id, change_type, position

    assert reviewed_order(previous, [Pin(*pin) for pin in pins]) == expected


def test_problem_6_an_open_case_pinned_before_the_upgrade_keeps_its_order(world):
    """Cases pinned before positions meant places in the textbook (workflow migration 0005)
    are published in the order they were reviewed in: the page tree's at the upgrade."""
    from django.apps import apps

    migration = importlib.import_module("workflow.migrations.0008_pinned_leaf_positions")
    u, textbook = world["users"], world["textbook"]
    add_leaf(textbook, "unit-3", "第一版内容三", u["author"])
    published_edition(textbook, u["author"], u["reviewer"], u["national"])
    edit_leaf(UnitPage.objects.get(slug="unit-3"), "第二版内容三", u["author"])
    case = submitted_case(textbook, u["author"], CaseKind.MINOR)
    case.pinned_revisions.update(position=0)  # counted among the changed leaves, as before

    migration.place_open_pins(apps, None)

    assert [pin.position for pin in case.pinned_revisions.all()] == [2]
    services.record_opinion(
        assign(case, u), user=u["reviewer2"], scores=SCORES, comment="同意", outcome="pass"
    )
    case = services.decide(ReviewCase.objects.get(pk=case.pk), user=u["national"])
    edition = services.publish(case, user=u["national"])
    assert [row.page.slug for row in edition.leaves.select_related("page")] == [
        "unit-1",
        "unit-2",
        "unit-3",
    ]
