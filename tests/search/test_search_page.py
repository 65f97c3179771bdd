"""The public search page: anyone may search; it shows published textbooks only."""

import pytest

from tests.conftest import VISITORS

pytestmark = pytest.mark.usefixtures("database_only")


@pytest.fixture
def catalogue(make_textbook, users, published_textbook):
    published = published_textbook("量子计算导论")
    draft = make_textbook(users["author"], title="量子通信草稿")
    return published, draft


@pytest.mark.parametrize("role", VISITORS)
def test_every_visitor_finds_published_textbooks_and_no_drafts(client, users, catalogue, role):
    published, draft = catalogue
    if role:
        client.force_login(users[role])
    response = client.get("/search/", {"q": "量子"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "共 1 种教材" in html
    assert published.title in html and f'href="/textbooks/{published.slug}/"' in html
    assert draft.title not in html


def test_facet_selection_keeps_the_page_working(client, catalogue):
    response = client.get("/search/", {"q": "量子", "tier": "school"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="tier" value="school" checked' in html
    assert "共 1 种教材" in html
    response = client.get("/search/", {"q": "量子", "tier": "national"})
    assert "没有找到符合条件的教材。" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999"])
def test_a_bad_page_number_is_a_bad_request_that_says_so(client, catalogue, page):
    response = client.get("/search/", {"q": "量子", "page": page})
    assert response.status_code == 400
    assert "参数 page 有误：须为 1 至 1000000 之间的整数。" in response.content.decode()


def test_the_catalogue_index_lists_published_textbooks_a_page_at_a_time(client, catalogue):
    published, draft = catalogue
    response = client.get("/textbooks/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "共 1 种教材" in html
    assert published.title in html and draft.title not in html
    response = client.get("/textbooks/", {"page": "x"})
    assert response.status_code == 400
    assert "参数 page 有误" in response.content.decode()
