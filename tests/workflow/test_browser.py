"""End to end in a real browser: a two-leaf revision submitted, passed, published."""

import pytest

from tests.conftest import requires_browser
from textbooks import roles
from workflow import services
from workflow.models import ReviewCase

from .conftest import SCORES, add_leaf, due, edit_leaf, submitted_case

pytestmark = requires_browser


@pytest.fixture
def browser_page(browser):
    # The admin is Chinese first: a browser that asks for English would get English.
    return browser.new_page(locale="zh-CN")


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 demo"}


def test_two_leaf_revision_reviewed_and_published(
    transactional_db, live_server, browser_page, users, make_user, make_textbook
):
    page, base = browser_page, live_server.url
    users["reviewer2"] = make_user("reviewer2", roles.REVIEWER, last_name="吴", first_name="芳")
    textbook = make_textbook(users["author"], tier="provincial")  # two subject experts
    leaves = [add_leaf(textbook, f"unit-{n}", f"第一版 {n}", users["author"]) for n in (1, 2)]
    # Edition 1.0 through the services (two passing experts, as the provincial tier needs).
    case = submitted_case(textbook, users["author"])
    for reviewer in ("reviewer", "reviewer2"):
        assignment = services.assign_reviewer(
            ReviewCase.objects.get(pk=case.pk),
            user=users["national"],
            reviewer=users[reviewer],
            track_kind="subject",
            due_date=due(),
        )
        services.record_opinion(
            assignment, user=users[reviewer], scores=SCORES, comment="同意", outcome="pass"
        )
    case = services.decide(ReviewCase.objects.get(pk=case.pk), user=users["national"])
    assert services.publish(case, user=users["national"]).version == "1.0"
    for n, leaf in enumerate(leaves, 1):
        edit_leaf(leaf, f"第二版 {n}", users["author"])

    # The author submits the revision: both changed leaves are listed.
    login(page, base, "author")
    page.goto(f"{base}/admin/reviews/textbooks/{textbook.pk}/submit/")
    listed = page.locator("#changed-leaves tbody").inner_text()
    assert "单元 unit-1" in listed and "单元 unit-2" in listed and "修改" in listed
    page.select_option("select[name=kind]", "minor")
    page.fill("textarea[name=change_summary]", "更新两个活页的工艺参数")
    page.check("input[name=change_categories][value=new_process]")
    page.set_input_files("input[name=usage_report]", pdf("usage.pdf"))
    page.set_input_files("input[name=change_table]", pdf("table.pdf"))
    page.get_by_role("button", name="送审", exact=True).click()
    page.get_by_role("button", name="确定送审").click()
    page.wait_for_selector("#case-state")
    assert page.inner_text("#case-state") == "已送审"
    case_url = page.url

    # The administrator assigns two subject experts.
    login(page, base, "national")
    page.goto(case_url + "assign/")
    for reviewer in ("reviewer", "reviewer2"):
        page.select_option("select[name=reviewer]", str(users[reviewer].pk))
        page.get_by_role("button", name="分配", exact=True).click()
        page.wait_for_selector("text=已分配审核专家")

    # Each reviewer finds the task on the dashboard, reads the leaves and passes them.
    for reviewer in ("reviewer", "reviewer2"):
        login(page, base, reviewer)
        page.get_by_role("link", name=f"{textbook.title}（小修订）").first.click()
        page.wait_for_selector(".pinned-leaf")
        assert page.locator(".pinned-leaf").count() == 2
        page.click(".pinned-leaf >> nth=0 >> summary")
        assert "第一版 1" in page.inner_text(".pinned-leaf >> nth=0 >> .before")
        assert "第二版 1" in page.inner_text(".pinned-leaf >> nth=0 >> .after")
        for name, score in SCORES.items():
            page.check(f"input[name={name}][value='{score}']")
        page.fill("textarea[name=comment]", "内容准确，同意通过")
        page.check("input[name=outcome][value=pass]")
        page.get_by_role("button", name="提交审核意见").click()
        page.wait_for_selector("text=审核意见已提交")

    # The administrator decides and publishes.
    login(page, base, "national")
    page.goto(case_url)
    page.get_by_role("button", name="作出审核结论").click()
    page.wait_for_selector("text=审核结论：审核通过")
    page.get_by_role("button", name="发布新版次").click()
    page.get_by_role("button", name="确定发布").click()
    page.wait_for_selector("text=已发布第 1.1 版")

    # Teachers see the new edition on the public textbook page.
    page.context.clear_cookies()
    page.goto(f"{base}/textbooks/{textbook.slug}/")
    assert "第 1.1 版" in page.inner_text("dd.edition")
    page.get_by_role("link", name="单元 unit-2").click()
    assert "第二版 2" in page.inner_text("main")
