"""What the correction path costs: a query's time must stay bounded whatever it holds (issue 11).

Opens an existing index read-only (``--index``: the kept 20,000-article index,
say) and times ``Searcher.search`` (parsing, search and suggestion) on queries
of 1 to 64 misspelt words, accented and not, made from devset headlines by
changing one letter of each word; prints the time of each and the suggestion
for one real misspelling and for "thu dau mot". Target: a 64-word query well
under a second at 20,000 articles.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DEVSET, read_jsonl
from bench.quality import unaccented
from search import Searcher


def misspelt_words(n: int, seed: int = 0) -> list[str]:
    """``n`` headline words of five letters or more, each with one letter changed (seeded)."""
    rng = random.Random(seed)
    words = [w for record in read_jsonl(DEVSET / "articles.jsonl") for w in record["body"].split("\n", 1)[0].split()
             if w.isalpha() and len(w) >= 5]
    out = []
    for word in rng.sample(words, n):
        i = rng.randrange(1, len(word))
        out.append(word[:i] + rng.choice("qwzxkj") + word[i + 1:])
    return out


def timed(searcher: Searcher, query: str, repeat: int = 3) -> tuple[float, str | None]:
    best, suggestion = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        suggestion = searcher.search(query, limit=10).suggestion
        best = min(best, time.perf_counter() - start)
    return best, suggestion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True,
                        help="an index to search (the 20,000-article kept one of bench/kept.py, say)")
    args = parser.parse_args()
    words = misspelt_words(64)
    with Searcher(args.index) as searcher:
        print(f"index {args.index}: {searcher._searcher().doc_count()} articles")
        timed(searcher, "khởi động")  # open the reader and its caches once
        for n in (1, 8, 16, 64):
            for label, query in (("accented", " ".join(words[:n])), ("unaccented", unaccented(" ".join(words[:n])))):
                seconds, _ = timed(searcher, query)
                print(f"{n:>2} misspelt words, {label:<10} {seconds * 1000:8.1f} ms")
        for query in ("thu dau mot", "nghị quyêt trung ương", "dang vien chi bô"):
            seconds, suggestion = timed(searcher, query)
            print(f"{query!r:<26} {seconds * 1000:8.1f} ms  suggestion {suggestion!r}")


if __name__ == "__main__":
    main()
