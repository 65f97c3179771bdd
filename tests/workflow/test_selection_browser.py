"""In a real browser: the committee's journey from a draft to filing, and the compliance
dashboard's charts. Screenshots go to var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import requires_browser
from workflow.models import SelectionPlan

from .selection import one_reviewer, school_world
from .test_browser import login

__all__ = ["one_reviewer", "school_world"]

pytestmark = requires_browser

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"selection-{name}.png"), full_page=True)


@pytest.fixture
def browser_page(browser):
    return browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})


def test_committee_drafts_approves_announces_and_files_then_the_dashboard_charts_render(
    transactional_db, live_server, browser_page, school_world, settings
):
    settings.SELECTION_NOTICE_DAYS = 0  # the school's notice ends at once: no waiting here
    page, base = browser_page, live_server.url
    school, course, edition = (
        school_world["school"],
        school_world["course"],
        school_world["edition"],
    )

    login(page, base, "member1")
    page.goto(f"{base}/admin/reviews/selections/")
    page.select_option("select[name=school]", str(school.pk))
    page.get_by_role("button", name="新建", exact=True).click()
    page.wait_for_selector("#plan-state")
    assert page.inner_text("#plan-state") == "草稿"
    plan_url = page.url

    page.select_option("select[name=course]", str(course.pk))
    # The edition through Wagtail's chooser: searched by title, not a list of every edition.
    page.get_by_role("button", name="选择教材").click()
    modal = page.locator(".modal-content")
    modal.locator("input[name=q]").fill(edition.textbook.title[:4])
    modal.get_by_role("link", name=str(edition)).click()
    page.wait_for_selector(".modal-content", state="detached")
    assert page.input_value("input[name=edition]") == str(edition.pk)
    page.fill("input[name=expected_students]", "45")
    page.get_by_role("button", name="保存课程").click()
    page.wait_for_selector("text=已保存课程")
    assert course.name in page.inner_text("#lines")
    page.get_by_role("button", name="同意本选用计划").click()
    page.wait_for_selector("text=已记录您的同意")
    assert "1 / 3 名委员同意（需 2 名）" in page.inner_text("#plan-approvals")
    shot(page, "draft-one-approval")

    login(page, base, "member2")
    page.goto(plan_url)
    page.get_by_role("button", name="同意本选用计划").click()
    page.wait_for_selector("text=已记录您的同意")
    assert page.inner_text("#plan-state") == "委员会已通过"
    page.get_by_role("button", name="开始校内公示").click()
    page.wait_for_selector("text=已开始校内公示")
    assert page.inner_text("#plan-state") == "校内公示中"
    page.get_by_role("button", name="报备省级教材管理部门").click()
    page.wait_for_selector("text=已报备省级教材管理部门")
    assert page.inner_text("#plan-state") == "已备案待审核"
    # Each move is in the plan's history: approved, announced, filed.
    assert page.locator("#plan-history tbody tr").count() == 3
    shot(page, "filed")
    assert SelectionPlan.objects.get().state == "filed"

    # The school's public page already shows the plan as filed.
    page.goto(f"{base}/schools/{school.pk}/")
    assert course.name in page.inner_text("main")

    login(page, base, "national")
    page.goto(f"{base}/admin/reviews/compliance/")
    charts = page.locator("svg.compliance-chart")
    assert charts.count() == 6
    for i in range(6):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 40
    assert page.locator("svg.compliance-chart rect.bar").count() > 0
    filed_row = page.locator("#table-selections tr", has_text="江苏省").inner_text()
    assert filed_row.split() == ["江苏省", "1", "1", "100.0%"]
    shot(page, "dashboard")
