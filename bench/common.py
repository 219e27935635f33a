"""Shared pieces of the benchmark scripts: the devset, collections, timing, machine facts.

Nothing here asserts a time; the scripts print figures.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import random
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEVSET = REPO.parent / "shared" / "devset"
CORPUS = REPO / "corpus"

#: The devset files the scale benchmarks read, in this order (national articles,
#: then the 2017 aggregator crawl to reach larger sizes).
SCALE_FILES = ("articles.jsonl", "baomoi-2017.jsonl")

FIELDS = ("id", "title", "body", "published", "url", "source")


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """The JSON objects of a JSONL file (gzipped when it ends in .gz, as vnds-80k is);
    blank and malformed lines are skipped."""
    with (gzip.open if str(path).endswith(".gz") else open)(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                yield record


def write_jsonl(records: Iterable[dict], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def article(record: dict) -> dict:
    """A record in the shape the indexer reads: id, title, body, published, url, source
    (plus ``province_of_source`` when the record has it)."""
    out = {k: record.get(k) or "" for k in FIELDS}
    if not out["body"] and record.get("text"):
        out["body"] = record["text"]
    if record.get("province_of_source"):
        out["province_of_source"] = record["province_of_source"]
    return out


def devset_paths(names: Iterable[str] = SCALE_FILES, devset: Path = DEVSET) -> list[Path]:
    return [devset / name for name in names if (devset / name).exists()]


def take(paths: Iterable[str | Path], n: int | None) -> list[dict]:
    """The first ``n`` records (all with ``None``) of the files in order, without repeats."""
    out: list[dict] = []
    for path in paths:
        for record in read_jsonl(path):
            if n is not None and len(out) >= n:
                return out
            out.append(article(record))
    return out


def collection(paths: Iterable[str | Path], n: int) -> Iterator[dict]:
    """``n`` records from the files in order, repeating them with fresh ids (and urls)
    when the files hold fewer: copy ``k`` of record X has id ``X~rk``.

    Streams: never holds the collection in memory.
    """
    paths = list(paths)
    if not paths:
        raise SystemExit("no input files: give --data or put the devset at " + str(DEVSET))
    made = 0
    round_ = 1
    while made < n:
        before = made
        for path in paths:
            for record in read_jsonl(path):
                if made >= n:
                    return
                a = article(record)
                if not a["body"] and not a["title"]:
                    continue
                if round_ > 1:
                    a["id"] = f"{a['id'] or a['url']}~r{round_}"
                    if a["url"]:
                        a["url"] = f"{a['url']}#r{round_}"
                yield a
                made += 1
        if made == before:
            raise SystemExit("the input files hold no articles")
        round_ += 1


def sample(items: list, n: int, seed: int = 0) -> list:
    """A seeded sample of ``n`` items (all of them, shuffled, when there are fewer)."""
    rng = random.Random(seed)
    if n >= len(items):
        items = list(items)
        rng.shuffle(items)
        return items
    return rng.sample(items, n)


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100) with linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def latency_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
        "max_ms": max(ms) if ms else float("nan"),
    }


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@contextmanager
def one_core():
    """Pin this process to one CPU for the duration (where the OS allows it)."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _proc_tree(root: int | None = None) -> set[int]:
    """A process (this one by default) and all its descendants, from /proc (Linux)."""
    proc = Path("/proc")
    parents: dict[int, int] = {}
    for d in proc.iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        parents[int(d.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    tree = {root or os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def _proc_tree_rss(root: int | None = None, each: dict[int, int] | None = None) -> int | None:
    """Resident bytes of a process (this one by default) and all its descendants,
    read from /proc (Linux); None where there is no /proc. ``each`` gets every process's own."""
    if not Path("/proc/self/statm").exists():
        return None
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in _proc_tree(root):
        try:
            rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue
        total += rss
        if each is not None:
            each[pid] = rss
    return total


def proc_tree_pss(root: int | None = None) -> int | None:
    """Proportional set size of a process (this one by default) and its descendants (Linux 4.14+), None elsewhere.

    Summed RSS counts each page a forked worker still shares with its parent
    once per process; PSS splits it among them, so the sum is the memory the
    tree really takes.
    """
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    total = 0
    for pid in _proc_tree(root):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError):
            pass
    return total


class PeakMemory:
    """Peak resident memory of this process (or of process ``root``) and all its children while the block runs.

    A thread samples the whole process tree every ``interval`` seconds (50 ms
    by default) and sums it: with psutil
    when installed, else from /proc (Linux). Elsewhere the fallback is getrusage's
    maxrss of this process plus that of the largest finished child (an
    approximation, and monotonic over the life of the process).
    ``peak_child_bytes`` is the largest peak of any one process below the root
    (a build's worker), where the tree can be sampled.
    """

    def __init__(self, interval: float = 0.05, pss: bool = False, root: int | None = None):
        self.interval = interval
        self.root = root  # a child started to do the work: only its tree is measured, not this process
        self.pss = pss  # also sample PSS (peak_pss_bytes): dearer to read, so asked for
        self.peak_bytes = 0
        self.peak_pss_bytes: int | None = None
        self.peak_child_bytes: int | None = None
        self.method = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self):
        every = f"{self.interval * 1000:g} ms"
        try:
            import psutil

            me = psutil.Process(self.root)

            def tree_rss() -> int:
                total = 0
                try:
                    tree = [me, *me.children(recursive=True)]
                except psutil.Error:  # the process has ended
                    return 0
                for p in tree:
                    try:
                        rss = p.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    if p is not me:
                        self.peak_child_bytes = max(self.peak_child_bytes or 0, rss)
                return total

            self.method = f"process tree RSS sampled every {every} (psutil)"
        except ImportError:
            if _proc_tree_rss() is None:
                self.method = "getrusage maxrss (self + largest child)"
                return self

            def tree_rss() -> int:
                each: dict[int, int] = {}
                total = _proc_tree_rss(self.root, each) or 0
                children = [rss for pid, rss in each.items() if pid != (self.root or os.getpid())]
                if children:
                    self.peak_child_bytes = max(self.peak_child_bytes or 0, *children)
                return total
            self.method = f"process tree RSS sampled every {every} (/proc)"

        def run():
            while not self._stop.is_set():
                self.peak_bytes = max(self.peak_bytes, tree_rss())
                pss = proc_tree_pss(self.root) if self.pss else None
                if pss is not None:
                    self.peak_pss_bytes = max(self.peak_pss_bytes or 0, pss)
                self._stop.wait(self.interval)

        self.peak_bytes = tree_rss()
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        else:
            import resource

            scale = 1 if sys.platform == "darwin" else 1024
            self.peak_bytes = scale * (
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            )
        return False


def built_marker(articles: int, paths: Iterable[str | Path]) -> dict:
    """What an index directory kept by the benchmarks holds, so another script can reuse it."""
    return {"articles": articles, "data": [str(p) for p in paths]}


MARKER = "bench-articles.json"


def clear_bench_dir(path: Path) -> None:
    """Remove a folder a benchmark made before (it holds MARKER), or an empty one.

    Anything else is someone's data, an index of theirs passed by mistake
    included: refused, never deleted.
    """
    if not path.exists():
        return
    if any(path.iterdir()) and not (path / MARKER).exists():
        raise SystemExit(f"{path} holds files that are not a benchmark index: give another folder")
    shutil.rmtree(path)


def ours():
    """``(build_index, Searcher)`` from the project, or ``(None, reason)`` when the
    indexer or the query module is not there yet."""
    try:
        from indexer import build_index
        from search import Searcher
    except Exception as e:  # not written yet, or mid-edit
        return None, f"our engine is not available yet ({type(e).__name__}: {e})"
    return (build_index, Searcher), None


def analysis():
    """The project's analysis chain (``indexer.analysis``). Loaded from its file when
    the ``indexer`` package itself does not import (for instance while it is being
    written), since the chain has no other project dependencies."""
    try:
        from indexer import analysis as module

        return module
    except Exception:
        pass
    name = "_bench_indexer_analysis"
    if name not in sys.modules:
        import importlib.util

        spec = importlib.util.spec_from_file_location(name, REPO / "indexer" / "analysis.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_bytes() -> int | None:
    try:
        import psutil

        return psutil.virtual_memory().total
    except ImportError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def machine() -> dict:
    ram = _ram_bytes()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": cores(),
        "ram_gb": round(ram / 2**30, 1) if ram else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {
            name: _version(name)
            for name in (
                "vnsearch", "whoosh-reloaded", "underthesea", "underthesea_core", "unidecode", "tantivy", "psutil"
            )
        },
    }


def fmt(x, digits: int = 3) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        if x != x:
            return "—"
        return f"{x:.{digits}f}"
    return str(x)


def markdown_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]
    return "\n".join(lines)


class Stopwatch:
    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._t
        return False
