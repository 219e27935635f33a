"""Did-you-mean and corrections: found for real misspellings, bounded for long queries."""

from __future__ import annotations

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
