"""In a real browser: what an author and an administrator do to a published video in the asset
admin does not reach the teacher reading the edition (issue 12, problems 1 and 2)."""

import pytest
from django.urls import reverse

from tests.conftest import requires_browser
from tests.media.conftest import media_block, mp4_bytes
from tests.workflow.conftest import published_edition
from tests.workflow.test_browser import login
from textbooks.blocks import LeafStreamBlock
from textbooks.models import UnitPage

pytestmark = requires_browser

REVIEWED = mp4_bytes("审核过的视频")
REPLACEMENT = mp4_bytes("未审核的视频")


@pytest.fixture
def browser_page(browser):
    return browser.new_page(locale="zh-CN")


def teachers_video(page, url):
    """The title a teacher reads on the leaf page, and the bytes its player is given."""
    page.context.clear_cookies()
    page.goto(url)
    title = page.inner_text(".media-resource strong")
    src = page.get_attribute(".media-resource video", "src")
    response = page.request.get(page.url.split("/textbooks/")[0] + src)
    assert response.ok
    return title, response.body()


def test_problems_1_and_2_the_teacher_keeps_the_reviewed_video(
    transactional_db, live_server, browser_page, users, school_textbook, make_asset
):
    page, base = browser_page, live_server.url
    video = make_asset(school_textbook, title="G71 循环演示", data=REVIEWED)
    leaf = UnitPage(title="单元 1", slug="unit-1", live=False, owner=users["author"])
    leaf.body = LeafStreamBlock().to_python([media_block(video)])
    school_textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=users["author"])
    published_edition(school_textbook, users["author"], users["reviewer"], users["national"])
    leaf_url = base + UnitPage.objects.get(pk=leaf.pk).url
    assert teachers_video(page, leaf_url) == ("G71 循环演示", REVIEWED)

    # Problem 1: the author replaces the video's title and file in the asset admin.
    login(page, base, "author")
    page.goto(base + reverse("wagtailsnippets_media_mediaasset:edit", args=[video.pk]))
    page.fill("input[name=title]", "G71 循环演示（新版，未审核）")
    page.set_input_files(
        "input[name=file]", {"name": "v2.mp4", "mimeType": "video/mp4", "buffer": REPLACEMENT}
    )
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_selector(".messages .success")
    assert page.request.get(base + reverse("media:asset", args=[video.pk])).body() == REPLACEMENT

    assert teachers_video(page, leaf_url) == ("G71 循环演示", REVIEWED)

    # Problem 2: an administrator tries to delete the video.
    login(page, base, "national")
    page.goto(base + reverse("wagtailsnippets_media_mediaasset:list"))
    row = page.locator("tr", has_text="G71 循环演示（新版，未审核）")
    row.get_by_role("button", name="更多选项").click()
    row.get_by_role("link", name="删除").click()
    refusal = page.locator(".messages .error").inner_text()
    assert "不能删除" in refusal and f"{school_textbook.title} 第 1.0 版" in refusal

    assert teachers_video(page, leaf_url) == ("G71 循环演示", REVIEWED)
    qr = page.request.get(f"{base}/r/{video.short_link.code}/")
    assert qr.ok and qr.body() == REVIEWED
