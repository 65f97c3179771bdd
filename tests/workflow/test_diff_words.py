"""Inside a changed text the comparison marks whole words, in Chinese as in English.

Chinese is cut into words by jieba, Latin words and numbers stay whole, and changes one
character apart read as one change; a long unchanged stretch shrinks to the changed sentence.
"""

from workflow.services.diff import FieldChange


def marked(change):
    return [(op, text) for op, text in change.segments if op != "equal"]


def test_a_chinese_word_replaced_is_marked_as_that_word_not_the_line():
    change = FieldChange(
        "操作要领",
        "查看导轨润滑油位是否在上下刻度之间，不足时按牌号补加。",
        "查看导轨液压油位是否在上下刻度之间，不足时按牌号补加。",
    )
    assert change.segments == [
        ("equal", "查看导轨"),
        ("delete", "润滑油"),
        ("insert", "液压油"),
        ("equal", "位是否在上下刻度之间，不足时按牌号补加。"),
    ]


def test_latin_words_and_numbers_are_marked_whole():
    assert marked(FieldChange("", "使用 G71 指令", "使用 G72 指令")) == [
        ("delete", "G71"),
        ("insert", "G72"),
    ]
    assert marked(FieldChange("", "气源压力 0.5 MPa", "气源压力 0.55 MPa")) == [
        ("delete", "0.5"),
        ("insert", "0.55"),
    ]
    assert marked(FieldChange("", "Check the oil level.", "Check the coolant level.")) == [
        ("delete", "oil"),
        ("insert", "coolant"),
    ]


def test_changes_one_character_apart_are_marked_as_one():
    change = FieldChange("", "气源压力 0.5–0.7 MPa", "气源压力 0.6–0.8 MPa")
    assert marked(change) == [("delete", "0.5–0.7"), ("insert", "0.6–0.8")]


def test_long_unchanged_text_around_a_change_is_cut_to_its_sentence():
    before = "第一句很长的说明文字，讲的是机床的来历和发展历史，与本次修改无关。" * 2
    after = "第三句同样与修改无关，但很长，足以超过上下文的长度限制而被省略掉。" * 2
    change = FieldChange(
        "", before + "开机后先回参考点。" + after, before + "开机后先回零点。" + after
    )

    assert change.segments == [
        ("equal", "…开机后先回"),
        ("delete", "参考点"),
        ("insert", "零点"),
        ("equal", "。…"),
    ]
