"""Benchmark: the print PDF of an edition of 20 leaves, and a loose-leaf replacement pack.

    .venv/bin/python benchmarks/print_benchmark.py [--leaves 20] [--runs 3] [--seed 20261201]

Migrates a fresh SQLite database in a temporary folder (or the one DATABASE_URL names),
writes a reproducible mixed-media textbook (seeded: paragraphs, a formula, a table, a work
task with a record form, an exercise and one or two QR-coded resources per leaf, the real demo
files from cms/demo/media/ as assets), publishes edition 1.0 through the review workflow, then
1.1 with three leaves changed, one added, one removed and one moved. Times edition_pdf and
replacement_pack (best and median of --runs) and prints a table; the figures go to
benchmarks/README.md. Needs `make pdf-deps`.
"""

import argparse
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
MEDIA = ROOT / "cms" / "demo" / "media"

TOPICS = [
    "数控车床",
    "外圆车削",
    "螺纹加工",
    "刀具选用",
    "切削用量",
    "零件测量",
    "程序校验",
    "设备保养",
]
PHRASES = [
    "操作前应熟悉机床结构和急停按钮的位置。",
    "根据零件图确定毛坯尺寸、加工余量与编程原点。",
    "粗加工时选用较大的背吃刀量，精加工时减小进给量以保证表面质量。",
    "每班开机前按点检表检查润滑、气压和冷却液。",
    "加工过程中注意观察切屑形态，发现异常立即停机。",
    "测量时应先校对量具零位，读数时视线与刻线垂直。",
    "程序输入后先在仿真软件中校验刀路，确认无过切、无撞刀。",
    "工件装夹应牢固可靠，悬伸长度不宜超过直径的三倍。",
]
FORMULAS = [
    r"v_c = \frac{\pi d n}{1000}",
    r"v_f = f \times n",
    r"t = \frac{L}{v_f}",
    r"R_a \le 3.2",
    r"d_1 = d - 1.0825 P",
]


def rich(rng, sentences):
    return {"type": "rich_text", "value": "<p>" + "".join(rng.sample(PHRASES, sentences)) + "</p>"}


def leaf_blocks(rng, assets, project, task):
    """The blocks of one leaf, drawn from ``rng``."""
    video, simulation = assets
    rows = [["项目", "标准", "实测", "结论"]] + [
        [rng.choice(TOPICS), f"{rng.uniform(0.1, 5):.2f} mm", "", ""]
        for _ in range(rng.randint(1, 3))
    ]
    blocks = [
        rich(rng, rng.randint(2, 4)),
        {
            "type": "formula",
            "value": {
                "latex": rng.choice(FORMULAS),
                "number": f"式 {project}-{task}",
                "explanation": "",
            },
        },
        {
            "type": "table",
            "value": {
                "number": f"表 {project}-{task}",
                "caption": f"{rng.choice(TOPICS)}参考值",
                "table": {
                    "data": [["参数", "数值", "单位"]]
                    + [[rng.choice(TOPICS), f"{rng.uniform(1, 300):.1f}", "mm"] for _ in range(4)],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                },
            },
        },
        rich(rng, 3),
        {
            "type": "work_task",
            "value": {
                "task_name": f"{rng.choice(TOPICS)}实训",
                "goal": rng.choice(PHRASES),
                "steps": [
                    {"title": f"步骤 {n}", "instruction": rng.choice(PHRASES), "key_points": ""}
                    for n in range(1, rng.randint(3, 5) + 1)
                ],
                "tools_and_materials": ["游标卡尺", "千分尺", "作业指导书"],
                "safety_notes": ["佩戴护目镜", "严禁戴手套操作旋转设备"],
                "checklist": rng.sample(PHRASES, 3),
                "record_form": {
                    "data": rows,
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                },
                "rubric": [
                    {"criterion": "操作规范", "weight": 40, "standard": "按步骤完成"},
                    {"criterion": "结果正确", "weight": 60, "standard": "尺寸合格"},
                ],
            },
        },
        {
            "type": "exercise",
            "value": {
                "kind": "short",
                "question": f"<p>{rng.choice(PHRASES)}为什么？</p>",
                "answer": "",
            },
        },
    ]
    for asset in [video, simulation][: rng.randint(1, 2)]:
        blocks.append(
            {
                "type": "media_resource",
                "value": {
                    "kind": asset.kind,
                    "asset": asset.pk,
                    "caption": "扫码学习",
                    "show_qr_in_print": True,
                },
            }
        )
    return blocks


def build(n_leaves, seed):
    """(edition 1.0, edition 1.1) of a seeded textbook of ``n_leaves`` leaves."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files import File

    from media.services import create_asset
    from tests.workflow.conftest import published_edition
    from textbooks import roles
    from textbooks.blocks import LeafStreamBlock
    from textbooks.models import Course, Textbook, UnitPage
    from textbooks.services import create_textbook
    from textbooks.validators import isbn13_check_digit
    from workflow.models import CaseKind

    rng = random.Random(seed)
    users = {}
    for name, role in [
        ("author", roles.AUTHOR),
        ("reviewer", roles.REVIEWER),
        ("admin", roles.NATIONAL_ADMIN),
    ]:
        users[name] = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
        users[name].groups.add(Group.objects.get(name=role))
    author = users["author"]
    author.last_name, author.first_name = "张", "伟"
    author.save()
    textbook = create_textbook(
        Textbook(
            title="数控车削加工（基准）",
            slug="print-benchmark",
            isbn="978711100001" + isbn13_check_digit("978711100001"),
            is_loose_leaf=True,
            is_mixed_media=True,
            tier="school",
            editor_in_chief=author,
        ),
        user=author,
        courses=[Course.objects.create(name="数控车削加工", course_type="professional")],
    )
    assets = []
    for name, kind in [("g71-roughing.mp4", "video"), ("feed-rate-calculator.zip", "simulation")]:
        with open(MEDIA / name, "rb") as handle:
            assets.append(
                create_asset(
                    title=name, kind=kind, textbook=textbook, user=author, fileobj=File(handle)
                )
            )

    def add(number, project, task):
        leaf = UnitPage(
            title=f"{rng.choice(TOPICS)}（任务 {project}-{task}）",
            slug=f"leaf-{project}-{task}",
            number=number,
            summary=rng.choice(PHRASES),
            body=LeafStreamBlock().to_python(leaf_blocks(rng, assets, project, task)),
            owner=author,
            live=False,
        )
        textbook.page.add_child(instance=leaf)
        leaf.save_revision(user=author)
        return UnitPage.objects.get(pk=leaf.pk)

    leaves = [
        add(f"项目 {i // 4 + 1} 任务 {i % 4 + 1}", i // 4 + 1, i % 4 + 1) for i in range(n_leaves)
    ]
    publish = (textbook, author, users["reviewer"], users["admin"])
    first = published_edition(*publish)

    removed = leaves[len(leaves) // 2]
    for leaf in rng.sample([leaf for leaf in leaves[1:-1] if leaf != removed], 3):
        # changed: a paragraph rewritten
        draft = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
        stream = draft.body.get_prep_value()
        stream[0]["value"] = "<p>修订：" + rng.choice(PHRASES) + "</p>"
        draft.body = LeafStreamBlock().to_python(stream)
        draft.save_revision(user=author)
    leaves[-1].move(leaves[0], pos="left")  # moved to the front
    add("附录", 99, 1)  # added
    second = published_edition(*publish, kind=CaseKind.MINOR, remove=[removed.pk])
    return first, second


def measure(runs, render):
    """(the PDF, wall-clock seconds, CPU seconds, queries) of ``runs`` renderings: CPU time is
    what to compare on a loaded machine."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    wall, cpu = [], []
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            pdf = render()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    return pdf, wall, cpu, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaves", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="print-benchmark-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/db.sqlite3")
    os.environ["MEDIA_ROOT"] = f"{workdir}/uploads"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from pypdf import PdfReader

    from workflow.printing import edition_pdf, replacement_pack, replacement_plan

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    first, second = build(args.leaves, args.seed)
    setup_s = time.perf_counter() - started
    plan = replacement_plan(first, second)

    rows = []
    for label, render in [
        (f"edition {first.version} ({first.leaves.count()} leaves)", lambda: edition_pdf(first)),
        (
            f"replacement pack {first.version} → {second.version} "
            f"({len(plan.reprinted)} of {second.leaves.count()} leaves)",
            lambda: replacement_pack(first, second),
        ),
    ]:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        pdf, wall, cpu, queries = measure(args.runs, render)
        peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        rows.append((label, pages, len(pdf), wall, cpu, queries, peak))

    load = os.getloadavg()[0]
    print(f"\nprint PDFs · {connection.vendor} · seed {args.seed} · {args.runs} runs each")
    print(f"database, data and two editions: {setup_s:.1f} s · load average {load:.1f}\n")
    header = (
        f"{'PDF':<46}{'pages':>6}{'KB':>6}{'wall best':>10}{'median':>8}"
        f"{'CPU best':>10}{'median':>8}{'queries':>8}{'+RSS MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, pages, size, wall, cpu, queries, peak in rows:
        print(
            f"{label:<46}{pages:>6}{size / 1024:>6.0f}{min(wall):>10.2f}"
            f"{statistics.median(wall):>8.2f}{min(cpu):>10.2f}{statistics.median(cpu):>8.2f}"
            f"{queries:>8}{peak / 2**20:>8.1f}"
        )


if __name__ == "__main__":
    main()
