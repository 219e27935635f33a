"""Bad library arguments: one exception type, a message naming the argument and what is allowed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indexer import build_index
from search import BadArgument, QueryError, Searcher, SearcherClosed

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def searcher(seed_searcher):
    return seed_searcher


@pytest.mark.parametrize("kwargs, message", [
    ({"offset": -5}, r"offset must be 0 or more, not -5"),
    ({"offset": "2"}, r"offset must be a whole number, not '2' \(str\)"),
    ({"limit": 0}, r"limit must be from 1 to 10000, not 0"),
    ({"limit": 10**6}, r"limit must be from 1 to 10000"),
    ({"limit": True}, r"limit must be a whole number"),
    ({"limit": 2.5}, r"limit must be a whole number, not 2.5 \(float\)"),
    ({"sort": "bogus"}, r"sort must be one of 'relevance', 'date', not 'bogus'"),
    ({"facets": "yes"}, r"facets must be True or False"),
    ({"snippet_count": -1}, r"snippet_count must be from 0 to 100"),
    ({"province": 5}, r"province must be a string or None, not 5 \(int\)"),
    ({"district": ["Thủ Dầu Một"]}, r"district must be a string"),
    ({"commune": 1}, r"commune must be a string"),
    ({"since": 2020}, r"since must be a string"),
    ({"until": b"2020"}, r"until must be a string"),
    ({"term": 12}, r"term must be a string"),
    ({"author": 1}, r"author must be a string"),
    ({"source": 1}, r"source must be a string"),
    ({"year": 2020.0}, r"year must be a four-digit year"),
    ({"year": "20"}, r"year must be four digits, not '20'"),
    ({"since": "tomorrow"}, r"'tomorrow' is not a date"),
    ({"since": "2021", "until": "2020"}, r"is after"),
])
def test_each_bad_search_argument_is_refused_by_name(searcher, kwargs, message) -> None:
    with pytest.raises(BadArgument, match=message) as caught:
        searcher.search("đảng viên", **kwargs)
    assert "\n" not in str(caught.value)


def test_the_query_must_be_text(searcher) -> None:
    with pytest.raises(BadArgument, match=r"query must be a string, not None"):
        searcher.search(None)


def test_good_arguments_still_search(searcher) -> None:
    result = searcher.search("đảng viên", limit=2, offset=1, sort="date", year=2020, facets=True, snippet_count=1)
    assert len(result.hits) == 2 and all(len(h.snippets) == 1 for h in result.hits)


def test_get_refuses_what_cannot_be_an_id(searcher) -> None:
    for bad in (None, 4, ""):
        with pytest.raises(BadArgument, match="doc_id must be a"):
            searcher.get(bad)
    assert searcher.get("004_3071c7396e23f874.txt").title.startswith("Bình Liêu")


def test_bad_filter_values_are_bad_arguments_too() -> None:
    assert issubclass(QueryError, BadArgument) and issubclass(BadArgument, ValueError)


def test_a_closed_searcher_says_so_in_one_line(tmp_path) -> None:
    assert build_index([CORPUS], tmp_path / "ix", jobs=1).indexed == 5
    searcher = Searcher(tmp_path / "ix")
    assert searcher.search("thu dau mot").hits and searcher.get("004_3071c7396e23f874.txt")
    searcher.close()
    calls = {"search": lambda: searcher.search("Thủ Dầu Một"), "suggest": lambda: searcher.suggest("thu dau mot"),
             "get": lambda: searcher.get("004_3071c7396e23f874.txt")}
    for name, call in calls.items():
        with pytest.raises(SearcherClosed, match=r"^this Searcher is closed; open a new one$"):
            call()
        # another thread, which never had a whoosh searcher of its own, is refused too (it would open one)
        caught: list[Exception] = []
        thread = threading.Thread(target=lambda refused, out: out.append(pytest.raises(BadArgument, refused).value),
                                  args=(call, caught))
        thread.start()
        thread.join()
        assert [str(e) for e in caught] == ["this Searcher is closed; open a new one"], name
    with Searcher(tmp_path / "ix") as again:  # a new one opens the same index
        assert again.suggest("thu dau mot") == "Thủ Dầu Một"
