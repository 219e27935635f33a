"""Party and government terms an article speaks of, in one canonical spelling.

Users filter by term ("khóa XII", "2015-2020") or by a year a term covers, and the
press writes the same term many ways: "nhiệm kỳ 2015 - 2020", "nhiệm kỳ 2020- 2025",
"khoá XII", "khóa 12", "(khóa XI, XII)". Canonical forms:

* ``"2015-2020"``: a period named by "nhiệm kỳ", "giai đoạn", "thời kỳ" or
  "kế hoạch 5 năm" (end after start, at most ten years apart).
  School years ("năm học 2020-2021") are not terms and are left out.
* ``"khóa XII"``: a term of the Party Central Committee, kept only in a Party
  context: the nearest marker before "khóa" in the same sentence is "Trung ương",
  "TW", "Ban Chấp hành", "Bộ Chính trị", "Nghị quyết", "Đại hội" or "Đảng".
  Numbers are written in Roman ("khóa 12" → "khóa XII").
* ``"Quốc hội khóa XIV"``: National Assembly terms are kept too, under their own
  name, because a reader filtering on "khóa XIV" of the Party must not get them and
  a reader looking for the Assembly's term can still ask for it.
* Terms of a local Party committee ("Ban Chấp hành Đảng bộ tỉnh khóa XVI"), of
  People's Councils, and "khóa học", "khóa luận" … are dropped: their numbering
  is local, and their "nhiệm kỳ 2015-2020" (kept) already says the period.

``find_terms`` returns terms in order of first appearance (title before body), so
the first term is the one the headline is about; duplicates are dropped.
"""

from __future__ import annotations

import re

from ..text import fold, normalize

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_to_int(numeral: str) -> int | None:
    """The value of a Roman numeral up to 89, or None when it is not a well-formed one."""
    numeral = numeral.upper()
    if not numeral or any(c not in _ROMAN for c in numeral):
        return None
    total = 0
    for i, c in enumerate(numeral):
        value = _ROMAN[c]
        if i + 1 < len(numeral) and _ROMAN[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if int_to_roman(total) == numeral else None


def int_to_roman(n: int) -> str:
    out = []
    for value, numeral in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


#: Party Congress → Central Committee term years (congress year to the next congress).
PARTY_TERMS = {
    6: (1986, 1991), 7: (1991, 1996), 8: (1996, 2001), 9: (2001, 2006), 10: (2006, 2011),
    11: (2011, 2016), 12: (2016, 2021), 13: (2021, 2026), 14: (2026, 2031),
}
#: National Assembly terms (election year to the next election).
ASSEMBLY_TERMS = {
    11: (2002, 2007), 12: (2007, 2011), 13: (2011, 2016), 14: (2016, 2021), 15: (2021, 2026), 16: (2026, 2031),
}

_PERIOD = re.compile(
    r"\b(?:nhiệm\s+kỳ|giai\s+đoạn|thời\s+kỳ|kế\s+hoạch\s+5\s+năm)\s*(?:\(\s*)?"
    r"(?P<a>(?:19|20)\d\d)[ \t]*[-–—][ \t]*(?P<b>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_NUM = r"(?:[IVXL]{1,7}|\d{1,2})(?![^\W_])"
_KHOA = re.compile(
    rf"\bkhóa\s+(?P<list>{_NUM}(?:[ \t]*(?:,|và|-|–)[ \t]*{_NUM}){{0,5}})",
    re.IGNORECASE,
)
_NUM_RE = re.compile(_NUM, re.IGNORECASE)

# Markers that say whose "khóa" it is; the nearest one before "khóa" decides.
_MARKERS = re.compile(
    r"(?P<assembly>Quốc\s+hội)"
    r"|(?P<local>Đảng\s+bộ|Tỉnh\s+ủy|Huyện\s+ủy|Thành\s+ủy|Thị\s+ủy|Quận\s+ủy|Đảng\s+ủy|HĐND|Hội\s+đồng\s+nhân\s+dân"
    r"|Mặt\s+trận|MTTQ|Công\s+đoàn|Đoàn\s+(?:Thanh\s+niên|TNCS))"
    r"|(?P<party>Trung\s+ương|\bTW\b|\bT\.?Ư\b|Ban\s+Chấp\s+hành|BCH|Bộ\s+Chính\s+trị|Nghị\s+quyết|Đại\s+hội|Đảng)",
)
_SENTENCE_END = re.compile(r"[.!?;\n](?=\s)")
_LOOKBACK = 120


def _owner(text: str, at: int) -> str | None:
    """Whose term a "khóa" at ``at`` is: "party", "assembly", "local" or None (no marker)."""
    start = max(0, at - _LOOKBACK)
    window = text[start:at]
    ends = list(_SENTENCE_END.finditer(window))
    if ends:
        window = window[ends[-1].end():]
    owner = None
    for match in _MARKERS.finditer(window):
        owner = match.lastgroup
    return owner


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return roman_to_int(token)


def _period(a: int, b: int) -> str | None:
    """The canonical period "a-b" (a term runs forward, five years, ten at most), or None."""
    return f"{a}-{b}" if a < b <= a + 10 else None


def find_terms(text: str) -> list[str]:
    """Canonical terms in ``text``, in order of first appearance, without duplicates."""
    text = normalize(text)
    found: list[tuple[int, str]] = []
    for match in _PERIOD.finditer(text):
        period = _period(int(match.group("a")), int(match.group("b")))
        if period:
            found.append((match.start(), period))
    for match in _KHOA.finditer(text):
        owner = _owner(text, match.start())
        if owner not in ("party", "assembly"):
            continue
        table = PARTY_TERMS if owner == "party" else ASSEMBLY_TERMS
        prefix = "khóa" if owner == "party" else "Quốc hội khóa"
        for i, token in enumerate(_NUM_RE.findall(match.group("list"))):
            n = _number(token)
            if n not in table:  # a numeral we have no facts for is more likely a misreading
                continue
            found.append((match.start() + i, f"{prefix} {int_to_roman(n)}"))
    seen: dict[str, None] = {}
    for _, term in sorted(found, key=lambda item: item[0]):
        seen.setdefault(term, None)
    return list(seen)


def term_years(term: str) -> list[int]:
    """The years a term covers, both ends included ("khóa XII" → 2016..2021); [] if unknown."""
    canonical = normalize_term(term)
    if canonical is None:
        return []
    if canonical[0].isdigit():
        a, b = map(int, canonical.split("-"))
        return list(range(a, b + 1))
    table = ASSEMBLY_TERMS if canonical.startswith("Quốc hội") else PARTY_TERMS
    number = roman_to_int(canonical.rsplit(" ", 1)[1])
    span = table.get(number) if number is not None else None
    return list(range(span[0], span[1] + 1)) if span else []


_QUERY_PERIOD = re.compile(r"(?:(?:nhiem ky|giai doan|thoi ky)\s*)?((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)\d\d)")
_QUERY_KHOA = re.compile(r"(quoc hoi\s+)?(?:khoa|k)\s*([ivxl]+|\d{1,2})")


def normalize_term(user_text: str) -> str | None:
    """The canonical term a user typed, with or without diacritics, or None.

    "khoa xii", "Khóa 12", "khoá XII" → "khóa XII"; "quoc hoi khoa 14" →
    "Quốc hội khóa XIV"; "2015 - 2020", "nhiệm kỳ 2015-2020" → "2015-2020".
    """
    text = " ".join(fold(normalize(user_text)).split())
    match = _QUERY_PERIOD.fullmatch(text)
    if match:
        return _period(int(match.group(1)), int(match.group(2)))
    match = _QUERY_KHOA.fullmatch(text)
    if match:
        n = _number(match.group(2).upper())
        if n is None or not 1 <= n <= 30:
            return None
        return f"{'Quốc hội khóa' if match.group(1) else 'khóa'} {int_to_roman(n)}"
    return None
