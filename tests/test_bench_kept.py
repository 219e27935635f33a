"""Kept benchmark indexes (bench/kept.py) and the memory figures the curve reports.

A tiny collection in a temporary folder; nothing here times anything.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from test_bench import ARTICLES  # noqa: E402

from bench import common, kept  # noqa: E402


def _write_gz(records, path: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def test_records_are_the_first_usable_ones_with_unique_ids(tmp_path):
    plain, packed = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    common.write_jsonl([ARTICLES[0], {"id": "rong", "title": "", "body": "  "}, ARTICLES[0], ARTICLES[1]], plain)
    url = "https://baomoi.com/xa-phu-thuan-don-chuan-nong-thon-moi/c/22668765.epi"
    _write_gz([{**ARTICLES[2], "id": "", "url": ""}, {**ARTICLES[2], "id": "", "url": url}, ARTICLES[3]], packed)
    got = kept.records([plain, packed], 3)
    # no id and no url: dropped; no id: the url stands in
    assert [r["id"] for r in got] == [ARTICLES[0]["id"], ARTICLES[1]["id"], url]
    assert got[0]["url"] == ARTICLES[0]["url"]  # kept for the slug queries; only the indexed source withholds it
    assert len(kept.records([plain, packed], 100)) == 4


def test_a_kept_index_is_built_once_then_reused(tmp_path):
    data = tmp_path / "a.jsonl"
    common.write_jsonl(ARTICLES, data)
    first = kept.kept_index(3, tmp_path / "kept", [data], jobs=1, verbose=False)
    assert not first["reused"] and first["indexed"] == 3
    assert (tmp_path / "kept" / "3.READY").exists()
    source = [json.loads(line) for line in (tmp_path / "kept" / "3.jsonl").read_text().splitlines()]
    assert [r["url"] for r in source] == ["", "", ""]  # urls withheld from the engine, as in bench/quality.py
    again = kept.kept_index(3, tmp_path / "kept", [data], jobs=1, verbose=False)
    assert again["reused"] and again["build_s"] == first["build_s"]
    marker = tmp_path / "kept" / "3" / common.MARKER
    marker.write_text(json.dumps({**json.loads(marker.read_text()), "pipeline": "older code"}))
    assert not kept.kept_index(3, tmp_path / "kept", [data], jobs=1, verbose=False)["reused"]  # made by other code
    grown = kept.kept_index(len(ARTICLES), tmp_path / "kept", [data], jobs=1, grow_from=3, verbose=False)
    assert grown["grown_from"] == 3 and grown["analysed"] == len(ARTICLES) - 3


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc smaps_rollup")
def test_pss_of_the_process_tree_is_at_most_its_summed_rss():
    pss, rss = common.proc_tree_pss(), common._proc_tree_rss()
    assert 0 < pss <= rss


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_peak_memory_of_a_child_leaves_out_what_the_benchmark_holds():
    import subprocess

    held = bytearray(256 * 2**20)  # the benchmark's own records, say: resident (zero-filled pages are written)
    held[::4096] = b"x" * len(held[::4096])
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"])
    with common.PeakMemory(interval=0.05, pss=True, root=child.pid) as peak:
        child.wait()
    assert 0 < peak.peak_bytes < 128 * 2**20
    assert 0 < peak.peak_pss_bytes < 128 * 2**20
    with common.PeakMemory(interval=0.05) as everything:
        pass
    assert everything.peak_bytes > len(held)
