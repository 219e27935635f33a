"""An index through its life: runs that add, replace and prune, dated and undated, a Searcher held open."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from indexer import build_index
from search import Searcher
from search.stats import index_stats

SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"


def records(n: int, *, dated: bool, prefix: str) -> list[dict]:
    """Real Dân trí articles; undated ones are the same texts with the date taken off."""
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:n]:
        record = json.loads(line)
        record["id"] = f"{prefix}-{record['id']}"
        if not dated:
            record.pop("published", None)
        out.append(record)
    return out


def write(path: Path, items: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items), encoding="utf-8")
    return path


def two_runs(root: Path) -> tuple[Path, Path, list[dict], list[dict]]:
    """Five undated articles in a first run, five dated ones in a second: two segments."""
    src, index = root / "src", root / "index"
    undated, dated = records(5, dated=False, prefix="u"), records(5, dated=True, prefix="d")
    build_index([write(src / "undated.jsonl", undated)], index, jobs=1)
    build_index([write(src / "dated.jsonl", dated)], index, jobs=1)
    return src, index, undated, dated


@pytest.fixture
def mixed(tmp_path) -> tuple[Path, Path, list[dict], list[dict]]:
    """An index of two runs that a test may grow, prune and rebuild."""
    return two_runs(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, list[dict], list[dict]]:
    """The same, shared by the tests that only read it."""
    return two_runs(tmp_path_factory.mktemp("two-runs"))


def test_date_window_over_a_segment_without_dates(built) -> None:
    _, index, _, dated = built
    in_october = {r["id"] for r in dated if r["published"].startswith("2020-10")}
    assert in_october
    with Searcher(index) as s:
        result = s.search("", since="2020-10-01", until="2020-10-31", limit=50)
        assert {h.id for h in result.hits} == in_october and result.total == len(in_october)
        assert s.search("", since="2030", limit=50).hits == []


def test_an_empty_date_window_matches_nothing(built) -> None:
    _, index, _, _ = built
    with Searcher(index) as s:
        for query in ("doanh nghiệp", "thue", ""):
            result = s.search(query, since="2030-01-01", facets=True)
            assert result.hits == [] and result.total == 0
            assert all(counts == {} for counts in result.facets.values())


def test_stats_over_a_segment_without_dates(built) -> None:
    _, index, _, dated = built
    stats = index_stats(index)
    days = sorted(r["published"][:10] for r in dated)
    assert stats["articles"] == 10 and stats["undated"] == 5
    assert (stats["first_published"], stats["last_published"]) == (days[0], days[-1])


def test_replacing_one_article_in_an_all_undated_index(tmp_path) -> None:
    undated = records(5, dated=False, prefix="u")
    source = write(tmp_path / "src" / "a.jsonl", undated)
    build_index([source], tmp_path / "index", jobs=1)
    undated[0]["body"] = "Tin đã sửa lại. " + undated[0]["body"]
    summary = build_index([write(source, undated)], tmp_path / "index", jobs=1)
    assert summary.replaced == 1
    stats = index_stats(tmp_path / "index")
    assert stats["articles"] == 5 and stats["undated"] == 5 and stats["first_published"] is None


def test_an_open_searcher_sees_each_build_and_survives_it(mixed) -> None:
    src, index, undated, dated = mixed
    with Searcher(index) as s:
        assert s.search("", since="2000", limit=50).total == 5
        build_index([src], index, jobs=1)  # changes nothing, still commits
        assert s.get(dated[0]["id"]).title
        extra = records(7, dated=True, prefix="x")[5:]
        build_index([src, write(src / "extra.jsonl", extra)], index, jobs=1)
        assert s.get(extra[0]["id"]) is not None
        (src / "undated.jsonl").unlink()
        build_index([src], index, jobs=1, prune=True)
        assert s.get(undated[0]["id"]) is None and s.get(dated[0]["id"]) is not None
        build_index([src], index, jobs=1, rebuild=True)
        assert s.search("", since="2000", limit=50).total == 7


def test_threads_querying_while_builds_commit(mixed) -> None:
    src, index, _, dated = mixed
    errors: list[BaseException] = []
    stop = threading.Event()
    with Searcher(index) as s:
        def loop() -> None:
            while not stop.is_set():
                try:
                    assert s.get(dated[0]["id"]) is not None
                    assert s.search("doanh nghiệp", limit=3).hits
                except BaseException as e:  # noqa: BLE001 - any failure is what the test looks for
                    errors.append(e)
                    return
        threads = [threading.Thread(target=loop) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            build_index([src], index, jobs=1)
            build_index([src, write(src / "extra.jsonl", records(6, dated=True, prefix="x")[5:])], index, jobs=1)
            build_index([src], index, jobs=1, rebuild=True)
        finally:
            stop.set()
            for t in threads:
                t.join()
    assert errors == []


def test_a_search_opening_the_index_mid_swap_waits_for_the_new_one(tmp_path) -> None:
    # A rebuild puts its index in place with two renames (store.replace_index); a
    # searcher opening between them once found no table of contents and reported the
    # index as damaged. Here that moment is held open for a tenth of a second.
    src = write(tmp_path / "src" / "a.jsonl", records(5, dated=True, prefix="d"))
    index, new, old = tmp_path / "index", tmp_path / ".index.rebuild", tmp_path / ".index.old"
    build_index([src], index, jobs=1)
    shutil.copytree(index, new)
    with Searcher(index) as s:
        os.rename(index, old)
        swap = threading.Timer(0.1, os.rename, (new, index))
        swap.start()
        try:
            hits = s.search("doanh nghiệp", limit=3).hits
        finally:
            swap.join()
    assert hits and all(h.id.startswith("d-") for h in hits)


def test_sort_by_date_puts_undated_last_and_scores_nothing(built) -> None:
    _, index, _, _ = built
    with Searcher(index) as s:
        result = s.search("và", limit=50, sort="date")
        order = [h.published for h in result.hits]
        dated_part = [p for p in order if p]
        assert dated_part == sorted(dated_part, reverse=True) and 0 < len(dated_part) < len(order)
        assert order[len(dated_part):] == [None] * (len(order) - len(dated_part))
        assert all(h.score is None for h in result.hits) and result.total == len(order)


def test_an_article_whose_date_is_taken_off_leaves_the_date_window(mixed) -> None:
    """A replaced article's old copy stays in its segment, deleted, with its date in the column until a
    merge: a window read off the column must not count it (the model-based test found it)."""
    src, index, _, dated = mixed
    first = dated[0]
    month = first["published"][:7]
    with Searcher(index) as held:
        assert first["id"] in {h.id for h in held.search("", since=month, until=month, limit=50).hits}
        undated = {k: v for k, v in first.items() if k != "published"}
        write(src / "dated.jsonl", [undated, *dated[1:]])
        assert build_index([src / "dated.jsonl"], index, jobs=1).replaced == 1
        for searcher in (held, Searcher(index)):
            by_date = searcher.search("", since=month, until=month, limit=50)
            words = " ".join(first["body"].split()[:4])
            by_words = searcher.search(words, since=month, until=month, limit=50)
            assert first["id"] not in {h.id for h in by_date.hits + by_words.hits}
            assert by_date.total == len(by_date.hits) == sum(d["published"].startswith(month) for d in dated[1:])
