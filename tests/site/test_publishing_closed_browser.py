"""Issue 12, problem 5 in a real browser: a superuser in Wagtail's page editor finds no way to
publish a textbook page, a forced publish is refused, and readers keep the reviewed overview."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from tests.conftest import requires_browser
from textbooks.models import TextbookPage

from .conftest import add_leaf

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
REVIEWED = "经审核的内容简介：数控铣削的加工工艺"
UNREVIEWED = "未经审核的简介"

pytestmark = requires_browser


def test_problem_5_a_superuser_cannot_publish_from_the_page_editor(
    transactional_db, live_server, browser, settings, users, make_textbook, publish
):
    settings.ELASTICSEARCH_URL = ""
    textbook = make_textbook(users["author"], tier="school", title="数控铣削", slug="milling")
    page = TextbookPage.objects.get(pk=textbook.page.pk)
    page.overview = f"<p>{REVIEWED}</p>"
    page.save_revision(user=users["author"])
    add_leaf(textbook, "unit-1", "对刀与坐标系", users["author"])
    publish(textbook)
    get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    base = live_server.url
    tab = browser.new_page(locale="zh-CN")

    tab.goto(f"{base}/admin/login/")
    tab.fill("#id_username", "root")
    tab.fill("#id_password", "pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{base}/admin/")
    tab.goto(f"{base}/admin/pages/{page.pk}/edit/")
    tab.wait_for_selector("#page-edit-form")

    # The action menu offers saving a draft and nothing that publishes, unpublishes or
    # schedules.
    assert tab.locator("#page-edit-form button.action-save").count() == 1
    assert tab.locator("[name=action-publish]").count() == 0
    assert tab.locator(f"a[href$='/admin/pages/{page.pk}/unpublish/']").count() == 0
    assert tab.locator("[name=go_live_at]").count() == 0

    # Editing the overview and forcing a publish (a crafted field) is refused, with the reason.
    editor = tab.locator("[data-contentpath=overview] [contenteditable=true]")
    editor.click()
    tab.keyboard.press("End")
    tab.keyboard.type(UNREVIEWED)
    tab.evaluate(
        """() => {
            const form = document.querySelector('#page-edit-form');
            const field = document.createElement('input');
            field.type = 'hidden';
            field.name = 'action-publish';
            field.value = 'action-publish';
            form.appendChild(field);
            form.requestSubmit(form.querySelector('button.action-save'));
        }"""
    )
    tab.wait_for_selector(".messages .error")
    assert "只能经审核发布" in tab.locator(".messages").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "publishing-refused.png"), full_page=True)

    # Readers still see the reviewed overview.
    tab.context.clear_cookies()
    tab.goto(f"{base}/textbooks/milling/")
    body = (
        tab.locator("main").inner_text() if tab.locator("main").count() else tab.inner_text("body")
    )
    assert REVIEWED in body and UNREVIEWED not in body
