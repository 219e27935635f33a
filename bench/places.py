"""Locality tagging: where the story happened (``about``) against labelled provinces, and speed.

For each labelled file, how often the primary ``about`` province is the label ("right",
over all records), how often it is where one is given ("precision"), how often the
label is anywhere in ``about``, and how many provinces ``about`` holds on average:

* ``local-leads.jsonl``: 229 provincial headlines with their leads, labelled with the
  outlet's province (``province_of_source``), a hint rather than a label: some stories
  happen elsewhere. Read with the outlet's host as ``source``, and without.
* ``locality-gold.jsonl``: 441 full baomoi articles whose publisher put a province before
  the headline (``gold_province``; the prefix is removed from the title); no source.

Then articles per second of ``find_places`` on the seed corpus and ``articles.jsonl``.

With ``--filter INDEX`` (the 20,000-article kept index of bench/kept.py, say), what a
province filter returns: for the 20 provinces with the most labelled articles, the
first 50 articles of ``province=P`` (newest first), how many of the labelled ones
among them are labelled P (or a province that became part of P in 2025, which the
filter also means), and the same for ``mentions=P`` (every article naming P,
what the filter returned before it meant "about"); then 30 of the filtered articles,
drawn at random, with their opening, to be read and judged by hand.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, DEVSET, read_jsonl
from indexer.articles.places import find_places


def figures(rows: Iterable[tuple[str, str, str | None, str]]) -> dict[str, float]:
    """(title, body, source, label) rows -> right, precision, label in about, provinces in about."""
    n = tagged = right = held = provinces = 0
    for title, body, source, label in rows:
        about = [loc.province for loc in find_places(title, body, source).about]
        n += 1
        tagged += bool(about)
        right += bool(about) and about[0] == label
        held += label in about
        provinces += len(set(about))
    return {"records": n, "right": right / n, "precision": right / max(tagged, 1), "tagged": tagged,
            "label in about": held / n, "provinces in about": provinces / n}


def _line(name: str, f: dict[str, float]) -> str:
    return (f"{name}: primary right {f['right']:.3f}, precision {f['precision']:.3f} ({f['tagged']} of "
            f"{f['records']} tagged), label in about {f['label in about']:.3f}, "
            f"{f['provinces in about']:.2f} provinces in about on average")


def agreement() -> None:
    leads, gold = DEVSET / "local-leads.jsonl", DEVSET / "locality-gold.jsonl"
    if leads.exists():
        rows = list(read_jsonl(leads))
        for use_source in (True, False):
            f = figures((r["title"], r["body"], r["source"] if use_source else None, r["province_of_source"])
                        for r in rows)
            print(_line(f"local-leads, source {'used' if use_source else 'unused'}", f))
    else:
        print(f"{leads}: not present, skipped")
    if gold.exists():
        print(_line("locality-gold", figures((r["title"], r["body"], None, r["gold_province"])
                                             for r in read_jsonl(gold))))
    else:
        print(f"{gold}: not present, skipped")


def speed() -> None:
    texts = [p.read_text(encoding="utf-8").partition("\n")[::2] for p in sorted(CORPUS.glob("*.txt"))]
    path = DEVSET / "articles.jsonl"
    if path.exists():
        texts += [("", r.get("body") or "") for r in read_jsonl(path)]
    chars = sum(len(t) + len(b) for t, b in texts)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for title, body in texts:
            find_places(title, body)
        best = min(best, time.perf_counter() - start)
    print(f"{len(texts)} articles ({chars / len(texts) / 1000:.1f} KB average): "
          f"{len(texts) / best:.0f} articles/s, {best / len(texts) * 1000:.2f} ms each, "
          f"{chars / best / 1e6:.1f} M chars/s")


def filtered(index_dir: Path, provinces: int = 20, first: int = 50, sample: int = 30, seed: int = 0) -> None:
    """What ``province=P`` returns against the labels, beside ``mentions=P``; a sample to read."""
    from search import Searcher

    gold_path = DEVSET / "locality-gold.jsonl"
    if not gold_path.exists():
        print(f"{gold_path}: not present, filter figures skipped")
        return
    gold = {r["id"]: r["gold_province"] for r in read_jsonl(gold_path)}
    chosen = [p for p, _ in Counter(gold.values()).most_common(provinces)]
    drawn = []
    totals = {"province": [0, 0, 0], "mentions": [0, 0, 0]}  # hits, labelled hits, labelled P
    with Searcher(index_dir) as searcher:
        print("| province | about P: hits | labelled | labelled P | mentions P: hits | labelled | labelled P |")
        print("|---|---|---|---|---|---|---|")
        for province in chosen:
            row = [province]
            for how in ("province", "mentions"):
                hits = searcher.search("", sort="date", limit=first, snippet_count=0, **{how: province}).hits
                labelled = [h for h in hits if h.id in gold]
                # A filter names a province before the 2025 reform or after it: a Kon Tum story is one of
                # Quảng Ngãi's, which Kon Tum joined.
                right = sum(gold[h.id] == province or any(loc["province"] == gold[h.id]
                                                           and loc["province_2025"] == province for loc in h.about)
                            for h in labelled)
                for i, n in enumerate((len(hits), len(labelled), right)):
                    totals[how][i] += n
                row += [len(hits), len(labelled), right]
                if how == "province":
                    drawn += [(province, h) for h in hits]
            print("| " + " | ".join(map(str, row)) + " |")
        for how, (hits, labelled, right) in totals.items():
            print(f"{how}=P: {hits} hits, {labelled} labelled, {right} labelled P: {right / max(labelled, 1):.3f}")
        print(f"\n{sample} of the {len(drawn)} articles province=P returned, to read:")
        for province, hit in random.Random(seed).sample(drawn, min(sample, len(drawn))):
            body = searcher.get(hit.id).body.replace("\n", " ")
            print(f"- [{province}] {hit.id} ({'; '.join(hit.places)}) {hit.title[:90]!r}: {body[:260]!r}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--filter", type=Path, metavar="INDEX", help="also measure province filters on this index")
    ap.add_argument("--sample", type=int, default=30, help="filter hits drawn to be read (default 30)")
    ap.add_argument("--seed", type=int, default=0,
                    help="seed of the draw: take one the rules were not tuned on to judge them")
    args = ap.parse_args()
    start = time.perf_counter()
    find_places("", "")  # the gazetteer loads on first use
    print(f"gazetteer load: {(time.perf_counter() - start) * 1000:.0f} ms")
    agreement()
    speed()
    if args.filter:
        filtered(args.filter, sample=args.sample, seed=args.seed)
