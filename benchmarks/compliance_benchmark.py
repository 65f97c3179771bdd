"""Benchmark: the compliance figures (dashboard, XLSX, ``compliance_report``) at national scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_bench \
        .venv/bin/python benchmarks/compliance_benchmark.py --textbooks 100000 --schools 10000

Creates the database if needed, migrates it, bulk-loads a reproducible catalogue (seeded):
textbooks over every province and tier with lifecycle states, a fifth co-developed, each with
a current edition and some with a superseded one; schools over every province, most having
filed this term's selection plan of eight lines; planning batches at every stage. Then times
``workflow.services.compliance.figures`` nationwide and for one province, and the dashboard's
sections (the same figures as charts and tables). Prints a table; the figures go to
benchmarks/README.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

from benchmarks.sweep_benchmark import ensure_database  # noqa: E402

STATES = [  # lifecycle state, weight
    ("in_use", 80),
    ("revision_due", 8),
    ("revision_overdue", 5),
    ("suspended", 4),
    ("retired", 3),
]
LINES_PER_PLAN = 8


def generate(n_textbooks, n_schools, seed, term):
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from wagtail.models import Page, Revision

    from textbooks.models import PROVINCES, Course, Institution, Textbook
    from workflow.models import (
        AuditLogEntry,
        Edition,
        PlanBatch,
        ReviewCase,
        SelectionLine,
        SelectionPlan,
        TextbookLifecycle,
    )
    from workflow.models.planning import BatchState

    rng = random.Random(seed)
    provinces = [code for code, _label in PROVINCES]
    User = get_user_model()
    # The benchmark owns its database: start from empty tables.
    tables = [
        m._meta.db_table
        for m in (
            SelectionLine,
            SelectionPlan,
            Edition,
            ReviewCase,
            AuditLogEntry,
            TextbookLifecycle,
            PlanBatch,
        )
    ]
    tables += [
        Textbook.co_developers.through._meta.db_table,
        Textbook.courses.through._meta.db_table,
        Textbook._meta.db_table,
        Course._meta.db_table,
        Institution._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")

    chief = User.objects.get_or_create(username="bench-chief")[0]
    page = Page.objects.get(depth=1)
    ct = ContentType.objects.get_for_model(Page)
    revision = Revision.objects.create(
        content_type=ct, base_content_type=ct, object_id=str(page.pk), content={}
    )
    courses = Course.objects.bulk_create(
        Course(
            name=f"基准课程 {i}",
            course_type="professional" if i < 150 else "public_basic",
            is_compulsory=i % 2 == 0,
        )
        for i in range(200)
    )
    schools = Institution.objects.bulk_create(
        Institution(name=f"基准学校 {i}", kind="school", province=provinces[i % len(provinces)])
        for i in range(n_schools)
    )
    enterprises = Institution.objects.bulk_create(
        Institution(name=f"基准企业 {i}", kind="enterprise", province=provinces[i % len(provinces)])
        for i in range(500)
    )
    tiers = ["national", "provincial", "school"]
    states = [s for s, w in STATES for _ in range(w)]
    now = timezone.now()
    current = {}  # textbook id -> current edition id
    old = {}  # textbook id -> superseded edition id
    course_of = {}
    batch = 10_000
    for start in range(0, n_textbooks, batch):
        rows = range(start, min(n_textbooks, start + batch))
        textbooks = Textbook.objects.bulk_create(
            Textbook(
                title=f"基准教材 {i}",
                slug=f"bench-{i}",
                is_loose_leaf=True,
                tier=tiers[rng.randrange(3)],
                province=provinces[rng.randrange(len(provinces))] if i % 20 else "",
                editor_in_chief=chief,
            )
            for i in rows
        )
        TextbookLifecycle.objects.bulk_create(
            TextbookLifecycle(textbook=t, state=rng.choice(states)) for t in textbooks
        )
        through = Textbook.courses.through
        links = []
        for t in textbooks:
            course_of[t.pk] = courses[rng.randrange(len(courses))]
            links.append(through(textbook_id=t.pk, course_id=course_of[t.pk].pk))
        through.objects.bulk_create(links)
        co = Textbook.co_developers.through
        co.objects.bulk_create(
            row
            for t in textbooks
            if rng.random() < 0.2
            for row in (
                co(textbook_id=t.pk, institution_id=rng.choice(schools).pk),
                co(textbook_id=t.pk, institution_id=rng.choice(enterprises).pk),
            )
        )
        revised = [t for t in textbooks if rng.random() < 0.1]
        cases = ReviewCase.objects.bulk_create(
            ReviewCase(textbook=t, kind="initial", state="published", submitted_by=chief)
            for t in [*textbooks, *revised]
        )
        editions = Edition.objects.bulk_create(
            Edition(
                textbook_id=case.textbook_id,
                review_case=case,
                major=1,
                minor=0 if k >= len(textbooks) else (1 if t_revised else 0),
                textbook_revision=revision,
                published_at=now,
                published_by=chief,
                is_current=k < len(textbooks),
            )
            for k, case in enumerate(cases)
            for t_revised in [k < len(textbooks) and case.textbook_id in {r.pk for r in revised}]
        )
        for k, edition in enumerate(editions):
            (current if k < len(textbooks) else old)[edition.textbook_id] = edition.pk

    by_course = {}
    for textbook_id, course in course_of.items():
        by_course.setdefault(course.pk, []).append(textbook_id)
    year, season = term
    plan_states = ["filed"] * 3 + ["accepted"] * 6 + ["flagged"]
    plans = SelectionPlan.objects.bulk_create(
        SelectionPlan(
            school=school,
            year=year,
            season=season,
            created_by=chief,
            state=rng.choice(plan_states) if rng.random() < 0.7 else "draft",
        )
        for school in schools
    )
    lines = []
    for plan in plans:
        for course in rng.sample(courses, LINES_PER_PLAN):
            textbook_id = rng.choice(by_course.get(course.pk) or list(current))
            superseded = textbook_id in old and rng.random() < 0.3
            lines.append(
                SelectionLine(
                    plan=plan,
                    course=course,
                    edition_id=old[textbook_id] if superseded else current[textbook_id],
                    expected_students=rng.randint(20, 300),
                )
            )
        if len(lines) >= batch:
            SelectionLine.objects.bulk_create(lines)
            lines = []
    SelectionLine.objects.bulk_create(lines)
    PlanBatch.objects.bulk_create(
        PlanBatch(
            tier="provincial",
            province=provinces[i % len(provinces)],
            year=year,
            title=f"基准批次 {i}",
            created_by=chief,
            state=BatchState.values[i % len(BatchState.values)],
        )
        for i in range(64)
    )


def timed(fn, runs):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--textbooks", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the loaded data")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL (PostgreSQL) for the benchmark database.")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from workflow.services.compliance import figures
    from workflow.services.selection import current_term
    from workflow.views.compliance import sections

    call_command("migrate", verbosity=0)
    term = current_term()
    generate_s = 0.0
    if not args.skip_generate:
        started = time.perf_counter()
        generate(args.textbooks, args.schools, args.seed, term)
        generate_s = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # as autovacuum would have, after a bulk load
                cursor.execute("ANALYZE")

    from workflow.models import SelectionLine

    rows = [
        ("figures, nationwide", *timed(lambda: figures(None), args.runs)),
        ("figures, one province (JS)", *timed(lambda: figures(["JS"]), args.runs)),
        ("dashboard sections, nationwide", *timed(lambda: sections(figures(None)), args.runs)),
    ]
    result = figures(None)
    print(
        f"\ncompliance figures · {args.textbooks:,} textbooks · {args.schools:,} schools · "
        f"{SelectionLine.objects.count():,} selection lines · {connection.vendor} · seed {args.seed}"
    )
    print(f"data generation: {generate_s:.1f} s")
    print(
        f"co-developed planned {result.co_developed_planned:,}; filed "
        f"{result.selections_filed:,}/{result.selections_expected:,}; revisions due "
        f"{result.revisions_due:,}, overdue {result.revisions_overdue:,}\n"
    )
    header = f"{'run':<34}{'best s':>9}{'median s':>10}{'queries':>9}"
    print(header)
    print("-" * len(header))
    for label, best, median, nq in rows:
        print(f"{label:<34}{best:>9.3f}{median:>10.3f}{nq:>9}")


if __name__ == "__main__":
    main()
