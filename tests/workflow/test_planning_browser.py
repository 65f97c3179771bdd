"""In a real browser: an administrator runs a national batch through every stage, an expert
scores, and a visitor objects on the public notice page."""

import datetime

import pytest
import time_machine

from tests.conftest import requires_browser
from textbooks import roles
from workflow.models import BatchState, EntryState, PlanBatch

from .test_browser import login

pytestmark = requires_browser


@pytest.fixture
def browser_page(browser):
    return browser.new_page(locale="zh-CN")


def move(page, label):
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_selector(f"text=已{label}")


def test_an_administrator_runs_a_batch_and_a_visitor_objects(
    transactional_db, live_server, browser_page, users, make_user, make_textbook
):
    page, base = browser_page, live_server.url
    make_user("expert", roles.REVIEWER, last_name="钱", first_name="进")
    books = [make_textbook(users["author"], tier="school") for _ in range(2)]

    login(page, base, "national")
    page.goto(f"{base}/admin/planning/")
    page.click("text=新建批次")
    page.select_option("select[name=tier]", "national")
    page.fill("input[name=title]", "2026年国家规划教材（浏览器）")
    page.fill("input[name=quota]", "1")
    page.uncheck("input[name=co_development_required]")
    page.get_by_role("button", name="创建", exact=True).click()
    page.wait_for_selector("#batch-state")
    batch_url = page.url
    move(page, "开始申报")
    for book in books:
        page.select_option("#apply select[name=textbook]", str(book.pk))
        page.get_by_role("button", name="提交申报").click()
        page.wait_for_selector(f"text=已申报“{book.title}”")
    move(page, "截止申报并开始形式审查")
    page.click("#check-all")
    page.wait_for_selector("text=形式审查完成：2 条通过，0 条未通过")
    move(page, "开始专家评审")
    for book in books:
        page.goto(batch_url)
        page.click(f"#entries >> text={book.title}")
        page.select_option("select[name=expert-reviewer]", label="钱进")
        page.get_by_role("button", name="分配评审专家").click()
        page.wait_for_selector("text=已分配评审专家")

    login(page, base, "expert")
    for score in ("5", "3"):
        page.goto(f"{base}/admin/planning/")
        page.click("#my-scores a >> nth=0")
        for field in ("ideological_soundness", "scientific_accuracy", "suitability"):
            page.select_option(f"select[name={field}]", score)
        page.check("input[name=recommend][value=yes]")
        page.get_by_role("button", name="提交评分").click()
        page.wait_for_selector("text=评分已提交")

    login(page, base, "national")
    page.goto(batch_url)
    move(page, "开始公示")
    assert page.inner_text("#batch-state") == "公示中"
    batch = PlanBatch.objects.get()
    winner = batch.entries.get(state=EntryState.RECOMMENDED)

    # A visitor, not logged in, finds the notice from the home page and objects.
    page.context.clear_cookies()
    page.goto(base + "/")
    page.click("#notices-link")
    page.click(f"text={batch.title}")
    assert winner.textbook.title in page.inner_text("#notice-entries")
    # The form is laid out like the errata form: labels above fields as wide as the form.
    width = "e => Math.round(e.getBoundingClientRect().width)"
    assert page.eval_on_selector("#objection-reason", width) == page.eval_on_selector(
        "#objection-form", width
    )
    page.fill("#objection-contact", "13900000000")
    page.fill("#objection-reason", "与已出版教材雷同")
    page.click("#objection-form button[type=submit]")
    page.wait_for_selector("text=请填写真实姓名：异议须实名提出。")
    page.fill("#objection-name", "周八")
    page.click("#objection-form button[type=submit]")
    page.wait_for_selector("text=您的异议已提交")

    # The administrator answers it, and publishes once the notice period is over.
    login(page, base, "national")
    page.goto(batch_url)
    page.get_by_role("button", name="公布名单", exact=True).click()  # the notice period runs
    page.wait_for_selector("text=公示期满前不能公布名单")
    page.check(".answer-objection input[name=decision][value=dismiss]")
    page.fill(".answer-objection textarea[name=answer]", "经核实，不存在雷同")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_selector("text=已答复异议")
    with time_machine.travel(batch.notice_ends_at + datetime.timedelta(hours=1), tick=True):
        page.goto(batch_url)
        move(page, "公布名单")
        assert page.inner_text("#batch-state") == "已公布"
    batch.refresh_from_db()
    assert batch.state == BatchState.PUBLISHED
    winner.textbook.refresh_from_db()
    assert winner.textbook.tier == "national"
    page.goto(f"{base}/notices/{batch.pk}/")
    assert winner.textbook.title in page.inner_text("#notice-entries")
