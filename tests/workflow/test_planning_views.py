"""Planning over HTTP: a national batch walked end to end through the admin screens, the
public notice and the API; scope between provinces; school-based filings."""

import datetime
import re
from html import unescape

import pytest
import time_machine

from textbooks import roles
from textbooks.models import Course, Institution, Textbook
from workflow.models import (
    BatchState,
    EntryState,
    FilingState,
    Objection,
    ObjectionState,
    PlanAssignment,
    PlanBatch,
    PlanEntry,
)
from workflow.services import planning

from .planning import experts, in_notice

__all__ = ["experts", "in_notice"]

pytestmark = pytest.mark.usefixtures("empty_cache")


def text(response):
    """The page's text as a reader sees it (tags dropped, entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def denied(response):
    """Wagtail turns PermissionDenied in the admin into a redirect home with a message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def move(client, batch, name):
    return client.post(f"/admin/planning/{batch.pk}/move/{name}/", follow=True)


def test_a_national_batch_walked_end_to_end_over_http(
    client, users, make_textbook, experts, make_user
):
    admin, author = users["national"], users["author"]
    good = [make_textbook(author, tier="school") for _ in range(2)]
    exercise = make_textbook(author, tier="school", kind="exercise_book")

    client.force_login(admin)
    response = client.post(
        "/admin/planning/new/",
        {
            "tier": "national",
            "year": "2026",
            "title": "2026年国家规划教材",
            "quota": "5",
            "excluded_kinds": ["exercise_book", "teacher_guide"],
        },
        follow=True,
    )
    batch = PlanBatch.objects.get()
    assert "已创建批次“2026年国家规划教材”" in text(response)
    assert "开始申报" in text(move(client, batch, "open"))

    client.force_login(author)
    for book in [*good, exercise]:
        response = client.post(
            f"/admin/planning/{batch.pk}/apply/", {"textbook": book.pk}, follow=True
        )
        assert f"已申报“{book.title}”" in text(response)

    client.force_login(admin)
    move(client, batch, "start_formal_check")
    response = client.post(f"/admin/planning/{batch.pk}/check/", follow=True)
    assert "形式审查完成：2 条通过，1 条未通过" in text(response)
    refused = PlanEntry.objects.get(textbook=exercise)
    page = text(client.get(f"/admin/planning/entries/{refused.pk}/"))
    assert "形式审查未通过" in page and "练习册不参加本批次遴选" in page

    move(client, batch, "start_expert_review")
    for entry in PlanEntry.objects.filter(state=EntryState.ELIGIBLE):
        for expert in experts:
            response = client.post(
                f"/admin/planning/entries/{entry.pk}/",
                {"expert-reviewer": expert.pk, "expert-due_date": "2099-01-01"},
                follow=True,
            )
            assert "已分配评审专家" in text(response)
    for expert in experts:
        client.force_login(expert)
        mine = PlanAssignment.objects.filter(expert=expert)
        assert all(
            f"/admin/planning/scores/{a.pk}/" in client.get("/admin/planning/").content.decode()
            for a in mine
        )
        for assignment in mine:
            response = client.post(
                f"/admin/planning/scores/{assignment.pk}/",
                {
                    "ideological_soundness": "5",
                    "scientific_accuracy": "4",
                    "suitability": "4",
                    "recommend": "yes",
                    "comment": "同意",
                },
                follow=True,
            )
            assert "评分已提交" in text(response)

    client.force_login(admin)
    assert "已开始公示" in text(move(client, batch, "start_notice"))
    batch.refresh_from_db()
    assert batch.state == BatchState.PUBLIC_NOTICE

    # The public notice: linked from the home page, one objection refused without a name,
    # two made under real names.
    client.logout()
    assert "/notices/" in client.get("/").content.decode()
    assert batch.title in text(client.get("/notices/"))
    notice = f"/notices/{batch.pk}/"
    page = text(client.get(notice))
    assert all(book.title in page for book in good) and exercise.title not in page
    first, second = PlanEntry.objects.filter(state=EntryState.RECOMMENDED).order_by("rank")
    nameless = {"entry": first.pk, "name": "", "contact": "138", "reason": "抄袭"}
    response = client.post(notice, nameless)
    assert response.status_code == 400
    assert "请填写真实姓名：异议须实名提出" in text(response)
    assert not Objection.objects.exists()
    for entry, reason in [(first, "抄袭他人作品"), (second, "内容陈旧")]:
        response = client.post(
            notice,
            {"entry": entry.pk, "name": "李四", "contact": "138", "reason": reason},
            follow=True,
        )
        assert "您的异议已提交" in text(response)

    client.force_login(admin)
    assert "公示期满前不能公布名单" in text(move(client, batch, "publish"))
    upheld, dismissed = Objection.objects.order_by("pk")
    client.post(
        f"/admin/planning/objections/{upheld.pk}/answer/",
        {"decision": "uphold", "answer": "经核实属实"},
    )
    with time_machine.travel(batch.notice_ends_at + datetime.timedelta(minutes=1)):
        assert "还有 1 条异议未答复" in text(move(client, batch, "publish"))
        client.post(
            f"/admin/planning/objections/{dismissed.pk}/answer/",
            {"decision": "dismiss", "answer": "教材已于今年修订"},
        )
        assert "已公布名单" in text(move(client, batch, "publish"))
    assert [o.state for o in Objection.objects.order_by("pk")] == [
        ObjectionState.UPHELD,
        ObjectionState.DISMISSED,
    ]
    tiers = dict(Textbook.objects.values_list("pk", "tier"))
    assert (tiers[first.textbook_id], tiers[second.textbook_id]) == ("school", "national")
    assert tiers[exercise.pk] == "school"

    # The published list stays public, on the site and in the API.
    client.logout()
    page = text(client.get(notice))
    assert second.textbook.title in page and first.textbook.title not in page
    plans = client.get("/api/v1/plans/").json()["results"]
    assert [p["id"] for p in plans] == [batch.pk]
    detail = client.get(f"/api/v1/plans/{batch.pk}/").json()
    assert [t["title"] for t in detail["textbooks"]] == [second.textbook.title]


def test_a_provincial_administrator_cannot_touch_another_provinces_batch(client, users, make_user):
    zhejiang = Institution.objects.create(name="浙江省教育厅", kind="authority", province="ZJ")
    other = make_user("zj", roles.PROVINCIAL_ADMIN, institution=zhejiang)
    batch = planning.create_batch(
        user=users["province"], tier="provincial", province="JS", title="江苏省规划", year=2026
    )
    batch = planning.open_batch(batch, user=users["province"])
    for outsider in [other, users["national"]]:
        client.force_login(outsider)
        page = client.get(f"/admin/planning/{batch.pk}/").content.decode()
        assert 'id="batch-move"' not in page
        response = move(client, batch, "start_formal_check")
        assert "只有江苏省的省级教材管理员可以管理该批次" in text(response)
        assert denied(client.get(f"/admin/planning/{batch.pk}/cancel/"))
        response = client.post(
            "/admin/planning/new/",
            {"tier": "provincial", "province": "JS", "year": "2026", "title": "冒名批次"},
        )
        assert response.status_code == 400
    batch.refresh_from_db()
    assert batch.state == BatchState.OPEN
    assert PlanBatch.objects.count() == 1


def test_the_public_notice_and_the_api_show_nothing_before_the_notice(client, users):
    batch = planning.create_batch(
        user=users["national"], tier="national", title="草稿批次", year=2026
    )
    assert client.get(f"/notices/{batch.pk}/").status_code == 404
    response = client.get(f"/api/v1/plans/{batch.pk}/")
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    assert client.get("/api/v1/plans/?page=x").status_code == 400
    assert client.get("/api/v1/plans/").json() == {"results": []}


def test_objections_close_with_the_notice_period(client, in_notice):
    batch = in_notice["batch"]
    entry = batch.entries.filter(state=EntryState.RECOMMENDED).first()
    with time_machine.travel(batch.notice_ends_at + datetime.timedelta(minutes=1)):
        page = client.get(f"/notices/{batch.pk}/").content.decode()
        assert 'id="objection-form"' not in page
        response = client.post(
            f"/notices/{batch.pk}/",
            {"entry": entry.pk, "name": "王五", "contact": "139", "reason": "迟到的异议"},
        )
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_a_school_filing_without_a_reason_is_refused_when_a_planned_candidate_exists(
    client, users, make_user, make_institution, make_textbook, in_notice, course
):
    with time_machine.travel(in_notice["batch"].notice_ends_at + datetime.timedelta(minutes=1)):
        planning.publish_batch(in_notice["batch"], user=in_notice["admin"])
    school = make_institution("苏州工业职业技术学院", "school", province="JS")
    teacher = make_user("teacher", roles.SELECTION_COMMITTEE, institution=school)
    own = make_textbook(users["author"], tier="school", province="JS", title="本校数控讲义")
    candidate = in_notice["textbooks"][0]
    client.force_login(teacher)
    page = text(client.get(f"/admin/planning/filings/new/?course={course.pk}"))
    assert "本课程的规划教材" in page and candidate.title in page
    fields = {"school": school.pk, "course": course.pk, "textbook": own.pk}
    response = client.post("/admin/planning/filings/new/", fields | {"reason": ""})
    assert response.status_code == 400
    assert "本课程已有规划教材" in text(response)
    assert not own.school_filings.exists()
    client.post("/admin/planning/filings/new/", fields | {"reason": "本校设备型号特殊"})
    filing = own.school_filings.get()

    # The national administrator oversees every province's filings, and answers none.
    client.force_login(users["national"])
    listed = text(client.get("/admin/planning/filings/"))
    assert "本校数控讲义" in listed and "江苏省" in listed  # each filing's province
    page = client.get(f"/admin/planning/filings/{filing.pk}/")
    assert page.status_code == 200 and "本校设备型号特殊" in text(page)
    assert 'name="decision"' not in page.content.decode()

    client.force_login(users["province"])
    assert 'name="decision"' in client.get(f"/admin/planning/filings/{filing.pk}/").content.decode()
    response = client.post(
        f"/admin/planning/filings/{filing.pk}/",
        {"decision": "acknowledge", "answer": ""},
        follow=True,
    )
    assert "备案已处理" in text(response)
    filing.refresh_from_db()
    assert filing.state == FilingState.ACKNOWLEDGED
    client.force_login(users["national"])
    response = client.post(f"/admin/planning/filings/{filing.pk}/", {"decision": "acknowledge"})
    assert denied(response)


def test_a_filing_for_a_course_without_candidates_needs_no_reason(
    client, users, make_user, make_institution, make_textbook
):
    school = make_institution("无锡职业技术学院", "school", province="JS")
    teacher = make_user("teacher2", roles.SELECTION_COMMITTEE, institution=school)
    course = Course.objects.create(name="地方特色工艺", course_type="professional")
    own = make_textbook(users["author"], tier="school", province="JS", courses=[course])
    client.force_login(teacher)
    response = client.post(
        "/admin/planning/filings/new/",
        {"school": school.pk, "course": course.pk, "textbook": own.pk, "reason": ""},
        follow=True,
    )
    assert "已提交备案" in text(response)
    assert own.school_filings.get().state == FilingState.FILED


def test_an_entrys_and_a_batchs_history_name_states_by_label_and_people_by_name(client, in_notice):
    """The administrator read "王建国：applied → eligible": codes and a given-name-last
    username where the state's label and the person's name belong."""
    entry = in_notice["batch"].entries.order_by("pk").first()
    client.force_login(in_notice["admin"])
    for url in (f"/admin/planning/entries/{entry.pk}/", f"/admin/planning/{entry.batch_id}/"):
        history = text(client.get(url))
        history = history[history.index("处理记录") :]
        assert "→" in history
        for code in ("applied", "eligible", "scored", "recommended", "expert_review"):
            assert code not in history
    entry_history = text(client.get(f"/admin/planning/entries/{entry.pk}/"))
    assert "已申报 → 形式审查通过" in entry_history


def test_the_public_notice_pages_carry_the_sites_breadcrumb(client, in_notice):
    """The notice pages had no breadcrumb, unlike every other public page."""
    batch = in_notice["batch"]
    html = client.get(f"/notices/{batch.pk}/").content.decode()
    start = html.index('class="breadcrumb"')
    trail = html[start : html.index("</nav>", start)]
    assert 'href="/"' in trail and 'href="/notices/"' in trail
    assert batch.title in trail[trail.index('aria-current="page"') :]
    listing = client.get("/notices/").content.decode()
    assert 'class="breadcrumb"' in listing and 'aria-current="page"' in listing


def test_an_open_objection_waits_on_the_dashboard_of_who_answers_it(client, in_notice, users):
    """An objection from the public notice reached the national administrator through nothing:
    the "待我处理" panel counted review cases and errata only."""
    from tests.workflow.test_dashboard import panel_counts

    entry = in_notice["batch"].entries.filter(state=EntryState.RECOMMENDED).first()
    planning.object_to(
        entry, address="203.0.113.9", name="王老师", contact="13800000000", reason="数据有误"
    )
    client.force_login(users["national"])
    counts = panel_counts(client.get("/admin/").content.decode())
    assert counts["待答复的公示异议"] == 1
    assert counts["待确认的校本教材备案"] == 0 and counts["待决定的退出建议"] == 0
    client.force_login(users["province"])
    assert panel_counts(client.get("/admin/").content.decode())["待答复的公示异议"] == 0


def test_an_objection_posted_twice_is_filed_once(client, in_notice):
    """A double click on 提交异议 filed two identical objections for the administrator to
    answer twice; the second post now finds the first and says the same thank-you."""
    batch = in_notice["batch"]
    entry = batch.entries.filter(state=EntryState.RECOMMENDED).first()
    posted = {"entry": entry.pk, "name": "王老师", "contact": "13800000000", "reason": "数据有误"}
    for _ in range(2):
        response = client.post(f"/notices/{batch.pk}/", posted, follow=True)
        assert response.status_code == 200
        assert "您的异议已提交" in text(response)
    assert Objection.objects.filter(entry=entry).count() == 1
    # Another objection from the same person is still filed.
    client.post(f"/notices/{batch.pk}/", posted | {"reason": "另有问题"})
    assert Objection.objects.filter(entry=entry).count() == 2


def test_the_notice_links_each_published_textbook_to_its_page(client, in_notice):
    """A visitor read only titles on the notice and had to search the catalogue for the book
    before objecting to it."""
    from tests.workflow.conftest import add_leaf, published_edition

    batch, users = in_notice["batch"], in_notice["users"]
    entry = batch.entries.filter(state=EntryState.RECOMMENDED).order_by("rank").first()
    add_leaf(entry.textbook, "unit-1", "第一单元", users["author"])
    published_edition(entry.textbook, users["author"], users["reviewer"], users["national"])
    page = client.get(f"/notices/{batch.pk}/").content.decode()
    entry.textbook.page.refresh_from_db()
    assert f'<a href="{entry.textbook.page.url}">{entry.textbook.title}</a>' in page
    assert entry.textbook.editor_in_chief.last_name in page
