"""The batch build on a Dask cluster against the local pool (issue 27).

    python bench/cluster.py --articles 20000 --root /tmp/cluster-bench

Builds the same ``--articles`` records (the kept collection's: bench/kept.py)
four times, each as ``vnsearch index`` run in a process of its own: with the
local pool of 1 and of 2 worker processes (``--jobs``), and on a loopback Dask
cluster of 1 and of 2 worker processes (``--cluster local:N``, a
``LocalCluster``: scheduler and workers on this machine, talking TCP). Prints
articles/s of each, the speed-up of 2 workers over 1, the cluster's figure over
the local pool's with as many processes, the scheduler's overhead per article
(the cluster build's extra wall time over the local build's with as many
processes, per article: starting the cluster included), peak memory of the
largest worker process, and whether every curve query (bench/curve.py's
known-item and phrase/filtered queries) gets the same hits in the same order
from the cluster's index as from the local pool's with as many workers (the
number of workers sets an index's document order, which breaks ties: see
``indexer.build.ROUND``).

A machine's speed drifts (on a shared VM, by 15% within the hour), so one run of
each cannot settle a difference of 10%: ``--rounds R`` runs the builds R times,
in turn (local, cluster, local, cluster, ...), and reports the median of each;
``--processes 2`` keeps only the builds with two processes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import MARKER, clear_bench_dir, machine, markdown_table, write_jsonl
from bench.curve import _Ours, curve_queries
from bench.kept import command_build, curve_paths, records

#: (label, options of `vnsearch index`, processes)
RUNS = (("local pool", ("--jobs", "1"), 1), ("local pool", ("--jobs", "2"), 2),
        ("Dask cluster", ("--cluster", "local:1"), 1), ("Dask cluster", ("--cluster", "local:2"), 2))


def answers(index: Path, known, mix) -> list[list[str]]:
    """The ids of the top 10 hits, in order, of every curve query."""
    system = _Ours(index)
    try:
        return ([system.search(q.text, limit=10) for q in known]
                + [system.search(text, limit=10, **filters) for _, text, filters in mix])
    finally:
        system.close()


def run(articles: int, root: Path, queries: int = 300, rounds: int = 1, processes: tuple[int, ...] = (1, 2)) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    source = root / f"{articles}.jsonl"
    n = write_jsonl((dict(r, url="") for r in records(curve_paths(articles), articles)), source)
    print(f"cluster: {n:,} articles in {source}; sampling the curve queries ...", flush=True)
    known, mix, _ = curve_queries(queries)
    chosen = [build for build in RUNS if build[2] in processes]
    out: dict = {"articles": n, "queries": len(known) + len(mix), "rounds": rounds, "machine": machine(), "runs": []}
    seconds: dict[int, list[float]] = {i: [] for i in range(len(chosen))}
    for turn in range(rounds):
        for i, (label, options, procs) in enumerate(chosen):
            index = root / f"index-{i}"
            clear_bench_dir(index)
            print(f"cluster: round {turn + 1}, {label}, {procs} process{'es' if procs > 1 else ''} ...",
                  end="", flush=True)
            built = command_build(source, index, *options)
            (index / MARKER).write_text(json.dumps({"articles": n}))
            seconds[i].append(built["build_s"])
            print(f" {(built['indexed'] + built['replaced']) / built['build_s']:.1f} articles/s", flush=True)
            if turn == 0:
                out["runs"].append({"label": label, "options": " ".join(options), "processes": procs,
                                    "worker_peak_mb": built["worker_peak_mb"], "peak_mb": built["peak_mb"],
                                    "skipped": built["skipped"], "done": built["indexed"] + built["replaced"],
                                    "answers": answers(index, known, mix)})
    for i, row in enumerate(out["runs"]):
        row["each_s"] = seconds[i]
        row["seconds"] = statistics.median(seconds[i])
        row["articles_per_s"] = row.pop("done") / row["seconds"]
    local = {r["processes"]: r for r in out["runs"] if r["label"] == "local pool"}
    for row in out["runs"]:
        same = local[row["processes"]]
        if row is not same:
            row["identical"] = sum(a == b for a, b in zip(row["answers"], same["answers"], strict=True))
        row["vs_local"] = row["articles_per_s"] / same["articles_per_s"]
        row["overhead_ms"] = (row["seconds"] - same["seconds"]) * 1000 / n
    for label in ("local pool", "Dask cluster"):
        by = {r["processes"]: r for r in out["runs"] if r["label"] == label}
        if 1 in by and 2 in by:
            by[2]["speedup"] = by[2]["articles_per_s"] / by[1]["articles_per_s"]
    for row in out["runs"]:
        del row["answers"]
    return out


def table(f: dict) -> str:
    rows = [[r["label"], f"`{r['options']}`", " / ".join(f"{t:.0f}" for t in r["each_s"]), f"{r['articles_per_s']:.1f}",
             f"{r['speedup']:.2f}" if "speedup" in r else "—", f"{r['vs_local']:.2f}",
             f"{r['overhead_ms']:.1f}" if r["label"] != "local pool" else "—",
             str(r["worker_peak_mb"]), f"{r['identical']} / {f['queries']}" if "identical" in r else "—"]
            for r in f["runs"]]
    return (markdown_table(["build", "options", "s (each round)", "articles/s (median)", "2 over 1", "over local pool",
                            "overhead ms/article", "peak MB per worker", "same answer"], rows)
            + f"\n\n{f['articles']:,} articles, {f['machine']['cores']} cores, {f['machine']['date']}. "
            "Same answer: curve queries whose top 10 (ids and order) equal the local pool's with as many processes.")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--root", type=Path, required=True, help="folder for the source and the four indexes")
    ap.add_argument("--queries", type=int, default=300, help="sampled articles per curve query kind")
    ap.add_argument("--rounds", type=int, default=1, help="run every build this many times, in turn; report medians")
    ap.add_argument("--processes", type=int, choices=(1, 2), action="append",
                    help="only the builds with this many processes (repeatable; default: 1 and 2)")
    args = ap.parse_args(argv)
    figures = run(args.articles, args.root, args.queries, args.rounds, tuple(args.processes or (1, 2)))
    print()
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
