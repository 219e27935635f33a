"""The first phase's union (search/union.py) scores every article as whoosh's own matchers do, to the bit,
and its collector (search/collect.py) picks as whoosh's top-N collector picks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from unidecode import unidecode
from whoosh import collectors
from whoosh import query as W

from indexer import build_index
from search import Searcher
from search import query as Q
from search.collect import SplitCollector
from search.searcher import COMMON_SHARE, _Frequency
from search.union import scores

ROOT = Path(__file__).resolve().parents[1]
CORPUS, SAMPLE = ROOT / "corpus", ROOT / "tests" / "fixtures" / "devset-sample.jsonl"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """The seeds and the devset sample in two segments, one article replaced (a deleted document in the index)."""
    folder = tmp_path_factory.mktemp("union")
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    sample = folder / "sample.jsonl"
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    build_index([CORPUS, sample], folder / "index", jobs=2)
    records[0]["body"] += "\n\nBài viết được cập nhật thêm thông tin về kế hoạch của tỉnh."
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert build_index([CORPUS, sample], folder / "index", jobs=1).replaced == 1
    with Searcher(folder / "index") as s:
        yield s._searcher(), records


def _queries(s) -> list[str]:
    """Headlines as typed, without diacritics and in part; passages; a word or two."""
    def unaccented(text: str) -> str:
        return unidecode(text).lower()

    out = []
    for stored in s.documents():
        title, words = stored.get("title", ""), stored.get("body", "").split()
        if title:
            out += [title, unaccented(title), " ".join(title.split()[:5])]
        if len(words) > 52:
            out += [" ".join(words[10:30]), unaccented(" ".join(words[40:52]))]
    return out + ["kế hoạch", "ke hoach", "Bình Dương", "tỉnh"]


def _whoosh(s, query) -> dict[int, float]:
    collector = collectors.UnlimitedCollector()
    s.search_with_collector(query, collector)
    return {n: score for score, n in collector.items}


def test_every_score_is_whooshs_own(searcher) -> None:
    s, _ = searcher
    assert any(r.has_deletions() for r, _ in s.reader().leaf_readers())
    assert len(list(s.leaf_searchers())) >= 2
    frequency = _Frequency(s.reader(), COMMON_SHARE * s.doc_count())
    kinds = {W.And: 0, W.Phrase: 0}
    for text in _queries(s):
        query = Q.scoring(Q.parse(text), frequency)
        theirs = _whoosh(s, query)
        assert scores(s, query).scores == theirs, text
        # Asked for some articles only: those of them matched, scored alike; every match counted.
        some = set(list(theirs)[::3]) | {0, s.doc_count_all() - 1}
        part = scores(s, query, some)
        assert part.scores == {n: theirs[n] for n in some if n in theirs} and part.matched == theirs.keys(), text
        uncounted = scores(s, query, some, count=False)
        assert uncounted.scores == part.scores and uncounted.matched is None, text
        for clause in query.subqueries:
            if type(clause) in kinds and _whoosh(s, clause):
                kinds[type(clause)] += 1
    # The all-pairs intersection and the headline phrase matched something, not only nothing.
    assert kinds[W.And] >= 5 and kinds[W.Phrase] >= 3, kinds


def test_a_clause_of_another_shape_is_scored_by_whoosh(searcher) -> None:
    s, _ = searcher
    query = W.PreloadedOr([W.Term("body_fold", "ke", boost=0.8),
                           W.Or([W.Term("body", "hoạch"), W.Term("title", "tỉnh")]),
                           W.And([W.Term("body_fold", "ke"), W.Term("body_fold", "hoach")])])
    found = scores(s, query).scores
    assert found and found == _whoosh(s, query)


def test_the_collector_ranks_answers_and_partial_matches_apart() -> None:
    # Ties go to the lower document number, as whoosh's TopCollector gives them.
    union = {1: 2.0, 2: 5.0, 3: 2.0, 4: 9.0, 5: 2.0, 6: 1.0, 7: 7.0}
    collector = SplitCollector(answer={2, 3, 5, 8}, limit=2, partial_limit=3)
    collector.collect(union, union.keys())
    assert collector.ranked() == [(5.0, 2), (2.0, 3)]
    assert collector.seen == {2, 3, 5}
    assert collector.partial_total == 4
    assert collector.ranked_partial() == [(9.0, 4), (7.0, 7), (2.0, 1)]


def test_partial_matches_are_ranked_when_the_union_is_not_counted() -> None:
    union = {1: 2.0, 2: 5.0, 4: 9.0}
    collector = SplitCollector(answer={2}, limit=1, partial_limit=2)
    collector.collect(union, None)
    assert collector.partial_total is None
    assert collector.ranked() == [(5.0, 2)] and collector.ranked_partial() == [(9.0, 4), (2.0, 1)]
