"""Catalogue search at national scale: our database backend beside stock Wagtail search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_search_bench \
        .venv/bin/python benchmarks/search_benchmark.py [--textbooks 10000] [--stock]

Creates the database if needed, migrates it and generates (or reuses) the catalogue of
``manage.py generate_catalogue`` (benchmarks/catalogue.py): --textbooks textbooks of 20 real
leaves each, their catalogue index written by the backend's own bulk_index. Prints p50/p95 per
query, the queries per request and how many results each found; the facet-browse requests
(empty query, with and without filters); the textbook and leaf pages (GET through Django's test
Client, as teachers read them from the current edition) with their queries per request.

--stock (the default at 10,000 textbooks or fewer) also indexes the generated TextbookPages in
Wagtail's own database search backend (their overview lists the leaves, so the same words are
there) and times ``TextbookPage.objects.live().search(q)[:20]`` beside ours.

A reference timing (count(*) over generate_series(1, 10^6) in PostgreSQL) is printed first:
this machine is shared, and its load changes every figure several-fold.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = ["数控", "编程", "计算机", "电池", "新能源汽车", "Python", "BMS", "G71", "护理",
           "数控机床编程", "大数据与会计", "工业机器人编程与调试", "装备制造大类", "网络安全 实训"]  # fmt: skip
# Facet browsing: (label, query, filters).
BROWSE = [
    ("(empty)", "", {}),
    ("(empty) tier", "", {"tier": ["national"]}),
    ("(empty) recent+co", "", {"recently_updated": ["true"], "co_developed": ["true"]}),
    ("编程 + level+form", "编程", {"level": ["higher_associate"], "form": ["loose_leaf"]}),
]
REPEAT = 15


def measure(run):
    """``run`` REPEAT times: p50, p95 and every timing (ms), the most queries a run made, and
    what the last run returned (as "found")."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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


def p95(values):
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


def stock_index(count):
    """Wagtail's own search index holding the first ``count`` generated TextbookPages, as
    ``update_index`` would write it (once; later runs find them there)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    from cms.generate import generated
    from textbooks.models import TextbookPage

    pages = TextbookPage.objects.filter(textbook__in=generated()).order_by("pk")[:count]
    content_type = ContentType.objects.get_for_model(TextbookPage)
    if IndexEntry.objects.filter(content_type=content_type).count() >= len(pages):
        return
    started = time.perf_counter()
    get_search_backend().add_bulk(TextbookPage, list(pages))
    print(f"  Wagtail's index of {len(pages):,} pages: {time.perf_counter() - started:.0f} s")


def page_creation_rate(count):
    """Pages a second that Wagtail's ``add_child`` creates under the catalogue (TextbookPages
    with the leaves listed in their overview, Wagtail's own search index updated as the
    project configures it), in a transaction rolled back afterwards: why the generator writes
    its pages set-based."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from textbooks.models import CatalogueIndexPage, Textbook, TextbookPage

    overview = "".join(f"<p>项目{n} 数控G71 外圆粗车循环编程</p>" for n in range(1, 21))
    with transaction.atomic():
        chief = get_user_model().objects.order_by("pk").first()
        textbooks = Textbook.objects.bulk_create(
            Textbook(title=f"建页速度 {i}", slug=f"page-rate-{i}", is_workbook=True,
                     tier="school", editor_in_chief=chief)
            for i in range(count)
        )  # fmt: skip
        parent = CatalogueIndexPage.objects.get()
        started = time.perf_counter()
        for textbook in textbooks:
            parent.add_child(
                instance=TextbookPage(
                    title=textbook.title, slug=textbook.slug, textbook=textbook, overview=overview
                )
            )
        rate = count / (time.perf_counter() - started)
        transaction.set_rollback(True)
    return rate


def search_rows(stock):
    """[(query, ours, stock or None)] for the 14 queries (see ``measure``)."""
    from cms.search import service
    from textbooks.models import TextbookPage

    service.search("数控")  # warm up jieba and the connection

    def catalogue(q):
        return lambda: service.search(q).total

    def wagtail(q):
        return lambda: len(list(TextbookPage.objects.live().search(q)[:20]))

    return [(q, measure(catalogue(q)), measure(wagtail(q)) if stock else None) for q in QUERIES]


def browse_rows():
    from cms.search import service

    return [
        (label, measure(lambda q=q, filters=filters: service.search(q, filters).total))
        for label, q, filters in BROWSE
    ]


def page_rows():
    """The textbook pages of four generated textbooks and one leaf page, as teachers read
    them: [(path, measurement with the response size as "found")]."""
    from django.test import Client

    from cms.generate import SLUG_PREFIX
    from textbooks.models import Textbook, UnitPage

    client = Client()
    slugs = [f"{SLUG_PREFIX}{n}" for n in (0, 1, 2, 3)]
    first = Textbook.objects.get(slug=slugs[0])
    leaf = UnitPage.objects.child_of(first.page).order_by("path").last()
    urls = [f"/textbooks/{slug}/" for slug in slugs] + [f"/textbooks/{slugs[0]}/{leaf.slug}/"]
    rows = []
    for url in urls:

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        get()
        rows.append((url, measure(get)))
    return rows


def reindex_row():
    """Re-index one textbook as publishing does: build its document from the pages, replace
    its entry, keep the catalogue-wide and the broad words' facet counts."""
    from cms.generate import SLUG_PREFIX
    from cms.search import service
    from textbooks.models import Textbook

    textbook_id = Textbook.objects.get(slug=f"{SLUG_PREFIX}0").pk
    return measure(lambda: int(service.reindex_textbook(textbook_id)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--textbooks", type=int, default=10_000)
    parser.add_argument(
        "--stock",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="compare with stock Wagtail search (default: at 10,000 textbooks or fewer)",
    )
    parser.add_argument(
        "--page-creation", type=int, default=0, metavar="N",
        help="also time N pages created with Wagtail's add_child (rolled back)",
    )  # fmt: skip
    args = parser.parse_args()
    stock = args.stock if args.stock is not None else args.textbooks <= 10_000

    from benchmarks.catalogue import prepare, reference_ms

    prepare(args.textbooks)
    if stock:
        stock_index(args.textbooks)
    print(f"reference: 10^6-row count in {reference_ms():.0f} ms (about 40 ms on an idle machine)")

    rows = search_rows(stock)
    print(f"\ncatalogue: {args.textbooks:,} textbooks; {REPEAT} runs per query; times in ms")
    header = f"{'query':<14} | {'ours p50':>8} {'p95':>7} {'SQL':>4} {'found':>6} | {'wagtail p50':>11} {'p95':>7} {'SQL':>4} {'found':>6}"
    print(header)
    print("-" * len(header))
    ours, theirs = [], []
    for q, a, b in rows:
        ours += a["all"]
        line = f"{q:<14} | {a['p50']:8.1f} {a['p95']:7.1f} {a['queries']:4d} {a['found']:6d} |"
        if b:
            theirs += b["all"]
            line += f" {b['p50']:11.1f} {b['p95']:7.1f} {b['queries']:4d} {b['found']:6d}"
        print(line)
    print("-" * len(header))
    line = f"{'all queries':<14} | {statistics.median(ours):8.1f} {p95(ours):7.1f} {'':4} {'':6} |"
    if theirs:
        line += f" {statistics.median(theirs):11.1f} {p95(theirs):7.1f}"
    print(line)
    print(f"catalogue search p95 {p95(ours):.1f} ms (target <= 30 ms)")

    print()
    print(f"{'facet browse':<18} | {'p50':>7} {'p95':>7} {'SQL':>4} {'found':>6}")
    browse = []
    for label, row in browse_rows():
        browse += row["all"]
        print(
            f"{label:<18} | {row['p50']:7.1f} {row['p95']:7.1f} {row['queries']:4d} "
            f"{row['found']:6d}"
        )
    print(f"facet browse p95 {p95(browse):.1f} ms (target <= 50 ms)")

    print()
    print(f"{'page':<28} | {'p50':>7} {'p95':>7} {'SQL':>4} {'bytes':>7}")
    for url, row in page_rows():
        print(
            f"{url:<28} | {row['p50']:7.1f} {row['p95']:7.1f} {row['queries']:4d} {row['found']:7d}"
        )

    if args.page_creation:
        rate = page_creation_rate(args.page_creation)
        print(f"\nWagtail add_child: {rate:.0f} pages/s ({args.page_creation} pages, rolled back)")

    row = reindex_row()
    print(
        f"\nre-index one textbook | p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
        f"{row['queries']} queries"
    )


if __name__ == "__main__":
    main()
