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
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Iterable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, DEVSET, read_jsonl
from indexer.places import find_places


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


if __name__ == "__main__":
    start = time.perf_counter()
    find_places("", "")  # the gazetteer loads on first use
    print(f"gazetteer load: {(time.perf_counter() - start) * 1000:.0f} ms")
    agreement()
    speed()
