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


@pytest.fixture(scope="module")
def numbered(tmp_path_factory):
    """Listings that write a district's number as a symbol ("quận ①", "m²") beside ones that write it plainly."""
    from indexer import build_index
    from search import Searcher

    folder = tmp_path_factory.mktemp("numbered")
    lines = ["Căn hộ tại quận ① có giá 120 triệu đồng/m², cao nhất thành phố.",
             "Nhà phố quận ① được rao bán với giá kỷ lục trong tháng này.",
             "Đất nền quận ² tăng giá mạnh sau khi có quy hoạch mới.",
             "Ngày 6/2, UBND quận 2 tổ chức họp báo về dự án cầu Thủ Thiêm 2.",
             "Quận 1, TP.HCM tổ chức lễ hội đường sách dịp Tết."]
    source = folder / "news.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"q-{i}", "title": "", "body": line}, ensure_ascii=False)
                                for i, line in enumerate(lines)), encoding="utf-8")
    build_index([source], folder / "index", jobs=1)
    with Searcher(folder / "index") as s:
        yield s


@pytest.mark.parametrize("typed, meant", [("quan 2", "quận 2"), ("quan 1", "quận 1"), ("tp hcm quan 1", None),
                                          ("ngay 6/2 quan 2", "ngày 6/2 quận 2")])
def test_did_you_mean_rewrites_letters_only(numbered, typed, meant) -> None:
    """The index writes "quận ①" more often than "quận 1": folded, they look alike, but a digit stays a digit."""
    suggestion = numbered.search(typed).suggestion
    if meant is not None:
        assert suggestion.lower() == meant  # its case is the index's (a sentence's first word is capitalised)
    assert suggestion is None or [c for c in suggestion if not c.isalpha()] == [c for c in typed if not c.isalpha()]
    if suggestion:
        assert numbered.search(suggestion).total >= 1
