"""An index made by earlier code with other fields: searched as it is, rebuilt by the next build.

The old index here is real: built in the test by the code of before the
``province_2025`` field (``make_schema`` without it, and a document that files
pre-2025 and 2025 provinces together under ``province``, as that code did).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.index import LockError

import indexer.build
import indexer.engine.store
from indexer import BuildError, build_index
from indexer.engine.schema import document, make_schema
from indexer.engine.store import open_index
from indexer.keys import field_value
from search import Searcher
from search.cli import main
from search.stats import index_stats

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
#: TP.Thủ Dầu Một's article: in Bình Dương, which the 2025 reform made part of Hồ Chí Minh.
TDM = "000_13d84c9b41a19287.txt"


def _schema_before_2025_field():
    schema = make_schema()
    schema.remove("province_2025")
    return schema


def _document_before_2025_field(article, digest: str, doc_id: str) -> dict:
    doc = document(article, digest, doc_id)
    doc["province"] = field_value(doc["province"].split(",") + doc.pop("province_2025").split(","))
    return doc


@pytest.fixture(scope="module")
def built_old(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("old") / "index"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexer.engine.store, "make_schema", _schema_before_2025_field)
        patch.setattr(indexer.build, "document", _document_before_2025_field)
        assert build_index([CORPUS], target, jobs=1).indexed == 5
    assert "province_2025" not in open_index(target).schema
    return target


@pytest.fixture
def old(built_old, tmp_path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(built_old, copy)
    return copy


def test_an_old_index_is_searched_as_it_is(old) -> None:
    with Searcher(old) as s:
        # Its province field holds both namings, so the filter finds the article by either.
        assert {h.id for h in s.search("đảng viên", province="Bình Dương").hits} == {TDM}
        assert TDM in {h.id for h in s.search("đảng viên", province="TP.HCM").hits}
        facets = s.search("đảng viên", facets=True).facets
        assert facets["province_2025"] == {} and facets["province"]["Bình Dương"] == 1
    assert index_stats(old)["provinces_2025"] == {}
    out = CliRunner().invoke(main, ["search", "dang vien", "--facets", "--index", str(old)])
    assert out.exit_code == 0 and "province_2025: -\n" in out.output + "\n"


def test_the_next_build_rebuilds_it_and_swaps_it_in(old) -> None:
    seen_during: list[int] = []

    def during(_n: int) -> None:  # the old index answers while the new one is built beside it
        with Searcher(old) as s:
            seen_during.append(s.search("đảng viên", province="Bình Dương").total)
            assert "province_2025" not in open_index(old).schema

    with Searcher(old) as held:  # open before, and across, the swap
        lines: list[str] = []
        summary = build_index([CORPUS], old, jobs=1, progress=during, report=lines.append)
        assert summary.schema_changes == ["province_2025 added"] and summary.indexed == 5 and not summary.errors
        assert len(lines) == 1 and "earlier version" in lines[0] and "province_2025 added" in lines[0]
        assert seen_during and set(seen_during) == {1}
        facets = held.search("đảng viên", facets=True).facets
        assert facets["province_2025"]["Hồ Chí Minh"] == 1 and "Hồ Chí Minh" not in facets["province"]
    assert "province_2025" in open_index(old).schema
    assert sorted(p.name for p in old.parent.iterdir()) == ["index"]  # nothing left beside it
    again = build_index([CORPUS], old, jobs=1)
    assert again.unchanged == 5 and again.schema_changes == []


def test_the_command_says_so_in_one_line(old) -> None:
    out = CliRunner().invoke(main, ["index", str(CORPUS), "--index", str(old), "-j", "1"])
    assert out.exit_code == 0, out.output
    notice = [line for line in out.stderr.splitlines() if line]
    assert len(notice) == 1 and notice[0].startswith("vnsearch: ") and "rebuilding" in notice[0]
    assert "5 indexed" in out.stdout


def test_a_rebuild_that_would_lose_articles_is_refused(old, tmp_path) -> None:
    """A newsroom grows its index run by run: today's sources alone would drop the archive."""
    today = tmp_path / "today"
    today.mkdir()
    shutil.copy(CORPUS / TDM, today)
    with pytest.raises(BuildError, match=r"4 of its 5 articles are not in the sources.*--rebuild"):
        build_index([today], old, jobs=1)
    assert index_stats(old)["articles"] == 5 and "province_2025" not in open_index(old).schema
    assert sorted(p.name for p in old.parent.iterdir()) == ["index", "today"]
    out = CliRunner().invoke(main, ["index", str(today), "--index", str(old), "-q", "-j", "1"])
    assert out.exit_code == 1 and out.stderr.count("\n") == 2 and "left as it was" in out.stderr  # notice + refusal
    # --prune says the others may go, as it does for any source gone.
    pruned = build_index([today], old, jobs=1, prune=True)
    assert pruned.indexed == 1 and index_stats(old)["articles"] == 1


def test_no_build_grows_the_old_index_while_it_is_rebuilt(old) -> None:
    """What another build added to the old index meanwhile would be lost at the swap: it must wait."""
    refused: list[bool] = []

    def during(_n: int) -> None:
        try:
            open_index(old).writer().cancel()
            refused.append(False)
        except LockError:
            refused.append(True)

    build_index([CORPUS], old, jobs=1, progress=during)
    assert refused and all(refused)
    open_index(old).writer().cancel()  # and the lock is let go after the swap
