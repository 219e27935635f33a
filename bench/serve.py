"""HTTP throughput and latency of `vnsearch serve` (issue 12).

Starts `vnsearch serve` on a free loopback port over an existing index (only read;
default ``/work/ix/20000``, the 20,000-article index, whose source ``<index>.jsonl``
gives the queries), then for 1, 4 and 16 concurrent clients sends
``GET /api/search`` requests for ``--seconds`` each, over keep-alive connections,
cycling through bench/query.py's mix of queries (accented, unaccented, quoted
phrases, filtered). Prints requests per second and p50/p95 latency per level,
and the share of answers that were not 200 (503 = refused as busy). Loopback only;
the clients share the machine's cores with the server.
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
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, cores, latency_ms, machine, read_jsonl
from bench.query import make_queries

LEVELS = (1, 4, 16)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir),
                                "--port", str(port)], cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
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
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = i * 7919  # each client starts elsewhere in the mix
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            latencies[i].append(time.perf_counter() - started)
            statuses[i][status] = statuses[i].get(status, 0) + 1
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    every = [x for per in latencies for x in per]
    counts: dict[int, int] = {}
    for per in statuses:
        for status, n in per.items():
            counts[status] = counts.get(status, 0) + n
    return {"clients": clients, "requests": len(every), "rps": len(every) / elapsed, **latency_ms(every),
            "not_200": sum(n for s, n in counts.items() if s != 200) / max(1, len(every)), "statuses": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/work/ix/20000"))
    parser.add_argument("--queries", type=Path, help="JSONL the index was built from (default: <index>.jsonl)")
    parser.add_argument("--seconds", type=float, default=15.0, help="per concurrency level")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    source = args.queries or args.index.parent / f"{args.index.name}.jsonl"
    records = [{"title": "", **r} for r in read_jsonl(source)]
    queries = make_queries(records, per_family=100)
    paths = ["/api/search?" + urlencode({"q": text, **filters}) for _, text, filters in queries]
    port = free_port()
    server = start_server(args.index, port)
    try:
        run_level(port, paths[:20], 1, 2.0)  # warm-up: the first searcher per thread, the OS cache
        results = [run_level(port, paths, clients, args.seconds) for clients in LEVELS]
    finally:
        server.terminate()
        server.wait(timeout=10)
    if args.json:
        print(json.dumps({"machine": machine(), "index": str(args.index), "articles": len(records),
                          "levels": results}, ensure_ascii=False, indent=1))
        return
    print(f"vnsearch serve, {len(records):,} articles ({args.index}), {len(paths)} queries, "
          f"{args.seconds:.0f} s per level, loopback, {cores()} cores")
    print("| clients | requests/s | p50 ms | p95 ms | not 200 |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r['clients']} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['not_200']:.1%} |")


if __name__ == "__main__":
    main()
