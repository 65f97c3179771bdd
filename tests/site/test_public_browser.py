"""In a real browser: a teacher walks from the catalogue to a leaf, on to the next leaf, back
to the old edition and to what changed; every public page passes axe-core (no serious or
critical violation); the QR code on screen scans to the edition's short link; facets apply
on change with JavaScript and with the button without it."""

import io

import pytest
from PIL import Image

from tests.browser_helpers import assert_accessible
from tests.conftest import requires_browser

pytestmark = requires_browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def crumbs(page):
    return page.locator("nav.breadcrumb li").all_inner_texts()


def test_teacher_walks_catalogue_textbook_leaf_next_leaf_old_edition_and_comparison(
    live_demo, browser, screenshots
):
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")

    # The catalogue.
    page.goto(f"{live_demo}/textbooks/")
    assert crumbs(page) == ["首页", "教材目录"]
    assert_accessible(page)
    screenshots(page, "catalogue")

    # The textbook: who made it, its leaves.
    page.click(".hit h3 a:has-text('数控机床编程与操作（活页式）')")
    page.wait_for_url("**/textbooks/cnc-programming/")
    assert crumbs(page) == ["首页", "教材目录", "数控机床编程与操作（活页式）"]
    facts = page.locator("dl.facts").inner_text()
    for label in ("主编", "编写人员", "合作开发学校", "合作开发企业", "出版社"):
        assert label in facts, label
    assert "伟 张" not in facts  # family name first
    assert_accessible(page)
    screenshots(page, "textbook")

    # A leaf, then the next one in the edition's order.
    page.click(".leaves a:has-text('外圆粗车循环 G71 编程')")
    page.wait_for_url("**/textbooks/cnc-programming/unit-2-g71/")
    assert crumbs(page)[-1] == "项目 2 外圆粗车循环 G71 编程"
    prev, following = page.locator("nav.leaf-nav a[rel=prev]"), page.locator("a[rel=next]")
    assert "项目 1 数控车床安全操作与日常保养" in prev.inner_text()
    assert "活页 3" in following.inner_text()
    # The resource's QR code is beside it and scans to this edition's short link.
    qr = page.locator(".media-resource figure.resource-qr img").first
    assert qr.is_visible()
    link = page.locator(".media-resource figure.resource-qr a").first.get_attribute("href")
    assert link.startswith(f"{live_demo}/r/") and link.endswith("/1.1/")
    assert scan(qr) == link
    assert_accessible(page)
    screenshots(page, "leaf")

    following.click()
    page.wait_for_url("**/textbooks/cnc-programming/unit-3-threads/")
    assert "螺纹车削与检测" in page.locator("h1").inner_text()
    assert page.locator("a[rel=next]").count() == 0  # the last leaf of 1.1
    assert "外圆粗车循环 G71 编程" in page.locator("a[rel=prev]").inner_text()
    assert_accessible(page)
    screenshots(page, "next-leaf")

    # The old edition, reached from the textbook's history.
    page.click(".breadcrumb a:has-text('数控机床编程与操作（活页式）')")
    page.click(".history a:has-text('阅读第 1.0 版')")
    page.wait_for_url("**/textbooks/cnc-programming/editions/1.0/")
    assert crumbs(page) == [
        "首页",
        "教材目录",
        "数控机床编程与操作（活页式）",
        "版次沿革",
        "第 1.0 版",
    ]
    assert_accessible(page)
    screenshots(page, "old-edition")

    # A leaf of the old edition: its neighbours stay in 1.0; its QR code is 1.0's.
    page.click(".leaves a:has-text('外圆粗车循环 G71 编程')")
    page.wait_for_url("**/editions/1.0/unit-2-g71/")
    assert page.locator(".notice-old").is_visible()
    assert page.locator("a[rel=next]").get_attribute("href") == (
        "/textbooks/cnc-programming/editions/1.0/unit-3-threads/"
    )
    old_qr = page.locator(".media-resource figure.resource-qr img").first
    assert scan(old_qr).endswith("/1.0/")
    assert_accessible(page)
    screenshots(page, "old-leaf")

    # What changed since.
    page.click(".notice-old a:has-text('看看改了什么')")
    page.wait_for_url("**/editions/1.0/compare/1.1/")
    assert "第 1.0 版 → 第 1.1 版" in page.locator("h1").inner_text()
    assert crumbs(page)[-2:] == ["版次沿革", "第 1.0 版 → 第 1.1 版"]
    assert page.locator("ins").count() > 0
    assert_accessible(page)
    screenshots(page, "comparison")

    # The editions list the breadcrumb leads to.
    page.click(".breadcrumb a:has-text('版次沿革')")
    page.wait_for_url("**/textbooks/cnc-programming/editions/")
    assert page.locator(".editions > li").count() == 2
    assert_accessible(page)
    screenshots(page, "editions")


def scan(image):
    """What a phone reads from the QR code as the screen shows it."""
    from pyzbar.pyzbar import decode

    png = Image.open(io.BytesIO(image.screenshot()))
    canvas = Image.new("RGB", (png.width + 40, png.height + 40), "white")
    canvas.paste(png, (20, 20))  # the quiet zone a scanner needs
    [code] = decode(canvas)
    return code.data.decode()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_public_page_passes_axe(live_demo, browser, screenshots, viewport):
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    for name, path in [
        ("home", "/"),
        ("catalogue", "/textbooks/"),
        ("textbook", "/textbooks/cnc-programming/"),
        ("leaf", "/textbooks/cnc-programming/unit-2-g71/"),
        ("editions", "/textbooks/cnc-programming/editions/"),
        ("old-edition", "/textbooks/cnc-programming/editions/1.0/"),
        ("old-leaf", "/textbooks/cnc-programming/editions/1.0/unit-2-g71/"),
        ("comparison", "/textbooks/cnc-programming/editions/1.0/compare/1.1/"),
        ("search", "/search/?q=数控"),
        ("search-facets", "/search/?q=数控&tier=national"),
        ("search-nothing", "/search/?q=汽修"),
        ("search-nothing-filtered", "/search/?q=护理&tier=school&course_type=public_basic"),
        ("errata-form", "/textbooks/cnc-programming/editions/1.1/unit-2-g71/errata/"),
    ]:
        response = page.goto(live_demo + path)
        assert response.status == 200, path
        assert page.locator("nav.breadcrumb").count() == (0 if name == "home" else 1), name
        assert_accessible(page)
        screenshots(page, name)


def test_a_search_that_finds_nothing_says_what_to_try(live_demo, browser, screenshots):
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(f"{live_demo}/search/?q=汽修")
    notice = page.locator(".notice-empty")
    assert "没有找到与“汽修”相符的教材。" in notice.inner_text()
    assert page.locator(".notice-relaxed").count() == 0
    assert page.locator("text=(0)").count() == 0
    page.click(".nearest a:has-text('新能源汽车动力电池检测与维修')")
    page.wait_for_url("**/textbooks/ev-battery/")
    screenshots(page, "nearest-title")


def test_facets_apply_on_change_and_without_javascript_by_their_button(live_demo, browser):
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.goto(f"{live_demo}/search/?q=数控")
    assert not page.locator(".facets button.facet-apply").is_visible()
    page.check("input[name=tier][value=national]")
    page.wait_for_url("**tier=national*")
    assert page.locator("input[name=tier][value=national]").is_checked()

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{live_demo}/search/?q=数控")
    plain.locator("details.facets summary").click()  # folded: the script does not open it
    apply = plain.locator(".facets button.facet-apply")
    assert apply.is_visible()
    plain.check("input[name=tier][value=national]")
    assert "tier=" not in plain.url  # nothing happens until the button
    apply.click()
    plain.wait_for_url("**tier=national*")
    assert plain.locator("input[name=tier][value=national]").is_checked()
    context.close()
