"""The scale curve (issue 10): quality and latency at 2,000, 20,000 and 100,000 articles.

    python bench/curve.py --sizes 2000 20000            # bench/run.py --articles 20000 runs this
    python bench/curve.py --sizes 2000 20000 100000

The same queries at every size: the known-item kinds of bench/quality.py,
sampled from the first 2,000 articles (present at every size; passages kept only
when no other article of the 20,000 contains them), plus bench/query.py's
quoted-phrase and filtered queries from the same articles. Each system answers
them one at a time on one core; ours and each whoosh baseline are printed side
by side with the ratio of their latencies. Every index is a kept one
(bench/kept.py): built on the first run, reused after, so the 100,000 figures
cost one build, not one per run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import MARKER, built_marker, clear_bench_dir, latency_ms, markdown_table, one_core, ours, read_jsonl
from bench.kept import SMALL, curve_paths, default_root, kept_index, records
from bench.quality import (
    KIND_LABELS,
    KINDS,
    Query,
    evaluate,
    folding_whoosh,
    known_item_queries,
    normalised_texts,
    stock_whoosh,
)
from bench.query import make_queries

SIZES = (2_000, 20_000, 100_000)
QUERY_SIZE = 2_000  # queries come from the articles every size holds


def curve_queries(
    queries: int = 300, seed: int = 0
) -> tuple[list[Query], list[tuple[str, str, dict]], list[bool | None]]:
    """(known-item queries, latency-only queries of the query.py mix, ``holds_every_word``
    of the known-item ones), the same at every size."""
    small = records(curve_paths(QUERY_SIZE), QUERY_SIZE)
    texts = normalised_texts(records(curve_paths(SMALL), SMALL))
    known = known_item_queries(small, queries, seed, texts=texts)
    mix = [q for q in make_queries(small, queries // 3, seed) if q[0] in ("phrase", "filtered")]
    return known, mix, holds_every_word(known, small)


#: The kinds that type a headline the index never saw (their Dân trí records carry none).
UNSEEN_HEADLINE_KINDS = ("slug", "slug5")


def holds_every_word(known: list[Query], articles: list[dict]) -> list[bool | None]:
    """For each query of UNSEEN_HEADLINE_KINDS, whether its article holds every word
    of it anywhere (folded, as the ranker compares them); None for the other kinds.

    A headline typed from memory often names what its article does not: split by
    this, the curve tells a drift with size in the ranking (both halves fall) from
    one in the queries (only the half whose words the article lacks falls, as more
    articles come to hold them).
    """
    from search.rank import folded_line, query_words

    lines = {r["id"]: folded_line(r["title"] + "\n" + r["body"]) for r in articles}
    return [all(b" " + w + b" " in lines[next(iter(q.relevant))] for w in query_words(q.text))
            if q.kind in UNSEEN_HEADLINE_KINDS else None for q in known]


def _split(rr: list[float], known: list[Query], held: list[bool | None]) -> dict:
    """MRR of each unseen-headline kind's queries whose article holds every word, and of the rest."""
    out: dict = {}
    for kind in UNSEEN_HEADLINE_KINDS:
        for holds in (True, False):
            picked = [r for r, q, h in zip(rr, known, held, strict=True) if q.kind == kind and h is holds]
            if picked:
                out[f"{kind}/{'every word' if holds else 'a word missing'}"] = {
                    "mrr": sum(picked) / len(picked), "n": len(picked)}
    return out


BASELINES = {"stock": stock_whoosh, "folding": folding_whoosh}


def baseline_index(key: str, size: int, source: Path, root: Path):
    """A whoosh baseline (a BASELINES key) over the kept source of ``size``, itself kept
    under ``root``: (the baseline, ready to search; its build seconds)."""
    system = BASELINES[key]()
    folder = root / f"{size}-{key}"
    want = built_marker(size, [source])
    index = folder / system.name
    if (folder / MARKER).exists() and json.loads((folder / MARKER).read_text()).get("data") == want["data"]:
        system.open(index)
        return system, json.loads((folder / MARKER).read_text()).get("build_s")
    clear_bench_dir(folder)
    folder.mkdir(parents=True)
    build_s = system.build(read_jsonl(source), folder)
    (folder / MARKER).write_text(json.dumps({**want, "build_s": round(build_s, 1)}))
    return system, build_s


class _Ours:
    name = "vnsearch"

    def __init__(self, index: Path):
        _, Searcher = ours()[0]
        self.searcher = Searcher(index)

    def search(self, query: str, limit: int = 10, **filters) -> list[str]:
        return [hit.id for hit in self.searcher.search(query, limit=limit, **filters).hits]

    def close(self):
        self.searcher.close()


def _mix_latency(system, mix) -> dict:
    times = []
    for _family, text, filters in mix:
        t = time.perf_counter()
        try:
            system.search(text, limit=10, **filters)
        except Exception:
            pass
        times.append(time.perf_counter() - t)
    return latency_ms(times)


def run(sizes=SIZES[:2], root: Path | None = None, queries: int = 300, seed: int = 0,
        baselines: tuple[str, ...] = ("stock", "folding"), verbose: bool = True) -> dict:
    say = print if verbose else (lambda *a, **k: None)
    if ours()[0] is None:
        raise SystemExit(ours()[1])
    root = root or default_root()
    say("curve: sampling queries ...", end="", flush=True)
    known, mix, held = curve_queries(queries, seed)
    counts = {k: sum(q.kind == k for q in known) for k in KINDS if any(q.kind == k for q in known)}
    say(f" {counts}, plus {len(mix)} phrase/filtered")
    out: dict = {"queries": counts, "mix": len(mix), "seed": seed, "sizes": {}}
    for size in sizes:
        kept = kept_index(size, root, verbose=verbose)
        row: dict = {"articles": kept["indexed"], "ours_build": {k: kept.get(k) for k in (
            "build_s", "peak_mb", "bytes_per_article", "index_bytes", "grown_from", "jobs")}, "systems": {}}
        # Each opener is called in this turn of the loop: its defaults bind this size and its kept index.
        systems = [("vnsearch", lambda kept=kept: (_Ours(kept["index"]), kept.get("build_s")))]
        systems += [(name, lambda key=name, size=size, source=kept["source"]: baseline_index(key, size, source, root))
                    for name in baselines]
        for name, opener in systems:
            say(f"curve: {size:,} {name} ...", end="", flush=True)
            system, build_s = opener()
            with one_core():
                for q in known[:20]:  # warm up: open segments, load caches
                    system.search(q.text, limit=10)
                figures = evaluate(system, known, each=name == "vnsearch")
                if name == "vnsearch":
                    figures["mix"] = _mix_latency(system, mix)
                    figures["held"] = _split(figures.pop("rr"), known, held)
            system.close()
            figures["build_s"] = build_s
            row["systems"][getattr(system, "name", name)] = figures
            say(f" p95 {figures['p95_ms']:.0f} ms")
        out["sizes"][size] = row
    return out


def table(f: dict) -> str:
    kinds = list(f["queries"])
    sizes = list(f["sizes"])
    header = ["system", "articles"] + [KIND_LABELS[k] for k in kinds] + ["p50 ms", "p95 ms", "worst ms", "p95 / ours"]
    rows = []
    for size in sizes:
        row = f["sizes"][size]
        mine = next(iter(row["systems"].values()))
        for name, r in row["systems"].items():
            cells = [f"**{name}**" if r is mine else name, f"{row['articles']:,}"]
            cells += [f"{r['kinds'][k]['mrr']:.3f}" if k in r["kinds"] else "—" for k in kinds]
            cells += [f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['max_ms']:.0f}",
                      "1" if r is mine else f"{r['p95_ms'] / mine['p95_ms']:.2f}"]
            rows.append(cells)
    out = markdown_table(header, rows)
    out += (f"\n\nCells: MRR@10 of the same {sum(f['queries'].values())} known-item queries at every size "
            f"({', '.join(f'{k} {n}' for k, n in f['queries'].items())}; seed {f['seed']}), sampled from the "
            f"first {QUERY_SIZE:,} articles; urls withheld. Latency: those queries one at a time, one core, "
            "one searcher reused after 20 warm-up queries.")
    lines = ["", "",
             "| articles | ours: phrase + filtered p50 / p95 / worst ms | build s | peak build MB | index KB/article |",
             "|---|---|---|---|---|"]
    for size in sizes:
        row = f["sizes"][size]
        mix = next(iter(row["systems"].values()))["mix"]
        b = row["ours_build"]
        grown = f" (grown from {b['grown_from']:,})" if b.get("grown_from") else ""
        lines.append(f"| {row['articles']:,} | {mix['p50_ms']:.1f} / {mix['p95_ms']:.1f} / {mix['max_ms']:.0f} | "
                     f"{b['build_s']}{grown} | {b['peak_mb']} | {b['bytes_per_article'] / 1024:.1f} |")
    out += "\n".join(lines)
    out += (f"\n\nPhrase + filtered: {f['mix']} quoted-phrase and filtered queries of bench/query.py "
            "(ours only: the baselines have no filters).")
    held = [next(iter(f["sizes"][size]["systems"].values())).get("held") for size in sizes]
    if held[0]:
        splits = list(held[0])
        rows = [[f"{f['sizes'][size]['articles']:,}"] + [f"{h[k]['mrr']:.3f}" for k in splits]
                for size, h in zip(sizes, held, strict=True)]
        out += "\n\n" + markdown_table(["articles"] + [f"{k} (n={held[0][k]['n']})" for k in splits], rows)
        out += ("\n\nOurs on the slug kinds, split by whether the query's article holds every word of it: "
                "their records carry no headline, so a slug is a headline the index never saw.")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES[:2]))
    ap.add_argument("--root", type=Path, help="folder of kept indexes (default $VNSEARCH_BENCH_ROOT or the temp dir)")
    ap.add_argument("--queries", type=int, default=300, help="sampled articles per query kind")
    ap.add_argument("--baselines", nargs="*", default=["stock", "folding"], choices=list(BASELINES))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    figures = run(args.sizes, args.root, args.queries, args.seed, tuple(args.baselines))
    print()
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
