"""Term periods: canonical forms, Party context, the years they cover, user input."""

import pytest

from indexer.articles.terms import find_terms, normalize_term, roman_to_int, term_years


@pytest.mark.parametrize("text, expected", [
    ("trong nhiệm kỳ 2015-2020, Đảng bộ", ["2015-2020"]),
    ("Nhiệm kỳ 2015 - 2020 đã qua", ["2015-2020"]),
    ("trong nhiệm kỳ 2020- 2025, với quyết tâm", ["2020-2025"]),
    ("Đề án giai đoạn 2016-2020 của huyện", ["2016-2020"]),
    ("Ban Chấp hành Trung ương Đảng khóa XII", ["khóa XII"]),
    ("Nghị quyết Trung ương 4 (khoá XII) về xây dựng Đảng", ["khóa XII"]),
    ("Nghị quyết Trung ương 4 (KHÓA XII)", ["khóa XII"]),
    ("Hội nghị Trung ương 4 khóa 12", ["khóa XII"]),
    ("thực hiện Nghị quyết Trung ương 4 (khóa XI, XII) về xây dựng, chỉnh đốn Đảng", ["khóa XI", "khóa XII"]),
    ("Đại biểu Quốc hội khóa XIV", ["Quốc hội khóa XIV"]),
])
def test_find_terms(text, expected):
    assert find_terms(text) == expected


@pytest.mark.parametrize("text", [
    "Trường mở khóa học 3 tháng cho học viên.",
    "Sinh viên bảo vệ khóa luận tốt nghiệp.",
    "Ban Chấp hành Đảng bộ tỉnh khóa XVI họp phiên thứ nhất.",  # a local committee's own numbering
    "Hội KHKT Lạnh Việt Nam khóa III tiếp tục bầu Chủ tịch khóa IV.",
    "Kết quả năm học 2020-2021 của nhà trường.",
    "Có 2015-2020 người.",  # a range without a term word
    "nhiệm kỳ 2020-2010",  # ends before it starts
])
def test_not_terms(text):
    assert find_terms(text) == []


def test_order_is_first_appearance_without_duplicates():
    text = ("Nhiệm kỳ 2015-2020, Đảng bộ thực hiện Nghị quyết Trung ương 4 (khóa XII). "
            "Nghị quyết Trung ương 4 (khóa XI, XII) … nhiệm kỳ 2020-2025; lại nhiệm kỳ 2015-2020.")
    assert find_terms(text) == ["2015-2020", "khóa XII", "khóa XI", "2020-2025"]


def test_term_years():
    assert term_years("khóa XI") == list(range(2011, 2017))
    assert term_years("khóa XII") == list(range(2016, 2022))
    assert term_years("khóa XIII") == list(range(2021, 2027))
    assert term_years("khóa XIV") == list(range(2026, 2032))
    assert term_years("khóa X") == list(range(2006, 2012))
    assert term_years("khóa IX") == list(range(2001, 2007))
    assert term_years("Quốc hội khóa XIV") == list(range(2016, 2022))
    assert term_years("2015-2020") == [2015, 2016, 2017, 2018, 2019, 2020]
    assert 2018 in term_years("khóa XII") and 2018 in term_years("2015-2020")
    assert term_years("khóa XCIX") == [] and term_years("rubbish") == []
    # One rule for periods everywhere: a term runs forward; typed forms read as their canonical term.
    assert term_years("2020-2020") == [] and normalize_term("2020-2020") is None
    assert term_years("khoa xii") == term_years("khóa XII")
    assert term_years("nhiệm kỳ 2015 - 2020") == term_years("2015-2020")


@pytest.mark.parametrize("typed, canonical", [
    ("khoa xii", "khóa XII"),
    ("Khóa 12", "khóa XII"),
    ("khoá XII", "khóa XII"),
    ("KHOA XIII", "khóa XIII"),
    ("2015 - 2020", "2015-2020"),
    ("nhiem ky 2020-2025", "2020-2025"),
    ("quoc hoi khoa 14", "Quốc hội khóa XIV"),
    ("hello", None),
    ("2020-2015", None),
    ("khoa 99", None),
])
def test_normalize_term(typed, canonical):
    assert normalize_term(typed) == canonical


def test_roman_numerals():
    assert roman_to_int("XII") == 12 and roman_to_int("XIV") == 14 and roman_to_int("IX") == 9
    assert roman_to_int("IIII") is None and roman_to_int("ABC") is None
