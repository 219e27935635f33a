"""Articles per second for the article reader alone (issue 3).

Reads the seed pages (``read_text`` after ``decode``) and, when the devset is
present, its Dân trí records (``read_record``), after one warm-up pass (the
gazetteer loads on first use). Locality tagging is part of reading, so it is
part of the figure; the analysis chain (segmentation) is not.

    python bench/parse.py [--rounds 3] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import islice
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, DEVSET, read_jsonl  # noqa: E402
from indexer.articles.reader import decode, read_record, read_text  # noqa: E402

ARTICLES = DEVSET / "articles.jsonl"


def _rate(fn, items: list, rounds: int) -> tuple[float, float]:
    """Best and worst articles per second over ``rounds`` passes."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for item in items:
            fn(item)
        rates.append(len(items) / (time.perf_counter() - start))
    return max(rates), min(rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="Devset records to read (0: all).")
    args = parser.parse_args(argv)

    pages = [p.read_bytes() for p in sorted(CORPUS.glob("*.txt"))]
    read_page = lambda data: read_text(decode(data))  # noqa: E731
    for data in pages:  # warm-up: the gazetteer loads once per process
        read_page(data)
    best, worst = _rate(read_page, pages * 20, args.rounds)
    total_chars = sum(len(p) for p in pages)
    print(f"seeds     {len(pages)} pages × 20, {total_chars / len(pages) / 1000:.1f} kB each: "
          f"{best:8.1f} articles/s (worst round {worst:.1f})")

    if not ARTICLES.exists():
        print(f"devset    {ARTICLES} not found: skipped")
        return 0
    records = list(islice(read_jsonl(ARTICLES), args.limit or None))
    best, worst = _rate(read_record, records, args.rounds)
    mean = sum(len(r.get("body") or "") for r in records) / max(len(records), 1)
    print(f"devset    {len(records)} records, {mean / 1000:.1f} kB each: "
          f"{best:8.1f} articles/s (worst round {worst:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
