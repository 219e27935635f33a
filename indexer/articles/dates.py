"""Dates in Vietnamese news pages: the publication date line, and the years a text speaks of.

Vietnamese writes dates day first ("03/04/2021" is 3 April), so there is no
guessing between day and month here, and no dateparser: a handful of shapes cover
what news sites print ("Cập nhật: 22-06-2020 | 08:36:15", "THỨ SÁU, 14/08/2020
06:58:18", "Thứ Hai, 23/10/2017, 17:01 [GMT+7]", "ngày 30 tháng 10 năm 2016",
ISO 8601). Whether a date is the *publication* date depends on where it stands
(its own line, near the headline), which is the reader's call: this module only
says whether a line is a date line (``parse_date_line``) and what date it holds.

Every datetime returned is aware and on Vietnam's clock (Asia/Ho_Chi_Minh): a page
without a zone means local time, and a page with another offset is converted, so
the index (which compares naive wall times) sees one clock.
All patterns are linear (no nested quantifiers), so a 50 MB line costs one pass.
"""

from __future__ import annotations

import bisect
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

#: Years outside this range are not news dates (phone numbers, amounts, codes).
MIN_YEAR, MAX_YEAR = 1945, 2100

_TIME = r"(?P<H>[01]?\d|2[0-3])\s?(?:[:h]\s?(?P<M>[0-5]\d))(?::(?P<S>[0-5]\d))?(?:\s?(?P<ampm>[AaPp][Mm]))?"
_ZONE = r"(?:[\[(]?\s?(?:GMT|UTC)\s?(?P<zs>[+-])\s?(?P<zh>\d{1,2})(?::?(?P<zm>\d\d))?\s?[\])]?)"
_SEP = r"[\s,|\-–—]{0,6}"

# 22-06-2020, 18/03/2022, 14.08.2020 (same separator twice), optionally with a time after or before.
_DMY = r"(?<!\d)(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<m>[01]?\d)(?P=sep)(?P<y>\d{4})(?!\d)"
# ngày 30 tháng 10 năm 2016
_WORDS = r"(?:ngày\s+)?(?<!\d)(?P<d>[0-3]?\d)\s+tháng\s+(?P<m>[01]?\d)\s*(?:,\s*)?năm\s+(?P<y>\d{4})(?!\d)"
# 2022-03-17 08:47:00, 2021-05-02T10:00:00+07:00
_ISO = (r"(?<!\d)(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
        r"(?:[T ](?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d)(?:\.\d{1,9})?)?"
        r"\s?(?P<iz>Z|[+-]\d\d:?\d\d)?)?(?!\d)")

_DATE_FORMS = [re.compile(_ISO), re.compile(_DMY), re.compile(_WORDS, re.IGNORECASE)]
_TIME_AFTER = re.compile(_SEP + _TIME)

_ZONE_AFTER = re.compile(r"\s{0,3}" + _ZONE)

# What may stand on a date line besides the date: labels, weekdays, zone, punctuation.
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật|cn|t[2-7])"
# "07:45, Thứ ba 13/04/2021", "08:30 ngày 22/06/2020": a time written before the date.
_TIME_BEFORE = re.compile(_TIME + r"[\s,|\-–—]{0,6}(?:" + _WEEKDAY + r")?[\s,|\-–—]{0,4}(?:ngày\s*)?$", re.IGNORECASE)
_LABEL_WORDS = re.compile(
    r"cập\s+nhật(?:\s+lúc)?|đăng(?:\s+(?:lúc|ngày|tải))?|ngày\s+(?:đăng|xuất\s+bản)|xuất\s+bản|"
    r"lúc|ngày|giờ|sửa\s+đổi|thời\s+gian|posted|updated|published|" + _WEEKDAY,
    re.IGNORECASE,
)
_LEFTOVER = re.compile(r"[^\W\d_]+")

#: A date line is short: the date plus a label and a weekday.
MAX_DATE_LINE = 80


def _make(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0,
          tz: timezone | None = None) -> datetime | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        value = datetime(y, m, d, hh, mm, ss, tzinfo=tz or VIETNAM)
    except ValueError:  # 31/02, month 13 …
        return None
    return value.astimezone(VIETNAM) if tz is not None else value


def _offset(sign: str, hours: str, minutes: str | None) -> timezone | None:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _time_of(m: re.Match[str]) -> tuple[int, int, int]:
    hh, mm, ss = int(m.group("H")), int(m.group("M") or 0), int(m.group("S") or 0)
    ampm = (m.groupdict().get("ampm") or "").lower()
    if ampm == "pm" and hh < 12:
        hh += 12
    elif ampm == "am" and hh == 12:
        hh = 0
    return hh, mm, ss


def _parse_at(text: str, match: re.Match[str]) -> tuple[datetime | None, int, int]:
    """The datetime of one date match with the time and zone written around it, and its span."""
    g = match.groupdict()
    y, m, d = int(g["y"]), int(g["m"]), int(g["d"])
    start, end = match.span()
    hh = mm = ss = 0
    tz = None
    if g.get("H") is not None:  # ISO with its own time
        hh, mm, ss = int(g["H"]), int(g["M"]), int(g["S"] or 0)
        iz = g.get("iz")
        if iz:
            tz = timezone.utc if iz == "Z" else _offset(iz[0], iz[1:3], iz[-2:])
    else:
        after = _TIME_AFTER.match(text, end)
        if after:
            hh, mm, ss = _time_of(after)
            end = after.end()
        else:
            before = _TIME_BEFORE.search(text, max(0, start - 40), start)
            if before:
                hh, mm, ss = _time_of(before)
                start = before.start()
    zone = _ZONE_AFTER.match(text, end)
    if zone:
        tz = _offset(zone.group("zs"), zone.group("zh"), zone.group("zm")) or tz
        end = zone.end()
    return _make(y, m, d, hh, mm, ss, tz), start, end


def find_dates(text: str) -> list[tuple[datetime, int, int]]:
    """Every date written in ``text`` as (datetime, start, end), in text order, day first."""
    found: list[tuple[datetime, int, int]] = []
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping spans already read
    for pattern in _DATE_FORMS:
        for match in pattern.finditer(text):
            k = bisect.bisect_left(taken, (match.start(), match.end()))
            if (k < len(taken) and taken[k][0] < match.end()) or (k and taken[k - 1][1] > match.start()):
                continue  # overlaps a date an earlier form read
            value, start, end = _parse_at(text, match)
            if value is not None:
                found.append((value, start, end))
                taken.insert(k, (match.start(), match.end()))
    return sorted(found, key=lambda item: item[1])


def parse_date(text: str) -> datetime | None:
    """The first date in ``text`` ("03/04/2021" → 3 April 2021, 00:00 Vietnam time), or None."""
    dates = find_dates(text[:10_000])
    return dates[0][0] if dates else None


def parse_date_line(line: str) -> datetime | None:
    """The date of a line that is *only* a date (with a label, weekday, time, zone), else None.

    "Cập nhật: 22-06-2020 | 08:36:15" and "Thứ Hai, 23/10/2017, 17:01 [GMT+7]" are
    date lines; "Nghị quyết ngày 30/10/2016 về tăng cường …" is a sentence that
    mentions a date, which is not the page's publication date.
    """
    line = line.strip()
    if not line or len(line) > MAX_DATE_LINE:
        return None
    dates = find_dates(line)
    if len(dates) != 1:
        return None
    value, start, end = dates[0]
    rest = _LABEL_WORDS.sub(" ", line[:start] + " " + line[end:])
    if _LEFTOVER.search(rest):
        return None
    return value


# --- years the text speaks of -------------------------------------------------------

_YEAR_CANDIDATE = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d]|[.,]\d)")
# What must come right before a candidate for it to be a year: "năm ", "tháng 7/", "30/10/" …
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:năm|nhiệm\s+kỳ|giai\s+đoạn|niên\s+khóa|thời\s+kỳ|mùa|vụ|tết|từ|đến|trước|sau)\s+"
    r"|\btháng\s+[01]?\d\s?[/.\-]\s?|\bquý\s+[IV1-4]{1,3}\s?[/.\-]\s?"
    r"|(?<!\d)[0-3]?\d[/.\-][01]?\d[/.\-]"
    r"|(?<![\d.,])(?:19|20)\d\d[ \t]?[-–—][ \t]?)$",
    re.IGNORECASE,
)
# … or right after it: "-2020" closing a range, "-03-17" of an ISO date.
_YEAR_AFTER = re.compile(r"[ \t]?[-–—][ \t]?(?:19|20)\d\d(?!\d)|-[01]\d-[0-3]\d(?!\d)")


def years_mentioned(text: str) -> list[int]:
    """Years the text speaks of, sorted and unique, within 1945..2100.

    A bare four-digit number is not a year ("2020 người"); a year needs a context:
    a date, "năm 2017", "tháng 7/2020", a range ("2015-2020", both ends), or words
    such as "nhiệm kỳ", "giai đoạn", "từ", "đến". Only four-digit candidates are
    looked at, with a short window around each: cheap on long texts.
    """
    years = set()
    for match in _YEAR_CANDIDATE.finditer(text):
        year = int(match.group(0))
        if not MIN_YEAR <= year <= MAX_YEAR:
            continue
        start, end = match.span()
        if _YEAR_BEFORE.search(text, max(0, start - 24), start) or _YEAR_AFTER.match(text, end):
            years.add(year)
    return sorted(years)
