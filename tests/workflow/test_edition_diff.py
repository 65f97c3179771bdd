"""What changed between editions, block by block: a changed work-task step, a swapped video."""

import pytest

from media.models import MediaAsset
from tests.workflow.conftest import published_edition
from textbooks.blocks import LeafStreamBlock
from textbooks.models import UnitPage
from workflow.models import CaseKind
from workflow.services.diff import diff_editions

pytestmark = pytest.mark.django_db


def work_task(step_two, checklist):
    return {
        "task_name": "阶梯轴粗加工编程",
        "goal": "编写 G71 粗加工程序",
        "steps": [
            {"title": "分析零件图", "instruction": "确定编程原点。", "key_points": ""},
            {"title": "编写程序", "instruction": step_two, "key_points": ""},
        ],
        "tools_and_materials": ["仿真软件"],
        "safety_notes": [],
        "checklist": checklist,
        "record_form": None,
        "rubric": [],
    }


@pytest.fixture
def two_editions(world):
    textbook, u = world["textbook"], world["users"]
    old_video = MediaAsset.objects.create(
        title="G71 循环仿真", kind="video", file="a.mp4", textbook=textbook
    )
    new_video = MediaAsset.objects.create(
        title="G71 Ⅱ 型循环仿真", kind="video", file="b.mp4", textbook=textbook
    )
    leaf, untouched = world["leaves"]
    draft = leaf.get_latest_revision_as_object()
    draft.body = LeafStreamBlock().to_python(
        [
            {"type": "rich_text", "value": "<p>G71 外圆粗车复合循环。</p>"},
            {"type": "work_task", "value": work_task("写出 G71 循环程序段。", ["编程原点正确"])},
            {
                "type": "media_resource",
                "value": {
                    "kind": "video",
                    "asset": old_video.pk,
                    "caption": "扫码观看",
                    "show_qr_in_print": True,
                },
            },
        ]
    )
    draft.save_revision(user=u["author"])
    first = published_edition(textbook, u["author"], u["reviewer"], u["national"])

    draft = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
    stream = draft.body.get_prep_value()
    stream[1]["value"]["steps"][1]["instruction"] = "写出 G71 Ⅱ 型循环程序段，注意非单调轮廓。"
    stream[1]["value"]["checklist"].append("仿真无过切")
    stream[2]["value"]["asset"] = new_video.pk
    draft.body = LeafStreamBlock().to_python(stream)
    draft.save_revision(user=u["author"])
    second = published_edition(
        textbook, u["author"], u["reviewer"], u["national"], kind=CaseKind.MINOR
    )
    return first, second, leaf, untouched


def test_diff_names_the_changed_step_and_the_swapped_video(two_editions):
    first, second, leaf, untouched = two_editions
    diff = diff_editions(first, second)

    assert [e.version for e in diff.editions_between] == ["1.1"]
    by_page = {d.page_id: d for d in diff.leaves}
    assert by_page[untouched.pk].status == "unchanged"
    changed = by_page[leaf.pk]
    assert changed.status == "changed"
    changes = {c.label: c for c in changed.changes}

    step = changes["工作任务 · 工作步骤 第 2 项 · 操作要领"]
    assert step.old == "写出 G71 循环程序段。"
    assert step.new == "写出 G71 Ⅱ 型循环程序段，注意非单调轮廓。"
    assert ("insert", "Ⅱ 型") in step.segments

    added = changes["工作任务 · 检查清单 第 2 项"]
    assert added.kind == "added" and added.new == "仿真无过切"

    video = changes["数字资源 · 数字资源"]
    assert video.old == "《G71 循环仿真》（视频）"
    assert video.new == "《G71 Ⅱ 型循环仿真》（视频）"
    # Nothing else is reported as changed.
    assert len(changed.changes) == 3


def test_diff_is_the_same_whichever_order_the_editions_are_given(two_editions):
    first, second, leaf, _ = two_editions
    assert [c.label for c in diff_editions(second, first).leaves[0].changes] == [
        c.label for c in diff_editions(first, second).leaves[0].changes
    ]


def test_teachers_read_the_comparison_on_the_public_site(client, two_editions):
    first, second, leaf, _ = two_editions
    slug = first.textbook.slug
    response = client.get(f"/textbooks/{slug}/editions/1.0/compare/1.1/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "第 1.0 版 → 第 1.1 版" in body
    assert "工作任务 · 工作步骤 第 2 项 · 操作要领" in body
    assert "<ins>Ⅱ 型</ins>" in body
    assert "<del>《G71 循环仿真》（视频）</del> → <ins>《G71 Ⅱ 型循环仿真》（视频）</ins>" in body
    assert "新技术" in body  # the change categories of edition 1.1
    assert client.get(f"/textbooks/{slug}/editions/1.0/compare/9.9/").status_code == 404


def test_demo_textbook_diff_shows_the_changed_work_task_step_and_the_swapped_video(client):
    from django.core.management import call_command

    from workflow.models import Edition

    call_command("load_demo", stdout=open("/dev/null", "w"))
    editions = Edition.objects.filter(textbook__slug="cnc-programming")
    diff = diff_editions(editions.get(major=1, minor=0), editions.get(major=1, minor=1))
    [leaf] = diff.changed_leaves
    changes = {c.label: c for c in leaf.changes}
    step = changes["工作任务 · 工作步骤 第 2 项 · 操作要领"]
    assert step.old == "写出 G71 循环与精加工轮廓程序段。"
    assert "Ⅱ 型循环" in step.new
    video = changes["数字资源 · 数字资源"]
    assert (video.old, video.new) == (
        "《G71 外圆粗车循环仿真》（视频）",
        "《G71 Ⅱ 型循环仿真》（视频）",
    )

    body = client.get("/textbooks/cnc-programming/editions/1.0/compare/1.1/").content.decode()
    assert "工作步骤 第 2 项" in body and "《G71 Ⅱ 型循环仿真》（视频）" in body


def test_admin_shows_lifecycle_editions_and_the_comparison(client, two_editions, users):
    from django.contrib.auth.models import Permission

    first, second, leaf, _ = two_editions
    url = f"/admin/reviews/textbooks/{first.textbook_id}/lifecycle/"

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(users["national"])
    body = client.get(url).content.decode()
    assert "使用中" in body and "现行版" in body
    assert "第 1.0 版 → 第 1.1 版" in body  # the latest two by default
    assert "工作步骤 第 2 项" in body
    body = client.get(url, {"old": "1.0", "new": "7.0"}).content.decode()
    assert "找不到所选的版次。" in body

    # Admin access without the catalogue permission and without writing it: refused.
    outsider = type(users["national"]).objects.create_user("outsider", password="pw")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    assert client.get(url).status_code in (302, 403)


def test_a_changed_formula_reads_as_its_latex_source_angle_brackets_included(client, world):
    """A formula's LaTeX is plain text, not HTML: "<t<T, T>" is not a tag to strip."""
    textbook, u = world["textbook"], world["users"]
    leaf = world["leaves"][0]

    def save(latex):
        draft = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
        draft.body = [{"type": "formula", "value": {"latex": latex}, "id": "formula-1"}]
        draft.save_revision(user=u["author"])

    save(r"0<t<T,\ T>0")
    first = published_edition(textbook, u["author"], u["reviewer"], u["national"])
    save(r"0<t\le T,\ T>0")
    second = published_edition(
        textbook, u["author"], u["reviewer"], u["national"], kind=CaseKind.MINOR
    )

    [change] = [c for d in diff_editions(first, second).leaves for c in d.changes]
    assert change.label == "公式 · 公式（LaTeX）"
    assert (change.old, change.new) == (r"0<t<T,\ T>0", r"0<t\le T,\ T>0")
    assert ("insert", r"\le ") in change.segments

    body = client.get(f"/textbooks/{textbook.slug}/editions/1.0/compare/1.1/").content.decode()
    assert r"0&lt;t<del>&lt;</del><ins>\le </ins>T,\ T&gt;0" in body
