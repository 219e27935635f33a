"""Snippets cut from the original article text, with the query's words marked.

A mark is a whole word or phrase of the query as the answer set matched it
(``answer.Sequence.pattern``: syllables typed with diacritics as typed, those
typed without in any accented form, a word's syllables side by side), so "dang
vien" marks "đảng viên" but not the "đang" of another sentence, and "giao thong"
marks "giao thông" but not "cô giáo" or "hệ thống". Adjacent marks merge into
one span.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.text import fold

SNIPPET_CHARS = 240
_SENTENCE_END = re.compile(r"[.!?…]\s+|\n+")


@dataclass
class Snippet:
    text: str
    highlights: list[tuple[int, int]] = field(default_factory=list)


def matcher(sources: Iterable[str]) -> re.Pattern[str] | None:
    """One regex finding any of the query's words and phrases (each whole: ``answer.Sequence.source``),
    or None when there are none.

    One pass of C-speed regex over each hit's body: tokenising every body in
    Python would cost more than the search itself.
    """
    sources = sorted(set(sources), key=len, reverse=True)  # a longer phrase before its words
    return re.compile("|".join(f"(?:{source})" for source in sources), re.IGNORECASE) if sources else None


def spans(text: str, matcher: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """(start, end) of each run of the query's words in ``text`` (a title, say)."""
    return [(start, end) for start, end, _ in matched_spans(text, matcher)]


def matched_spans(text: str, matcher: re.Pattern[str] | None) -> list[tuple[int, int, str]]:
    """(start, end, key) of each run of matched syllables; key: their folded forms.

    ``text`` is a stored body, which the reader has already normalised (NFC, one
    tone convention), so the matcher runs on it as it is: normalising every hit's
    body again cost about a tenth of the query time.
    """
    spans: list[tuple[int, int, str]] = []
    if matcher is None:
        return spans
    last_end = -1
    for m in matcher.finditer(text):
        start, end = m.span()
        key = fold(text[start:end])
        if spans and text[last_end:start].isspace():
            spans[-1] = (spans[-1][0], end, spans[-1][2] + " " + key)
        else:
            spans.append((start, end, key))
        last_end = end
    return spans


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """A window of about SNIPPET_CHARS around [start, end), widened to sentence or word edges."""
    room = max(0, SNIPPET_CHARS - (end - start)) // 2
    lo, hi = max(0, start - room), min(len(text), end + room)
    boundary = None
    for m in _SENTENCE_END.finditer(text, lo, start):
        boundary = m.end()
    if boundary is not None:
        lo = boundary
    elif lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
    return lo, hi


def _apart(candidates: list[tuple[int, int, int, int, int]], count: int) -> list[tuple[int, int]]:
    """The first ``count`` windows, best first, that overlap no window taken before them."""
    chosen: list[tuple[int, int]] = []
    for *_, lo, hi in candidates:
        if all(hi <= a or lo >= b for a, b in chosen):
            chosen.append((lo, hi))
        if len(chosen) == count:
            break
    return chosen


def snippets(text: str, matcher: re.Pattern[str] | None, count: int = 3) -> list[Snippet]:
    """Up to ``count`` passages with the most distinct query words, in text order.

    ``matcher`` comes from ``matcher`` for the query.
    """
    spans = matched_spans(text, matcher)
    if not spans:
        return [Snippet(text[:SNIPPET_CHARS].rsplit(" ", 1)[0] if len(text) > SNIPPET_CHARS else text)] if text else []
    # Spans are in text order and do not overlap, so starts and ends both ascend:
    # the spans inside a window are one slice, found by bisection.
    starts, ends = [s[0] for s in spans], [s[1] for s in spans]

    def inside(lo: int, hi: int) -> list[tuple[int, int, str]]:
        return spans[bisect_left(starts, lo):bisect_right(ends, hi)]

    candidates = []
    for i, (start, end, _) in enumerate(spans):
        lo, hi = _window(text, start, end)
        inside_window = inside(lo, hi)
        distinct = {w for s in inside_window for w in s[2].split()}
        candidates.append((len(distinct), len(inside_window), -i, lo, hi))
    chosen = _apart(sorted(candidates, reverse=True), count)
    result = []
    for lo, hi in sorted(chosen):
        marks = [(s - lo, e - lo) for s, e, _ in inside(lo, hi)]
        result.append(Snippet(text[lo:hi], marks))
    return result
