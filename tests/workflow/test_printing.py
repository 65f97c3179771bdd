"""Edition PDFs and loose-leaf replacement packs, read back as a printer and a teacher would:
the text (pypdf), the embedded fonts, and the QR codes scanned from rendered pages."""

import fcntl
import io
import re
import shutil
import subprocess
from importlib import import_module
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from media.models import ShortLink
from media.services import create_asset
from tests.workflow.conftest import published_edition
from textbooks.blocks import LeafStreamBlock
from textbooks.models import UnitPage
from workflow import printing
from workflow.models import CaseKind

ROOT = Path(__file__).resolve().parents[2]
VIDEO = ROOT / "cms" / "demo" / "media" / "g71-roughing.mp4"
SIMULATION = ROOT / "cms" / "demo" / "media" / "feed-rate-calculator.zip"
PUBLIC = "https://jiaocai.example.cn"


def _missing():
    problems = []
    for module in ("weasyprint", "pyzbar.pyzbar"):
        try:
            import_module(module)
        except (OSError, ImportError) as error:  # WeasyPrint: OSError; pyzbar: ImportError
            problems.append(f"{module}: {error}")
    fonts = shutil.which("fc-list")
    if fonts and "WenQuanYi" not in subprocess.run([fonts], capture_output=True, text=True).stdout:
        problems.append("the font WenQuanYi Micro Hei is not installed")
    return problems


@pytest.fixture(scope="session")
def pdf_tools():
    """WeasyPrint's and zbar's system libraries and the font, installed by `make pdf-deps`
    if they are missing (one worker at a time: apt holds a lock)."""
    if _missing() and shutil.which("make"):
        with open("/tmp/textbooks-pdf-deps.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            subprocess.run(["make", "-s", "pdf-deps"], cwd=ROOT, check=False)
    problems = _missing()
    if problems:
        pytest.skip(
            "cannot make or read PDFs here (`make pdf-deps` as root): " + "; ".join(problems)
        )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PUBLIC_BASE_URL = PUBLIC
    cache.clear()  # Wagtail caches renditions: not one of another test's MEDIA_ROOT


def text(html):
    return {"type": "rich_text", "value": f"<p>{html}</p>"}


def resource(asset, kind, show_qr=True):
    return {
        "type": "media_resource",
        "value": {
            "kind": kind,
            "asset": asset.pk,
            "caption": "扫码观看",
            "show_qr_in_print": show_qr,
        },
    }


def formula(latex, number=""):
    return {"type": "formula", "value": {"latex": latex, "number": number, "explanation": ""}}


def figure(image):
    value = {"image": {"image": image.pk, "decorative": False, "alt_text": "阶梯轴"}}
    return {"type": "figure", "value": {**value, "number": "图 2-1", "caption": "阶梯轴零件图"}}


def work_task():
    return {
        "type": "work_task",
        "value": {
            "task_name": "开机前点检",
            "goal": "完成点检并记录。",
            "steps": [{"title": "检查润滑", "instruction": "查看油位。", "key_points": ""}],
            "tools_and_materials": ["点检表"],
            "safety_notes": [],
            "checklist": ["油位正常"],
            "record_form": {
                "data": [["项目", "实测", "结论"], ["导轨油位", "", ""]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
            "rubric": [{"criterion": "点检完整性", "weight": 100, "standard": "五项全部完成"}],
        },
    }


def add(textbook, slug, number, title, blocks, user):
    leaf = UnitPage(
        title=title,
        slug=slug,
        number=number,
        live=False,
        owner=user,
        body=LeafStreamBlock().to_python(blocks),
    )
    textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=user)
    return UnitPage.objects.get(pk=leaf.pk)


def edit(leaf, blocks, user):
    draft = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
    draft.body = LeafStreamBlock().to_python(blocks)
    draft.save_revision(user=user)


def an_image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 32), (150, 160, 170)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title="阶梯轴", file=ContentFile(buffer.getvalue(), name="shaft.png")
    )


@pytest.fixture
def book(pdf_tools, media_root, users, make_textbook):
    """A school-tier mixed-media textbook by ``author``: five leaves with every kind of
    block that prints differently, published as edition 1.0."""
    author = users["author"]
    author.last_name, author.first_name = "张", "伟"
    author.save()
    textbook = make_textbook(author, tier="school", is_mixed_media=True)

    def asset(path, kind, title):
        with open(path, "rb") as handle:
            return create_asset(
                title=title, kind=kind, textbook=textbook, user=author, fileobj=File(handle)
            )

    video = asset(VIDEO, "video", "G71 外圆粗车循环仿真")
    simulation = asset(SIMULATION, "simulation", "切削用量计算器")
    leaves = [
        add(
            textbook,
            "safety",
            "项目 1",
            "数控车床安全操作",
            [text("操作前熟悉急停按钮。"), work_task()],
            author,
        ),
        add(
            textbook,
            "g71",
            "项目 2",
            "外圆粗车循环编程",
            [
                formula(r"v_c = \frac{\pi d n}{1000}", "式 2-1"),
                formula(r"\sum_{i=1}^{n} a_i"),  # beyond what print lays out: LaTeX shown
                resource(video, "video"),
                resource(simulation, "simulation"),
                figure(an_image()),
            ],
            author,
        ),
        add(textbook, "thread", "项目 3", "螺纹车削与检测", [text("螺纹切削深度。")], author),
        add(
            textbook,
            "measure",
            "项目 4",
            "零件测量",
            [text("千分尺读数。"), resource(video, "video", show_qr=False)],
            author,
        ),
        add(textbook, "maintain", "项目 5", "日常保养", [text("每日点检。")], author),
    ]
    u = users
    edition = published_edition(textbook, author, u["reviewer"], u["national"])
    return {"textbook": textbook, "leaves": leaves, "edition": edition, "video": video,
            "simulation": simulation, "users": users}  # fmt: skip


def pages_text(pdf):
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def scanned_codes(pdf):
    import pypdfium2
    from pyzbar.pyzbar import decode

    found = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        found.extend(symbol.data.decode() for symbol in decode(image))
    return found


def footer_codes(texts, version):
    """The leaf code in each page's footer, page by page ('' for a page without one)."""
    pattern = re.compile(rf"活页 (\S+) · 第 {re.escape(version)} 版")
    return [match.group(1) if (match := pattern.search(t)) else "" for t in texts]


def test_the_edition_pdf_prints_every_leaf_in_order_with_its_code(book):
    edition = book["edition"]
    pdf = printing.edition_pdf(edition)
    assert pdf.startswith(b"%PDF-")
    texts = pages_text(pdf)
    cover = texts[0]
    textbook = book["textbook"]
    assert textbook.title in cover and "第 1.0 版" in cover and textbook.isbn in cover
    assert "张伟" in cover

    # The leaves, after the front matter, in manifest order; each starts on a right-hand
    # (odd) page and numbers its pages from 1.
    manifest = [row.page_id for row in edition.leaves.order_by("position")]
    codes = {leaf.pk: leaf.code for leaf in book["leaves"]}
    assert [codes[pk] for pk in manifest] == ["1", "2", "3", "4", "5"]
    footers = footer_codes(texts, "1.0")
    first_pages = [footers.index(codes[pk]) for pk in manifest]
    assert first_pages == sorted(first_pages) and all(index % 2 == 0 for index in first_pages)
    body = "\n".join(texts[first_pages[0] :])
    positions = [body.index(leaf.title) for leaf in book["leaves"]]  # added in book order
    assert positions == sorted(positions)

    g71 = "\n".join(texts[first_pages[1] : first_pages[2]])
    assert "πdn" in g71 and "1000" in g71  # the fraction, laid out
    assert r"\sum_{i=1}^{n} a_i" in g71  # the LaTeX of what print does not lay out
    assert "导轨油位" in texts[first_pages[0]]  # the record form
    assert "阶梯轴零件图" in g71  # the figure's caption

    # A QR code beside each resource marked for print, to this edition's short link.
    video_link = ShortLink.for_asset(book["video"]).code
    simulation_link = ShortLink.for_asset(book["simulation"]).code
    assert sorted(scanned_codes(pdf)) == sorted(
        [f"{PUBLIC}/r/{video_link}/1.0/", f"{PUBLIC}/r/{simulation_link}/1.0/"]
    )


def test_the_fonts_are_embedded(book):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(printing.edition_pdf(book["edition"])))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            embedded = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())
            fonts[str(font["/BaseFont"])] = bool(embedded)
    assert fonts and all(fonts.values()), fonts
    assert any("WenQuanYi" in name for name in fonts)


def test_the_replacement_pack_reprints_only_added_and_changed_leaves(book):
    textbook, u = book["textbook"], book["users"]
    author = u["author"]
    safety, g71, thread, measure, maintain = book["leaves"]
    old = book["edition"]
    # 1.1: 项目 2 changed; 项目 3 removed; 项目 5 moved to the front unchanged; 项目 4 saved
    # again without a change; a new leaf at the end.
    edit(g71, [text("G71 循环的新说明。"), resource(book["video"], "video")], author)
    maintain.move(safety, pos="left")
    edit(measure, UnitPage.objects.get(pk=measure.pk).body.raw_data, author)
    added = add(textbook, "inspect", "项目 6", "零件检验", [text("检验记录。")], author)
    new = published_edition(
        textbook, author, u["reviewer"], u["national"], kind=CaseKind.MINOR, remove=[thread.pk]
    )

    plan = printing.replacement_plan(old, new)
    assert [(s.code, s.position) for s in plan.remove] == [("3", 3)]
    assert [(s.code, s.old_position, s.position, s.after) for s in plan.replace] == [
        ("2", 2, 3, "1")
    ]
    assert [(s.code, s.position, s.after) for s in plan.insert] == [("6", 5, "4")]
    assert [(s.code, s.old_position, s.position, s.after) for s in plan.move] == [("5", 5, 1, "")]
    assert plan.order == ["5", "1", "2", "4", "6"]

    pdf = printing.replacement_pack(old, new)
    texts = pages_text(pdf)
    footers = footer_codes(texts, "1.1")
    assert sorted({code for code in footers if code}) == ["2", "6"]  # changed and added only
    sheet = "".join(texts[: next(i for i, code in enumerate(footers) if code)])
    for words in ("第 1.0 版 → 第 1.1 版", thread.title, "已删除", maintain.title, added.title):
        assert words in sheet
    video_link = ShortLink.for_asset(book["video"]).code
    assert scanned_codes(pdf) == [f"{PUBLIC}/r/{video_link}/1.1/"]


def test_without_the_system_libraries_printing_says_how_to_enable_it(monkeypatch, published):
    def no_pango(name):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(printing, "import_module", no_pango)
    with pytest.raises(printing.PrintUnavailable, match="make pdf-deps"):
        printing.edition_pdf(published["edition"])
