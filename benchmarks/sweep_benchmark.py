"""Benchmark: the daily lifecycle sweep over a national-scale catalogue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_bench \
        .venv/bin/python benchmarks/sweep_benchmark.py --textbooks 100000

Creates the database if needed, migrates it, bulk-loads a reproducible catalogue (seeded:
first editions over the last four years, a third of them revised since, some majors) and times
a first sweep (many textbooks move), a second one (idempotent: nothing moves), daily sweeps,
a same-day rerun and a dry run, with autovacuum off for the tables the sweep reads and writes
(the sweep must not depend on when autovacuum runs; the tables' settings are restored at the
end). Prints a table; the figures go to benchmarks/README.md.
"""

import argparse
import contextlib
import datetime
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")


def ensure_database(url):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


@contextlib.contextmanager
def autovacuum_off(models):
    """Autovacuum (and its auto-ANALYZE) off for ``models``' tables; each table's own setting
    is put back afterwards."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, option FROM pg_class LEFT JOIN LATERAL unnest(reloptions) option"
            " ON option LIKE 'autovacuum_enabled=%%' WHERE relname = ANY(%s)",
            [tables],
        )
        before = dict(cursor.fetchall())
        for table in tables:
            cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                if before.get(table):
                    cursor.execute(f'ALTER TABLE "{table}" SET ({before[table]})')
                else:
                    cursor.execute(f'ALTER TABLE "{table}" RESET (autovacuum_enabled)')


def generate(n, seed, today):
    """Bulk-load ``n`` textbooks in use with clocks from a seeded spread of editions."""
    from django.contrib.auth import get_user_model

    from textbooks.models import Textbook
    from workflow.models import AuditLogEntry, RetirementProposal, TextbookLifecycle
    from workflow.services.lifecycle import set_clocks

    rng = random.Random(seed)
    User = get_user_model()
    # The benchmark owns its database: start from empty tables (the audit log is append-only
    # for the application, not for a benchmark reset).
    from django.db import connection

    tables = [m._meta.db_table for m in (AuditLogEntry, RetirementProposal, TextbookLifecycle)]
    tables += [Textbook.authors.through._meta.db_table, Textbook._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")

    chiefs = [
        User.objects.get_or_create(
            username=f"bench-chief-{i}", defaults={"email": f"chief{i}@example.org"}
        )[0]
        for i in range(200)
    ]
    tiers = ["national", "provincial", "school"]
    batch = 10_000
    for start in range(0, n, batch):
        textbooks = Textbook.objects.bulk_create(
            Textbook(
                title=f"基准教材 {i}",
                slug=f"bench-{i}",
                is_loose_leaf=True,
                tier=tiers[i % 3],
                editor_in_chief=chiefs[i % len(chiefs)],
            )
            for i in range(start, min(n, start + batch))
        )
        lifecycles = []
        for textbook in textbooks:
            lifecycle = TextbookLifecycle(textbook=textbook, state="in_use")
            first = today - datetime.timedelta(days=rng.randint(30, 4 * 365))
            set_clocks(lifecycle, first, is_major=True)
            if rng.random() < 0.35:  # revised since: a minor, sometimes a major
                revised = first + datetime.timedelta(days=rng.randint(1, (today - first).days))
                set_clocks(lifecycle, revised, is_major=rng.random() < 0.3)
            lifecycles.append(lifecycle)
        TextbookLifecycle.objects.bulk_create(lifecycles)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--textbooks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--date", default="2026-11-28")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL (PostgreSQL) for the benchmark database.")
    ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from textbooks.models import Textbook
    from workflow.models import (
        AuditLogEntry,
        RetirementProposal,
        SamplingCheck,
        TextbookLifecycle,
    )
    from workflow.services.lifecycle import sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    today = datetime.date.fromisoformat(args.date)

    touched = [
        Textbook,
        Textbook.authors.through,
        TextbookLifecycle,
        AuditLogEntry,
        RetirementProposal,
        SamplingCheck,
    ]
    stack = contextlib.ExitStack()
    stack.enter_context(autovacuum_off(touched))

    started = time.perf_counter()
    generate(args.textbooks, args.seed, today)
    generate_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would have, after a bulk load
            cursor.execute("ANALYZE")

    rows = []
    next_day = today + datetime.timedelta(days=1)
    for label, day, kwargs in [
        ("dry run", today, {"dry_run": True}),
        ("first sweep (catch-up)", today, {}),
        ("same day again (idempotent)", today, {}),
        ("next day (daily sweep)", next_day, {}),
        ("next day again (rerun)", next_day, {}),
        ("day after", today + datetime.timedelta(days=2), {}),
    ]:
        reset_queries()
        # Peak RSS growth, not tracemalloc: tracing every allocation slows Python several-fold
        # and would be measured as sweep time.
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = sweep(day, **kwargs)
            elapsed = time.perf_counter() - started
        peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
        moved = sum(result.moved.values())
        rows.append((label, elapsed, len(queries), moved, result.proposals, result.notified, peak))
    stack.close()

    print(
        f"\nlifecycle sweep · {args.textbooks:,} textbooks · {connection.vendor} · as of {today} · seed {args.seed}"
        " · autovacuum off for the sweep's tables"
    )
    print(f"data generation: {generate_s:.1f} s\n")
    header = f"{'run':<28}{'seconds':>9}{'queries':>9}{'moved':>9}{'proposals':>11}{'mails':>8}{'+RSS MB':>9}"
    print(header)
    print("-" * len(header))
    for label, elapsed, nq, moved, proposals, mails, peak in rows:
        print(
            f"{label:<28}{elapsed:>9.2f}{nq:>9}{moved:>9}{proposals:>11}{mails:>8}{peak / 2**20:>9.1f}"
        )


if __name__ == "__main__":
    main()
