"""Query latency on one core (issue 5).

Builds (or reuses) an index of ``--articles N`` devset articles and times
``search.Searcher.search`` over a mix of queries generated from the indexed
articles: accented (2–4 words of a headline or sentence as written), the same
without diacritics, quoted phrases (3 words), and filtered queries (a word or
two with a province, a since-date or a term filter). Prints p50/p95/p99
latency and queries per second with the process pinned to one CPU.
Targets: p95 ≤ 50 ms at 2,000 articles, ≤ 150 ms at 20,000.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    MARKER,
    Stopwatch,
    built_marker,
    clear_bench_dir,
    collection,
    devset_paths,
    latency_ms,
    one_core,
    ours,
    read_jsonl,
    sample,
    write_jsonl,
)
from bench.quality import _LETTERS, unaccented

FAMILIES = ("accented", "unaccented", "phrase", "filtered")
PROVINCES = ("Hà Nội", "TP.HCM", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Thanh Hóa", "Nghệ An", "Quảng Ninh",
             "Khánh Hòa", "Bình Dương", "Đồng Nai", "Lâm Đồng")
TERMS = ("2015-2020", "2020-2025", "khóa XII", "khóa XIII")


def _windows(text: str, n: int) -> list[str]:
    out = []
    for sentence in re.split(r"[.!?;:,\"“”()\n]+", text):
        toks = list(_LETTERS.finditer(sentence))
        for i in range(len(toks) - n + 1):
            out.append(sentence[toks[i].start() : toks[i + n - 1].end()])
    return out


def make_queries(records: list[dict], per_family: int = 100, seed: int = 0) -> list[tuple[str, str, dict]]:
    """(family, query text, filter keywords) triples, ``per_family`` of each family."""
    rng = random.Random(seed)
    picked = sample(records, per_family * 3, seed)
    dates = sorted({r["published"] for r in records if r.get("published")})
    queries: list[tuple[str, str, dict]] = []
    made: Counter[str] = Counter()

    def add(family: str, text: str, filters: dict) -> None:
        queries.append((family, text, filters))
        made[family] += 1

    def snippet(r: dict, n: int) -> str | None:
        text = r["title"] or r["body"][:2000]
        ws = _windows(text, n) or _windows(r["body"][:2000], n)
        return rng.choice(ws) if ws else None

    for r in picked:
        if made["accented"] >= per_family:
            break
        q = snippet(r, rng.randint(2, 4))
        if q:
            add("accented", q, {})
            add("unaccented", unaccented(q), {})
    for r in picked[per_family:]:
        if made["phrase"] >= per_family:
            break
        q = snippet(r, 3)
        if q:
            add("phrase", f'"{q}"', {})
    for i, r in enumerate(picked[2 * per_family :]):
        if made["filtered"] >= per_family:
            break
        q = snippet(r, rng.randint(1, 2))
        if not q:
            continue
        kind = i % 3
        if kind == 0:
            filters = {"province": rng.choice(PROVINCES)}
        elif kind == 1 and dates:
            filters = {"since": dates[len(dates) // 2 + rng.randrange(max(1, len(dates) // 2))]}
        else:
            filters = {"term": rng.choice(TERMS)}
        add("filtered", q, filters)
    return queries


def default_index_dir(articles: int) -> Path:
    return Path(tempfile.gettempdir()) / f"vnsearch-bench-{articles}"


def ensure_index(articles: int, index_dir: Path, data: list[Path] | None, build_index) -> tuple[Path, float, bool]:
    """The index and its source (``<index_dir>.jsonl``). A previous run's index (of
    this script, or of bench/index.py with ``--keep``) of the same articles is
    reused: build_index then only checks that nothing changed. Otherwise the folder
    is emptied first, so no article of an earlier, different run stays in the
    index being timed."""
    source = index_dir.parent / f"{index_dir.name}.jsonl"
    marker = index_dir / MARKER
    paths = data or devset_paths()
    want = built_marker(articles, paths)
    reused = marker.exists() and source.exists() and json.loads(marker.read_text()) == want
    if not reused:
        clear_bench_dir(index_dir)
        write_jsonl(collection(paths, articles), source)
    index_dir.mkdir(parents=True, exist_ok=True)
    with Stopwatch() as sw:
        build_index([source], index_dir)
    marker.write_text(json.dumps(want))
    return source, sw.seconds, reused


def run(articles: int = 2000, index_dir: Path | None = None, data: list[Path] | None = None, per_family: int = 100,
        seed: int = 0, verbose: bool = True) -> dict:
    say = print if verbose else (lambda *a, **k: None)
    available, reason = ours()
    if not available:
        say(f"query: skipping, {reason}")
        return {"articles": articles, "skipped": reason}
    build_index, Searcher = available
    index_dir = index_dir or default_index_dir(articles)
    say(f"query: index of {articles} articles at {index_dir} ...", end="", flush=True)
    source, seconds, reused = ensure_index(articles, index_dir, data, build_index)
    say(f" reused (checked in {seconds:.1f} s)" if reused else f" built in {seconds:.1f} s")
    records = list(read_jsonl(source))
    queries = make_queries(records, per_family, seed)
    times: dict[str, list[float]] = {f: [] for f in FAMILIES}
    errors = []
    with one_core(), Searcher(index_dir) as searcher:
        for _family, q, filters in queries[:20]:  # warm up: open segments, load caches
            try:
                searcher.search(q, limit=10, **filters)
            except Exception:
                pass
        for family, q, filters in queries:
            t = time.perf_counter()
            try:
                searcher.search(q, limit=10, **filters)
            except Exception as e:
                errors.append(f"{q!r} {filters}: {type(e).__name__}: {e}")
            times[family].append(time.perf_counter() - t)
    every = [t for ts in times.values() for t in ts]
    out = {
        "articles": articles,
        "queries": len(every),
        **latency_ms(every),
        "qps": len(every) / sum(every),
        "families": {f: {"n": len(ts), **latency_ms(ts)} for f, ts in times.items()},
        "errors": len(errors),
    }
    if errors:
        out["first_error"] = errors[0]
    return out


def table(f: dict) -> str:
    if "skipped" in f:
        return f"Not measured — query latency: {f['skipped']}"
    lines = ["| queries | n | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    for fam, r in f["families"].items():
        lines.append(f"| {fam} | {r['n']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} |")
    lines.append(f"| **all** | {f['queries']} | {f['p50_ms']:.1f} | **{f['p95_ms']:.1f}** | {f['p99_ms']:.1f} |")
    lines += ["", f"{f['articles']:,} articles, one core, one Searcher reused: **{f['qps']:.1f} queries/s**. "
              "Target p95 ≤ 50 ms at 2,000 articles, ≤ 150 ms at 20,000."]
    if f.get("errors"):
        lines.append(f"{f['errors']} queries raised (first: {f['first_error']}).")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--index", type=Path, help="index directory to build or reuse (default: in the temp dir, by size)")
    ap.add_argument("--data", type=Path, nargs="+", help="JSONL files (default: the devset)")
    ap.add_argument("--per-family", type=int, default=100, help="queries of each family")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    figures = run(args.articles, args.index, args.data, args.per_family, args.seed)
    print()
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
