"""The byline: who wrote the article, read from the short lines that close it.

Vietnamese papers sign at the end, on a line of its own: a name of two to five
capitalised syllables ("Trúc Linh", "THU THẢO", "T.Thủy", "Lệ Thu (tổng hợp)"),
or a credit "Theo X" / "(Theo X)", sometimes glued to the name when the page was
flattened to text ("Minh PhươngTheo AFP, WSJ", "Theo Vân DuNgười lao động").
No list of names: the shape of the line decides, so the rules carry over to
other sites. Names are returned name-cased ("VŨ TIẾN PHỤNG" → "Vũ Tiến Phụng").
"""

from __future__ import annotations

import re

# A capitalised syllable, an initial ("T."), or an initial glued to a syllable ("T.Thủy").
_SYL = r"(?:[^\W\d_]\.\s?)?[^\W\d_][^\W\d_]*"
_NAME_RE = re.compile(rf"{_SYL}(?:\s+{_SYL}){{0,4}}")
_NAME_NOTE = re.compile(r"\s*\((?:tổng hợp|TH|t/h|lược dịch|dịch|biên dịch|ghi)\)\s*$", re.IGNORECASE)
_THEO = re.compile(r"^\(?\s*Theo\s+(?P<credit>[^()]{1,80}?)\s*\)?\s*$")
# "Minh PhươngTheo AFP": a lower-case letter directly followed by "Theo".
_GLUED_THEO = re.compile(r"^(?P<name>.+?[^\W\d_])Theo\s+(?P<credit>.+)$")


def _glued_split(text: str) -> int:
    """Where a lower-case letter meets an upper-case one without a space ("DuNgười" → 2), or -1."""
    for i in range(1, len(text)):
        if text[i].isupper() and text[i - 1].islower():
            return i
    return -1

#: Words that start short lines which are not names (section names, footers).
_NOT_NAMES = {
    "tin", "xem", "chia", "ảnh", "video", "clip", "liên", "quay", "đọc", "bài", "các", "tổng", "nguồn",
    "theo", "powered", "share", "like", "tags", "tag", "in", "gửi", "lưu", "bình",
}


def name_case(name: str) -> str:
    """"VŨ TIẾN PHỤNG" → "Vũ Tiến Phụng"; mixed case ("H.Long") and one-word acronyms ("TTXVN") stay."""
    letters = [c for c in name if c.isalpha()]
    if len(name.split()) > 1 and letters and all(c.isupper() for c in letters):
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), name)
    return name


def _is_capitalised(word: str) -> bool:
    first = next((c for c in word if c.isalpha()), "")
    return bool(first) and first.isupper()


def looks_like_name(line: str) -> bool:
    """Two to five capitalised syllables, no digits, no sentence punctuation."""
    line = _NAME_NOTE.sub("", line.strip())
    if not line or len(line) > 40 or any(c.isdigit() for c in line):
        return False
    if not _NAME_RE.fullmatch(line):
        return False
    words = line.replace(".", ". ").split()
    syllables = [w for w in words if len(w.rstrip(".")) > 1 or not w.endswith(".")]
    if not 2 <= len(words) <= 6 or not 1 <= len(syllables) <= 5:
        return False
    if words[0].lower() in _NOT_NAMES:
        return False
    return all(_is_capitalised(w) for w in words)


def parse_byline(line: str) -> tuple[str | None, bool]:
    """Read one line as a byline: (author or None, whether the line is a byline at all).

    A credit line without a person ("Theo TTXVN") is a byline whose author is the
    credited outlet: the page gives no other name.
    """
    line = " ".join(line.split())
    if not line or len(line) > 80:
        return None, False
    glued = _GLUED_THEO.match(line)
    if glued and glued.group("name")[-1].islower() and looks_like_name(glued.group("name")):
        return name_case(_NAME_NOTE.sub("", glued.group("name")).strip()), True
    theo = _THEO.match(line)
    if theo:
        return _credited(theo.group("credit").strip())
    if looks_like_name(line):
        return name_case(_NAME_NOTE.sub("", line).strip()), True
    # Several names: "Minh Nhật - Trường Thịnh", "Quân Đỗ - An Nhiên".
    parts = re.split(r"\s+[-–]\s+|\s*,\s+|\s+và\s+", _NAME_NOTE.sub("", line))
    if 2 <= len(parts) <= 4 and all(looks_like_name(part) for part in parts):
        return name_case(_NAME_NOTE.sub("", line).strip()), True
    return None, False


def _credited(credit: str) -> tuple[str | None, bool]:
    """A "Theo ..." line's person or outlet: the name glued before an outlet ("Vân DuNgười
    lao động") or the whole credit when it is short and no sentence."""
    cut = _glued_split(credit)
    if cut > 0 and looks_like_name(credit[:cut]):
        credit = credit[:cut]
    if credit and len(credit.split()) <= 6 and credit[-1] not in ".!?:;,":
        return name_case(credit), True
    return None, False


def is_credit_line(line: str) -> bool:
    """Lines that close an article without being part of it: "Theo X", "Ảnh: X", "Tổng hợp"."""
    line = " ".join(line.split())
    if not line or len(line) > 80:
        return False
    if _THEO.match(line) or _GLUED_THEO.match(line):
        return True
    return bool(re.match(r"^\(?(?:Ảnh|Video|Clip|Nguồn|Đồ họa|Thiết kế)\s*:", line) or
                re.fullmatch(r"\(?(?:Tổng hợp|TH|PV|Nhóm PV)\)?", line, re.IGNORECASE))
