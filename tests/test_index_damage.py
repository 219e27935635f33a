"""A damaged index: every read ends in one line saying so and how to rebuild; --rebuild does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import build_index
from indexer.engine.store import IndexDamaged
from search import Searcher
from search.cli import main
from search.stats import index_stats

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _cut(ix: Path) -> None:
    seg = next(ix.glob("*.seg"))
    seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 2])


def _empty_segment(ix: Path) -> None:
    next(ix.glob("*.seg")).write_bytes(b"")


def _missing_segment(ix: Path) -> None:
    next(ix.glob("*.seg")).unlink()


def _empty_toc(ix: Path) -> None:
    next(ix.glob("*.toc")).write_bytes(b"")


def _garbage_toc(ix: Path) -> None:
    toc = next(ix.glob("*.toc"))
    toc.write_bytes(bytes((i * 37 + 11) % 256 for i in range(toc.stat().st_size)))


DAMAGE = {"segment cut short": _cut, "segment emptied": _empty_segment, "segment missing": _missing_segment,
          "TOC emptied": _empty_toc, "garbage TOC": _garbage_toc}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    ix = tmp_path_factory.mktemp("built") / "ix"
    build_index([CORPUS], ix, jobs=1)
    return ix


@pytest.fixture(params=list(DAMAGE), ids=list(DAMAGE))
def damaged(request, built, tmp_path) -> Path:
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    DAMAGE[request.param](ix)
    return ix


def _one_damage_line(output: str, ix: Path) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "damaged" in lines[0] and str(ix) in lines[0] and "--rebuild" in lines[0]
    assert "Traceback" not in output


@pytest.mark.parametrize("read", [lambda s: s.search("thu dau mot"), lambda s: s.get("000_13d84c9b41a19287.txt")],
                         ids=["search", "get"])
def test_library_raises_index_damaged(damaged, read) -> None:
    with pytest.raises(IndexDamaged, match="damaged"):
        with Searcher(damaged) as s:  # a damaged TOC fails here, a damaged segment at the first read
            read(s)
    with pytest.raises(IndexDamaged, match="damaged"):
        index_stats(damaged)
    with pytest.raises(IndexDamaged, match="damaged"):
        build_index([CORPUS], damaged, jobs=1)


@pytest.mark.parametrize("args", [["search", "thu dau mot"], ["show", "000_13d84c9b41a19287.txt"], ["stats"],
                                  ["index", str(CORPUS), "-j", "1", "-q"]], ids=lambda a: a[0])
def test_every_command_says_damaged_in_one_line(damaged, args) -> None:
    result = CliRunner().invoke(main, [*args, "--index", str(damaged)])
    assert result.exit_code == 1
    _one_damage_line(result.output, damaged)


def test_real_process_reports_damage_and_rebuild_restores(damaged) -> None:
    cli = [sys.executable, "-m", "search.cli"]
    search = subprocess.run([*cli, "search", "thu dau mot", "--index", str(damaged)],
                            capture_output=True, text=True, timeout=120)
    assert search.returncode == 1 and search.stdout == ""
    _one_damage_line(search.stderr, damaged)
    # The rebuild runs in-process (the same command, one interpreter start less per kind of damage).
    rebuild = CliRunner().invoke(main, ["index", str(CORPUS), "--index", str(damaged), "--rebuild", "-j", "1",
                                        "--json"])
    assert rebuild.exit_code == 0, rebuild.output
    with Searcher(damaged) as s:
        assert s.search("thu dau mot").hits[0].id == "000_13d84c9b41a19287.txt"
    assert sorted(p.name for p in damaged.parent.iterdir()) == ["ix"]  # nothing left beside it


def test_rebuild_keeps_the_old_index_until_the_new_one_is_complete(built, tmp_path) -> None:
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    with Searcher(ix) as s:
        before = s.search("Bình Liêu").hits[0].id
        missing = tmp_path / "missing"
        result = CliRunner().invoke(main, ["index", str(missing), "--index", str(ix), "--rebuild", "-q"])
        assert result.exit_code == 1 and "left as it was" in result.output
        assert s.search("Bình Liêu").hits[0].id == before  # a rebuild from nothing replaced nothing
    record = tmp_path / "one.jsonl"
    record.write_text('{"id": "r1", "title": "Tin xã Phú Thuận", "body": "Xã Phú Thuận tổ chức đại hội."}\n',
                      encoding="utf-8")
    assert build_index([record], ix, jobs=1, rebuild=True).indexed == 1
    with Searcher(ix) as s:
        assert s.search("Bình Liêu").hits == []  # a rebuild holds the sources only
        assert s.get("r1").title == "Tin xã Phú Thuận"
