"""Acceptance: each role's journey through a minor revision in a real browser — the author
submits, the administrator assigns, the reviewer reviews, the administrator decides and
publishes, a teacher compares. Every screen is saved as a screenshot (the folder is named at
the end of the run) and checked with axe-core: no serious or critical violations.

The revision changes one word of one sentence of a leaf that also holds a table; every
screen that shows the change must show that word, not the leaf."""

import pytest
from django.core.files.base import ContentFile

from tests.browser_helpers import assert_accessible
from tests.conftest import requires_browser
from textbooks import roles
from textbooks.models import UnitPage
from workflow import services
from workflow.models import CaseKind, ReviewCase

from .conftest import SCORES, due, published_edition

pytestmark = requires_browser

OLD = "主轴转速按工件直径和刀具材料选取，粗车时取较低转速。"
NEW = "主轴转速按工件直径和刀具材料选取，粗车时取较高转速。"
TABLE = {
    "data": [["工序", "转速/(r/min)"], ["粗车", "800"], ["精车", "1200"]],
    "first_row_is_table_header": True,
    "first_col_is_header": False,
}


def body(sentence):
    return [
        {"type": "rich_text", "value": f"<p>{sentence}</p>"},
        {
            "type": "table",
            "value": {"number": "表 1-1", "caption": "车削参数", "table": TABLE},
        },
    ]


def leaf_with(textbook, slug, title, sentence, user):
    leaf = UnitPage(title=title, slug=slug, live=False, owner=user, body=body(sentence))
    textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=user)
    return UnitPage.objects.get(pk=leaf.pk)


def edit(leaf, sentence, user):
    leaf = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
    leaf.body = body(sentence)
    leaf.save_revision(user=user)


@pytest.fixture
def stage(transactional_db, make_user, make_textbook, make_institution):
    """Edition 1.0 of a Jiangsu textbook by 张伟, and one sentence of its first leaf edited
    since. 吴芳 and 赵磊 are subject experts; 李娜 works where 张伟 does (recused)."""
    school = make_institution("江苏机电职业技术学院", "school")
    authority = make_institution("江苏省教育厅", "authority")
    people = {
        "author": make_user(
            "author", roles.AUTHOR, institution=school, last_name="张", first_name="伟"
        ),
        "national": make_user("national", roles.NATIONAL_ADMIN, last_name="王", first_name="建国"),
        "province": make_user(
            "province",
            roles.PROVINCIAL_ADMIN,
            institution=authority,
            last_name="李",
            first_name="敏",
        ),
        "reviewer": make_user("reviewer", roles.REVIEWER, last_name="赵", first_name="磊"),
        "reviewer2": make_user("reviewer2", roles.REVIEWER, last_name="吴", first_name="芳"),
        "colleague": make_user(
            "colleague", roles.REVIEWER, institution=school, last_name="李", first_name="娜"
        ),
    }
    textbook = make_textbook(people["author"], tier="school", province="JS", title="数控车削加工")
    leaf = leaf_with(textbook, "unit-1", "项目一 外圆车削", OLD, people["author"])
    leaf_with(textbook, "unit-2", "项目二 螺纹车削", "螺纹车削前先检查螺距。", people["author"])
    published_edition(textbook, people["author"], people["reviewer"], people["national"])
    edit(leaf, NEW, people["author"])
    return {"people": people, "textbook": textbook, "leaf": leaf}


def submit(stage):
    case = services.open_case(
        stage["textbook"], user=stage["people"]["author"], kind=CaseKind.MINOR
    )
    return services.submit(
        case,
        user=stage["people"]["author"],
        change_summary="粗车转速按新工艺调整",
        change_categories=["new_process"],
        usage_report=ContentFile(b"%PDF-1.4 usage", name="usage.pdf"),
        change_table=ContentFile(b"%PDF-1.4 table", name="table.pdf"),
    )


def assign(stage, case):
    return services.assign_reviewer(
        ReviewCase.objects.get(pk=case.pk),
        user=stage["people"]["national"],
        reviewer=stage["people"]["reviewer2"],
        track_kind="subject",
        due_date=due(),
    )


@pytest.fixture
def browser_page(browser):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def changed_words(page, selector):
    return (
        page.locator(f"{selector} del").all_inner_texts(),
        page.locator(f"{selector} ins").all_inner_texts(),
    )


def test_author_submits(live_server, browser_page, stage, screenshots):
    page, base = browser_page, live_server.url
    login(page, base, "author")
    panel = page.locator("#my-textbooks").inner_text()
    assert "数控车削加工" in panel and "使用中" in panel
    screenshots(page, "author-dashboard")

    page.get_by_role("link", name="提交修订").first.click()
    page.wait_for_selector("#changed-leaves")
    listed = page.locator("#changed-leaves tbody").inner_text()
    assert "项目一 外圆车削" in listed and "项目二" not in listed
    assert changed_words(page, "#changed-leaves") == (["低转速"], ["高转速"])
    assert_accessible(page)
    page.select_option("select[name=kind]", "minor")
    page.fill("textarea[name=change_summary]", "粗车转速按新工艺调整")
    page.check("input[name=change_categories][value=new_process]")
    for field in ("usage_report", "change_table"):
        page.set_input_files(
            f"input[name={field}]",
            {"name": f"{field}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"},
        )
    page.check("input[name=remove] >> nth=1")  # 项目二 is ticked for removal...
    screenshots(page, "author-submit")
    page.get_by_role("button", name="送审", exact=True).click()
    dialog = page.locator("#submit-dialog")
    dialog.get_by_role("button", name="确定送审").wait_for()
    assert "项目二 螺纹车削" in dialog.locator("#removal-list").inner_text()
    screenshots(page, "author-submit-confirm")
    dialog.get_by_role("button", name="返回修改").click()  # ...and untick it after all.
    page.uncheck("input[name=remove] >> nth=1")
    page.get_by_role("button", name="送审", exact=True).click()
    assert dialog.locator("#removal-warning").is_hidden()
    dialog.get_by_role("button", name="确定送审").click()
    page.wait_for_selector("#case-state")
    assert page.inner_text("#case-state") == "已送审"
    assert "张伟" in page.inner_text("#case-summary-section")
    assert_accessible(page)
    screenshots(page, "author-case")


def test_administrator_assigns(live_server, browser_page, stage, screenshots):
    page, base = browser_page, live_server.url
    case = submit(stage)
    login(page, base, "national")
    waiting = page.locator("#waiting")
    assert "待分配审核专家" in waiting.inner_text()
    screenshots(page, "admin-dashboard")
    waiting.get_by_role("link", name="待分配审核专家").click()
    page.wait_for_selector("#case-list")
    assert page.locator("#case-list tbody tr").count() == 1
    assert_accessible(page)
    screenshots(page, "admin-waiting-for-assignment")

    page.get_by_role("link", name="数控车削加工").click()
    page.get_by_role("link", name="分配审核专家").first.click()
    # all_inner_texts() does not wait: read the options once the assign form has loaded.
    page.wait_for_selector("select[name=reviewer] option[disabled]", state="attached")
    options = page.locator("select[name=reviewer] option")
    labels = options.all_inner_texts()
    assert "吴芳" in labels and "赵磊" in labels
    recused = page.locator("select[name=reviewer] option[disabled]").inner_text()
    assert recused.startswith("李娜（") and "须回避" in recused
    assert not any("author" in label or "王建国" in label for label in labels)
    assert_accessible(page)
    screenshots(page, "admin-assign")
    page.select_option("select[name=reviewer]", label="吴芳")
    page.get_by_role("button", name="分配", exact=True).click()
    page.wait_for_selector("text=已分配审核专家 吴芳")
    assert "吴芳" in page.locator("#assigned-section").inner_text()
    screenshots(page, "admin-assigned")
    assert ReviewCase.objects.get(pk=case.pk).state == "in_review"


def test_reviewer_reviews(live_server, browser_page, stage, screenshots):
    page, base = browser_page, live_server.url
    case = submit(stage)
    assign(stage, case)
    login(page, base, "reviewer2")
    page.get_by_role("link", name="数控车削加工（小修订）").first.click()
    page.wait_for_selector("#changes-section")
    # The changes first: the one word, the front matter and the order untouched.
    assert changed_words(page, "#changes-section") == (["低转速"], ["高转速"])
    changes = page.inner_text("#changes-section")
    assert "项目一 外圆车削（修改）" in changes and "活页顺序未改动" in changes
    assert "车削参数" not in changes  # the untouched table is not repeated as a change
    # The submitted documents, through the access-checked view.
    documents = page.locator("#submission-section dl a")
    names = [name.strip() for name in documents.all_inner_texts()]
    assert [name.split("_")[0] for name in names] == ["usage", "table"], names
    assert page.request.get(base + documents.first.get_attribute("href")).status == 200
    # Scores: none preset, each criterion explained.
    assert page.locator("#opinion-form input[type=radio]:checked").count() == 0
    opinion = page.inner_text("#opinion-section")
    assert "立德树人" in opinion and "国家标准" in opinion and "认知特点" in opinion
    assert_accessible(page)
    screenshots(page, "reviewer-review")

    # The full leaves on demand, the table with its borders.
    page.click(".pinned-leaf >> summary")
    cell = page.locator(".pinned-leaf .after td").first
    assert cell.evaluate("td => getComputedStyle(td).borderTopStyle") == "solid"
    assert OLD in page.inner_text(".pinned-leaf .before")
    assert NEW in page.inner_text(".pinned-leaf .after")
    assert_accessible(page)
    screenshots(page, "reviewer-full-leaf")

    page.fill("textarea[name=comment]", "转速调整符合新工艺，同意。")
    page.check("input[name=outcome][value=pass]")
    page.get_by_role("button", name="提交审核意见").click()
    # A score left out is asked for, not recorded as anything.
    first_score = page.locator("input[name=ideological_soundness]").first
    assert first_score.evaluate("input => input.validity.valueMissing")
    assert "审核意见已提交" not in page.content()
    screenshots(page, "reviewer-missing-scores")
    for name, score in SCORES.items():
        page.check(f"input[name={name}][value='{score}']")
    page.get_by_role("button", name="提交审核意见").click()
    page.wait_for_selector("text=审核意见已提交")
    screenshots(page, "reviewer-submitted")


def test_administrator_decides_and_publishes(live_server, browser_page, stage, screenshots):
    page, base = browser_page, live_server.url
    case = submit(stage)
    services.record_opinion(
        assign(stage, case),
        user=stage["people"]["reviewer2"],
        scores=SCORES,
        comment="同意",
        outcome="pass",
    )
    login(page, base, "province")
    assert "待作出审核结论" in page.inner_text("#waiting")
    page.goto(f"{base}/admin/reviews/{case.pk}/")
    assert "本案的结论将是“审核通过”" in page.inner_text("#decision-outcome")
    decide = page.get_by_role("button", name="作出审核结论：审核通过")
    assert_accessible(page)
    screenshots(page, "admin-decide")
    decide.click()
    page.wait_for_selector("text=审核结论：审核通过")
    history = page.inner_text("#case-history")
    assert "审核中" in history and "审核通过" in history and "in_review" not in history
    page.get_by_role("button", name="发布新版次").click()
    dialog = page.locator("#publish-dialog")
    dialog.get_by_role("button", name="确定发布").wait_for()
    assert "第 1.1 版将成为现行版" in dialog.inner_text()
    assert_accessible(page)
    screenshots(page, "admin-publish-confirm")
    dialog.get_by_role("button", name="确定发布").click()
    page.wait_for_selector("text=已发布第 1.1 版")
    assert page.inner_text("#case-state") == "已发布"
    screenshots(page, "admin-published")


def test_teacher_compares(live_server, browser_page, stage, screenshots):
    page, base = browser_page, live_server.url
    case = submit(stage)
    services.record_opinion(
        assign(stage, case),
        user=stage["people"]["reviewer2"],
        scores=SCORES,
        comment="同意",
        outcome="pass",
    )
    admin = stage["people"]["national"]
    services.publish(services.decide(ReviewCase.objects.get(pk=case.pk), user=admin), user=admin)
    slug = stage["textbook"].slug
    page.goto(f"{base}/textbooks/{slug}/editions/1.0/compare/1.1/")
    main = page.inner_text("main")
    assert "项目一 外圆车削" in main and "项目二 螺纹车削" not in main
    assert changed_words(page, "main") == (["低转速"], ["高转速"])
    screenshots(page, "teacher-compare")
