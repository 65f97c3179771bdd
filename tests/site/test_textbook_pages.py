"""The textbook page, leaf pages and old editions as teachers read them (no login needed)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localdate

from tests.conftest import VISITORS
from workflow.models import CaseKind, LifecycleState, TextbookLifecycle

from .conftest import add_leaf, edit_leaf


@pytest.mark.parametrize("role", VISITORS)
def test_every_visitor_reads_every_public_page(client, users, cnc, role):
    if role:
        client.force_login(users[role])
    for url in [
        "/",
        "/search/",
        "/textbooks/",
        "/textbooks/cnc-milling/",
        "/textbooks/cnc-milling/unit-2/",
        "/textbooks/cnc-milling/editions/1.0/",
        "/textbooks/cnc-milling/editions/1.0/unit-2/",
        "/textbooks/cnc-milling/editions/1.0/compare/1.1/",
    ]:
        assert client.get(url).status_code == 200, url


def test_textbook_page_lists_the_current_edition_and_its_history(client, cnc):
    html = client.get("/textbooks/cnc-milling/").content.decode()
    assert "现行版次" in html and "第 1.1 版" in html
    # The manifest of 1.1, in order, linked to the live leaf URLs.
    assert html.index('href="/textbooks/cnc-milling/unit-1/"') < html.index(
        'href="/textbooks/cnc-milling/unit-2/"'
    )
    # History: newest first, each with its date, summary, categories and links.
    history = html[html.index("版次沿革") :]
    assert history.index("第 1.1 版") < history.index("第 1.0 版")
    first, second = cnc["editions"]
    assert localdate(second.published_at).isoformat() in history  # the local day, as shown
    assert "修订说明" in history and "修订类别：新工艺" in history
    assert 'href="/textbooks/cnc-milling/editions/1.0/"' in history
    assert 'href="/textbooks/cnc-milling/editions/1.1/"' in history
    assert 'href="/textbooks/cnc-milling/editions/1.0/compare/1.1/"' in history
    assert "与第 1.0 版相比改了什么" in history
    # The first edition has no predecessor, hence no comparison link of its own.
    assert history.count("/compare/") == 1
    assert "近期修订" in html


def test_leaf_pages_show_their_edition_and_old_ones_point_to_the_current(client, cnc):
    live = client.get("/textbooks/cnc-milling/unit-2/").content.decode()
    assert "第二版：轮廓铣削与刀具半径补偿" in live
    assert "第 1.1 版（" in live and "您正在阅读旧版" not in live
    assert 'href="/textbooks/cnc-milling/"' in live  # breadcrumb back to the textbook

    old = client.get("/textbooks/cnc-milling/editions/1.0/unit-2/").content.decode()
    assert "第一版：轮廓铣削" in old and "刀具半径补偿" not in old
    assert "您正在阅读旧版（第 1.0 版）" in old
    assert 'href="/textbooks/cnc-milling/unit-2/"' in old  # the same leaf, current edition
    assert "阅读本单元的现行版（第 1.1 版）" in old
    assert 'href="/textbooks/cnc-milling/editions/1.0/compare/1.1/"' in old


def test_an_unknown_leaf_or_edition_is_not_found(client, cnc):
    assert client.get("/textbooks/cnc-milling/editions/1.0/no-such-leaf/").status_code == 404
    assert client.get("/textbooks/cnc-milling/editions/9.9/").status_code == 404
    assert client.get("/textbooks/cnc-milling/editions/latest/").status_code == 404


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (LifecycleState.SUSPENDED, "本教材已暂停使用，请勿新选用。"),
        (LifecycleState.RETIRED, "本教材已退出目录，不能再选用。"),
    ],
)
def test_suspended_or_retired_textbook_says_so_and_links_its_successor(
    client, users, cnc, make_textbook, publish, state, message
):
    successor = make_textbook(users["author"], tier="school", title="数控铣削编程（第二版）")
    add_leaf(successor, "unit-1", "新教材", users["author"])
    publish(successor)
    # Suspension and retirement are decided elsewhere; the page only reads the state.
    TextbookLifecycle.objects.filter(textbook=cnc["textbook"]).update(
        state=state, successor=successor
    )
    html = client.get("/textbooks/cnc-milling/").content.decode()
    assert message in html
    assert f'替代教材：<a href="/textbooks/{successor.slug}/">{successor.title}</a>' in html


def test_retired_textbook_without_a_published_successor_has_no_successor_link(
    client, users, cnc, make_textbook
):
    unpublished = make_textbook(users["author"], tier="school", title="尚未发布的替代教材")
    TextbookLifecycle.objects.filter(textbook=cnc["textbook"]).update(
        state=LifecycleState.RETIRED, successor=unpublished
    )
    html = client.get("/textbooks/cnc-milling/").content.decode()
    assert "本教材已退出目录" in html
    assert "替代教材" not in html and unpublished.title not in html


def test_a_textbook_in_use_shows_no_notice(client, cnc):
    html = client.get("/textbooks/cnc-milling/").content.decode()
    assert 'role="alert"' not in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_textbook_page_queries_do_not_grow_with_leaves_or_editions(
    client, users, cnc, make_textbook, publish, django_assert_max_num_queries
):
    small = _queries(client, "/textbooks/cnc-milling/")  # 2 leaves, 2 editions
    big = make_textbook(users["author"], tier="school", title="大型活页教材", slug="big")
    for n in range(20):
        add_leaf(big, f"unit-{n}", f"内容 {n}", users["author"])
    publish(big)
    for _ in range(3):  # more editions than the small textbook has
        edit_leaf(big.page.get_children().first(), "修订内容", users["author"])
        publish(big, CaseKind.MINOR)
    with django_assert_max_num_queries(small):
        client.get("/textbooks/big/")
