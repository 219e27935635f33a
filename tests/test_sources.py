"""Reading a build's inputs (indexer.sources): a source that cannot be read is one line naming it, and the rest goes in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import unprivileged_commands
from search import Searcher

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED = "000_13d84c9b41a19287.txt"
OTHER = "004_3071c7396e23f874.txt"


def test_a_file_inside_a_folder_that_may_not_be_entered_is_a_bad_input(tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    hidden = locked / SEED
    shutil.copy(CORPUS / SEED, hidden)
    locked.chmod(0)
    try:
        parsed, indexed = unprivileged_commands([
            ["parse", str(hidden), str(CORPUS / OTHER), "--json"],
            ["index", str(hidden), str(CORPUS / OTHER), "--index", str(tmp_path / "ix"), "-q", "-j", "1"]])
    finally:
        locked.chmod(0o755)
    for code, out, err in (parsed, indexed):
        assert code == 1
        assert err.splitlines() == [f"vnsearch: {hidden}: cannot read: Permission denied"]
    # the other file still goes through: read, and indexed under its own name
    assert "Bình Liêu" in json.loads(parsed[1])["title"]
    with Searcher(tmp_path / "ix") as s:
        assert [h.id for h in s.search("Bình Liêu").hits] == [OTHER]
