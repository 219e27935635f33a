"""An index the user may not read or write: every command ends in one line naming the folder, never a traceback.

File permissions do not bind root, and CI runs as root: each case runs in a
process that cannot override them (``helpers.unprivileged_commands``) and is
skipped where no such process can be made.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import unprivileged_commands

from indexer import build_index
from search import Searcher

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED = "000_13d84c9b41a19287.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    ix = tmp_path_factory.mktemp("built") / "ix"
    build_index([CORPUS], ix, jobs=1)
    return ix


def _one_line(output: str, names: Path) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in output, output
    assert f"{names}: Permission denied" in lines[0] and "--index" in lines[0], lines[0]
    return lines[0]


def _chmod_back(*paths: Path, mode: int = 0o755) -> None:
    for path in paths:
        for folder, _, files in os.walk(path):
            os.chmod(folder, mode)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)


def test_a_read_only_index_is_searched_but_not_written(built, tmp_path) -> None:
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    more = tmp_path / "more.jsonl"
    more.write_text('{"id": "r1", "title": "Tin xã Phú Thuận", "body": "Xã Phú Thuận tổ chức đại hội."}\n',
                    encoding="utf-8")
    for path in [*ix.iterdir(), ix]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        search, show, stats, index = unprivileged_commands([
            ["search", "thu dau mot", "--index", str(ix)], ["show", SEED, "--index", str(ix)],
            ["stats", "--index", str(ix)], ["index", str(more), "--index", str(ix), "-q", "-j", "1"]])
    finally:
        _chmod_back(ix)
    assert search[0] == 0 and SEED in search[1]
    assert show[0] == 0 and "Thủ Dầu Một" in show[1]
    assert stats[0] == 0 and "articles   5" in stats[1]
    assert index[0] == 1
    _one_line(index[2], ix)
    with Searcher(ix) as s:
        assert s.get("r1") is None and s.search("thu dau mot").hits[0].id == SEED


def test_an_index_under_an_unreadable_folder_is_named_by_that_folder(built, tmp_path) -> None:
    parent = tmp_path / "locked"
    shutil.copytree(built, parent / "ix")
    ix = parent / "ix"
    parent.chmod(0)
    try:
        results = unprivileged_commands([
            ["search", "thu dau mot", "--index", str(ix)], ["show", SEED, "--index", str(ix)],
            ["stats", "--index", str(ix)], ["index", str(CORPUS), "--index", str(ix), "-q", "-j", "1"],
            ["index", str(CORPUS), "--index", str(ix), "--rebuild", "-q", "-j", "1"],
            ["index", str(CORPUS), "--index", str(parent / "new"), "-q", "-j", "1"]])
    finally:
        _chmod_back(parent)
    for code, out, err in results:
        assert code == 1 and out == ""
        _one_line(err, parent)
    assert sorted(p.name for p in parent.iterdir()) == ["ix"]  # nothing made, nothing moved
    with Searcher(ix) as s:
        assert s.search("thu dau mot").hits[0].id == SEED


def test_an_unreadable_index_folder_is_named_in_one_line(built, tmp_path) -> None:
    ix = tmp_path / "ix"
    shutil.copytree(built, ix)
    ix.chmod(0)
    try:
        results = unprivileged_commands([["search", "thu dau mot", "--index", str(ix)], ["stats", "--index", str(ix)],
                                         ["index", str(CORPUS), "--index", str(ix), "-q", "-j", "1"]])
    finally:
        _chmod_back(ix)
    for code, out, err in results:
        assert code == 1 and out == ""
        _one_line(err, ix)


@pytest.mark.parametrize("variable", ["HOME", "XDG_DATA_HOME"])
def test_first_use_in_an_unwritable_data_folder_says_so_in_one_line(tmp_path, variable) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    env = {k: v for k, v in os.environ.items() if k not in ("VNSEARCH_INDEX", "XDG_DATA_HOME")}
    env[variable] = str(home)
    try:
        [(code, out, err)] = unprivileged_commands([["search", "dang vien"]], env=env)
    finally:
        home.chmod(0o755)
    assert code == 1 and out == ""
    _one_line(err, home)  # the folder that cannot be written, not the path under it
    assert list(home.iterdir()) == []
