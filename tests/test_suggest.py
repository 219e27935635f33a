"""Did-you-mean and corrections: found for real misspellings, bounded for long queries."""

from __future__ import annotations

import json

import pytest

from search.suggest import MAX_CORRECTED, _one_edit


@pytest.fixture
def searcher(seed_searcher):
    return seed_searcher


def test_one_edit_covers_each_kind_of_slip() -> None:
    edits = _one_edit("liêu", "abcdeêu")
    assert {"liu", "ilêu", "liêuu", "liêa", "liêu"} & edits == {"liu", "ilêu", "liêuu", "liêa"}


@pytest.mark.parametrize("typed, meant", [
    ("Bình Liêuu", "Bình Liêu"),       # a letter too many
    ("Bình Lêiu", "Bình Liêu"),        # two letters swapped
    ("Thoạj Sơn", "Thoại Sơn"),       # a wrong letter, typed with diacritics: corrected with them
    ("Bình Lieuu", "Bình Lieu"),      # typed without: corrected in the folded vocabulary, left unaccented
])
def test_real_misspellings_are_corrected(searcher, typed, meant) -> None:
    assert searcher.search(typed).suggestion == meant


def test_unaccented_query_still_gets_its_accented_reading(searcher) -> None:
    assert searcher.search("thu dau mot").suggestion == "Thủ Dầu Một"
    assert searcher.search("thu dau mott").suggestion == "Thủ Dầu Một"  # corrected, then accented


def test_only_the_first_unknown_words_are_corrected(searcher) -> None:
    query = " ".join(["Liêuu"] * (MAX_CORRECTED + 3))
    words = searcher.search(query).suggestion.split()
    assert words == ["Liêu"] * MAX_CORRECTED + ["Liêuu"] * 3


@pytest.fixture(scope="module")
def captioned(tmp_path_factory):
    """Articles whose photo captions ("Ảnh: ...") capitalise "ảnh" more often than their text writes it."""
    from indexer import build_index
    from search import Searcher

    folder = tmp_path_factory.mktemp("captions")
    records = [{"id": f"anh-{i}", "title": "Hội nghị Tỉnh ủy Bình Dương",
                "body": f"Đại biểu TP.Thủ Dầu Một dự hội nghị lần thứ {i}. (Ảnh: Tuấn Anh)"
                        + (" Sau hội nghị, các đại biểu chụp ảnh lưu niệm." if i < 2 else "")}
               for i in range(5)]
    source = folder / "news.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    build_index([source], folder / "index", jobs=1)
    with Searcher(folder / "index") as s:
        yield s


def test_a_word_capitalised_by_captions_is_offered_in_lower_case(captioned) -> None:
    # "Ảnh" (five captions) outnumbers "ảnh" (two sentences), which is still a real share of its uses.
    assert captioned.search("chup anh luu niem").suggestion == "chụp ảnh lưu niệm"
    assert captioned.search("dai bieu thu dau mot").suggestion == "đại biểu Thủ Dầu Một"  # a name keeps its capitals
