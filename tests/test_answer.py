"""The answer set against the articles themselves: what a query reports is what a scan of every stored
text finds, for any short phrase drawn from the index, typed as written, without diacritics, quoted,
or two of them together.

The index is real text (the seeds and the devset sample), grown in two runs so it
has two segments. The scan reads every stored headline and body with the
analysis chain's syllables and looks for the query's words (as ``answer.read_words``
groups them against the index's vocabulary) as runs of syllables: as typed where
typed with diacritics, folded where not. It shares no step with the index's
postings, pairs, spell terms or text patterns, which are what is under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import build_index
from indexer.analysis import Token, syllables
from indexer.text import fold
from search import Searcher
from search.answer import Vocabulary, read_words
from search.query import parse, typed_exact

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """(searcher, {id: (title syllables, body syllables)}) over an index built in two runs."""
    folder = tmp_path_factory.mktemp("answer")
    build_index([ROOT / "corpus"], folder / "index", jobs=1)
    build_index([ROOT / "corpus", SAMPLE], folder / "index", jobs=1)
    with Searcher(folder / "index") as s:
        whoosh = s._searcher()
        texts = {}
        for n in whoosh.reader().all_doc_ids():
            stored = whoosh.stored_fields(n)
            texts[stored["id"]] = (syllables(stored.get("title", "")), syllables(stored.get("body", "")))
        yield s, texts


def _holds(text: tuple[Token, ...], sequence: list[Token]) -> bool:
    """Whether the syllables hold the sequence side by side: as typed where typed with diacritics, folded else."""
    k = len(sequence)
    for i in range(len(text) - k + 1):
        if all((t.token == q.token) if typed_exact(q) else (t.folded == q.folded)
               for t, q in zip(text[i:i + k], sequence, strict=True)):
            return True
    return False


def _scanned(searcher: Searcher, texts: dict, query: str) -> set[str]:
    words = read_words(parse(query), Vocabulary(searcher._searcher()))
    return {doc for doc, parts in texts.items()
            if all(any(_holds(part, list(s.tokens)) for s in group for part in parts) for group in words.groups)}


def _answer(searcher: Searcher, query: str) -> set[str]:
    result = searcher.search(query, limit=1000, snippet_count=0)
    held = {h.id for h in result.hits if not h.missing}
    assert len(held) == result.total, query
    return held


def _phrase(data, texts: dict, longest: int) -> list[Token]:
    """A run of 1 to ``longest`` letter syllables side by side in some article's headline or body."""
    doc = data.draw(st.sampled_from(sorted(texts)))
    part = max(texts[doc], key=len) if data.draw(st.booleans()) else texts[doc][0] or texts[doc][1]
    start = data.draw(st.integers(0, max(0, len(part) - 1)))
    run = []
    for token in part[start:start + data.draw(st.integers(1, longest))]:
        if not token.token.isalpha():
            break
        run.append(token)
    return run or [next(t for t in texts[doc][1] if t.token.isalpha())]


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_the_answer_set_is_what_a_scan_of_the_texts_finds(indexed, data) -> None:
    searcher, texts = indexed
    run = _phrase(data, texts, 4)
    typed = " ".join(t.text for t in run)
    how = data.draw(st.sampled_from(["as written", "without diacritics", "quoted", "two together"]))
    if how == "without diacritics":
        typed = fold(typed)
    elif how == "quoted":
        typed = f'"{typed}"'
    elif how == "two together":
        other = _phrase(data, texts, 2)
        typed = f"{typed} {' '.join(fold(t.text) if data.draw(st.booleans()) else t.text for t in other)}"
    found = _answer(searcher, typed)
    assert found == _scanned(searcher, texts, typed), typed
    # Typed without diacritics, a query holds every accented form: never fewer articles than typed with them.
    assert found <= _answer(searcher, fold(typed)), typed


@pytest.mark.parametrize("typed, held_by, not_held_by", [
    # The seed that writes "TP.Thủ Dầu Một" holds the name; "một" alone in another does not make it one.
    ("Thủ Dầu Một", {"000_13d84c9b41a19287.txt"}, set()),
    ("thu dau mot", {"000_13d84c9b41a19287.txt"}, set()),
    # "xã Phú Thuận" in the An Giang seed; Đồng Văn is a commune of Bình Liêu (seed 004), not of 002.
    ('"xã Phú Thuận"', {"001_a36aec72562ed300.txt"}, set()),
    ('"xã Đồng Văn"', {"004_3071c7396e23f874.txt"}, {"002_12b90e3edf959f26.txt"}),
])
def test_words_of_several_syllables_are_held_side_by_side(indexed, typed, held_by, not_held_by) -> None:
    searcher, texts = indexed
    found = _answer(searcher, typed)
    assert held_by <= found and not (not_held_by & found)
    assert found == _scanned(searcher, texts, typed)


@pytest.fixture(scope="module")
def scattered(tmp_path_factory):
    """Articles holding a word's pairs and syllables apart, never side by side: only a check of their
    text tells them from the one holding the word."""
    records = [
        ("holds", "Đảng bộ TP.Thủ Dầu Một tổng kết năm. Thành phố Thủ Dầu Một có nhiều đổi mới."),
    ("storm", "Bão lũ gây thiệt hại nặng cho bà con miền Trung."),
    ("compatriots", "Đồng bào lũ lụt được hỗ trợ lương thực và nước sạch."),
        ("apart", "Ông Trần Văn Thủ, dầu đã ngoài bảy mươi, vẫn đi làm. Giá dầu một lít lại tăng."),
        ("accents", "Tiền lương tăng. Đề án mới được đưa ra để tiến để phát triển, tiên đề của ngành."),
        ("premise", "Đây là tiền đề để ngành du lịch phát triển bền vững."),
    ]
    folder = tmp_path_factory.mktemp("scattered")
    source = folder / "news.jsonl"
    source.write_text("".join(json.dumps({"id": i, "title": "", "body": b}, ensure_ascii=False) + "\n"
                              for i, b in records), encoding="utf-8")
    build_index([source], folder / "index", jobs=1)
    with Searcher(folder / "index") as s:
        yield s


@pytest.mark.parametrize("typed, held_by", [
    ("Thủ Dầu Một", {"holds"}), ("thu dau mot", {"holds"}), ('"Thủ Dầu Một"', {"holds"}),
    # Typed with diacritics, "tiền đề" is neither "tiến để" nor "tiên đề" (same folded pair).
    ("tiền đề", {"premise"}), ("tien de", {"accents", "premise"}),
])
def test_terms_held_apart_are_not_the_word(scattered, typed, held_by) -> None:
    assert _answer(scattered, typed) == held_by


def test_typed_diacritics_hold_in_the_ranking_and_the_marks(scattered) -> None:
    """'bão lũ' put 'đồng bào lũ lụt' first (its folded pair 'bao_lu'); it holds neither word as typed."""
    result = scattered.search("bão lũ")
    assert [h.id for h in result.hits if not h.missing] == ["storm"] and result.total == 1
    assert all(h.missing for h in result.hits[1:])
    marked = {s.text[a:b] for h in result.hits for s in h.snippets for a, b in s.highlights}
    assert "Bão lũ" in marked and not any("bào" in m for m in marked)  # marks are the words as typed


def test_a_common_terms_bitmap_has_the_bits_of_its_articles_dense_or_sparse() -> None:
    from search.answer import _bitmap

    for docs in ([0, 3, 8, 9, 15, 16, 99], list(range(1, 100, 2)), [99], []):
        bits = _bitmap(docs, 100)
        assert len(bits) == 13
        assert [n for n in range(100) if bits[n >> 3] >> (n & 7) & 1] == docs
