"""Page dates: every format news sites print, day first, Vietnam time; years a text speaks of."""

from datetime import timedelta

import pytest
from helpers import vn

from indexer.articles.dates import VIETNAM, find_dates, parse_date, parse_date_line, years_mentioned


@pytest.mark.parametrize("line, expected", [
    ("Cập nhật: 22-06-2020 | 08:36:15", vn(2020, 6, 22, 8, 36, 15)),
    ("Cập nhật:\u00a018/03/2022 06:30 GMT+7", vn(2022, 3, 18, 6, 30)),
    ("THỨ SÁU, 14/08/2020 06:58:18", vn(2020, 8, 14, 6, 58, 18)),
    ("Thứ Hai, 23/10/2017, 17:01 [GMT+7]", vn(2017, 10, 23, 17, 1)),
    ("ngày 30 tháng 10 năm 2016", vn(2016, 10, 30)),
    ("2022-03-17 08:47:00", vn(2022, 3, 17, 8, 47)),
    ("2021-05-02T10:00:00+07:00", vn(2021, 5, 2, 10)),
    ("08:30 ngày 22/06/2020", vn(2020, 6, 22, 8, 30)),
    ("Đăng lúc 10:15 PM, 31/12/2019", vn(2019, 12, 31, 22, 15)),
    ("Chủ nhật, 5.7.2020 - 9h05", vn(2020, 7, 5, 9, 5)),
])
def test_date_line_formats(line, expected):
    got = parse_date_line(line)
    assert got == expected
    assert got.utcoffset() == timedelta(hours=7)


def test_day_first_always():
    assert parse_date("03/04/2021") == vn(2021, 4, 3)
    assert parse_date("12-01-2020") == vn(2020, 1, 12)


def test_other_zones_are_converted_to_vietnam_time():
    assert parse_date("2021-05-02T10:00:00Z") == vn(2021, 5, 2, 17)
    got = parse_date_line("Thứ năm, 12/3/2020 - 14:05 (GMT+2)")
    assert got == vn(2020, 3, 12, 19, 5) and got.tzinfo is VIETNAM


def test_impossible_dates_are_not_dates():
    assert parse_date("31/02/2020") is None
    assert parse_date("12/13/2020") is None  # no month 13: not read month-first either
    assert parse_date("15/06/1890") is None  # outside the news range


def test_a_sentence_with_a_date_is_not_a_date_line():
    sentence = "Nghị quyết Trung ương 4 (khóa XII) ngày 30/10/2016 về tăng cường xây dựng, chỉnh đốn Đảng"
    assert parse_date_line(sentence) is None
    assert parse_date(sentence) == vn(2016, 10, 30)
    assert parse_date_line("Ngày 4/3/1947 và ngày 5/3/1947") is None  # two dates: not a page stamp


def test_find_dates_gives_spans():
    text = "Từ 01/02/2021 đến ngày 15 tháng 3 năm 2021."
    found = find_dates(text)
    assert [d for d, _, _ in found] == [vn(2021, 2, 1), vn(2021, 3, 15)]
    assert text[found[0][1]:found[0][2]] == "01/02/2021"


def test_years_mentioned():
    text = ("Nghị quyết ngày 30/10/2016 về xây dựng Đảng; năm 2017 có 14 đồng chí; nhiệm kỳ 2020- 2025; "
            "ảnh chụp tháng 7.2020; 2030 người tham gia; 2.105 đảng viên; giai đoạn 1986-1991.")
    assert years_mentioned(text) == [1986, 1991, 2016, 2017, 2020, 2025]
    assert years_mentioned("Có 2018 hộ dân và 1999 ha rừng") == []
    assert years_mentioned("") == []


def test_long_line_is_linear():
    import time

    # near-misses (no year), then 30,000 real dates: no backtracking, no quadratic bookkeeping
    line = "12/12/" * 50_000 + "ngày 1 tháng " * 20_000 + "1/1/2020 " * 30_000
    start = time.perf_counter()
    assert len(find_dates(line)) == 30_000
    assert years_mentioned(line) == [2020]
    assert time.perf_counter() - start < 10  # generous: shared CI machines
