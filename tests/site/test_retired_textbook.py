"""A textbook retired by an administrator, as teachers and programs see it: retired, with its
successor, its last edition still readable and archived, after live textbooks in search."""

import pytest

from cms.search import service
from workflow.models import EditionArchive
from workflow.services import retirement

from .conftest import add_leaf


@pytest.fixture
def fresh_storage(settings, tmp_path):
    """Archives are write-once: each test writes its own (not a previous run's)."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def retired(fresh_storage, users, cnc, make_textbook, publish, django_capture_on_commit_callbacks):
    successor = make_textbook(
        users["author"], tier="school", title="数控铣削编程（第二版）", slug="cnc-milling-2"
    )
    add_leaf(successor, "unit-1", "新教材", users["author"])
    publish(successor)
    proposal = retirement.propose(
        cnc["textbook"],
        user=users["national"],
        reason="superseded",
        note="专业目录调整，由新规划教材替代",
    )
    with django_capture_on_commit_callbacks(execute=True):
        retirement.retire(proposal, user=users["national"], reason="规划调整", successor=successor)
    return {**cnc, "successor": successor}


def test_the_textbook_page_says_retired_and_links_the_successor(client, retired):
    html = client.get("/textbooks/cnc-milling/").content.decode()
    assert "本教材已退出目录，不能再选用。" in html
    assert '替代教材：<a href="/textbooks/cnc-milling-2/">数控铣削编程（第二版）</a>' in html
    # The last edition stays readable, and archived.
    assert "第 1.1 版" in html
    assert client.get("/textbooks/cnc-milling/unit-2/").status_code == 200
    assert client.get("/textbooks/cnc-milling/editions/1.1/").status_code == 200
    archive = EditionArchive.objects.get(textbook=retired["textbook"], version="1.1")
    assert archive.completed_at is not None


def test_the_api_gives_the_status_and_the_successor(client, retired):
    body = client.get("/api/v1/textbooks/cnc-milling/").json()
    assert body["status"] == {"code": "retired", "label": "已退出"}
    assert body["successor"] == {
        "slug": "cnc-milling-2",
        "title": "数控铣削编程（第二版）",
        "url": "http://testserver/api/v1/textbooks/cnc-milling-2/",
    }
    successor = client.get("/api/v1/textbooks/cnc-milling-2/").json()
    assert successor["status"]["code"] == "in_use" and successor["successor"] is None


def test_search_ranks_it_after_live_textbooks(retired):
    results = service.search("数控铣削编程")
    assert [hit.slug for hit in results.hits] == ["cnc-milling-2", "cnc-milling"]
    assert [hit.status for hit in results.hits] == ["in_use", "retired"]


@pytest.fixture
def retired_unpublished(users, cnc, make_textbook, django_capture_on_commit_callbacks):
    """Retired before any edition of it was published (as in the demo): no page to keep."""
    old = make_textbook(
        users["author"], tier="school", title="数控车削（2019 版）", slug="cnc-2019"
    )
    proposal = retirement.propose(
        old, user=users["national"], reason="author_conduct", note="主编张某学术不端，已查实"
    )
    with django_capture_on_commit_callbacks(execute=True):
        retirement.retire(
            proposal, user=users["national"], reason="撤销张某主编资格", successor=cnc["textbook"]
        )
    return old


def test_an_old_link_to_a_retired_textbook_says_it_left_when_why_and_what_replaces_it(
    client, retired_unpublished
):
    from django.utils import timezone

    for url in ("/textbooks/cnc-2019/", "/textbooks/cnc-2019/unit-1/"):
        response = client.get(url)
        assert response.status_code == 410, url
        html = response.content.decode()
        assert f"本教材已于 {timezone.localdate():%Y-%m-%d} 退出教材目录，不再供选用。" in html
        assert "退出原因：教材编写人员方面的原因。" in html
        assert "张某" not in html  # the case's own words stay in the case
        assert '替代教材：<a href="/textbooks/cnc-milling/">' in html
    # Not back in the catalogue: search and the API still do not know it.
    assert client.get("/api/v1/textbooks/cnc-2019/").status_code == 404
    assert "cnc-2019" not in client.get("/search/", {"q": "数控车削"}).content.decode()
    # Other unknown addresses are still plain 404s.
    assert client.get("/textbooks/no-such-book/").status_code == 404


def test_in_english_the_gone_page_speaks_english(client, retired_unpublished):
    response = client.get("/textbooks/cnc-2019/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "This textbook left the catalogue on" in response.content.decode()


def test_with_debug_on_as_in_make_demo_the_gone_page_still_answers(
    client, settings, retired_unpublished
):
    """Django's debug 404 page never reaches handler404: the 410 does not depend on it."""
    settings.DEBUG = True
    response = client.get("/textbooks/cnc-2019/unit-1/")
    assert response.status_code == 410
    assert "替代教材" in response.content.decode()
