"""HTTP throughput and latency of `vnsearch serve`, by number of workers (issues 12, 27).

Starts `vnsearch serve --workers N` on a free loopback port over an existing index
(only read; its source ``<index>.jsonl`` gives the queries), for each N of
``--workers``; then for 1, 4, 16 and 64 concurrent clients sends
``GET /api/search`` requests for ``--seconds`` each, over keep-alive connections,
cycling through bench/query.py's mix of queries (accented, unaccented, quoted
phrases, filtered). The clients run in a process of their own, one thread each,
and behave as a client should: one refused with 503 waits the ``Retry-After``
seconds before it asks again. Prints per level the answers (200) per second,
p50/p95 latency of the answers, the share of replies that were not 200 (503 =
refused as busy; 0 = no reply: a connection error or a 30 s timeout) and the
slowest 503. Loopback only; the clients share the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, cores, latency_ms, machine, read_jsonl
from bench.query import make_queries

LEVELS = (1, 4, 16, 64)
TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir),
                                "--port", str(port), "--workers", str(workers)], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"bench/serve.py: vnsearch serve did not start on {index_dir}")


def run_level(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    """``clients`` threads, each on its own connection, sending requests until the time is up."""
    stop = time.monotonic() + seconds
    replies: list[list[tuple[int, float]]] = [[] for _ in range(clients)]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        n = i * 7919  # each client starts elsewhere in the mix
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            retry_after = 0.0
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
                if status == 503:
                    retry_after = float(response.getheader("Retry-After") or 1)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                status = 0
            replies[i].append((status, time.perf_counter() - started))
            if retry_after:
                time.sleep(min(retry_after, max(0.0, stop - time.monotonic())))
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    every = [reply for per in replies for reply in per]
    answered = [seconds for status, seconds in every if status == 200]
    refused = [seconds for status, seconds in every if status == 503]
    statuses: dict[int, int] = {}
    for status, _ in every:
        statuses[status] = statuses.get(status, 0) + 1
    return {"clients": clients, "requests": len(every), "answered_per_s": len(answered) / elapsed,
            **latency_ms(answered), "not_200": 1 - len(answered) / max(1, len(every)),
            "slowest_503_ms": max(refused) * 1000 if refused else None, "statuses": statuses}


def measure(index_dir: Path, paths: list[str], workers: int, seconds: float) -> list[dict]:
    """Every level against a server of ``workers`` processes, the clients in a process of their own."""
    port = free_port()
    server = start_server(index_dir, port, workers)
    try:
        with ProcessPoolExecutor(max_workers=1) as clients:
            # warm-up: a first searcher per thread in every worker, the OS cache
            clients.submit(run_level, port, paths[:40], 2 * workers, 3.0).result()
            return [clients.submit(run_level, port, paths, n, seconds).result() for n in LEVELS]
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="index folder (only read)")
    parser.add_argument("--queries", type=Path, help="JSONL the index was built from (default: <index>.jsonl)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, comma-separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="per concurrency level")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sweep = [int(n) for n in args.workers.split(",")]
    source = args.queries or args.index.parent / f"{args.index.name}.jsonl"
    records = [{"title": "", **r} for r in read_jsonl(source)]
    queries = make_queries(records, per_family=100)
    paths = ["/api/search?" + urlencode({"q": text, **filters}) for _, text, filters in queries]
    results = {workers: measure(args.index, paths, workers, args.seconds) for workers in sweep}
    if args.json:
        print(json.dumps({"machine": machine(), "index": str(args.index), "articles": len(records),
                          "workers": results}, ensure_ascii=False, indent=1))
        return
    print(f"vnsearch serve, {len(records):,} articles ({args.index}), {len(paths)} queries, "
          f"{args.seconds:.0f} s per level, loopback, {cores()} cores")
    print("| workers | clients | answers/s | p50 ms | p95 ms | not 200 | slowest 503 ms |")
    print("|---|---|---|---|---|---|---|")
    for workers, levels in results.items():
        for r in levels:
            slowest = f"{r['slowest_503_ms']:.1f}" if r["slowest_503_ms"] is not None else "–"
            others = {s: n for s, n in r["statuses"].items() if s not in (200, 503)}
            print(f"| {workers} | {r['clients']} | {r['answered_per_s']:.1f} | {r['p50_ms']:.1f} | "
                  f"{r['p95_ms']:.1f} | {r['not_200']:.1%}{f' {others}' if others else ''} | {slowest} |")


if __name__ == "__main__":
    main()
