"""In a real browser, on a phone: a teacher finds the current edition for a course, sees what
changed in it and reports an error in a leaf."""

from pathlib import Path

from django.conf import settings

from tests.conftest import requires_browser
from workflow.models import Erratum

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = requires_browser


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"teacher-{name}.png"), full_page=True)


def test_teacher_finds_the_current_edition_sees_what_changed_and_reports_an_erratum(
    live_demo, browser
):
    base = live_demo
    page = browser.new_page(viewport=PHONE, locale="zh-CN")

    # Home: search by course.
    page.goto(f"{base}/")
    assert page.locator("h2", has_text="按专业大类").is_visible()
    shot(page, "1-home-phone")
    page.fill("input[name=q]", "数控机床编程与操作")
    page.click("form.search-box button[type=submit]")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".hit h3 a", has_text="数控机床编程与操作（活页式）").count() == 1

    # Filter: recently updated (the facets fold away on a phone).
    page.click("details.facets summary")
    page.check("input[name=recently_updated][value=true]")
    page.wait_for_url("**recently_updated=true*")
    assert page.locator("input[name=recently_updated][value=true]").is_checked()
    hit = page.locator(".hit", has_text="数控机床编程与操作（活页式）")
    assert "现行第 1.1 版" in hit.inner_text()
    assert "近期修订" in hit.inner_text() and "国家规划教材" in hit.inner_text()
    shot(page, "2-search-phone")

    # The textbook: current edition, its leaves, its history.
    hit.locator("h3 a").click()
    page.wait_for_url("**/textbooks/cnc-programming/")
    assert "第 1.1 版" in page.locator(".facts .edition").inner_text()
    assert page.locator(".editions > li").count() == 2
    shot(page, "3-textbook-phone")

    # Read a leaf of the current edition.
    page.click(".leaves a:has-text('G71')")
    page.wait_for_url("**/textbooks/cnc-programming/unit-2-g71/")
    assert "第 1.1 版" in page.locator("p.edition").inner_text()
    assert page.locator(".notice-old").count() == 0
    shot(page, "4-leaf-phone")

    # What changed in 1.1, from the edition history.
    page.click(".breadcrumb a:has-text('数控机床编程与操作')")
    page.click("a.what-changed")
    page.wait_for_url("**/textbooks/cnc-programming/editions/1.0/compare/1.1/")
    assert "第 1.0 版 → 第 1.1 版" in page.locator("h1").inner_text()
    assert page.locator("ins").count() > 0
    shot(page, "5-what-changed-phone")

    # Report an error in the leaf just read (name and contact left empty: optional).
    page.goto(f"{base}/textbooks/cnc-programming/unit-2-g71/")
    page.fill("#erratum-quoted", "系统自动计算粗加工走刀路线")
    page.fill("#erratum-correction", "应为“系统自动计算粗加工走刀路线和退刀量”")
    page.click("#erratum-form button[type=submit]")
    page.wait_for_url("**/editions/1.1/unit-2-g71/errata/")
    assert "感谢您的勘误报告" in page.locator("[role=status]").inner_text()
    shot(page, "6-erratum-phone")
    erratum = Erratum.objects.get()
    assert (erratum.edition.version, erratum.quoted_text) == ("1.1", "系统自动计算粗加工走刀路线")

    # The same pages at desktop width.
    desktop = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    for name, path in [
        ("home", "/"),
        ("search", "/search/?q=数控&recently_updated=true"),
        ("textbook", "/textbooks/cnc-programming/"),
        ("old-leaf", "/textbooks/cnc-programming/editions/1.0/unit-2-g71/"),
    ]:
        desktop.goto(base + path)
        shot(desktop, f"{name}-desktop")
