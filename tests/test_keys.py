"""The filter keys: one module for the index and the query, so the two always meet."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from indexer import keys
from search import Searcher

KEPT = Path(__file__).parent / "data" / "index-v1"


@pytest.mark.parametrize("typed", ["tỉnh Bình Dương", "Bình Dương", "binh duong", "BÌNH DƯƠNG",
                                   unicodedata.normalize("NFD", "tỉnh Bình Dương")])
def test_province_keys_meet_however_typed(typed) -> None:
    assert keys.province_key(typed) == "binh duong"


def test_place_keys_strip_prefixes_and_aliases() -> None:
    assert keys.district_key("TP.Thủ Dầu Một") == keys.district_key("thu dau mot") == "thu dau mot"
    assert keys.province_key("Hồ Chí Minh") == keys.province_key("TP.HCM") == "ho chi minh"
    assert keys.commune_key("xã Phú Thuận") == "phu thuan"


@pytest.mark.parametrize("typed", ["khóa XII", "khoá XII", "khoa 12", "Khóa 12", "khoa xii",
                                   unicodedata.normalize("NFD", "khoá XII")])
def test_term_keys_meet_in_any_tone_placement_and_numbering(typed) -> None:
    assert keys.term_key(typed) == keys.term_key("khóa XII") == "khoa xii"


def test_period_keys() -> None:
    assert keys.term_key("nhiệm kỳ 2015-2020") == keys.term_key("2015 - 2020") == "2015-2020"
    assert keys.term_key("Quốc hội khóa XIV") == keys.term_key("quoc hoi khoa 14") != keys.term_key("khóa XIV")
    assert keys.term_year_keys("khóa XII") == [str(y) for y in range(2016, 2022)]


def test_name_and_source_keys() -> None:
    assert keys.name_key("  Nguyễn  Văn An ") == keys.name_key("nguyen van an") == "nguyen van an"
    assert keys.source_key("www.baobinhduong.vn") == keys.source_key("BaoBinhDuong.vn") == "baobinhduong.vn"


def test_field_value_is_distinct_sorted_and_comma_safe() -> None:
    assert keys.field_value(["thu dau mot", "binh duong", None, "", "binh duong", "a,b"]) == \
        "a b,binh duong,thu dau mot"


def test_an_index_built_by_earlier_code_answers_the_same_filters(tmp_path) -> None:
    """The kept v1 index (one article of term 2020-2025, no locality found) filters as it did."""
    shutil.copytree(KEPT, tmp_path / "ix")
    with Searcher(tmp_path / "ix") as s:
        assert s.get("tiny-1").terms == ["2020-2025"]
        for term in ("2020-2025", "nhiệm kỳ 2020 - 2025", unicodedata.normalize("NFD", "nhiệm kỳ 2020-2025")):
            assert [h.id for h in s.search("đại hội", term=term).hits] == ["tiny-1"], term
        assert s.search("đại hội", term="2015-2020").hits == []
        assert [h.id for h in s.search("đại hội", year=2023).hits] == ["tiny-1"]  # a year the term covers
        assert s.search("đại hội", province="binh duong").hits == []
