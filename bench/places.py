"""Locality tagging: agreement with the outlet's province on local leads, and speed.

Prints, for ``local-leads.jsonl`` (229 provincial headlines + leads), how often the
primary locality's province equals ``province_of_source`` with and without the
source as context, and how many leads name no place at all; then articles per
second of ``find_localities`` on the seed corpus and ``articles.jsonl``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, DEVSET, read_jsonl
from indexer.places import find_localities


def agreement() -> None:
    path = DEVSET / "local-leads.jsonl"
    if not path.exists():
        print(f"{path}: not present, agreement skipped")
        return
    rows = list(read_jsonl(path))
    for use_source in (False, True):
        agree = untagged = 0
        for r in rows:
            locs = find_localities(r["title"], r["body"], r["source"] if use_source else None)
            untagged += not locs
            agree += bool(locs) and locs[0].province == r["province_of_source"]
        tagged = len(rows) - untagged
        print(f"local-leads, source {'used' if use_source else 'unused'}: primary province agrees "
              f"{agree}/{len(rows)} = {agree / len(rows):.1%} ({agree / max(tagged, 1):.1%} of the "
              f"{tagged} with a place); {untagged} name no place")


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
            find_localities(title, body)
        best = min(best, time.perf_counter() - start)
    print(f"{len(texts)} articles ({chars / len(texts) / 1000:.1f} KB average): "
          f"{len(texts) / best:.0f} articles/s, {best / len(texts) * 1000:.2f} ms each, "
          f"{chars / best / 1e6:.1f} M chars/s")


if __name__ == "__main__":
    start = time.perf_counter()
    find_localities("", "")  # the gazetteer loads on first use
    print(f"gazetteer load: {(time.perf_counter() - start) * 1000:.0f} ms")
    agreement()
    speed()
