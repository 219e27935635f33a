"""Indexing throughput, memory and size (issue 4).

Builds an index of ``--articles N`` devset articles (articles.jsonl, then
baomoi-2017.jsonl, repeated with fresh ids beyond what exists) with
``indexer.build_index`` at jobs=1 and at jobs=all cores, and prints articles per
second, the speed-up, peak memory of the process tree, index bytes per article,
the time of a second (incremental, unchanged) run, and indexing throughput over
bare segmentation throughput: a multiprocessing pool of the same size running
``underthesea.word_tokenize`` over the same article texts.

``--steps N`` instead times where one worker's time goes on the first N
articles, in one process, step by step through the build's own pieces, each as
a share of bare segmentation of the same texts.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    MARKER,
    PeakMemory,
    Stopwatch,
    built_marker,
    clear_bench_dir,
    collection,
    cores,
    devset_paths,
    ours,
    read_jsonl,
    write_jsonl,
)


def _tokenize(text: str) -> list[str]:
    from underthesea import word_tokenize

    return word_tokenize(text)


def _texts(path: Path, limit: int | None):
    for i, record in enumerate(read_jsonl(path)):
        if limit is not None and i >= limit:
            return
        yield (record.get("title") or "") + "\n" + (record.get("body") or "")


def segmentation_rate(path: Path, processes: int, limit: int | None = None) -> dict:
    """Articles per second of bare word segmentation with a pool of ``processes``
    (pool start-up and model loading included, as the indexer pays them too)."""
    n = 0
    with PeakMemory() as mem, Stopwatch() as sw:
        with multiprocessing.Pool(processes) as pool:
            for _ in pool.imap_unordered(_tokenize, _texts(path, limit), chunksize=8):
                n += 1
    return {"articles": n, "seconds": sw.seconds, "articles_per_s": n / sw.seconds, "peak_mb": mem.peak_bytes / 2**20}


def timed_build(build_index, source: Path, index_dir: Path, jobs: int) -> dict:
    with PeakMemory() as mem, Stopwatch() as sw:
        summary = build_index([source], index_dir, jobs=jobs)
    done = summary.indexed + summary.replaced
    return {
        "jobs": jobs,
        "seconds": sw.seconds,
        "indexed": summary.indexed,
        "unchanged": summary.unchanged,
        "replaced": summary.replaced,
        "skipped": summary.skipped,
        "articles_per_s": done / sw.seconds if done else float("nan"),
        "peak_mb": mem.peak_bytes / 2**20,
        "memory_method": mem.method,
    }


def run(articles: int = 2000, jobs: int | None = None, data: list[Path] | None = None, seg_articles: int | None = None,
        keep: Path | None = None, verbose: bool = True) -> dict:
    """The figures; with ``keep``, the all-cores index is left there (and its source
    next to it) for bench/query.py to reuse."""
    say = print if verbose else (lambda *a, **k: None)
    jobs = jobs or cores()
    paths = data or devset_paths()
    if keep is not None:
        clear_bench_dir(keep)  # before the long run: a folder that is not ours is refused at once
    workdir = Path(tempfile.mkdtemp(prefix="vnsearch-index-bench-"))
    try:
        source = workdir / "articles.jsonl"
        chars = 0

        def counted(records):  # characters counted on the way out, not by reading the file back
            nonlocal chars
            for r in records:
                chars += len(r["title"]) + len(r["body"])
                yield r

        n = write_jsonl(counted(collection(paths, articles)), source)
        say(f"index: {n} articles ({chars / n:,.0f} characters each on average) "
            f"from {', '.join(p.name for p in paths)}; {jobs} cores")
        out: dict = {"articles": n, "chars_per_article": chars / n, "cores": jobs}
        seg_limit = min(n, seg_articles) if seg_articles else None
        levels = [1] if jobs == 1 else [1, jobs]
        for p in levels:
            say(f"  bare segmentation, {p} process(es) ...", end="", flush=True)
            out[f"segmentation_{p}"] = r = segmentation_rate(source, p, seg_limit)
            say(f" {r['articles_per_s']:.1f} articles/s")
        available, reason = ours()
        if not available:
            say(f"  skipping our indexer: {reason}")
            out["skipped"] = reason
            return out
        build_index, _ = available
        from indexer.engine.store import size_on_disk

        for p in levels:
            say(f"  build_index jobs={p} ...", end="", flush=True)
            out[f"build_{p}"] = r = timed_build(build_index, source, workdir / f"index-{p}", p)
            say(f" {r['seconds']:.1f} s, {r['articles_per_s']:.1f} articles/s, peak {r['peak_mb']:.0f} MB")
            r["ratio_to_segmentation"] = r["articles_per_s"] / out[f"segmentation_{p}"]["articles_per_s"]
        last = workdir / f"index-{jobs}"
        out["index_bytes"] = size = size_on_disk(last)
        out["index_bytes_per_article"] = size / n
        if jobs > 1:
            out["speedup"] = out[f"build_{jobs}"]["articles_per_s"] / out["build_1"]["articles_per_s"]
        say("  second run, nothing changed ...", end="", flush=True)
        out["incremental"] = r = timed_build(build_index, source, last, jobs)
        r["fraction_of_first"] = r["seconds"] / out[f"build_{jobs}"]["seconds"]
        say(f" {r['seconds']:.1f} s ({r['unchanged']} unchanged)")
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(last), str(keep))
            shutil.move(str(source), str(keep.parent / f"{keep.name}.jsonl"))
            (keep / MARKER).write_text(json.dumps(built_marker(articles, paths)))
            say(f"  kept the index at {keep}")
        return out
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def steps(articles: int = 300, data: list[Path] | None = None) -> dict[str, float]:
    """Seconds per step of one worker's work on ``articles`` articles, and bare segmentation.

    The chain's segmentation runs twice here (alone, and inside ``document``) so
    its cost can be told apart; "document" is reported without it.
    """
    from underthesea import word_tokenize

    from indexer import analysis
    from indexer.articles.reader import read_record
    from indexer.engine.schema import content_hash, document
    from indexer.engine.segment import segment_writer
    from indexer.engine.store import new_index

    records = list(collection(data or devset_paths(), articles))
    word_tokenize("khởi động")  # model loading is not a step
    out: dict[str, float] = {}

    def timed(name: str, work):
        with Stopwatch() as sw:
            result = work()
        out[name] = sw.seconds
        return result

    timed("bare word_tokenize", lambda: [word_tokenize(f"{r['title']}\n{r['body']}") for r in records])
    read = timed("reading", lambda: [read_record(r) for r in records])
    timed("segmentation in the chain (words)", lambda: [analysis.words(f"{a.title}\n\n{a.body}") for a in read])
    docs = timed("document", lambda: [document(a, content_hash(a.body.encode()), r["id"])
                                      for a, r in zip(read, records, strict=True)])
    out["document"] -= out["segmentation in the chain (words)"]
    workdir = Path(tempfile.mkdtemp(prefix="vnsearch-steps-"))
    try:
        writer = segment_writer(new_index(workdir), limitmb=128)
        timed("whoosh add_document", lambda: [writer.add_document(**d) for d in docs])
        timed("segment flush (commit)", writer.commit)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out


def steps_table(seconds: dict[str, float], articles: int) -> str:
    bare = seconds["bare word_tokenize"]
    rows = [f"| {name} | {s:.1f} | {s / bare:.2f} |" for name, s in seconds.items()]
    indexing = sum(s for name, s in seconds.items() if name != "bare word_tokenize")
    rows.append(f"| **indexing, all steps** | {indexing:.1f} | {indexing / bare:.2f} "
                f"(throughput ratio {bare / indexing:.2f}) |")
    return "\n".join([f"{articles:,} articles, one process.", "", "| step | seconds | share of bare segmentation |",
                      "|---|---|---|", *rows])


def table(f: dict) -> str:
    lines = [f"{f['articles']:,} articles, {f['chars_per_article']:,.0f} characters each on average; "
             f"{f['cores']} cores.", ""]
    header = "| | articles/s | seconds | peak memory MB | ratio to bare segmentation |"
    lines += [header, "|---|---|---|---|---|"]
    for p in sorted({1, f["cores"]}):
        seg = f.get(f"segmentation_{p}")
        b = f.get(f"build_{p}")
        if b:
            lines.append(f"| build_index jobs={p} | {b['articles_per_s']:.1f} | {b['seconds']:.1f} | "
                         f"{b['peak_mb']:.0f} | **{b['ratio_to_segmentation']:.2f}** (target ≥ 0.8) |")
        if seg:
            lines.append(f"| bare word_tokenize, pool of {p} | {seg['articles_per_s']:.1f} | {seg['seconds']:.1f} | "
                         f"{seg['peak_mb']:.0f} | — |")
    if "incremental" in f:
        inc = f["incremental"]
        lines.append(f"| second run, unchanged (jobs={inc['jobs']}) | — | {inc['seconds']:.1f} | "
                     f"{inc['peak_mb']:.0f} | {inc['fraction_of_first']:.1%} of the first run |")
    lines.append("")
    if "speedup" in f:
        lines.append(f"Speed-up jobs={f['cores']} over jobs=1: **{f['speedup']:.2f}×** (target ≥ 1.7× on 2 cores).")
    if "index_bytes" in f:
        lines.append(f"Index size: {f['index_bytes'] / 2**20:.1f} MB, "
                     f"**{f['index_bytes_per_article'] / 1024:.1f} KB per article**.")
        method = f[f"build_{f['cores']}"]["memory_method"]
        lines.append(f"Peak memory: whole process tree ({method}); target < 1 GB.")
    if "skipped" in f:
        lines.append(f"Not measured — our indexer: {f['skipped']}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--jobs", type=int, help="processes for the parallel build (default: all cores)")
    ap.add_argument("--data", type=Path, nargs="+", help="JSONL files (default: the devset)")
    ap.add_argument("--seg-articles", type=int,
                    help="time bare segmentation on the first N articles only (it is a rate)")
    ap.add_argument("--keep", type=Path, help="leave the all-cores index here (bench/query.py --index reuses it)")
    ap.add_argument("--steps", type=int, metavar="N", help="instead: where one worker's time goes on N articles")
    args = ap.parse_args(argv)
    if args.steps:
        seconds = steps(args.steps, args.data)
        print(steps_table(seconds, args.steps))
        return seconds
    figures = run(args.articles, args.jobs, args.data, args.seg_articles, args.keep)
    print()
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
