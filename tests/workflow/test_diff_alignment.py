"""The comparison shows what an author changed, whatever ids the page editor gave the blocks.

The demo data and imports store blocks and list items without ids; the first save in the page
editor gives every one of them a new id. Blocks and items are therefore aligned by content
where ids differ, and by id where they agree; inside a changed text, whole words are marked.
"""

import copy
import uuid

import pytest
from wagtail import blocks

from media.models import MediaAsset
from workflow.services import diff
from workflow.services.diff import BlockDiffer, compare_streams

CHECKLIST = [f"第 {n} 项检查合格" for n in range(1, 11)]
STEPS = [
    ("检查润滑", "查看导轨润滑油位是否在上下刻度之间，不足时按牌号补加。", "油位在刻度线之间"),
    ("检查气压与冷却液", "确认气源压力 0.5–0.7 MPa，冷却液液位正常。", "压力表读数记录到记录表"),
    ("回参考点", "按先 X 后 Z 的顺序回参考点，观察有无异响。", "先 X 轴后 Z 轴"),
]


def work_task(checklist=CHECKLIST, steps=STEPS):
    """A work task as the demo stores it: list items as plain values, without ids."""
    return {
        "type": "work_task",
        "value": {
            "task_name": "数控车床开机前点检",
            "goal": "按企业点检标准，在 15 分钟内完成开机前点检并如实记录。",
            "steps": [{"title": t, "instruction": i, "key_points": k} for t, i, k in steps],
            "tools_and_materials": ["点检表", "润滑油（L-HG68）", "抹布"],
            "safety_notes": ["点检时机床处于急停状态", "严禁在主轴旋转时伸手进入防护门内"],
            "checklist": list(checklist),
            "record_form": {
                "data": [["项目", "标准", "实测"], ["导轨油位", "刻度之间", ""]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
            "rubric": [
                {"criterion": "点检完整性", "weight": 40, "standard": "五项全部完成"},
                {"criterion": "操作规范", "weight": 60, "standard": "顺序正确、无违规"},
            ],
        },
    }


def paragraph(html):
    return {"type": "rich_text", "value": html}


def demo_body():
    return [
        paragraph(
            "<p>数控车床是高速、高精度的加工设备。操作前必须熟悉机床结构和急停按钮位置。</p>"
        ),
        {"type": "knowledge_point", "value": {"title": "安全规程", "body": "<p>穿戴工作服。</p>"}},
        work_task(),
    ]


def as_saved_by_the_editor(body):
    """``body`` after a save in the page editor: new ids on every block and list item."""
    body = copy.deepcopy(body)

    def items(values):
        return [{"type": "item", "value": v, "id": str(uuid.uuid4())} for v in values]

    for block in body:
        block["id"] = str(uuid.uuid4())
        if block["type"] == "work_task":
            task = block["value"]
            for name in ("steps", "tools_and_materials", "safety_notes", "checklist", "rubric"):
                task[name] = items(task[name])
    return body


def edited(changes):
    return [(c.kind, c.label) for c in changes]


def marked(change):
    return [(op, text) for op, text in change.segments if op != "equal"]


# Blocks and list items ------------------------------------------------------------------------


def test_new_ids_and_one_changed_sentence_show_exactly_that_sentence():
    old = demo_body()
    new = as_saved_by_the_editor(old)
    new[0]["value"] = (
        "<p>数控车床是高速、高精度的加工设备。操作前必须熟悉机床结构和紧急停止按钮位置。</p>"
    )

    [change] = compare_streams(old, new)

    assert (change.kind, change.label) == ("changed", "正文")
    assert marked(change) == [("delete", "急停"), ("insert", "紧急停止")]


def test_new_ids_alone_change_nothing():
    old = demo_body()
    assert compare_streams(old, as_saved_by_the_editor(old)) == []


def test_an_item_inserted_in_the_middle_of_a_ten_item_checklist_is_one_insertion():
    old = as_saved_by_the_editor(demo_body())
    checklist = [*CHECKLIST[:5], "冷却液浓度合格", *CHECKLIST[5:]]
    new = as_saved_by_the_editor([*old[:2], work_task(checklist=checklist)])

    [change] = compare_streams(demo_body(), new)

    assert (change.kind, change.label) == ("added", "工作任务 · 检查清单 第 6 项")
    assert change.new == "冷却液浓度合格"


def test_a_block_moved_is_one_move_and_nothing_else():
    old = demo_body()
    new = as_saved_by_the_editor([old[1], old[2], old[0]])

    [change] = compare_streams(old, new)

    assert (change.kind, change.label, change.moved_from) == ("moved", "正文", 1)
    assert change.new.startswith("数控车床是高速")


def test_a_paragraph_the_editor_keyed_and_moved_is_one_move():
    """Draftail also writes a random data-block-key on every paragraph it saves."""
    old = demo_body()
    new = as_saved_by_the_editor([old[1], old[2], old[0]])
    new[2]["value"] = new[2]["value"].replace("<p>", '<p data-block-key="k3x9a">')

    assert edited(compare_streams(old, new)) == [("moved", "正文")]


def test_a_list_item_moved_is_one_move():
    steps = [STEPS[2], STEPS[0], STEPS[1]]
    new = as_saved_by_the_editor([*demo_body()[:2], work_task(steps=steps)])

    [change] = compare_streams(demo_body(), new)

    assert (change.kind, change.label, change.moved_from) == (
        "moved",
        "工作任务 · 工作步骤 第 1 项",
        3,
    )


def test_a_block_moved_and_edited_is_one_move_and_its_edit():
    old = demo_body()
    new = as_saved_by_the_editor([old[1], old[2], old[0]])
    new[2]["value"] = new[2]["value"].replace("急停按钮", "紧急停止按钮")

    changes = compare_streams(old, new)

    assert edited(changes) == [("moved", "正文"), ("changed", "正文")]
    assert marked(changes[1]) == [("delete", "急停"), ("insert", "紧急停止")]


def test_of_two_identical_work_tasks_the_edited_one_is_the_one_change():
    old = [work_task(), work_task()]
    new = as_saved_by_the_editor(old)
    new[0]["value"]["checklist"][6]["value"] = "第 7 项复查合格"

    [change] = compare_streams(old, new)

    assert (change.kind, change.label) == ("changed", "工作任务 · 检查清单 第 7 项")


def test_an_edited_item_next_to_an_inserted_one_is_one_change_and_one_insertion():
    checklist = [*CHECKLIST[:3], "第 4 项检查全部合格", "新增：冷却液浓度合格", *CHECKLIST[4:]]
    new = as_saved_by_the_editor([*demo_body()[:2], work_task(checklist=checklist)])

    changes = compare_streams(demo_body(), new)

    assert edited(changes) == [
        ("changed", "工作任务 · 检查清单 第 4 项"),
        ("added", "工作任务 · 检查清单 第 5 项"),
    ]
    assert marked(changes[0]) == [("insert", "全部")]


def test_where_ids_agree_they_pair_blocks_however_much_the_text_changed():
    old = [{"type": "rich_text", "value": "<p>旧的说法。</p>", "id": "p1"}]
    new = [
        {"type": "rich_text", "value": "<p>完全重写的另一段话，没有一个字相同。</p>", "id": "p1"}
    ]

    assert edited(compare_streams(old, new)) == [("changed", "正文")]


def test_list_items_with_and_without_ids_are_the_same_items():
    old = work_task()
    new = copy.deepcopy(old)
    new["value"]["checklist"] = [
        {"type": "item", "value": v, "id": f"i{n}"} for n, v in enumerate(CHECKLIST)
    ]
    assert compare_streams([old], [new]) == []


def test_a_table_row_inserted_is_one_row_added():
    new = as_saved_by_the_editor(demo_body())
    rows = new[2]["value"]["record_form"]["data"]
    rows.insert(1, ["气源压力", "0.5–0.7 MPa", ""])

    [change] = compare_streams(demo_body(), new)

    assert (change.kind, change.label) == ("added", "工作任务 · 记录表 第 2 行")
    assert change.new == "气源压力 | 0.5–0.7 MPa |"


def test_blocks_inside_a_nested_stream_are_aligned_too():
    section = blocks.StructBlock(
        [
            ("heading", blocks.CharBlock(label="小节")),
            ("content", blocks.StreamBlock([("para", blocks.TextBlock(label="段落"))])),
        ],
        label="小节块",
    )

    def value(paragraphs, ids):
        return {
            "heading": "安全",
            "content": [
                {"type": "para", "value": text, **({"id": str(uuid.uuid4())} if ids else {})}
                for text in paragraphs
            ],
        }

    old = value(["先断电。", "再验电。", "最后挂牌。"], ids=False)
    new = value(["先断电。", "再用万用表验电。", "最后挂牌。"], ids=True)

    [change] = BlockDiffer().changes(section, old, new, "小节块")

    assert change.label == "小节块 · Content · 段落"
    assert marked(change) == [("insert", "用万用表")]


@pytest.mark.django_db
def test_a_swapped_resource_reads_old_title_then_new():
    first = MediaAsset.objects.create(title="G71 循环仿真", kind="video", file="a.mp4")
    second = MediaAsset.objects.create(title="G71 Ⅱ 型循环仿真", kind="video", file="b.mp4")

    def media(asset, block_id):
        value = {"kind": "video", "asset": asset.pk, "caption": "扫码", "show_qr_in_print": True}
        return {"type": "media_resource", "value": value, "id": block_id}

    [change] = compare_streams([media(first, "m1")], [media(second, "m2")])

    assert (change.label, change.whole) == ("数字资源 · 数字资源", True)
    assert (change.old, change.new) == ("《G71 循环仿真》（视频）", "《G71 Ⅱ 型循环仿真》（视频）")


def test_pairing_a_long_rewritten_list_compares_a_bounded_number_of_items(monkeypatch):
    """A checklist of 300 items, every one reworded and re-ided, costs a few hundred
    comparisons, not 300 × 300."""
    calls = []
    similarity = diff._similarity
    monkeypatch.setattr(diff, "_similarity", lambda a, b: calls.append(1) or similarity(a, b))
    old = [work_task(checklist=[f"第 {n} 项检查合格" for n in range(300)])]
    new = as_saved_by_the_editor(
        [work_task(checklist=[f"第 {n} 项检查全部合格" for n in range(300)])]
    )

    changes = compare_streams(old, new)

    assert len(changes) == 300 and {c.kind for c in changes} == {"changed"}
    assert len(calls) <= diff.MAX_COMPARISONS + 300
