"""Indexes written by earlier code keep opening, or are refused in one line saying to rebuild.

whoosh pickles the classes of the project's tokenizers, fields and codec into
every index's table of contents by module path (``indexer.analysis``,
``indexer.schema``, ``indexer.codec``). ``data/index-v1`` is a one-article index
built by the code of December 2026 and kept as it was written, before those two
moved to ``indexer.engine``: moving or renaming a class without reading its old
name as the new one (``whoosh_internals.MOVED_GLOBALS``) breaks the first test,
and the second shows what a user then gets. Its fields are those of before
``province_2025``: it is grown by a rebuild (``indexer.build._migrate``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import BuildError, build_index
from indexer.engine.store import IndexDamaged, open_index
from search import Searcher
from search.cli import main

KEPT = Path(__file__).parent / "data" / "index-v1"


@pytest.fixture
def kept(tmp_path) -> Path:
    ix = tmp_path / "ix"
    shutil.copytree(KEPT, ix)
    return ix


def test_an_index_built_by_earlier_code_opens_searches_and_grows(kept, tmp_path) -> None:
    with Searcher(kept) as s:
        result = s.search("phu thuan")
        assert [h.id for h in result.hits] == ["tiny-1"]
        assert s.get("tiny-1").title == "Đảng bộ xã Phú Thuận"
        assert s.search("đại hội", since="2020-06-01", until="2020-06-30").hits[0].id == "tiny-1"
    more = tmp_path / "more.jsonl"
    more.write_text('{"id": "r2", "title": "Huyện Châu Thành", "body": "Huyện ủy Châu Thành họp bàn kế hoạch."}\n',
                    encoding="utf-8")
    # It has no province_2025 field: it grows by a rebuild, from sources that must hold its own article too.
    with pytest.raises(BuildError, match="1 of its 1 articles are not in the sources given"):
        build_index([more], kept, jobs=1)
    own = tmp_path / "own.jsonl"
    own.write_text(json.dumps({"id": "tiny-1", "title": "Đảng bộ xã Phú Thuận", "published": "2020-06-22",
                               "body": "Đảng bộ xã Phú Thuận, huyện Châu Thành tổ chức đại hội nhiệm kỳ 2020-2025."},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    summary = build_index([own, more], kept, jobs=1)
    assert summary.indexed == 2 and summary.schema_changes == ["mentions added", "province_2025 added"]
    with Searcher(kept) as s:
        assert {h.id for h in s.search("chau thanh").hits} == {"tiny-1", "r2"}
    assert b"indexer.engine.codec" in next(kept.glob("*.toc")).read_bytes()  # rewritten with the classes' new home


def test_an_index_whose_classes_moved_is_refused_in_one_line(kept) -> None:
    """The TOC names our codec's module; an index written when it lived elsewhere says to rebuild."""
    ix = kept
    toc = next(ix.glob("*.toc"))
    data = toc.read_bytes()
    assert b"indexer.codec" in data
    toc.write_bytes(data.replace(b"indexer.codec", b"indexer.codex"))  # same length: the pickle stays well-formed
    with pytest.raises(IndexDamaged, match="classes have moved.*--rebuild"):
        open_index(ix)
    result = CliRunner().invoke(main, ["stats", "--index", str(ix)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
