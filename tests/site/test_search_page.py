"""The catalogue search page: facets combine, counts keep the other selections, each result
shows its current edition and badges, and empty or relaxed results are explained."""

import re

import pytest
from bs4 import BeautifulSoup
from django.utils.timezone import localdate

from textbooks.models import Course

from .conftest import add_leaf


def option(html, key, value):
    """(checked, count) of one facet checkbox as rendered."""
    match = re.search(
        rf'name="{key}" value="{value}"( checked)?> [^<]*'
        r'<span class="count">\((\d+)\)</span>',
        html,
    )
    assert match, f"no option {key}={value}"
    return bool(match.group(1)), int(match.group(2))


def titles(html):
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


@pytest.fixture
def catalogue(users, make_textbook, make_institution, course, publish):
    """Three published textbooks and one draft:
    CNC (national, professional, co-developed), NURSING (school, professional),
    CHINESE (national, public basic); the draft is national and professional."""
    chinese_course = Course.objects.create(name="语文", course_type="public_basic")
    partners = [
        make_institution("江苏机电职业技术学院", "school"),
        make_institution("华数数控机床有限公司", "enterprise"),
    ]
    specs = {
        "cnc": dict(title="数控车削编程", tier="national", co_developers=partners),
        "nursing": dict(title="数控护理设备", tier="school"),
        "chinese": dict(title="语文基础", tier="national", courses=[chinese_course]),
    }
    made = {}
    for key, fields in specs.items():
        made[key] = make_textbook(users["author"], slug=key, **fields)
        add_leaf(made[key], "unit-1", f"{fields['title']}的内容", users["author"])
        publish(made[key])
    draft = make_textbook(users["author"], slug="draft", title="数控草稿教材", tier="national")
    add_leaf(draft, "unit-1", "草稿", users["author"])
    return made


def test_no_filter_lists_every_published_textbook_and_no_draft(client, catalogue):
    html = client.get("/search/").content.decode()
    assert "共 3 种教材" in html
    assert sorted(titles(html)) == sorted(["数控车削编程", "数控护理设备", "语文基础"])
    assert "数控草稿教材" not in html
    assert option(html, "tier", "national") == (False, 2)
    assert option(html, "course_type", "professional") == (False, 2)


def test_facets_combine_and_counts_keep_the_other_selections(client, catalogue):
    html = client.get("/search/", {"tier": "national"}).content.decode()
    assert sorted(titles(html)) == ["数控车削编程", "语文基础"]
    # Its own facet still counts as if unselected; the others count within national.
    assert option(html, "tier", "national") == (True, 2)
    assert option(html, "tier", "school") == (False, 1)
    assert option(html, "course_type", "professional") == (False, 1)
    assert option(html, "course_type", "public_basic") == (False, 1)

    html = client.get(
        "/search/", {"tier": "national", "course_type": "professional"}
    ).content.decode()
    assert titles(html) == ["数控车削编程"]
    assert option(html, "tier", "national") == (True, 1)
    assert option(html, "tier", "school") == (False, 1)  # school ∧ professional: nursing
    assert option(html, "course_type", "professional") == (True, 1)
    assert option(html, "co_developed", "true") == (False, 1)

    # Two values of one facet are alternatives.
    html = client.get("/search/", {"tier": ["national", "school"], "q": "数控"}).content.decode()
    assert sorted(titles(html)) == ["数控护理设备", "数控车削编程"]


def test_a_result_shows_its_current_edition_and_badges(client, catalogue):
    html = client.get("/search/", {"q": "数控车削"}).content.decode()
    hit = html[html.index('<article class="card hit">') :]
    hit = hit[: hit.index("</article>")]
    edition = catalogue["cnc"].editions.get()
    # The date teachers read is the local (Asia/Shanghai) one, a day after UTC's after 16:00.
    assert f"现行第 1.0 版（{localdate(edition.published_at):%Y-%m-%d} 发布）" in hit
    assert "国家规划教材" in hit and "校企双元" in hit and "近期修订" in hit


def test_an_empty_result_is_explained(client, catalogue):
    html = client.get(
        "/search/", {"tier": "school", "course_type": "public_basic"}
    ).content.decode()
    assert "共 0 种教材" in html and "没有找到符合条件的教材。" in html
    assert "当前筛选条件组合下没有教材" in html
    assert "清除筛选" in html
    html = client.get("/search/", {"q": "量子力学"}).content.decode()
    assert "请检查是否有错别字" in html and "当前筛选条件组合下没有教材" not in html


def test_a_search_that_finds_nothing_says_so_and_suggests_the_nearest_titles(client, catalogue):
    """Neither word is in any textbook: no "partial results" heading above nothing, no facet
    counting zero, but what to try and the titles sharing characters with the query."""
    response = client.get("/search/", {"q": "编车 工艺"})
    page = BeautifulSoup(response.content, "html.parser")
    assert "共 0 种教材" in page.select_one(".search-summary").get_text()
    assert page.select(".notice-relaxed") == []
    assert "以下为包含部分检索词的结果" not in response.content.decode()
    notice = page.select_one(".notice-empty").get_text(" ", strip=True)
    assert "没有找到与“编车 工艺”相符的教材。" in notice and "可以试试" in notice
    assert "请检查是否有错别字" in notice
    # The nearest title shares 编 and 车 with the query; nothing else shares two.
    assert [(a.get_text(), a["href"]) for a in page.select(".nearest a")] == [
        ("数控车削编程", "/textbooks/cnc/")
    ]
    assert page.select(".facets") == [] and "(0)" not in page.get_text()


def test_a_selected_filter_that_leaves_nothing_stays_tickable_and_zero_options_go(
    client, catalogue
):
    page = BeautifulSoup(
        client.get("/search/", {"q": "语文", "tier": "school"}).content, "html.parser"
    )
    options = {
        (box["name"], box["value"]): (box.has_attr("checked"), box.parent.get_text(strip=True))
        for box in page.select(".facets input[type=checkbox]")
    }
    # The ticked school tier finds nothing: it stays, with (0), so that it can be unticked;
    # the national tier (counted without the tier's own selection) has 语文基础; every other
    # option would count 0 within the school tier and is not offered.
    assert options == {
        ("tier", "school"): (True, "校本教材(0)"),
        ("tier", "national"): (False, "国家规划教材(1)"),
    }
    assert "清除全部筛选条件" in page.select_one(".notice-empty").get_text()
    assert [a.get_text() for a in page.select(".nearest a")] == ["语文基础"]


def test_facets_keep_a_submit_button_for_browsers_without_javascript(client, catalogue):
    page = BeautifulSoup(client.get("/search/", {"q": "数控"}).content, "html.parser")
    button = page.select_one(".facets button.facet-apply[type=submit]")
    assert button is not None and not button.has_attr("hidden")
    assert page.select(".facets input[onchange]") == []  # the script adds the behaviour


def test_a_relaxed_result_is_explained(client, catalogue):
    html = client.get("/search/", {"q": "护理 量子"}).content.decode()
    assert "没有同时包含所有检索词的教材，以下为包含部分检索词的结果" in html
    assert titles(html) == ["数控护理设备"]
