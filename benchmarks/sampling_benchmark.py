"""Benchmark: the sampling draw over a national-scale catalogue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_sampling_bench \
        .venv/bin/python benchmarks/sampling_benchmark.py --textbooks 100000

Creates the database if needed, migrates it, generates (or reuses) the catalogue of
``manage.py generate_catalogue`` (textbooks spread unevenly over 31 provinces, three tiers and
19 major categories; benchmarks/catalogue.py) and times, each on a fresh cycle, in a
transaction rolled back afterwards: a national draw (20% of every stratum, written, with the
foreign-key checks its commit would run), a provincial draw of the largest province after it
(sized to reach 50%), a dry run of the national draw with its seed (same checksum), and the
population query alone. Prints a table; the figures go to benchmarks/README.md.
"""

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return result, times


def measure(runs, seed):
    """Time the population query and the draws, each on a fresh cycle, in a transaction rolled
    back at the end (the catalogue stays as generated). Returns (rows of (label, times in ms,
    drawn), the provincial row, whether the same seed drew the same sample)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from workflow.models import CampaignLevel, SamplingCampaign
    from workflow.services import sampling

    chief = get_user_model().objects.order_by("pk").first()
    cycle = iter(range(3000, 4000))
    rows = []

    def campaign(level, province="", year=None):
        return SamplingCampaign.objects.create(
            cycle=year or next(cycle),
            level=level,
            province=province,
            national_ratio=Decimal("0.20"),
            created_by=chief,
        )

    def checked(label, campaign_):
        """Draw and write, then run the foreign-key checks of the rows written, timed apart
        under ``label``: they wait for commit (DEFERRABLE INITIALLY DEFERRED), which this
        rolled-back transaction never reaches, and are part of what a draw costs."""
        result = sampling.draw(campaign_, seed=seed)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        fk_checks.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        return result

    fk_checks = {}

    with transaction.atomic():
        first = campaign(CampaignLevel.NATIONAL)
        pool, times = timed(lambda: sampling.population(first), runs)
        rows.append(("population query (every textbook in use)", times, sum(pool.in_use.values())))

        def national():
            return checked("national", campaign(CampaignLevel.NATIONAL))

        result, times = timed(national, runs)
        rows.append(("national draw, 20% of each stratum, written", times, len(result.sample)))
        rows.append(("  then its foreign-key checks (at commit)", fk_checks["national"], None))
        checksums = {result.checksum}
        last = result.campaign
        largest = max(result.provinces, key=lambda row: row.in_use)

        def dry():
            return sampling.draw(last, seed=seed, dry_run=True)

        again, times = timed(dry, runs)
        rows.append(("national draw again with its seed, dry run", times, len(again.sample)))
        checksums.add(again.checksum)

        def provincial():
            year = next(cycle)
            checked("before provincial", campaign(CampaignLevel.NATIONAL, year=year))
            started = time.perf_counter()
            result = sampling.draw(
                campaign(CampaignLevel.PROVINCIAL, largest.province, year=year), seed=seed
            )
            provincial.last = (time.perf_counter() - started) * 1000
            return result

        times = []
        for _ in range(runs):
            result = provincial()
            times.append(provincial.last)
        row = result.provinces[0]
        rows.append(
            (
                f"provincial draw, {row.label} ({row.in_use} in use), written",
                times,
                len(result.sample),
            )
        )
        transaction.set_rollback(True)
    return rows, row, len(checksums) == 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--textbooks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from benchmarks.catalogue import prepare, reference_ms

    prepare(args.textbooks)
    print(f"reference: count(*) over 1,000,000 generated rows {reference_ms():.0f} ms")
    rows, row, same = measure(args.runs, args.seed)

    print(f"\n{args.textbooks} textbooks, 31 provinces; {args.runs} runs; milliseconds")
    print("| step | p50 | max | drawn |\n|---|---:|---:|---:|")
    for label, times, count in rows:
        drawn = "" if count is None else count
        print(f"| {label} | {statistics.median(times):.0f} | {max(times):.0f} | {drawn} |")
    print(
        f"\nsame seed, same sample: {same}; "
        f"{row.label}: national {row.national} + provincial {row.provincial} of {row.in_use} "
        f"= {row.coverage:.1%}"
    )


if __name__ == "__main__":
    main()
