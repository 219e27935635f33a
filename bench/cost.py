"""The cost curve (issue 27): what an index of 1 and 10 million articles would cost, from
measurements at 2,000, 20,000 and 100,000.

    python bench/cost.py ~/bench/2000 ~/bench/20000 ~/bench/100000     # kept indexes (bench/kept.py --root ~/bench)

Each INDEX is a kept index of bench/kept.py (read only: its ``<INDEX>.READY`` marker
gives the build's seconds, worker processes and peak memory). For each, measured
here: the index's size on disk; the curve's known-item queries (bench/curve.py's,
``--queries`` per kind) one at a time on one core, p50 and p95; and a fresh search
process's memory after three queries (bench/memory.py: RSS, and the anonymous part
that is the process's own). Then each figure is carried to 1 and 10 million from
the two largest indexes, where its trend at archive size shows: the index's size
by what each article adds there (linear: postings and stored text grow with the
articles, while the vocabulary's share, which made small indexes dearer per
article, stops growing), the rest as the power law through those two points
(``a * articles ** b``), and none below its value at the largest index (two noisy
points can slope down). Build seconds
are per article per core, so a build's wall time is that times the articles over
the cores (a Dask cluster's, see the README). Prints figures, asserts nothing;
the extrapolations are only as good as two points on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import markdown_table, one_core
from bench.curve import _Ours, curve_queries
from bench.memory import searcher_memory
from bench.quality import evaluate

TARGETS = (1_000_000, 10_000_000)


def marginal(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(a, b) of ``y = a + b * x`` through the two largest points: what each more article adds."""
    (x0, y0), (x1, y1) = sorted(points)[-2:]
    b = (y1 - y0) / (x1 - x0)
    return y1 - b * x1, b


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(a, b) of ``y = a * x ** b`` by least squares on log y against log x."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return math.exp(my - b * mx), b


def measure(index: Path, known) -> dict:
    """One kept index: build figures from its marker, size, latency and memory measured now."""
    marker = json.loads(index.with_name(index.name + ".READY").read_text())
    system = _Ours(index)
    with one_core():
        for q in known[:20]:  # warm up: open segments, load caches
            system.search(q.text, limit=10)
        latency = evaluate(system, known)
    system.close()
    memory = list(searcher_memory(index).values())[-1]  # after every query of bench/memory.py
    return {
        "articles": marker["indexed"],
        "index_mb": sum(f.stat().st_size for f in index.iterdir() if f.is_file()) / 2**20,
        "build_core_s_per_article": marker["build_s"] * marker["jobs"] / marker["analysed"],
        "build_peak_mb": marker["peak_mb"],
        "p50_ms": latency["p50_ms"],
        "p95_ms": latency["p95_ms"],
        "rss_mb": memory["VmRSS"] / 2**20,
        "anon_mb": memory["RssAnon"] / 2**20,
    }


#: How each figure is carried past the measured sizes (see the module's docstring).
LINEAR = {"index_mb"}

COLUMNS = {
    "index_mb": ("index MB", "{:,.0f}"),
    "build_core_s_per_article": ("build core-s/article", "{:.3f}"),
    "build_peak_mb": ("build peak MB (2 workers)", "{:,.0f}"),
    "p50_ms": ("query p50 ms", "{:,.0f}"),
    "p95_ms": ("query p95 ms", "{:,.0f}"),
    "rss_mb": ("search RSS MB", "{:,.0f}"),
    "anon_mb": ("search anonymous MB", "{:,.0f}"),
}


def extrapolate(rows: list[dict], key: str, n: int) -> float:
    """The figure ``key`` carried to ``n`` articles from the two largest measured."""
    points = sorted((r["articles"], r[key]) for r in rows)[-2:]
    if key in LINEAR:
        a, b = marginal(points)
        return max(points[-1][1], a + b * n)
    a, b = fit(points)
    return max(points[-1][1], a * n ** b)


def table(rows: list[dict]) -> str:
    body = [[f"{r['articles']:,}", "measured"] + [fmt.format(r[k]) for k, (_, fmt) in COLUMNS.items()] for r in rows]
    for n in TARGETS:
        body.append([f"{n:,}", "extrapolated"]
                    + [fmt.format(extrapolate(rows, k, n)) for k, (_, fmt) in COLUMNS.items()])
    out = markdown_table(["articles", ""] + [label for label, _ in COLUMNS.values()], body)
    two = sorted((r["articles"], r) for r in rows)[-2:]

    def growth(k: str) -> str:
        points = [(n, r[k]) for n, r in two]
        if k in LINEAR:
            return f"+{marginal(points)[1] * 1000:.3g} per 1,000 articles"
        return f"~ articles ** {fit(points)[1]:.2f}"

    out += "\n\nFrom the two largest indexes: " + ", ".join(
        f"{label} {growth(k)}" for k, (label, _) in COLUMNS.items()) + "."
    return out


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("indexes", nargs="+", type=Path, metavar="INDEX", help="kept indexes, smallest first")
    ap.add_argument("--queries", type=int, default=100, help="known-item queries per kind (default 100)")
    args = ap.parse_args(argv)
    if len(args.indexes) < 2:
        raise SystemExit("bench/cost.py: a curve needs at least two indexes")
    known, _mix, _held = curve_queries(args.queries)
    rows = []
    for index in args.indexes:
        print(f"cost: {index} ...", flush=True)
        rows.append(measure(index, known))
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
