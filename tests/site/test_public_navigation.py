"""What a teacher finds around a page: where it sits (breadcrumbs), the leaves before and after
a leaf in its edition's order, the QR code beside each digital resource, and who made the book."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile

from media.models import ShortLink
from media.services import create_asset
from tests.media.conftest import mp4_bytes
from tests.workflow.conftest import edit_leaf
from textbooks import roles
from textbooks.models import UnitPage
from textbooks.names import display_name
from workflow.models import CaseKind
from workflow.printing import resource_qr

from .conftest import add_leaf

PUBLIC = "https://jiaocai.example.cn"


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def crumbs(page):
    """(label, href or None) of each breadcrumb, and the schema.org positions in order."""
    nav = page.select_one("nav.breadcrumb")
    assert nav is not None, "no breadcrumb"
    assert nav.select_one("[itemtype='https://schema.org/BreadcrumbList']") is not None
    items = nav.select("li[itemprop=itemListElement]")
    positions = [int(li.select_one("meta[itemprop=position]")["content"]) for li in items]
    assert positions == list(range(1, len(items) + 1))
    assert items[-1].get("aria-current") == "page" and items[-1].a is None
    return [(li.get_text(strip=True), li.a["href"] if li.a else None) for li in items]


def leaf_nav(page):
    """{rel: (href, text)} of the previous/next leaf links."""
    return {
        a["rel"][0]: (a["href"], " ".join(a.get_text(" ", strip=True).split()))
        for a in page.select("nav.leaf-nav a")
    }


@pytest.fixture
def three_leaves(users, make_textbook, publish):
    """A textbook of three numbered leaves, published as 1.0; then leaf 2 rewritten and a
    fourth leaf added, published as 1.1."""
    author = users["author"]
    textbook = make_textbook(author, tier="school", title="数控车削编程", slug="turning")
    leaves = []
    for n, title in enumerate(["车床安全操作", "外圆车削", "螺纹车削"], start=1):
        leaf = add_leaf(textbook, f"unit-{n}", f"{title}的内容", author)
        revision = leaf.get_latest_revision_as_object()
        revision.title, revision.number = title, f"项目 {n}"
        revision.save_revision(user=author)
        leaves.append(UnitPage.objects.get(pk=leaf.pk))
    first = publish(textbook)
    edit_leaf(leaves[1], "外圆车削（修订）", author)
    leaves.append(add_leaf(textbook, "unit-4", "切断与切槽", author))
    second = publish(textbook, CaseKind.MINOR, change_categories=["new_process"])
    return {"textbook": textbook, "leaves": leaves, "editions": [first, second]}


def test_a_leaf_links_the_leaves_before_and_after_it_with_their_codes(client, three_leaves):
    leaves = [UnitPage.objects.get(pk=leaf.pk) for leaf in three_leaves["leaves"]]
    assert [leaf.code for leaf in leaves[:3]] == ["1", "2", "3"]

    first = leaf_nav(soup(client, "/textbooks/turning/unit-1/"))
    assert set(first) == {"next"}  # nothing before the first leaf
    assert first["next"] == ("/textbooks/turning/unit-2/", "下一活页 项目 2 外圆车削 活页 2")

    middle = leaf_nav(soup(client, "/textbooks/turning/unit-2/"))
    assert middle["prev"] == ("/textbooks/turning/unit-1/", "上一活页 项目 1 车床安全操作 活页 1")
    assert middle["next"] == ("/textbooks/turning/unit-3/", "下一活页 项目 3 螺纹车削 活页 3")

    # The leaf added in 1.1 comes last in 1.1 …
    last = leaf_nav(soup(client, "/textbooks/turning/unit-4/"))
    assert set(last) == {"prev"}
    assert last["prev"][0] == "/textbooks/turning/unit-3/"
    # … and 1.0, which lacks it, ends at leaf 3, linking within 1.0.
    old = leaf_nav(soup(client, "/textbooks/turning/editions/1.0/unit-3/"))
    assert old == {
        "prev": ("/textbooks/turning/editions/1.0/unit-2/", "上一活页 项目 2 外圆车削 活页 2")
    }


def test_previous_and_next_follow_the_editions_manifest_order(client, three_leaves, users):
    """Reordering leaves in the page tree changes nothing until an edition pins the order."""
    leaves = three_leaves["leaves"]
    leaves[2].move(three_leaves["textbook"].page, pos="first-child")
    nav = leaf_nav(soup(client, "/textbooks/turning/unit-3/"))
    assert nav["prev"][0] == "/textbooks/turning/unit-2/"


@pytest.fixture
def with_video(users, make_textbook, publish, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MEDIA_CDN_BASE_URL = ""
    settings.PUBLIC_BASE_URL = PUBLIC
    author = users["author"]
    textbook = make_textbook(author, tier="school", slug="video-book", is_mixed_media=True)
    asset = create_asset(
        title="G71 循环演示",
        kind="video",
        textbook=textbook,
        user=author,
        fileobj=ContentFile(mp4_bytes("G71"), name="clip.mp4"),
    )
    leaf = UnitPage(
        title="G71 循环",
        slug="g71",
        live=False,
        owner=author,
        body=[
            {"type": "rich_text", "value": "<p>粗车循环</p>"},
            {
                "type": "media_resource",
                "value": {
                    "kind": "video",
                    "asset": asset.pk,
                    "caption": "扫码观看刀具路径",
                    "show_qr_in_print": True,
                },
            },
        ],
    )
    textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=author)
    return {"textbook": textbook, "asset": asset, "edition": publish(textbook)}


def test_each_resource_has_beside_it_the_qr_code_printed_for_its_edition(client, with_video):
    asset, edition = with_video["asset"], with_video["edition"]
    page = soup(client, "/textbooks/video-book/g71/")
    resource = page.select_one(".media-resource")
    figure = resource.select_one("figure.resource-qr")
    short_link = f"{PUBLIC}/r/{ShortLink.for_asset(asset).code}/1.0/"
    # The link it encodes is written under it, and is the edition's short link …
    assert figure.figcaption.a["href"] == short_link
    assert short_link in figure.img["alt"]
    # … and the image is the very code printed beside the resource in 1.0.
    assert figure.img["src"] == resource_qr(asset, edition).image
    assert figure.img["src"].startswith("data:image/svg+xml;base64,")
    # The old edition's page shows the code of its own edition.
    old = soup(client, "/textbooks/video-book/editions/1.0/g71/")
    assert old.select_one("figure.resource-qr a")["href"] == short_link


def test_the_textbook_page_names_who_made_it(client, users, make_textbook, make_user, publish):
    school = _institution("江苏机电职业技术学院", "school")
    company = _institution("华数数控机床有限公司", "enterprise")
    press = _institution("高等教育出版社", "publisher")
    chief = users["author"]  # who submits in ``publish``
    chief.first_name, chief.last_name = "伟", "张"
    chief.save()
    co_author = make_user("co", roles.AUTHOR, first_name="芳", last_name="李")
    foreign = make_user("smith", roles.AUTHOR, first_name="John", last_name="Smith")
    textbook = make_textbook(
        chief,
        slug="credits",
        authors=[chief, co_author, foreign],
        co_developers=[school, company],
        publisher=press,
    )
    add_leaf(textbook, "unit-1", "内容", chief)
    publish(textbook)
    page = soup(client, "/textbooks/credits/")
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in page.select("dl.facts dt")
    }
    assert facts["主编"] == "张伟"
    assert facts["编写人员"] == "李芳、John Smith"  # the editor-in-chief is not listed twice
    assert facts["合作开发学校"] == "江苏机电职业技术学院"
    assert facts["合作开发企业"] == "华数数控机床有限公司"
    assert facts["出版社"] == "高等教育出版社"
    assert "校企双元" in page.select_one(".badges").get_text()


def _institution(name, kind):
    from textbooks.models import Institution

    return Institution.objects.create(name=name, kind=kind, province="JS")


@pytest.mark.parametrize(
    ("first", "last", "username", "shown"),
    [
        ("伟", "张", "zhangwei", "张伟"),
        ("", "欧阳", "ouyang", "欧阳"),
        ("John", "Smith", "smith", "John Smith"),
        ("", "", "reviewer7", "reviewer7"),
    ],
)
def test_names_are_shown_family_name_first_for_chinese_names(
    make_user, first, last, username, shown
):
    assert display_name(make_user(username, first_name=first, last_name=last)) == shown


def test_every_public_page_says_where_it_sits(client, three_leaves):
    home, catalogue = ("首页", "/"), ("教材目录", "/textbooks/")
    book = ("数控车削编程", "/textbooks/turning/")
    editions = ("版次沿革", "/textbooks/turning/editions/")
    old = ("第 1.0 版", "/textbooks/turning/editions/1.0/")
    expected = {
        "/textbooks/": [home, ("教材目录", None)],
        "/textbooks/turning/": [home, catalogue, ("数控车削编程", None)],
        "/textbooks/turning/unit-2/": [home, catalogue, book, ("项目 2 外圆车削", None)],
        "/textbooks/turning/editions/": [home, catalogue, book, ("版次沿革", None)],
        "/textbooks/turning/editions/1.0/": [home, catalogue, book, editions, ("第 1.0 版", None)],
        "/textbooks/turning/editions/1.0/unit-2/": [
            home,
            catalogue,
            book,
            editions,
            old,
            ("项目 2 外圆车削", None),
        ],
        "/textbooks/turning/editions/1.0/compare/1.1/": [
            home,
            catalogue,
            book,
            editions,
            ("第 1.0 版 → 第 1.1 版", None),
        ],
        "/textbooks/turning/editions/1.0/unit-2/errata/": [
            home,
            catalogue,
            book,
            editions,
            old,
            ("项目 2 外圆车削", "/textbooks/turning/editions/1.0/unit-2/"),
            ("报告错误", None),
        ],
        "/textbooks/turning/editions/1.1/unit-2/errata/": [
            home,
            catalogue,
            book,
            ("项目 2 外圆车削", "/textbooks/turning/unit-2/"),
            ("报告错误", None),
        ],
        "/search/": [home, ("教材检索", None)],
        "/search/?q=车削": [home, ("教材检索", "/search/"), ("车削", None)],
    }
    for url, trail in expected.items():
        assert crumbs(soup(client, url)) == trail, url


def test_the_editions_list_reads_every_edition_newest_first(client, three_leaves):
    page = soup(client, "/textbooks/turning/editions/")
    assert page.h1.get_text(strip=True) == "数控车削编程"
    heads = [h.get_text(" ", strip=True) for h in page.select(".editions .edition-head strong")]
    assert heads == ["第 1.1 版", "第 1.0 版"]
    assert (
        page.select_one("a.what-changed")["href"] == "/textbooks/turning/editions/1.0/compare/1.1/"
    )


def test_a_textbook_without_an_edition_has_no_editions_list(client, users, make_textbook):
    make_textbook(users["author"], slug="unpublished")
    assert client.get("/textbooks/unpublished/editions/").status_code == 404
    assert client.get("/textbooks/no-such-book/editions/").status_code == 404


def test_the_home_page_needs_no_breadcrumb(client, three_leaves):
    assert soup(client, "/").select_one("nav.breadcrumb") is None
    assert re.search("首页", soup(client, "/").title.get_text()) is None
