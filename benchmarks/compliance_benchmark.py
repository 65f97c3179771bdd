"""Benchmark: the compliance figures (dashboard, XLSX, ``compliance_report``) at national scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_bench \
        .venv/bin/python benchmarks/compliance_benchmark.py --textbooks 100000

Creates the database if needed, migrates it, generates (or reuses) the catalogue of
``manage.py generate_catalogue`` (benchmarks/catalogue.py): textbooks over every province and
tier with lifecycle states, three in ten co-developed, each with a current edition and a third
with a superseded one; one school per ten textbooks over every province, seven in ten having
filed this term's selection plan of eight lines; planning batches at every stage. Then times
``workflow.services.compliance.figures`` nationwide and for one province, and the dashboard's
sections (the same figures as charts and tables). Prints a table; the figures go to
benchmarks/README.md.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


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


def measure(runs):
    """Rows of (label, best s, median s, queries) and the nationwide figures."""
    from workflow.services.compliance import figures
    from workflow.views.compliance import sections

    rows = [
        ("figures, nationwide", *timed(lambda: figures(None), runs)),
        ("figures, one province (JS)", *timed(lambda: figures(["JS"]), runs)),
        ("dashboard sections, nationwide", *timed(lambda: sections(figures(None)), runs)),
    ]
    return rows, figures(None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--textbooks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from benchmarks.catalogue import prepare

    summary = prepare(args.textbooks)
    from django.db import connection

    from textbooks.models import Institution
    from workflow.models import SelectionLine

    rows, result = measure(args.runs)
    print(
        f"\ncompliance figures · {args.textbooks:,} textbooks · "
        f"{Institution.objects.filter(kind='school').count():,} schools · "
        f"{SelectionLine.objects.count():,} selection lines · {connection.vendor} · seed {summary.seed}"
    )
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
