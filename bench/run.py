"""Every benchmark figure at one corpus size, written to bench/RESULTS.md.

    python bench/run.py --articles 2000
    python bench/run.py --articles 20000

Runs, in order: analysis throughput (issue 2), indexing (issue 4), query latency
(issue 5), search quality against the baselines (issue 6), then the scale curve
(2,000 and 20,000 articles, and 100,000 with ``--articles 100000``), the result
sets against the articles that hold each query (issue 28: at 20,000, and 100,000
with ``--articles 100000``; at 2,000 with ``--articles 2000``) and a search
process's memory and one-shot wall time at the largest size (issue 10), on
kept indexes (bench/kept.py: ``--kept`` or $VNSEARCH_BENCH_ROOT says where) that
later runs reuse. Parts that need a piece of the project that is not there yet
say so in the report instead of failing. Benchmarks print figures; nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import analysis, curve, index, memory, quality, query, sets
from bench.common import REPO, machine

SECTIONS = ("analysis", "index", "query", "quality", "curve", "sets", "memory")


def run(articles: int = 2000, quality_articles: int | None = None, queries: int = 300, data: list[Path] | None = None,
        only: list[str] | None = None, kept_root: Path | None = None) -> dict:
    figures: dict = {"machine": machine(), "articles": articles}
    kept = query.default_index_dir(articles)  # index.py's all-cores build, reused by query.py
    sizes = [size for size in curve.SIZES if size <= max(articles, curve.SIZES[0])]
    steps = {
        "analysis": lambda: analysis.run(),
        "index": lambda: index.run(articles, data=data, keep=kept),
        "query": lambda: query.run(articles, index_dir=kept, data=data),
        "quality": lambda: quality.run(data, quality_articles or articles, queries),
        "curve": lambda: curve.run(sizes, kept_root, queries),
        "sets": lambda: sets.run([size for size in sizes if size >= min(articles, sets.SIZES[1])], kept_root),
        "memory": lambda: memory.run(sizes[-1], kept_root),
    }
    for name in only or SECTIONS:
        print(f"== {name}", flush=True)
        try:
            figures[name] = steps[name]()
        except (Exception, SystemExit) as e:
            traceback.print_exc()
            figures[name] = {"failed": f"{type(e).__name__}: {e}"}
    return figures


def report(figures: dict, command: str) -> str:
    m = figures["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    parts = [
        "# Benchmark results",
        "",
        f"Made by `{command}` on {m['date']}.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}; Python {m['python']}; {packages}.",
        "",
        "Figures from one run on a shared machine: timings move by ±10–20 % between runs.",
    ]
    titles = {
        "quality": ("Search quality against the baselines (issue 6)", quality.table),
        "analysis": ("Analysis chain throughput (issue 2)", analysis.table),
        "index": ("Indexing (issue 4)", index.table),
        "query": ("Query latency (issue 5)", query.table),
        "curve": ("The scale curve: quality and latency by size (issue 10)", curve.table),
        "sets": ("Result sets against the articles that hold the query (issue 28)", sets.table),
        "memory": ("A search process's memory and start-up (issue 10)", memory.table),
    }
    for name, (title, render) in titles.items():
        if name not in figures:
            continue
        parts += ["", f"## {title}", ""]
        f = figures[name]
        parts.append(f"Not measured: {f['failed']}" if "failed" in f else render(f))
    if "quality" in figures and "failed" not in figures["quality"]:
        q = figures["quality"]
        parts += ["", f"Quality collection: {q['articles']:,} articles ({', '.join(q['files'])}, first records in that "
                      f"order), up to {max(q['queries'].values())} queries per kind, seed {q['seed']}. "
                      "Query kinds and relevance are described in `bench/quality.py`."]
    return "\n".join(parts) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000, help="corpus size for indexing, latency and quality")
    ap.add_argument("--quality-articles", type=int, help="a different size for the quality run (no repeats there)")
    ap.add_argument("--queries", type=int, default=300, help="sampled articles per query kind")
    ap.add_argument("--data", type=Path, nargs="+", help="JSONL files (default: the devset)")
    ap.add_argument("--only", nargs="+", choices=SECTIONS)
    ap.add_argument("--kept", type=Path,
                    help="folder of kept indexes for the curve (default $VNSEARCH_BENCH_ROOT or the temp dir)")
    ap.add_argument("--output", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = ap.parse_args(argv)
    figures = run(args.articles, args.quality_articles, args.queries, args.data, args.only, args.kept)
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report(figures, command.strip())
    args.output.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {args.output}")
    return figures


if __name__ == "__main__":
    main()
