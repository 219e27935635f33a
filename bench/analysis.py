"""Throughput of the analysis chain against bare word segmentation (issue 2).

Characters per second of ``indexer.analysis.words`` (NFC, tone placement,
segmentation, offsets, folding) and of bare ``underthesea.word_tokenize`` on the
same texts: the seed corpus and, when present, devset articles. Target ratio
(chain / bare) ≥ 0.90. Also timed: ``word_tokenize`` with the options the chain
passes (``use_token_normalize=False``, a little cheaper than the default), for
the chain's own overhead. Timing is noisy, so all sides are warmed up, then
timed text by text in rotating order for several rounds; each side's best round
counts (medians printed too).
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


def texts(devset_articles: int = 100) -> list[str]:
    out = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    path = DEVSET / "articles.jsonl"
    if devset_articles and path.exists():
        for i, record in enumerate(read_jsonl(path)):
            if i >= devset_articles:
                break
            out.append(record.get("body") or "")
    return [t for t in out if t.strip()]


def _bare_as_chain(text: str):
    from underthesea import word_tokenize

    return word_tokenize(text, use_token_normalize=False)


def run(devset_articles: int = 100, rounds: int = 5, verbose: bool = True) -> dict:
    from underthesea import word_tokenize

    sides = {"chain": analysis().words, "bare": word_tokenize, "bare_as_chain": _bare_as_chain}
    items = texts(devset_articles)
    chars = sum(map(len, items))
    # Warm up: load the CRF model, fill caches the way a long run would.
    for item in items[:20]:
        for fn in sides.values():
            fn(item)
    # Interleave text by text (rotating the order) so load from elsewhere hits all sides alike.
    times = {name: [] for name in sides}
    order = list(sides.items())
    for r in range(rounds):
        spent = dict.fromkeys(sides, 0.0)
        for i, item in enumerate(items):
            k = (i + r) % len(order)
            for name, fn in order[k:] + order[:k]:
                t = time.perf_counter()
                fn(item)
                spent[name] += time.perf_counter() - t
        for name in sides:
            times[name].append(spent[name])
        if verbose:
            print(f"  round {r + 1}: " + ", ".join(f"{n} {chars / spent[n]:,.0f} chars/s" for n in sides), flush=True)
    best = {k: chars / min(v) for k, v in times.items()}
    median = {k: chars / statistics.median(v) for k, v in times.items()}
    round_ratios = [b / c for c, b in zip(times["chain"], times["bare"], strict=True)]
    return {
        "texts": len(items),
        "chars": chars,
        "rounds": rounds,
        "chain_chars_per_s": best["chain"],
        "bare_chars_per_s": best["bare"],
        "bare_as_chain_chars_per_s": best["bare_as_chain"],
        "ratio": best["chain"] / best["bare"],
        "ratio_as_chain": best["chain"] / best["bare_as_chain"],
        "chain_chars_per_s_median": median["chain"],
        "bare_chars_per_s_median": median["bare"],
        "bare_as_chain_chars_per_s_median": median["bare_as_chain"],
        "ratio_median": median["chain"] / median["bare"],
        "ratio_as_chain_median": median["chain"] / median["bare_as_chain"],
        "ratio_per_round": round_ratios,
    }


def table(f: dict) -> str:
    return "\n".join([
        "| | chars/s (best of {r}) | chars/s (median) |".format(r=f["rounds"]),
        "|---|---|---|",
        f"| chain: `indexer.analysis.words` | {f['chain_chars_per_s']:,.0f} | {f['chain_chars_per_s_median']:,.0f} |",
        f"| bare `underthesea.word_tokenize(text)` | {f['bare_chars_per_s']:,.0f} | "
        f"{f['bare_chars_per_s_median']:,.0f} |",
        f"| bare, as the chain calls it (`use_token_normalize=False`) | {f['bare_as_chain_chars_per_s']:,.0f} | "
        f"{f['bare_as_chain_chars_per_s_median']:,.0f} |",
        f"| **ratio chain / bare** (target ≥ 0.90) | **{f['ratio']:.3f}** | {f['ratio_median']:.3f} |",
        f"| ratio chain / bare as the chain calls it | {f['ratio_as_chain']:.3f} | {f['ratio_as_chain_median']:.3f} |",
        "",
        f"{f['texts']} texts, {f['chars']:,} characters (seed corpus + devset articles), one process; the sides "
        "timed text by text in rotating order. Per-round ratio chain / bare: "
        + ", ".join(f"{x:.3f}" for x in f["ratio_per_round"]) + ".",
    ])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset-articles", type=int, default=100,
                    help="devset articles added to the seeds (0: seeds only)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    figures = run(args.devset_articles, args.rounds)
    print()
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
