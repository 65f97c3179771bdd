"""``make bench``: every benchmark on one generated catalogue, one table, one JSON file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_bench BENCH_TEXTBOOKS=100000 \
        .venv/bin/python benchmarks/bench.py

Creates the database named by DATABASE_URL if missing, migrates it, generates the catalogue
of ``manage.py generate_catalogue`` (BENCH_TEXTBOOKS textbooks × 20 leaves, default 100,000)
or reuses the one it holds, then measures with the individual scripts' functions: catalogue
search (the 14 queries, p50/p95 each and overall), facet browsing, the textbook and leaf pages
with their queries per request, the daily sweep and a same-day rerun, the sampling draw and
the compliance figures (those three in transactions rolled back), and last publishing a
revision of 50 leaves through the review workflow (which loads the demo's accounts once and
keeps each new edition). At 10,000 textbooks or fewer it also times stock Wagtail search on
the same pages. Prints one table and writes the same to benchmarks/results/<UTC time>.json
with the machine's load and the git commit.
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (  # noqa: E402
    compliance_benchmark,
    publish_benchmark,
    sampling_benchmark,
    search_benchmark,
    sweep_benchmark,
)
from benchmarks.catalogue import (  # noqa: E402
    ROOT,
    generated_on,
    machine_load,
    prepare,
    reference_ms,
)

RESULTS = Path(__file__).resolve().parent / "results"
STOCK_UP_TO = 10_000
SAMPLING_SEED = 20261201


def git_commit():
    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return git("rev-parse", "HEAD") + ("-dirty" if git("status", "--porcelain", "-uno") else "")


def run(textbooks):
    started = datetime.datetime.now(datetime.UTC)
    summary = prepare(textbooks)
    load_before = machine_load()
    result = {
        "textbooks": textbooks,
        "leaves_per_textbook": summary.leaves,
        "seed": summary.seed,
        "catalogue": "reused" if summary.reused else f"generated in {summary.seconds:.1f} s",
        "lifecycle_states": summary.states,
        "started_utc": started.isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "reference_ms": round(reference_ms(), 1),
    }
    rows = []  # (label, p50, p95, queries, note) for the table

    stock = textbooks <= STOCK_UP_TO
    if stock:
        search_benchmark.stock_index(textbooks)
    ours, theirs, per_query = [], [], {}
    for q, a, b in search_benchmark.search_rows(stock):
        ours += a["all"]
        per_query[q] = {"p50_ms": a["p50"], "p95_ms": a["p95"], "queries": a["queries"],
                        "found": a["found"]}  # fmt: skip
        note = f"{a['found']:,} found"
        if b:
            theirs += b["all"]
            per_query[q]["stock_wagtail"] = {"p50_ms": b["p50"], "p95_ms": b["p95"],
                                             "found": b["found"]}  # fmt: skip
            note += f"; Wagtail {b['p50']:.1f}/{b['p95']:.1f} ms, {b['found']} found"
        rows.append((f"search {q}", a["p50"], a["p95"], a["queries"], note))
    p95 = search_benchmark.p95
    result["search_p50_ms"] = statistics.median(ours)
    result["search_p95_ms"] = p95(ours)
    result["search"] = per_query
    rows.append(
        ("search, all 14 queries", result["search_p50_ms"], p95(ours), 6, "target p95 ≤ 30")
    )
    if theirs:
        result["stock_wagtail_search_p50_ms"] = statistics.median(theirs)
        result["stock_wagtail_search_p95_ms"] = p95(theirs)
        result["ratio_to_stock_wagtail_p50"] = result["search_p50_ms"] / statistics.median(theirs)
        result["ratio_to_stock_wagtail_p95"] = result["search_p95_ms"] / p95(theirs)
        rows.append(("stock Wagtail search, same pages", statistics.median(theirs), p95(theirs),
                     1, f"ours / Wagtail: p50 {result['ratio_to_stock_wagtail_p50']:.1f}×, "
                     f"p95 {result['ratio_to_stock_wagtail_p95']:.1f}×"))  # fmt: skip

    browse, per_browse = [], {}
    for label, row in search_benchmark.browse_rows():
        browse += row["all"]
        per_browse[label] = {"p50_ms": row["p50"], "p95_ms": row["p95"], "found": row["found"]}
        rows.append((f"browse {label}", row["p50"], row["p95"], row["queries"],
                     f"{row['found']:,} found"))  # fmt: skip
    result["facet_browse_p95_ms"] = p95(browse)
    result["facet_browse"] = per_browse
    rows.append(
        ("facet browsing, all", statistics.median(browse), p95(browse), "", "target p95 ≤ 50")
    )

    textbook_pages, pages = [], {}
    for url, row in search_benchmark.page_rows():
        pages[url] = {"p50_ms": row["p50"], "p95_ms": row["p95"], "queries": row["queries"],
                      "bytes": row["found"]}  # fmt: skip
        kind = "leaf page" if url.count("/") > 3 else "textbook page"
        if kind == "textbook page":
            textbook_pages += row["all"]
        rows.append(
            (f"{kind} {url}", row["p50"], row["p95"], row["queries"], f"{row['found']:,} bytes")
        )
    result["textbook_page_p95_ms"] = p95(textbook_pages)
    result["textbook_page_queries"] = max(
        p["queries"] for url, p in pages.items() if url.count("/") == 3
    )
    result["pages"] = pages

    sweeps = sweep_benchmark.run_sweeps(generated_on())
    result["sweep"] = {
        label: {"s": s, "queries": nq, "moved": moved, "proposals": proposals, "mails": mails}
        for label, s, nq, moved, proposals, mails, _peak in sweeps
    }
    for label, s, nq, moved, proposals, _mails, _peak in sweeps:
        rows.append(
            (f"sweep: {label} (s)", s, None, nq, f"{moved:,} moved, {proposals:,} proposals")
        )
    result["sweep_daily_s"] = result["sweep"]["daily sweep"]["s"]
    result["sweep_same_day_s"] = result["sweep"]["same day again (idempotent)"]["s"]

    draws, province, same = sampling_benchmark.measure(3, SAMPLING_SEED)
    result["sampling"] = {label: {"p50_ms": statistics.median(t), "max_ms": max(t), "drawn": n}
                          for label, t, n in draws}  # fmt: skip
    for label, times, drawn in draws:
        rows.append((f"sampling: {label} (s)", statistics.median(times) / 1000,
                     max(times) / 1000, "", "" if drawn is None else f"{drawn:,} drawn"))  # fmt: skip
    result["sampling_draw_s"] = statistics.median(draws[1][1]) / 1000
    # What a committed national draw costs: written, then its foreign-key checks.
    result["sampling_draw_committed_s"] = (
        statistics.median(draws[1][1]) + statistics.median(draws[2][1])
    ) / 1000
    result["sampling_same_seed_same_sample"] = same

    figures_rows, figures = compliance_benchmark.measure(3)
    result["compliance"] = {label: {"best_s": best, "median_s": median, "queries": nq}
                            for label, best, median, nq in figures_rows}  # fmt: skip
    for label, best, median, nq in figures_rows:
        rows.append((f"compliance: {label} (s)", median, None, nq, f"best {best:.3f} s"))
    result["compliance_nationwide_s"] = figures_rows[0][2]
    result["compliance_figures"] = {
        "selections_filed": figures.selections_filed,
        "selections_expected": figures.selections_expected,
        "revisions_due": figures.revisions_due,
        "revisions_overdue": figures.revisions_overdue,
        "co_developed_planned": figures.co_developed_planned,
    }

    published = publish_benchmark.measure_publish()
    result["publish_50_leaves_s"] = published["publish_s"]
    result["publish_50_leaves_workflow_s"] = published["workflow_s"]
    result["publish_50_leaves_queries"] = published["publish_queries"]
    result["publish_50_leaves_after_commit_s"] = published["after_commit_s"]
    rows.append(("publish 50-leaf revision (s)", published["publish_s"], None,
                 published["publish_queries"],
                 f"edition {published['version']}; whole review workflow "
                 f"{published['workflow_s']:.2f} s"))  # fmt: skip
    rows.append(("  then on commit: archive, PDF, index (s)", published["after_commit_s"], None,
                 published["after_commit_queries"], "tasks run at once (no worker)"))  # fmt: skip

    result["load_average_before"] = load_before
    result["load_average_after"] = machine_load()
    result["finished_utc"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return result, rows


def print_table(result, rows):
    print(
        f"\nmake bench · {result['textbooks']:,} textbooks × {result['leaves_per_textbook']} "
        f"leaves ({result['catalogue']}) · {result['git_commit'][:12]} · load "
        f"{' '.join(f'{x:.1f}' for x in result['load_average_before'])} → "
        f"{' '.join(f'{x:.1f}' for x in result['load_average_after'])} · reference "
        f"{result['reference_ms']:.0f} ms · ms unless (s)"
    )
    width = max(len(r[0]) for r in rows)
    header = f"| {'measurement':<{width}} | {'p50':>9} | {'p95':>9} | {'SQL':>4} | note |"
    print(header)
    print(f"|{'-' * (width + 2)}|{'-' * 10}:|{'-' * 10}:|{'-' * 5}:|---|")

    def number(value):
        if value is None or value == "":
            return ""
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"

    for label, p50, p95, queries, note in rows:
        print(
            f"| {label:<{width}} | {number(p50):>9} | {number(p95):>9} | "
            f"{'' if queries in (None, '') else queries:>4} | {note} |"
        )


def main():
    textbooks = int(os.environ.get("BENCH_TEXTBOOKS", "100000"))
    result, rows = run(textbooks)
    print_table(result, rows)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}.json"
    result["table"] = [list(row) for row in rows]
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
