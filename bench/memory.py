"""A search process's memory and a one-shot search's wall time (issue 10), on a kept index.

    python bench/memory.py --articles 20000
    python bench/memory.py --articles 100000 --root ~/bench

Memory: a fresh process opens a Searcher, answers one query, and reads its own
/proc/self/status and smaps_rollup. Two figures, because they mean different
things: RSS counts every resident page, the index's mmapped file pages
included, and those are shared with every other process reading the same index
and dropped by the kernel under pressure; anonymous memory (RssAnon) is what
the process alone holds and cannot give back. The target (< 400 MB at 100,000
articles) is about the second, and the first is printed beside it.

One-shot: wall time of ``python -m search.cli search QUERY --index DIR``,
start-up and imports included, after one untimed run (page cache warm, as for
a user searching twice). Imports: ``python -X importtime -c 'import search.cli'``
and what a search pulls in that it does not need.
Linux only (/proc); prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, markdown_table
from bench.kept import default_root

#: One query of each costly shape: a full headline without diacritics, a passage, filters.
QUERIES = ("ong nguyen van a bi bat vi lua dao chiem doat tai san", "đảng viên", "dang vien thu dau mot")

_PROBE = r"""
import json, sys, time
t = time.perf_counter()
from search import Searcher
imported = time.perf_counter() - t
s = Searcher(sys.argv[1])
opened = time.perf_counter() - t
for q in sys.argv[2:]:
    s.search(q, limit=10)
searched = time.perf_counter() - t

def kb(path, keys):
    out = {}
    for line in open(path):
        k, _, v = line.partition(":")
        if k in keys:
            out[k] = int(v.split()[0]) * 1024
    return out

status = kb("/proc/self/status", {"VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"})
rollup = kb("/proc/self/smaps_rollup", {"Private_Clean", "Private_Dirty", "Shared_Clean", "Anonymous"})
print(json.dumps({**status, **rollup, "import_s": imported, "open_s": opened, "search_s": searched}))
"""


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def searcher_memory(index: Path, queries=QUERIES) -> dict:
    """Memory of a fresh process after it answered ``queries`` (the first alone, then all)."""
    out = {}
    for label, qs in (("first query", queries[:1]), (f"{len(queries)} queries", queries)):
        done = subprocess.run([sys.executable, "-c", _PROBE, str(index), *qs], capture_output=True, text=True,
                              env=_env(), cwd=REPO)
        if done.returncode:
            raise SystemExit(f"memory probe failed: {done.stderr.strip().splitlines()[-1]}")
        out[label] = json.loads(done.stdout)
    return out


def one_shot(index: Path, query: str = QUERIES[0], repeats: int = 5) -> dict:
    """Wall seconds of the CLI answering one search, start-up included."""
    cmd = [sys.executable, "-m", "search.cli", "search", query, "--index", str(index)]
    subprocess.run(cmd, capture_output=True, env=_env(), cwd=REPO)  # page cache warm
    walls = []
    for _ in range(repeats):
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, env=_env(), cwd=REPO)
        walls.append(time.perf_counter() - t)
        if done.returncode:
            raise SystemExit(f"one-shot search failed: {done.stderr.decode().strip()}")
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls), "runs": repeats}


def import_profile(module: str = "search.cli", top: int = 8) -> dict:
    """Cumulative import time of ``module`` and its costliest top-level imports, by ``-X importtime``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True,
                          text=True, env=_env(), cwd=REPO)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        try:
            cumulative = int(parts[1])
        except ValueError:
            continue
        name = parts[2]
        rows.append((name.strip(), len(name) - len(name.lstrip()), cumulative))
    total = next((us for name, _depth, us in rows if name == module), None)
    packages: dict[str, int] = {}
    for name, _depth, us in rows:  # the outermost import of each top-level package
        root = name.split(".")[0]
        packages[root] = max(packages.get(root, 0), us)
    heavy = sorted(((us, name) for name, us in packages.items() if name != module.split(".")[0]), reverse=True)
    return {"total_ms": (total or 0) / 1000, "heaviest": [(name, us / 1000) for us, name in heavy[:top]],
            "loaded": sorted(packages)}


def run(articles: int, root: Path | None = None, index: Path | None = None) -> dict:
    if index is None:
        root = root or default_root()
        index = root / str(articles)
        if not (root / f"{articles}.READY").exists():
            raise SystemExit(f"{index} is not a complete kept index (bench/kept.py --articles {articles})")
    size = sum(f.stat().st_size for f in index.iterdir() if f.is_file())
    return {"articles": articles, "index": str(index), "index_mb": size / 2**20, "memory": searcher_memory(index),
            "one_shot": one_shot(index), "imports": import_profile()}


def table(f: dict) -> str:
    mb = lambda b: f"{b / 2**20:.0f}"  # noqa: E731
    rows = []
    for label, m in f["memory"].items():
        rows.append([label, mb(m["VmRSS"]), mb(m["RssAnon"]), mb(m["RssFile"]), mb(m["VmHWM"]),
                     f"{m['import_s']:.2f} / {m['open_s'] - m['import_s']:.2f} / {m['search_s'] - m['open_s']:.2f}"])
    out = markdown_table(
        ["after", "RSS MB", "anonymous MB", "file-backed MB", "peak RSS MB", "import / open / search s"], rows)
    o = f["one_shot"]
    out += (f"\n\n{f['articles']:,} articles ({f['index_mb']:.0f} MB on disk). One-shot `vnsearch search`: "
            f"median {o['median_s']:.2f} s wall (min {o['min_s']:.2f}, max {o['max_s']:.2f}, {o['runs']} runs, "
            f"page cache warm). Importing search.cli: {f['imports']['total_ms']:.0f} ms; heaviest packages "
            + ", ".join(f"{n} {ms:.0f} ms" for n, ms in f["imports"]["heaviest"]) + ".")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--root", type=Path, help="folder of kept indexes (default $VNSEARCH_BENCH_ROOT or the temp dir)")
    ap.add_argument("--index", type=Path, help="any index instead of a kept one")
    args = ap.parse_args(argv)
    figures = run(args.articles, args.root, args.index)
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
