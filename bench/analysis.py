"""Throughput of the analysis chain against bare word segmentation (issue 2).

Characters per second of ``indexer.analysis.words`` (NFC, tone placement,
segmentation, offsets, folding) and of bare ``underthesea.word_tokenize`` on the
same texts: the seed corpus and, when present, devset articles. Target ratio
(chain / bare) ≥ 0.90. Timing is noisy, so both are warmed up, then timed in
alternation for several rounds; each side's best round counts (the median is
printed too).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import CORPUS, DEVSET, analysis, read_jsonl


def texts(devset_articles: int = 200) -> list[str]:
    out = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    path = DEVSET / "articles.jsonl"
    if devset_articles and path.exists():
        for i, record in enumerate(read_jsonl(path)):
            if i >= devset_articles:
                break
            out.append(record.get("body") or "")
    return [t for t in out if t.strip()]


def _time(fn, items: list[str]) -> float:
    t = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - t


def run(devset_articles: int = 200, rounds: int = 5, verbose: bool = True) -> dict:
    from underthesea import word_tokenize

    chain = analysis().words
    items = texts(devset_articles)
    chars = sum(map(len, items))
    # Warm up: load the CRF model, fill caches the way a long run would.
    for item in items[:20]:
        chain(item)
        word_tokenize(item)
    times = {"chain": [], "bare": []}
    for r in range(rounds):
        order = [("chain", chain), ("bare", word_tokenize)]
        if r % 2:
            order.reverse()
        for name, fn in order:
            times[name].append(_time(fn, items))
        if verbose:
            print(f"  round {r + 1}: chain {chars / times['chain'][-1]:,.0f} chars/s, "
                  f"bare {chars / times['bare'][-1]:,.0f} chars/s", flush=True)
    best = {k: chars / min(v) for k, v in times.items()}
    median = {k: chars / statistics.median(v) for k, v in times.items()}
    return {
        "texts": len(items),
        "chars": chars,
        "rounds": rounds,
        "chain_chars_per_s": best["chain"],
        "bare_chars_per_s": best["bare"],
        "ratio": best["chain"] / best["bare"],
        "chain_chars_per_s_median": median["chain"],
        "bare_chars_per_s_median": median["bare"],
        "ratio_median": median["chain"] / median["bare"],
    }


def table(f: dict) -> str:
    return "\n".join([
        "| | chars/s (best of {r}) | chars/s (median) |".format(r=f["rounds"]),
        "|---|---|---|",
        f"| chain: `indexer.analysis.words` | {f['chain_chars_per_s']:,.0f} | {f['chain_chars_per_s_median']:,.0f} |",
        f"| bare `underthesea.word_tokenize` | {f['bare_chars_per_s']:,.0f} | {f['bare_chars_per_s_median']:,.0f} |",
        f"| ratio chain / bare (target ≥ 0.90) | **{f['ratio']:.3f}** | {f['ratio_median']:.3f} |",
        "",
        f"{f['texts']} texts, {f['chars']:,} characters (seed corpus + devset articles), one process.",
    ])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset-articles", type=int, default=200, help="devset articles added to the seeds (0: seeds only)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    figures = run(args.devset_articles, args.rounds)
    print()
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
