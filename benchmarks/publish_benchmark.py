"""Benchmark: publishing a revision of all 50 leaves of a textbook through the review workflow.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_bench \
        .venv/bin/python benchmarks/publish_benchmark.py [--textbooks 10000]

On the generated catalogue (benchmarks/catalogue.py) plus the demo's accounts and catalogue
(the chief editor, qualified reviewers and the national administrator of ``load_demo``), a textbook
of 50 leaves (the CNC textbook's leaves, repeated) is published once as edition 1.0; each run
then changes every leaf (a new revision each) and times the minor revision through the real
workflow (open, submit with its documents, assign and record the reviewers' opinions, decide,
publish) and, within it, ``workflow.services.publish``: its transaction, and what runs once
it commits (without a task worker django-tasks runs the edition archive, its PDF and the
re-index at once), each with its queries. Each run
publishes the next edition (1.1, 1.2 …) and keeps it.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SLUG = "bench-publish-50"
LEAVES = 50


def textbook_of_50_leaves(loader):
    """The 50-leaf textbook with its first edition, published through the review workflow."""
    from django.db import transaction

    from cms.demo.content import CNC_UNITS, TEXTBOOKS
    from textbooks.models import Textbook

    textbook = Textbook.objects.filter(slug=SLUG, editions__isnull=False).first()
    if textbook is not None:
        return textbook
    cnc = next(spec for spec in TEXTBOOKS if spec["slug"] == "cnc-programming")
    units = [
        (f"leaf-{n}", f"项目 {n}", f"{title}（{n}）", summary, body)
        for n, (_slug, _number, title, summary, body) in enumerate(
            (CNC_UNITS * LEAVES)[:LEAVES], start=1
        )
    ]
    spec = dict(cnc, slug=SLUG, title="数控机床编程与操作（五十活页）", isbn12="", units=units)
    with transaction.atomic():
        loader.load_textbook(spec)
    return Textbook.objects.get(slug=SLUG)


def measure_publish():
    """One minor revision of all 50 leaves: {"workflow_s", "publish_s", "publish_queries",
    "after_commit_s", "after_commit_queries", "version"}."""
    from django.core.files.base import ContentFile
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    import cms.demo.loader as demo
    from textbooks.models import UnitPage
    from workflow.models import CaseKind, ChangeCategory

    loader = demo.DemoLoader()
    # The demo's accounts (chief editor, reviewers, administrators) and the catalogue rows the
    # CNC textbook names; not its textbooks nor its sampling campaign, which would draw from
    # the whole generated catalogue. Idempotent.
    with transaction.atomic():
        loader.load_institutions()
        loader.load_users()
        loader.load_majors_and_courses()
    textbook = textbook_of_50_leaves(loader)
    for leaf in UnitPage.objects.child_of(textbook.page):
        draft = leaf.get_latest_revision_as_object()
        draft.summary = f"{draft.summary.split('（修订')[0]}（修订 {time.time():.0f}）"
        draft.save_revision(user=textbook.editor_in_chief)

    timings = {}
    publish = demo.publish

    def timed_publish(case, **kwargs):
        # The publishing transaction, then what runs once it commits (django-tasks runs the
        # tasks at once without a worker: the edition archive with its PDF, the index).
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            with transaction.atomic():
                edition = publish(case, **kwargs)
                timings["publish_s"] = time.perf_counter() - started
                timings["publish_queries"] = len(queries)
            timings["after_commit_s"] = time.perf_counter() - started - timings["publish_s"]
        timings["after_commit_queries"] = len(queries) - timings["publish_queries"]
        return edition

    # The demo loader's review_and_publish is the workflow a committee runs; time publish
    # inside it by wrapping the name the loader calls.
    demo.publish = timed_publish
    try:
        started = time.perf_counter()
        edition = loader.review_and_publish(
            textbook,
            CaseKind.MINOR,
            "全书 50 个活页按新标准更新学习目标。",
            change_categories=[ChangeCategory.NEW_TECHNOLOGY],
            usage_report=ContentFile(demo.tiny_pdf("使用跟踪报告"), name="usage-report.pdf"),
            change_table=ContentFile(demo.tiny_pdf("修订内容对照表"), name="change-table.pdf"),
        )
        timings["workflow_s"] = time.perf_counter() - started
    finally:
        demo.publish = publish
    timings["version"] = edition.version
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--textbooks", type=int, default=10_000)
    args = parser.parse_args()

    from benchmarks.catalogue import prepare

    prepare(args.textbooks)
    result = measure_publish()
    print(
        f"\npublished edition {result['version']} of {LEAVES} changed leaves: whole workflow "
        f"{result['workflow_s']:.2f} s; publish {result['publish_s']:.2f} s, "
        f"{result['publish_queries']} queries; after it commits (archive, PDF, index) "
        f"{result['after_commit_s']:.2f} s, {result['after_commit_queries']} queries"
    )


if __name__ == "__main__":
    main()
