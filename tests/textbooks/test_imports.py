"""Spreadsheet import: every row validated first and every error named by row and column;
nothing imported if a row fails; the same file again changes nothing; batch applications
through the same screen; every catalogue list exports to CSV and XLSX."""

import io
import re
from html import unescape

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.conftest import valid_isbn
from textbooks.imports import MajorImporter, read, run
from textbooks.models import Course, Institution, Major, Textbook
from workflow.models import EntryState, PlanEntry
from workflow.services import planning

IMPORT = "/admin/catalogue/import/"


def text(response):
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def csv_file(rows, headers, name="rows.csv"):
    data = tablib.Dataset(*rows, headers=headers)
    return SimpleUploadedFile(name, data.export("csv").encode("utf-8"), "text/csv")


def xlsx_file(rows, headers, name="rows.xlsx"):
    data = tablib.Dataset(*rows, headers=headers)
    return SimpleUploadedFile(name, data.export("xlsx"), "application/octet-stream")


MAJOR_HEADERS = ["专业代码", "专业名称", "专业大类", "层次"]


def majors(n):
    return [(f"{460000 + i:06d}", f"专业{i}", "装备制造大类", "高职专科") for i in range(n)]


def upload(client, kind, fileobj):
    return client.post(IMPORT, {"kind": kind, "file": fileobj})


def test_5000_rows_with_one_bad_row_import_nothing_then_all_then_nothing_again(client, users):
    client.force_login(users["national"])
    rows = majors(5000)
    rows[3141] = ("46A141", "专业3141", "装备制造大类", "高职专科")
    response = upload(client, "majors", csv_file(rows, MAJOR_HEADERS))
    assert response.status_code == 400
    page = text(response)
    assert "1 处错误，未导入任何数据" in page
    assert re.search(r"3143\s+专业代码\s+专业代码须为 2021 年版专业目录中的 6 位数字代码", page)
    assert not Major.objects.exists()

    rows[3141] = ("463141", "专业3141", "装备制造大类", "高职专科")
    response = upload(client, "majors", csv_file(rows, MAJOR_HEADERS))
    assert "导入完成：新增 5000 条，更新 0 条，未变 0 条" in text(client.get(response.url))
    assert Major.objects.count() == 5000

    before = list(Major.objects.order_by("code").values_list("pk", "code", "name", "level"))
    response = upload(client, "majors", xlsx_file(rows, MAJOR_HEADERS))
    assert "导入完成：新增 0 条，更新 0 条，未变 5000 条" in text(client.get(response.url))
    assert list(Major.objects.order_by("code").values_list("pk", "code", "name", "level")) == before


def test_every_error_is_listed_by_row_and_column(users):
    rows = [
        ("460101", "", "装备制造大类", "高职专科"),
        ("4601", "数控技术", "装备制造大类", "大专"),
        ("460101", "重复", "装备制造大类", "中职"),
    ]
    dataset = read(
        io.BytesIO(tablib.Dataset(*rows, headers=MAJOR_HEADERS).export("xlsx")), "m.xlsx"
    )
    result = run(MajorImporter(users["national"]), dataset)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "专业名称"),
        (3, "专业代码"),
        (3, "层次"),
        (4, "专业代码"),
    ]
    assert result.errors[2].message == "可选值：中职、高职专科、职业本科。"
    assert result.errors[3].message == "与第 2 行重复。"


def test_missing_and_unknown_columns_are_named(client, users):
    client.force_login(users["national"])
    response = upload(client, "majors", csv_file([("460101", "数控")], ["专业代码", "名字"]))
    page = text(response)
    assert re.search(r"1\s+专业名称\s+缺少该列", page)
    assert re.search(r"1\s+名字\s+无法识别的列。可用的列：专业代码、专业名称、专业大类、层次", page)


def test_a_file_of_another_type_is_refused(client, users):
    client.force_login(users["national"])
    response = upload(client, "majors", SimpleUploadedFile("m.pdf", b"%PDF-1.4", "application/pdf"))
    assert response.status_code == 400
    assert "只能导入 CSV 或 Excel（.xlsx）文件" in text(response)


def test_only_those_who_may_change_the_catalogue_import_it(client, users):
    for role in ("author", "reviewer", "political", "committee"):
        client.force_login(users[role])
        home = client.get("/admin/").content.decode()
        assert IMPORT not in home, role  # no menu item
        assert client.get(IMPORT).status_code in (302, 403), role
        response = upload(client, "majors", csv_file(majors(2), MAJOR_HEADERS))
        assert response.status_code in (302, 403), role
    assert not Major.objects.exists()
    # A provincial administrator is offered what he or she may import, and nothing else.
    client.force_login(users["province"])
    assert IMPORT in client.get("/admin/").content.decode()
    offered = re.findall(r'<option value="(\w+)"', client.get(IMPORT).content.decode())
    assert "majors" not in offered and "textbooks" in offered
    response = upload(client, "majors", csv_file(majors(2), MAJOR_HEADERS))
    assert response.status_code == 400 and not Major.objects.exists()


TEXTBOOK_HEADERS = [
    "ISBN", "书名", "教材形态", "规划层级", "主编", "出版社", "所属省份", "适用课程", "适用专业",
    "合作开发单位",
]  # fmt: skip


@pytest.fixture
def catalogue(db):
    Major.objects.create(
        code="460103", name="数控技术", category="装备制造大类", level="higher_associate"
    )
    Course.objects.create(name="数控编程", course_type="professional")
    Institution.objects.create(name="机械工业出版社", code="P001", kind="publisher", province="BJ")
    Institution.objects.create(name="某职院", code="S001", kind="school", province="JS")
    Institution.objects.create(name="某企业", code="E001", kind="enterprise", province="JS")


def textbook_rows(n, start=0):
    return [
        (valid_isbn(900 + i), f"数控编程 第{i}册", "活页式、融媒体", "省级规划教材", "author",
         "P001", "江苏省", "数控编程", "460103", "S001、E001")
        for i in range(start, start + n)
    ]  # fmt: skip


def test_textbooks_import_from_excel_with_their_courses_majors_and_co_developers(
    client, users, catalogue
):
    client.force_login(users["national"])
    rows = textbook_rows(3)
    rows[1] = (
        "9787111000000", "错", "手写本", "省级", "nobody", "X", "江苏省", "不存在的课", "", "",
    )  # fmt: skip
    response = upload(client, "textbooks", xlsx_file(rows, TEXTBOOK_HEADERS))
    page = text(response)
    for column in ["ISBN", "教材形态", "规划层级", "主编", "出版社", "适用课程"]:
        assert re.search(rf"\b3\s+{column}\s", page), column
    assert not Textbook.objects.exists()

    rows = textbook_rows(3)
    response = upload(client, "textbooks", xlsx_file(rows, TEXTBOOK_HEADERS))
    assert response.status_code == 302
    book = Textbook.objects.get(isbn=valid_isbn(901))
    assert (book.tier, book.province, book.is_loose_leaf, book.is_mixed_media) == (
        "provincial", "JS", True, True,
    )  # fmt: skip
    assert book.is_co_developed and book.page.title == book.title
    assert [m.code for m in book.majors.all()] == ["460103"]

    rows[0] = (*rows[0][:3], "国家规划教材", *rows[0][4:])
    response = upload(client, "textbooks", csv_file(rows, TEXTBOOK_HEADERS))
    assert "新增 0 条，更新 1 条，未变 2 条" in text(client.get(response.url))
    assert Textbook.objects.get(isbn=valid_isbn(900)).tier == "national"


def test_a_provincial_administrator_imports_only_the_province_s_textbooks(client, users, catalogue):
    client.force_login(users["province"])
    rows = textbook_rows(2)
    rows[1] = (*rows[1][:6], "浙江省", *rows[1][7:])
    response = upload(client, "textbooks", csv_file(rows, TEXTBOOK_HEADERS))
    assert re.search(r"3\s+所属省份\s+您只能导入本省的教材", text(response))
    assert not Textbook.objects.exists()


def test_batch_applications_import_through_the_same_screen(client, users, make_textbook):
    admin = users["national"]
    books = [make_textbook(users["author"]) for _ in range(3)]
    batch = planning.open_batch(
        planning.create_batch(user=admin, tier="national", title="第一批", year=2026), user=admin
    )
    client.force_login(admin)
    headers = ["批次编号", "ISBN", "申报说明"]
    rows = [(batch.pk, b.isbn, "推荐") for b in books] + [(batch.pk, valid_isbn(99999), "")]
    response = upload(client, "applications", csv_file(rows, headers))
    assert re.search(r"5\s+ISBN\s+目录中没有 ISBN", text(response))
    assert not PlanEntry.objects.exists()
    response = upload(client, "applications", csv_file(rows[:3], headers))
    assert "新增 3 条" in text(client.get(response.url))
    assert PlanEntry.objects.filter(state=EntryState.APPLIED).count() == 3
    response = upload(client, "applications", csv_file(rows[:3], headers))
    assert "新增 0 条，更新 0 条，未变 3 条" in text(client.get(response.url))


def test_the_command_imports_with_a_progress_bar_and_lists_errors(tmp_path, users, capsys):
    path = tmp_path / "majors.csv"
    rows = majors(50)
    rows[7] = ("x", "坏", "装备制造大类", "高职专科")
    path.write_bytes(tablib.Dataset(*rows, headers=MAJOR_HEADERS).export("csv").encode("gb18030"))
    with pytest.raises(CommandError, match="1 errors; nothing was imported"):
        call_command("import_spreadsheet", "majors", str(path), user="national")
    assert "9\t专业代码\t" in capsys.readouterr().out
    rows[7] = ("460999", "好", "装备制造大类", "高职专科")
    path.write_bytes(tablib.Dataset(*rows, headers=MAJOR_HEADERS).export("csv").encode("gb18030"))
    call_command("import_spreadsheet", "majors", str(path), user="national")
    captured = capsys.readouterr()
    assert "created 50, updated 0, unchanged 0" in captured.out
    assert "[##############################] 100% 50/50" in captured.err


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_every_catalogue_list_exports(client, users, export, make_textbook):
    make_textbook(users["author"])
    Major.objects.create(
        code="460103", name="数控技术", category="装备制造大类", level="higher_associate"
    )
    client.force_login(users["national"])
    for path in [
        "/admin/textbook/",
        "/admin/major/",
        "/admin/course/",
        "/admin/institution/",
        "/admin/snippets/media/mediaasset/",
    ]:
        response = client.get(path, {"export": export})
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if export == "csv":
            assert body.decode("utf-8-sig").splitlines()[0], path
        else:
            assert body[:2] == b"PK", path  # a zip: .xlsx
