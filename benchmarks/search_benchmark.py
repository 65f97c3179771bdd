"""Catalogue search at national scale: our database backend beside stock Wagtail search.

    createdb -h 127.0.0.1 -U postgres textbooks_search_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_search_bench \
        .venv/bin/python benchmarks/search_benchmark.py [--textbooks 10000] [--wagtail-pages 1000]

Generates (seeded, reproducible) --textbooks Textbook rows with 20 leaves each and bulk-inserts
them with their catalogue index rows (CatalogueEntry, facet values, tsvector) — the leaves'
titles and learning goals go into the indexed content, as the real indexer puts them. Page
creation through treebeard runs about 100 pages a second, so the stock Wagtail comparison uses
--wagtail-pages real TextbookPages (same titles and content, created with add_child, then
indexed by Wagtail's own update_index) searched with Page.objects.search() on
wagtail.search.backends.database. Prints p50/p95 per query, the queries per request, and how
many results each found; then the facet-browse requests (empty query, with and without
filters). Idempotent: a second run reuses the generated rows.

The textbook page: the demo catalogue is loaded into the same database (real editions through
the review workflow) plus one textbook of 20 leaves (the CNC textbook's leaves, repeated)
published as edition 1.0 the same way; GET /textbooks/<slug>/ through Django's test Client,
p50/p95 and the queries per request, for that textbook and the demo ones.

A reference timing (count(*) over generate_series(1, 10^6) in PostgreSQL) is printed first:
this machine is shared, and its load changes every figure several-fold.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from cms.search import service  # noqa: E402
from cms.search.backends.database import DatabaseBackend  # noqa: E402
from cms.search.documents import FORM_LABELS, CatalogueDocument  # noqa: E402
from cms.search.models import Status  # noqa: E402
from cms.search.segment import index_text  # noqa: E402
from textbooks.models import CatalogueIndexPage, Course, Major, Textbook, TextbookPage  # noqa: E402
from textbooks.models.catalogue import CourseType, Level, Tier  # noqa: E402
from textbooks.validators import isbn13_check_digit  # noqa: E402

SEED = 2026
LEAVES = 20
PREFIX = "searchbench-"

CATEGORIES = [
    "装备制造大类",
    "电子与信息大类",
    "财经商贸大类",
    "医药卫生大类",
    "交通运输大类",
    "土木建筑大类",
]
DOMAINS = ["数控", "新能源汽车", "工业机器人", "计算机", "Python", "大数据", "护理", "智能财税",
           "电子商务", "物联网", "无人机", "智能制造", "建筑", "会计", "物流", "电气", "焊接", "模具",
           "网络安全", "汽车"]  # fmt: skip
SUBJECTS = [
    "编程",
    "技术",
    "检测与维修",
    "应用",
    "基础",
    "实务",
    "加工工艺",
    "设计",
    "运维",
    "管理",
]
SUFFIXES = ["", "（活页式）", "（融媒体版）", "实训", "教程", "（第二版）"]
TASKS = ["G71 外圆粗车循环编程", "BMS 故障码读取", "绝缘电阻检测", "防火墙策略配置", "电子发票开具",
         "无菌包打开", "坐标系标定", "Web 漏洞检测", "PLC 程序调试", "零件测量与质量检验",
         "数据清洗与可视化", "生命体征测量", "增值税纳税申报", "搬运工作站编程", "台阶轴车削"]  # fmt: skip
QUERIES = ["数控", "编程", "计算机", "电池", "新能源汽车", "Python", "BMS", "G71", "护理",
           "数控机床编程", "大数据与会计", "工业机器人编程与调试", "装备制造大类", "网络安全 实训"]  # fmt: skip
# Facet browsing: (label, query, filters).
BROWSE = [
    ("(empty)", "", {}),
    ("(empty) tier", "", {"tier": ["national"]}),
    ("(empty) recent+co", "", {"recently_updated": ["true"], "co_developed": ["true"]}),
    ("编程 + level+form", "编程", {"level": ["higher_associate"], "form": ["loose_leaf"]}),
]
PAGE_SLUG = "searchbench-page"
REPEAT = 15


def isbn(n):
    first12 = f"978750{n:06d}"
    return first12 + isbn13_check_digit(first12)


def generate(count):
    """Bulk-insert ``count`` textbooks and their index rows; returns the textbook ids."""
    existing = list(
        Textbook.objects.filter(slug__startswith=PREFIX).order_by("pk").values_list("pk", flat=True)
    )
    if len(existing) >= count:
        return existing[:count]
    rng = random.Random(SEED)
    chief, _ = get_user_model().objects.get_or_create(username="searchbench-chief")
    majors = []
    for i in range(60):
        majors.append(
            Major.objects.get_or_create(
                code=f"9{i:05d}",
                defaults={
                    "name": f"{DOMAINS[i % len(DOMAINS)]}{SUBJECTS[i % len(SUBJECTS)]}",
                    "category": CATEGORIES[i % len(CATEGORIES)],
                    "level": list(Level.values)[i % 3],
                },
            )[0]
        )
    courses = [
        Course.objects.get_or_create(
            name=f"{d}{s}（课程）",
            defaults={
                "course_type": rng.choice([CourseType.PROFESSIONAL, CourseType.PUBLIC_BASIC])
            },
        )[0]
        for d in DOMAINS
        for s in SUBJECTS[:5]
    ]
    now = timezone.now()
    backend = DatabaseBackend()
    start = len(existing)
    for batch in range(start, count, 500):
        with transaction.atomic():
            specs = []
            for n in range(batch, min(batch + 500, count)):
                domain, subject = rng.choice(DOMAINS), rng.choice(SUBJECTS)
                forms = rng.sample(list(FORM_LABELS), rng.randint(1, 3))
                specs.append(
                    {
                        "title": f"{domain}{subject}{rng.choice(SUFFIXES)}",
                        "majors": rng.sample(majors, rng.randint(1, 2)),
                        "courses": rng.sample(courses, 1),
                        "forms": forms,
                        "tier": rng.choice(list(Tier.values)),
                        "co": rng.random() < 0.4,
                        "leaves": [
                            f"项目{i} {domain}{rng.choice(TASKS)}" for i in range(1, LEAVES + 1)
                        ],
                        "updated": now - timezone.timedelta(days=rng.randint(0, 1100)),
                        "n": n,
                    }
                )
            textbooks = Textbook.objects.bulk_create(
                [
                    Textbook(
                        title=s["title"],
                        slug=f"{PREFIX}{s['n']}",
                        isbn=isbn(s["n"]),
                        is_loose_leaf="loose_leaf" in s["forms"],
                        is_workbook="workbook" in s["forms"],
                        is_mixed_media="mixed_media" in s["forms"],
                        tier=s["tier"],
                        editor_in_chief=chief,
                    )
                    for s in specs
                ]
            )
            Textbook.majors.through.objects.bulk_create(
                [
                    Textbook.majors.through(textbook_id=t.pk, major_id=m.pk)
                    for t, s in zip(textbooks, specs, strict=True)
                    for m in s["majors"]
                ]
            )
            Textbook.courses.through.objects.bulk_create(
                [
                    Textbook.courses.through(textbook_id=t.pk, course_id=c.pk)
                    for t, s in zip(textbooks, specs, strict=True)
                    for c in s["courses"]
                ]
            )
            backend.bulk_index([document(t, s) for t, s in zip(textbooks, specs, strict=True)])
        print(f"  generated {min(batch + 500, count)}/{count} textbooks", flush=True)
    return list(
        Textbook.objects.filter(slug__startswith=PREFIX).order_by("pk").values_list("pk", flat=True)
    )


def document(textbook, spec):
    majors, courses = spec["majors"], spec["courses"]
    return CatalogueDocument(
        textbook_id=textbook.pk,
        title=textbook.title,
        slug=textbook.slug,
        url=f"/textbooks/{textbook.slug}/",
        isbn=textbook.isbn,
        tier=textbook.tier,
        co_developed=spec["co"],
        status=Status.IN_USE,
        edition_version="1.0",
        edition_published_at=spec["updated"],
        updated_at=spec["updated"],
        title_text=index_text(textbook.title),
        subject_text=index_text(*(f"{m.category} {m.name}" for m in majors), courses[0].name),
        body_text=index_text(*spec["leaves"]),
        facets={
            "major_category": list(dict.fromkeys((m.category, m.category) for m in majors)),
            "major": [(m.code, f"{m.code} {m.name}") for m in majors],
            "level": list(dict.fromkeys((m.level, str(Level(m.level).label)) for m in majors)),
            "course_type": [(c.course_type, str(CourseType(c.course_type).label)) for c in courses],
            "course": [(str(c.pk), c.name) for c in courses],
            "form": [(f, FORM_LABELS[f]) for f in spec["forms"]],
            "tier": [(textbook.tier, str(Tier(textbook.tier).label))],
            "co_developed": [("true", "校企双元合作开发")] if spec["co"] else [],
            "status": [(Status.IN_USE, str(Status.IN_USE.label))],
        },
    )


def wagtail_pages(textbook_ids, count):
    """Real TextbookPages for the first ``count`` textbooks, indexed by Wagtail's update_index."""
    have = TextbookPage.objects.filter(textbook__slug__startswith=PREFIX).count()
    if have >= count:
        return
    parent = CatalogueIndexPage.objects.get()
    rng = random.Random(SEED + 1)
    started = time.perf_counter()
    with override_settings(
        WAGTAILSEARCH_BACKENDS={
            "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
        }
    ):
        for i, textbook in enumerate(
            Textbook.objects.filter(pk__in=textbook_ids[have:count]).order_by("pk"), start=have
        ):
            leaves = "".join(f"<p>项目{n} {rng.choice(TASKS)}</p>" for n in range(1, LEAVES + 1))
            parent.add_child(
                instance=TextbookPage(
                    title=textbook.title, slug=textbook.slug, textbook=textbook, overview=leaves
                )
            )
            if (i + 1) % 500 == 0:
                print(f"  created {i + 1}/{count} Wagtail pages", flush=True)
    print(f"  page creation: {count - have} pages in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    print(f"  wagtail update_index: {time.perf_counter() - started:.0f} s")


def page_textbook():
    """The demo catalogue and one 20-leaf textbook, published through the review workflow."""
    from cms.demo.content import CNC_UNITS, TEXTBOOKS
    from cms.demo.loader import DemoLoader

    if Textbook.objects.filter(slug=PAGE_SLUG, editions__isnull=False).exists():
        return
    loader = DemoLoader()
    loader.run()
    cnc = next(spec for spec in TEXTBOOKS if spec["slug"] == "cnc-programming")
    units = [
        (f"leaf-{n}", f"项目 {n}", f"{title}（{n}）", summary, body)
        for n, (_slug, _number, title, summary, body) in enumerate(
            (CNC_UNITS * LEAVES)[:LEAVES], start=1
        )
    ]
    spec = dict(cnc, slug=PAGE_SLUG, title="数控机床编程与操作（二十活页）", isbn12="", units=units)
    with transaction.atomic():
        loader.load_textbook(spec)


def measure_pages():
    from django.test import Client

    client = Client()
    slugs = [PAGE_SLUG, "cnc-programming", "ev-battery", "basic-nursing"]
    rows = []
    for slug in slugs:
        url = f"/textbooks/{slug}/"

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        get()
        rows.append((slug, measure(get)))
    return rows


def reference_ms():
    """Milliseconds for a fixed piece of work in PostgreSQL: how loaded the machine is."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
        return (time.perf_counter() - started) * 1000


def measure(run):
    timings, queries, found = [], [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            found = run()
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured.captured_queries))
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1] if len(timings) > 1 else timings[0],
        "queries": max(queries),
        "found": found,
        "all": timings,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--textbooks", type=int, default=10_000)
    parser.add_argument("--wagtail-pages", type=int, default=1_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: the figures in benchmarks/README.md are for PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0)
    print(f"generating {args.textbooks} textbooks x {LEAVES} leaves (seed {SEED}) …")
    ids = generate(args.textbooks)
    wagtail_pages(ids, args.wagtail_pages)
    page_textbook()
    # What the daily `catalog_index terms` (and a rebuild) does: keep the facet counts of the
    # words in at least a tenth of the catalogue.
    started = time.perf_counter()
    kept, new, _dropped = service.refresh_terms()
    seconds = time.perf_counter() - started
    print(f"  broad words with kept facet counts: {kept}, {new} counted anew ({seconds:.1f} s)")
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load (the generator writes each entry, then its
        # vectors): without it the visibility map is empty, every index-only scan visits the
        # heap, and the figures describe a database no running site has.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"reference: 10^6-row count in {min(reference_ms() for _ in range(5)):.0f} ms "
              "(about 40 ms on an idle machine)")  # fmt: skip
    # Warm up jieba and connections.
    service.search("数控")

    def catalogue(q):
        return lambda: service.search(q).total

    def stock(q):
        return lambda: len(list(TextbookPage.objects.live().search(q)[:20]))

    rows, ours, theirs = [], [], []
    for q in QUERIES:
        a, b = measure(catalogue(q)), measure(stock(q))
        ours += a["all"]
        theirs += b["all"]
        rows.append((q, a, b))

    print()
    print(
        f"catalogue: {Textbook.objects.filter(slug__startswith=PREFIX).count()} textbooks; "
        f"stock Wagtail: {TextbookPage.objects.filter(textbook__slug__startswith=PREFIX).count()}"
        f" pages; {REPEAT} runs per query; times in ms"
    )
    header = f"{'query':<14} | {'ours p50':>8} {'p95':>7} {'SQL':>4} {'found':>6} | {'wagtail p50':>11} {'p95':>7} {'SQL':>4} {'found':>6}"
    print(header)
    print("-" * len(header))
    for q, a, b in rows:
        print(
            f"{q:<14} | {a['p50']:8.1f} {a['p95']:7.1f} {a['queries']:4d} {a['found']:6d} | "
            f"{b['p50']:11.1f} {b['p95']:7.1f} {b['queries']:4d} {b['found']:6d}"
        )
    ours.sort()
    theirs.sort()

    def p95(values):
        return values[int(len(values) * 0.95) - 1]

    print("-" * len(header))
    print(
        f"{'all queries':<14} | {statistics.median(ours):8.1f} {p95(ours):7.1f} {'':4} {'':6} | "
        f"{statistics.median(theirs):11.1f} {p95(theirs):7.1f}"
    )
    print(f"catalogue search p95 {p95(ours):.1f} ms (target <= 50 ms)")

    print()
    print(f"{'facet browse':<18} | {'p50':>7} {'p95':>7} {'SQL':>4} {'found':>6}")
    browse = []
    for label, q, filters in BROWSE:
        row = measure(lambda q=q, filters=filters: service.search(q, filters).total)
        browse += row["all"]
        print(
            f"{label:<18} | {row['p50']:7.1f} {row['p95']:7.1f} {row['queries']:4d} "
            f"{row['found']:6d}"
        )
    browse.sort()
    print(f"facet browse p95 {p95(browse):.1f} ms")

    print()
    print(f"{'textbook page':<18} | {'p50':>7} {'p95':>7} {'SQL':>4} {'bytes':>7}")
    pages = []
    for slug, row in measure_pages():
        pages += row["all"]
        print(
            f"{slug:<18} | {row['p50']:7.1f} {row['p95']:7.1f} {row['queries']:4d} "
            f"{row['found']:7d}"
        )
    pages.sort()
    print(f"textbook page p95 {p95(pages):.1f} ms (target <= 150 ms)")

    # Writing: re-index one textbook as publishing does (build its document from the pages,
    # replace its entry, keep the catalogue-wide and the broad words' facet counts).
    textbook_id = Textbook.objects.get(slug=PAGE_SLUG).pk
    row = measure(lambda: int(service.reindex_textbook(textbook_id)))
    print()
    print(
        f"re-index one textbook ({PAGE_SLUG}) | p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
        f"{row['queries']} queries"
    )


if __name__ == "__main__":
    main()
