"""`vnsearch serve --workers 2`: two processes on one port, run as a user runs them, over loopback.

Which worker answered is read from the processes themselves: a worker that has
searched a segment of the index keeps it mapped, so ``/proc/<pid>/maps`` names
the segments it serves from.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from helpers import serving

from indexer import build_index

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the workers' /proc")

QUERY = '"lũ quét"'


def descendants(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def mapped_segments(pid: int, index_dir: Path) -> set[str]:
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return set()
    files = (line.split(maxsplit=5)[5:] for line in maps.splitlines())  # address, mode, offset, device, inode, file
    return {Path(file[0]).name for file in files if file and Path(file[0]).parent == index_dir}


def totals(base: str, requests: int) -> list[int]:
    """The query's total in each of ``requests`` answers, two at a time (a worker admits at least two), each
    on a connection of its own (so that the workers share them out)."""
    def ask(_) -> int:
        with urllib.request.urlopen(f"{base}/api/search?{urlencode({'q': QUERY})}", timeout=30) as response:
            return json.load(response)["total"]

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(ask, range(requests)))


def workers_serving(pid: int, index_dir: Path, segments: set[str]) -> list[int]:
    """The server's processes that serve from one of ``segments`` (of those that serve from any)."""
    return [p for p in descendants(pid) if mapped_segments(p, index_dir) & segments]


def test_every_worker_answers_and_serves_a_build_committed_meanwhile(web_index, tmp_path) -> None:
    live = tmp_path / "index"
    shutil.copytree(web_index, live)
    with serving(live, "--workers", "2") as (base, process):
        old = {p.name for p in live.glob("*.seg")}
        for _ in range(10):  # until both workers have searched: connections go to whichever accepts first
            assert set(totals(base, 8)) == {0}
            if len(workers_serving(process.pid, live, old)) == 2:
                break
        assert len(workers_serving(process.pid, live, old)) == 2

        feed = tmp_path / "new.jsonl"
        feed.write_text(json.dumps({"id": "moi-1", "title": "Hòa Bình: lũ quét cuốn trôi cầu tràn",
                                    "body": "Mưa lớn gây lũ quét tại huyện Mai Châu, tỉnh Hòa Bình."},
                                   ensure_ascii=False) + "\n", encoding="utf-8")
        assert build_index([feed], live, jobs=1).indexed == 1
        new = {p.name for p in live.glob("*.seg")} - old
        assert new
        for _ in range(10):
            assert set(totals(base, 8)) == {1}  # whichever worker answers, it serves the new commit
            if len(workers_serving(process.pid, live, new)) == 2:
                break
        assert len(workers_serving(process.pid, live, new)) == 2


def test_ctrl_c_stops_every_worker_quietly(web_index) -> None:
    with serving(web_index, "--workers", "2") as (base, process):
        workers = descendants(process.pid)
        assert len(workers) >= 2
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends: to the whole group
        assert process.wait(timeout=30) == 0
        errors = process.stderr.read().decode()
    assert "Traceback" not in errors and "ERROR" not in errors, errors
    deadline = time.monotonic() + 10  # the group's last helper exits once it sees its parent gone
    while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
