"""Benchmark: the daily lifecycle sweep over a national-scale catalogue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_bench \
        .venv/bin/python benchmarks/sweep_benchmark.py --textbooks 100000

Creates the database if needed, migrates it, generates (or reuses) the catalogue of
``manage.py generate_catalogue`` (benchmarks/catalogue.py) and times, as of the day it was
generated, a dry run, the daily sweep, the same day again (idempotent: nothing moves) and the
next day's, in a transaction rolled back afterwards, with autovacuum off for the tables the
sweep reads and writes (the sweep must not depend on when autovacuum runs; the tables' own
settings are restored at the end). Prints a table; the figures go to benchmarks/README.md.
"""

import argparse
import contextlib
import datetime
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


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


def run_sweeps(today):
    """Time the sweeps of ``today`` (the generated catalogue's day: its lifecycles are as the
    sweep of the day before left them) and the next day, in a transaction rolled back at the
    end, so the catalogue stays as generated for the next run. Returns rows of (label,
    seconds, queries, moved, proposals, mails, peak RSS growth in bytes)."""
    from django.conf import settings
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    from textbooks.models import Textbook
    from workflow.models import AuditLogEntry, RetirementProposal, SamplingCheck, TextbookLifecycle
    from workflow.services.lifecycle import sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    touched = [
        Textbook,
        Textbook.authors.through,
        TextbookLifecycle,
        AuditLogEntry,
        RetirementProposal,
        SamplingCheck,
    ]
    rows = []
    with autovacuum_off(touched), transaction.atomic():
        for label, day, kwargs in [
            ("dry run", today, {"dry_run": True}),
            ("daily sweep", today, {}),
            ("same day again (idempotent)", today, {}),
            ("next day", today + datetime.timedelta(days=1), {}),
        ]:
            reset_queries()
            # Peak RSS growth, not tracemalloc: tracing every allocation slows Python
            # several-fold and would be measured as sweep time.
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = sweep(day, **kwargs)
                elapsed = time.perf_counter() - started
            peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
            moved = sum(result.moved.values())
            rows.append(
                (label, elapsed, len(queries), moved, result.proposals, result.notified, peak)
            )
        transaction.set_rollback(True)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--textbooks", type=int, default=100_000)
    args = parser.parse_args()

    from benchmarks.catalogue import generated_on, prepare

    summary = prepare(args.textbooks)
    from django.db import connection

    today = generated_on()
    rows = run_sweeps(today)

    print(
        f"\nlifecycle sweep · {args.textbooks:,} textbooks · {connection.vendor} · as of {today} · seed {summary.seed}"
        " · autovacuum off for the sweep's tables"
    )
    print(f"lifecycle states: {summary.states}\n")
    header = f"{'run':<28}{'seconds':>9}{'queries':>9}{'moved':>9}{'proposals':>11}{'mails':>8}{'+RSS MB':>9}"
    print(header)
    print("-" * len(header))
    for label, elapsed, nq, moved, proposals, mails, peak in rows:
        print(
            f"{label:<28}{elapsed:>9.2f}{nq:>9}{moved:>9}{proposals:>11}{mails:>8}{peak / 2**20:>9.1f}"
        )


if __name__ == "__main__":
    main()
