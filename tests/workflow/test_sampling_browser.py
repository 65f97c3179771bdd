"""End to end in a real browser: an administrator draws a sampling campaign, assigns an
inspector, gives the result, concludes, and decides a retirement."""

from pathlib import Path

from django.conf import settings

from tests.conftest import requires_browser
from textbooks import roles
from workflow.models import SamplingCheck, TextbookLifecycle
from workflow.services import retirement, sampling

from .conftest import SCORES, add_leaf, published_edition
from .test_browser import login

pytestmark = requires_browser
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"sampling-{name}.png"), full_page=True)


def test_an_administrator_draws_inspects_concludes_and_retires(
    transactional_db, live_server, browser, users, make_user, make_textbook
):
    page, base = browser.new_page(locale="zh-CN"), live_server.url
    users["reviewer2"] = make_user("reviewer2", roles.REVIEWER, last_name="吴", first_name="芳")
    textbook = make_textbook(users["author"], tier="school", province="JS", title="数控车削")
    add_leaf(textbook, "unit-1", "车削台阶轴", users["author"])
    published_edition(textbook, users["author"], users["reviewer"], users["national"])
    successor = make_textbook(users["author"], tier="school", province="JS", title="数控车削新编")

    # The administrator creates a national campaign drawing every textbook, and draws it.
    login(page, base, "national")
    page.goto(f"{base}/admin/reviews/sampling/")
    page.fill("input[name=cycle]", "2026")
    page.select_option("select[name=level]", "national")
    page.fill("input[name=national_ratio]", "1")
    page.get_by_role("button", name="创建", exact=True).click()
    page.wait_for_selector("#draw-form")
    page.fill("input[name=seed]", "20261201")
    page.get_by_role("button", name="抽取", exact=True).click()
    page.wait_for_selector("text=已抽取 1 种教材")
    assert page.inner_text("#campaign-state") == "已抽取"
    assert page.inner_text("#campaign-seed") == "20261201"
    assert "江苏省" in page.inner_text("#coverage")
    shot(page, "1-drawn")

    # … assigns an inspector to the drawn textbook.
    page.get_by_role("link", name="数控车削").click()
    page.select_option("select[name=reviewer]", str(users["reviewer2"].pk))
    page.get_by_role("button", name="分配", exact=True).click()
    page.wait_for_selector("text=已分配检查专家")
    assert page.inner_text("#check-state") == "检查中"
    check = SamplingCheck.objects.get(textbook=textbook)

    # The inspector reports (through the service: the inspector's screen is tested elsewhere).
    sampling.submit_inspection(
        check.inspections.get(),
        user=users["reviewer2"],
        scores=SCORES,
        findings="内容准确，符合课程标准",
        recommends_pass=True,
    )

    # … gives the result, and concludes the campaign.
    page.reload()
    assert "内容准确，符合课程标准" in page.inner_text("#inspections")
    page.check("input[name=result][value=pass]")
    page.get_by_role("button", name="作出检查结论").click()
    page.wait_for_selector("text=检查结论：合格")
    shot(page, "2-check")
    page.get_by_role("link", name="2026 年国家抽查").click()
    page.get_by_role("button", name="结束抽查").click()
    page.wait_for_selector("text=抽查已结束")
    assert page.inner_text("#campaign-state") == "已结束"
    page.goto(f"{base}/admin/reviews/sampling/report/")
    assert "100%" in page.inner_text("#report-coverage")
    shot(page, "3-report")

    # A provincial administrator proposed retiring the textbook; the national one decides.
    retirement.propose(
        textbook, user=users["province"], reason="superseded", note="由新规划教材替代"
    )
    page.goto(f"{base}/admin/reviews/retirements/")
    page.get_by_role("link", name="数控车削").click()
    page.check("input[name=decision][value=retire]")
    page.fill("textarea[name=reason]", "新规划教材已出版")
    page.select_option("select[name=successor]", str(successor.pk))
    shot(page, "4-decide")
    page.get_by_role("button", name="确定").click()
    page.wait_for_selector("text=该教材已退出")
    assert page.inner_text("#retirement-state") == "已退出"
    assert page.inner_text("#retirement-successor") == "数控车削新编"
    shot(page, "5-retired")
    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    assert lifecycle.state == "retired" and lifecycle.successor == successor

    # Teachers see it retired; its last edition is still there to read.
    page.context.clear_cookies()
    page.goto(f"{base}/textbooks/{textbook.slug}/")
    assert "本教材已退出目录" in page.inner_text("main")
    assert "第 1.0 版" in page.inner_text("dd.edition")
    shot(page, "6-public")
    page.close()
