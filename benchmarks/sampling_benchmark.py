"""Benchmark: the sampling draw over a national-scale catalogue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_sampling_bench \
        .venv/bin/python benchmarks/sampling_benchmark.py --textbooks 100000

Creates the database if needed, migrates it, bulk-loads a reproducible catalogue (seeded:
textbooks in use spread unevenly over 31 provinces, three tiers and 19 major categories) and
times, each on a fresh cycle: a national draw (20% of every stratum, written), a provincial
draw of the largest province after it (sized to reach 50%), a dry run of the national draw
with its seed (same checksum), and the population query alone. Prints a table; the figures go
to benchmarks/README.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

from sweep_benchmark import ensure_database  # noqa: E402  (this directory is on sys.path)

CATEGORIES = [
    "农林牧渔大类", "资源环境与安全大类", "能源动力与材料大类", "土木建筑大类", "水利大类",
    "装备制造大类", "生物与化工大类", "轻工纺织大类", "食品药品与粮食大类", "交通运输大类",
    "电子与信息大类", "医药卫生大类", "财经商贸大类", "旅游大类", "文化艺术大类",
    "新闻传播大类", "教育与体育大类", "公安与司法大类", "公共管理与服务大类",
]  # fmt: skip


def generate(n, seed):
    """Bulk-load ``n`` textbooks in use: provinces weighted 1-10, one major each."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from textbooks.models import PROVINCES, Major, Textbook
    from workflow.models import (
        AuditLogEntry,
        RetirementProposal,
        SamplingCampaign,
        SamplingCheck,
        TextbookLifecycle,
    )

    rng = random.Random(seed)
    tables = [
        m._meta.db_table
        for m in (
            AuditLogEntry,
            SamplingCheck,
            SamplingCampaign,
            RetirementProposal,
            TextbookLifecycle,
        )
    ]
    tables += [Textbook.majors.through._meta.db_table, Textbook._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    chief = get_user_model().objects.get_or_create(
        username="bench-chief", defaults={"email": "chief@example.org"}
    )[0]
    majors = [
        Major.objects.get_or_create(
            code=f"9{i:05d}",
            defaults={
                "name": f"基准专业 {i}",
                "category": CATEGORIES[i % 19],
                "level": "secondary",
            },
        )[0]
        for i in range(57)
    ]
    provinces = [code for code, _label in PROVINCES[:31]]
    weights = [rng.randint(1, 10) for _ in provinces]
    tiers = ["national", "provincial", "school"]
    through = Textbook.majors.through
    batch = 10_000
    for start in range(0, n, batch):
        textbooks = Textbook.objects.bulk_create(
            Textbook(
                title=f"抽查基准教材 {i}",
                slug=f"sampling-bench-{i}",
                is_loose_leaf=True,
                tier=rng.choice(tiers),
                province=rng.choices(provinces, weights)[0],
                editor_in_chief=chief,
            )
            for i in range(start, min(n, start + batch))
        )
        TextbookLifecycle.objects.bulk_create(
            TextbookLifecycle(textbook=t, state="in_use") for t in textbooks
        )
        through.objects.bulk_create(
            through(textbook_id=t.pk, major_id=rng.choice(majors).pk) for t in textbooks
        )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return chief


def timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return result, times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--textbooks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL (PostgreSQL) for the benchmark database.")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from workflow.models import CampaignLevel, SamplingCampaign, SamplingCheck
    from workflow.services import sampling

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    chief = generate(args.textbooks, args.seed)
    print(f"generated {args.textbooks} textbooks in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
        reference = (time.perf_counter() - started) * 1000
    print(f"reference: count(*) over 1,000,000 generated rows {reference:.0f} ms")

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

    _pool, times = timed(sampling.population, args.runs)
    rows.append(("population query (every textbook in use)", times, len(_pool)))

    def national():
        return sampling.draw(campaign(CampaignLevel.NATIONAL), seed=args.seed)

    result, times = timed(national, args.runs)
    rows.append(("national draw, 20% of each stratum, written", times, len(result.sample)))
    checksums = {result.checksum}
    last = result.campaign
    largest = max(result.provinces, key=lambda row: row.in_use)

    def dry():
        return sampling.draw(last, seed=args.seed, dry_run=True)

    again, times = timed(dry, args.runs)
    rows.append(("national draw again with its seed, dry run", times, len(again.sample)))
    checksums.add(again.checksum)

    def provincial():
        year = next(cycle)
        sampling.draw(campaign(CampaignLevel.NATIONAL, year=year), seed=args.seed)
        started = time.perf_counter()
        result = sampling.draw(
            campaign(CampaignLevel.PROVINCIAL, largest.province, year=year), seed=args.seed
        )
        provincial.last = (time.perf_counter() - started) * 1000
        return result

    times = []
    for _ in range(args.runs):
        result = provincial()
        times.append(provincial.last)
    row = result.provinces[0]
    rows.append(
        (f"provincial draw, {row.label} ({row.in_use} in use), written", times, len(result.sample))
    )

    print(f"\n{args.textbooks} textbooks, 31 provinces; {args.runs} runs; milliseconds")
    print("| step | p50 | max | drawn |\n|---|---:|---:|---:|")
    for label, times, count in rows:
        print(f"| {label} | {statistics.median(times):.0f} | {max(times):.0f} | {count} |")
    print(
        f"\nsame seed, same sample: {len(checksums) == 1}; "
        f"{row.label}: national {row.national} + provincial {row.provincial} of {row.in_use} "
        f"= {row.coverage:.1%}; checks stored: {SamplingCheck.objects.count()}"
    )


if __name__ == "__main__":
    main()
