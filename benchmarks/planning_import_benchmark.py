"""Benchmark: importing a spreadsheet of 50,000 textbook rows (textbooks/imports.py).

    .venv/bin/python benchmarks/planning_import_benchmark.py [--rows 50000] [--seed 20261201]

Migrates a fresh SQLite database in a temporary folder (or the one DATABASE_URL names), loads
a reproducible catalogue the rows refer to (seeded: 300 courses, 100 majors, 20 publishers,
200 schools and enterprises, 500 editors-in-chief), writes the rows as CSV and as .xlsx, and
times: reading each file; a first import (validation, then every textbook created with its
draft TextbookPage, as the admin creates one); the same file again (validation and comparison,
nothing changes); and a file with one bad row (validation only, nothing imported). Peak memory
is the process's peak resident set after each phase (it only grows). Prints a table; the
figures go to benchmarks/README.md.
"""

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

HEADERS = [
    "ISBN", "书名", "网址标识", "教材形态", "规划层级", "主编", "出版社", "所属省份", "适用课程",
    "适用专业", "合作开发单位", "意识形态属性较强",
]  # fmt: skip
FORMS = ["活页式", "工作手册式", "融媒体", "活页式、融媒体", "工作手册式、融媒体"]
TIERS = ["国家规划教材", "省级规划教材", "校本教材"]
PROVINCES = ["江苏省", "浙江省", "广东省", "山东省", "四川省", "北京市"]
TOPICS = ["数控", "电工", "护理", "会计", "烹饪", "汽修", "物流", "软件", "机电", "建筑"]


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_catalogue(rng):
    from django.contrib.auth import get_user_model

    from textbooks.models import Course, Institution, Major

    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"chief{i:03d}", last_name="主编", first_name=str(i)) for i in range(500)]
    )
    Major.objects.bulk_create(
        [
            Major(
                code=f"{460100 + i:06d}",
                name=f"{TOPICS[i % 10]}专业{i}",
                category="装备制造大类",
                level="higher_associate",
            )
            for i in range(100)
        ]  # fmt: skip
    )
    Course.objects.bulk_create(
        [Course(name=f"{TOPICS[i % 10]}课程{i}", course_type="professional") for i in range(300)]
    )
    Institution.objects.bulk_create(
        [Institution(name=f"出版社{i}", code=f"P{i:03d}", kind="publisher", province="BJ") for i in range(20)]
        + [Institution(name=f"职业学院{i}", code=f"S{i:03d}", kind="school", province="JS") for i in range(100)]
        + [Institution(name=f"企业{i}", code=f"E{i:03d}", kind="enterprise", province="JS") for i in range(100)]
    )  # fmt: skip


def generate(n, rng):
    """``n`` textbook rows, reproducible from the seed."""
    from textbooks.validators import isbn13_check_digit

    rows = []
    for i in range(n):
        first12 = f"97871{i:07d}"
        topic = rng.choice(TOPICS)
        rows.append(
            (
                first12 + isbn13_check_digit(first12),
                f"{topic}教程 第{i}册",
                f"book-{i}",
                rng.choice(FORMS),
                rng.choice(TIERS),
                f"chief{rng.randrange(500):03d}",
                f"P{rng.randrange(20):03d}",
                rng.choice(PROVINCES),
                "、".join(f"{TOPICS[c % 10]}课程{c}" for c in rng.sample(range(300), 2)),
                f"{460100 + rng.randrange(100):06d}",
                f"S{rng.randrange(100):03d}、E{rng.randrange(100):03d}",
                rng.choice(["是", "否", "否", "否"]),
            )
        )
    return rows


def bulk_load(importer, dataset):
    """Textbooks for every row, loaded set-based (no pages): the catalogue as a first import
    left it, so that the second import compares 50,000 rows against 50,000 records."""
    from textbooks.imports import TEXTBOOK_FIELDS, TEXTBOOK_M2M, cell
    from textbooks.models import Textbook

    importer.prepare()
    names = {c.header: c.name for c in importer.columns}
    rows = []
    for raw in dataset:
        values = {names[h]: cell(v) for h, v in zip(dataset.headers, raw, strict=True)}
        errors = []
        rows.append(importer.clean(values, errors))
        assert not errors, errors
    made = Textbook.objects.bulk_create(
        [Textbook(isbn=r["isbn"], **{f: r[f] for f in TEXTBOOK_FIELDS}) for r in rows],
        batch_size=2000,
    )
    for name in TEXTBOOK_M2M:
        through = getattr(Textbook, name).through
        target = getattr(Textbook, name).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [
                through(textbook_id=book.pk, **{f"{target}_id": pk})
                for book, row in zip(made, rows, strict=True)
                for pk in row[name]
            ],
            batch_size=5000,
        )


def timed(label, results, function):
    started, cpu = time.perf_counter(), time.process_time()
    value = function()
    results.append((label, time.perf_counter() - started, time.process_time() - cpu, peak_mb()))
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--create", type=int, default=1000, help="rows created with pages")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="import-benchmark-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/db.sqlite3")
    import django

    django.setup()
    import tablib
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from textbooks.imports import TextbookImporter, read, run
    from textbooks.models import Textbook

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    build_catalogue(rng)
    # A superuser holds every role: the national administrators' scope, every permission.
    admin = get_user_model().objects.create_user("bench-admin", is_superuser=True)
    rows = generate(args.rows, rng)
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    csv_bytes = dataset.export("csv").encode("utf-8")
    xlsx_bytes = dataset.export("xlsx")
    bad = list(rows)
    middle = bad[len(bad) // 2]
    wrong_digit = "1" if middle[0][-1] != "1" else "2"
    bad[len(bad) // 2] = (middle[0][:-1] + wrong_digit, *middle[1:])
    bad_bytes = tablib.Dataset(*bad, headers=HEADERS).export("csv").encode("utf-8")

    results = []
    timed("read .xlsx", results, lambda: read(io.BytesIO(xlsx_bytes), "t.xlsx"))
    data = timed("read CSV", results, lambda: read(io.BytesIO(csv_bytes), "t.csv"))
    failed = timed(
        "one bad row: validate all, import nothing", results,
        lambda: run(TextbookImporter(admin), read(io.BytesIO(bad_bytes), "bad.csv")),
    )  # fmt: skip
    assert len(failed.errors) == 1 and not Textbook.objects.exists(), failed.errors[:3]
    # New textbooks are created one by one with their draft page (create_textbook), as the
    # admin creates them: measured on the first --create rows, the rest loaded set-based.
    head = tablib.Dataset(*rows[: args.create], headers=HEADERS)
    created = timed(
        f"create {args.create:,} new textbooks (with pages)", results,
        lambda: run(TextbookImporter(admin), head),
    )  # fmt: skip
    assert created.created == args.create, created
    bulk_load(TextbookImporter(admin), tablib.Dataset(*rows[args.create :], headers=HEADERS))
    again = timed(
        "same file again (no change)", results, lambda: run(TextbookImporter(admin), data)
    )
    assert again.unchanged == args.rows, again
    changed = [
        (row[0], row[1] + "（修订）", *row[2:]) if i % 20 == 0 else row
        for i, row in enumerate(rows)
    ]
    updated = timed(
        "5% of the rows changed", results,
        lambda: run(TextbookImporter(admin), tablib.Dataset(*changed, headers=HEADERS)),
    )  # fmt: skip
    assert updated.updated == len(range(0, args.rows, 20)), updated

    print(f"{args.rows} textbook rows, seed {args.seed}, {len(csv_bytes) / 2**20:.1f} MB CSV, "
          f"{len(xlsx_bytes) / 2**20:.1f} MB .xlsx, database {os.environ['DATABASE_URL'].split(':')[0]}")  # fmt: skip
    print("| phase | wall s | CPU s | rows/s (wall) | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for label, wall, cpu, mb in results:
        n = args.create if label.startswith("create") else args.rows
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {n / wall:,.0f} | {mb:.0f} |")


if __name__ == "__main__":
    main()
