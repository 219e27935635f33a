"""Telling the article from the site around it, by the shape and place of each line.

A scraped page is a column of lines: chrome (visitor counters, section names,
share and comment footers, lists of other articles), then the headline and the
date, the article's paragraphs, a byline, and more chrome. Every site words its
chrome differently, so nothing here lists phrases; the rules are about shape:

* **prose**: a line that reads as sentences (ends with sentence punctuation, or
  is long). The article is the largest run of prose lines; short lines inside
  the run (sub-headings, a caption split over two lines) belong to it, while two
  or more short lines in a row end it, because chrome comes in blocks of short
  lines ("THU THẢO / Chia sẻ bài viết", "Tin liên quan / Tiến tới đại hội").
* **listings**: lists of other articles repeat each headline (link text and
  image alt) and stand a bare timestamp under it. Two such markers close
  together start a listing; nothing from there on is the article.
* **header**: the lines above the article. The date line there is the page's
  date; the headline is the line right next to it (above, else below), or the
  last long-enough line before the text when there is no date. Other header
  lines are section names and counters.
* **byline**: a name-shaped line right after the article's last sentence
  (see ``bylines``), or right before a footnote separator ("_____").
  What follows it is chrome, except footnotes after a separator.

Lines with no letters at all (".", "31376270", "_____") are never text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from .bylines import is_credit_line, parse_byline
from .dates import parse_date_line

_WORD = re.compile(r"[^\W_]+")
_LETTER = re.compile(r"[^\W\d_]")
_ENDS_SENTENCE = re.compile(r"(?:[.!?…;:]|\.\.\.)[\"”’')\]»]*$")
_INNER_SENTENCE = re.compile(r"[.!?…][\"”’')\]]* +[\"“(]?[^\W\d_]")
_SEPARATOR = re.compile(r"[_\-=*~—–]{3,}")
_FOOTNOTE = re.compile(r"^(?:\[\d{1,3}\]|\(\d{1,3}\)|\*)")

#: Lines at least this many syllables long read as prose even without punctuation.
LONG_LINE = 30
#: Non-prose lines in a row that end a run of prose.
BREAK_AFTER = 2
#: Syllables of a caption-like line (kept around a record's text).
CAPTION = 5
#: How many syllables a headline has at least, when a longer line is at hand.
MIN_TITLE = 5


def syllable_count(line: str) -> int:
    return len(_WORD.findall(line))


def is_junk(line: str) -> bool:
    """No letters: dots, numbers, rules, stray symbols."""
    return not _LETTER.search(line)


def is_prose(line: str) -> bool:
    """A line of running text rather than a label, heading, name or link."""
    n = syllable_count(line)
    if n >= LONG_LINE:
        return True
    if n >= 6 and _ENDS_SENTENCE.search(line):
        return True
    return n >= 10 and bool(_INNER_SENTENCE.search(line))


@dataclass
class Layout:
    """Where the parts of a page are: indexes into the list of lines given to ``layout``."""

    title: int | None = None
    date: int | None = None
    author: str | None = None
    body: list[int] = field(default_factory=list)


def _listing_start(lines: list[str], order: list[int], first_prose: int, dates: dict[int, datetime]) -> int:
    """The index where a list of other articles begins (or len(lines)).

    Markers: a line repeating the line before it, and a bare timestamp line. Two
    markers within a few lines after the article began make a listing; it starts at
    the short heading line above the first marker, if there is one.
    """
    markers = []
    prev = None
    for pos, i in enumerate(order):
        if i > first_prose and (lines[i] == prev or i in dates):
            markers.append(pos)
        prev = lines[i]
    for a, b in pairwise(markers):
        if b - a <= 6:
            start = a - 1 if lines[order[a]] == lines[order[a - 1]] else a
            return order[start]
    return len(lines)


def _runs(order: list[int], prose: set[int]) -> list[list[int]]:
    """Runs of prose: the lines of each, prose and the short lines between (non-junk only)."""
    runs: list[list[int]] = []
    current: list[int] = []
    pending: list[int] = []
    for i in order:
        if i in prose:
            if current and len(pending) < BREAK_AFTER:
                current.extend(pending)
            elif current:
                runs.append(current)
                current = []
            current.append(i)
            pending = []
        else:
            pending.append(i)
    if current:
        runs.append(current)
    return runs


def _stopper(line: str) -> bool:
    """Lines that close the article: a date, a byline, a credit."""
    return bool(parse_date_line(line) or parse_byline(line)[1] or is_credit_line(line))


def _choose_run(lines: list[str], runs: list[list[int]], order: list[int], lenient: bool) -> list[int]:
    """The article's run: the one with the most text, joined with close, solid neighbours.

    A neighbour joins when fewer than four lines part them, none of which is a
    date, and it has two prose lines of its own (a single stray sentence next door
    is more often a comment notice than the article); across a byline or credit
    line only when it is long (at least 40% of the text so far).
    ``lenient`` (a record's text, not a whole page) joins any later run before a
    date, byline or credit: a table or a photo gallery may stand between.
    """
    sizes = [sum(len(lines[i]) for i in run) for run in runs]
    best = max(range(len(runs)), key=lambda k: sizes[k])
    chosen = list(runs[best])
    position = {i: pos for pos, i in enumerate(order)}

    def joinable(gap: list[int], run: list[int], forward: bool) -> bool:
        if not lenient and (len(gap) > 3 or sum(1 for i in run if is_prose(lines[i])) < 2):
            return False
        if any(parse_date_line(lines[i]) for i in gap):
            return False
        # A name line between two long stretches of text is a sub-heading ("Hằng Nga -
        # Khâu Bội Ninh"), not a signature: what follows a signature is short.
        before, after = run if not forward else chosen, chosen if not forward else run
        signed = any(parse_byline(lines[i])[1] or is_credit_line(lines[i]) for i in gap)
        return not signed or 10 * sum(len(lines[i]) for i in after) >= 4 * sum(len(lines[i]) for i in before)

    k = best + 1
    while k < len(runs):
        gap = order[position[chosen[-1]] + 1:position[runs[k][0]]]
        if not joinable(gap, runs[k], True):
            break
        chosen.extend(gap + runs[k])
        k += 1
    k = best - 1
    while k >= 0:
        gap = order[position[runs[k][-1]] + 1:position[chosen[0]]]
        if not joinable(gap, runs[k], False):
            break
        chosen = runs[k] + gap + chosen
        k -= 1
    return chosen


def _captions_after(lines: list[str], order: list[int], run: list[int], stop: int) -> list[int]:
    """Caption-like lines after the run (a record's photo gallery), up to a closing line.

    Caption-like: five syllables or more. Two shorter lines in a row end it.
    """
    out: list[int] = []
    pending: list[int] = []
    for i in order:
        if i <= run[-1]:
            continue
        if i >= stop or _stopper(lines[i]):
            break
        if syllable_count(lines[i]) >= CAPTION:
            out.extend(pending + [i])
            pending = []
        else:
            pending.append(i)
            if len(pending) >= BREAK_AFTER:
                break
    return out


def _title(lines: list[str], header: list[int], date: int | None) -> int | None:
    """The headline among the header lines (see the module's docstring)."""
    candidates = [i for i in header if i != date and not _ENDS_SENTENCE.search(lines[i].rstrip("…"))
                  and 2 <= syllable_count(lines[i]) <= 40]
    if not candidates:
        return None
    if date is not None:
        pos = header.index(date)
        neighbours = [header[p] for p in (pos - 1, pos + 1) if 0 <= p < len(header)]
        for i in neighbours:
            if i in candidates and syllable_count(lines[i]) >= MIN_TITLE:
                return i
    long_enough = [i for i in candidates if syllable_count(lines[i]) >= MIN_TITLE]
    if long_enough:
        return long_enough[-1]
    return max(candidates, key=lambda i: syllable_count(lines[i]))


_Byline = tuple[int | None, str | None, int]  # the byline's index, its author, the article's last line before it


def _byline(lines: list[str], order: list[int], run: list[int]) -> _Byline:
    """The byline's index and author, and the index of the article's last line before it."""
    return (_above_separator(lines, order, run) or _signature_before_end(lines, run)
            or _after_run(lines, order, run))


def _above_separator(lines: list[str], order: list[int], run: list[int]) -> _Byline | None:
    """A name right above a footnote separator, inside the run."""
    in_run = set(run)
    for i in range(run[0], run[-1] + 1):
        if not _SEPARATOR.fullmatch(lines[i]):
            continue
        before = [j for j in order if j < i][-2:]
        if before and before[-1] in in_run:
            author, ok = parse_byline(lines[before[-1]])
            if ok:
                return before[-1], author, before[0]
    return None


def _signature_before_end(lines: list[str], run: list[int]) -> _Byline | None:
    """A signature one line before the run's end: what follows it is a notice, not the article."""
    tail = run[-2:]
    if len(tail) < 2 or is_credit_line(lines[tail[0]]):
        return None
    author, ok = parse_byline(lines[tail[0]])
    if not ok:
        return None
    before = [j for j in run if j < tail[0]]
    return tail[0], author, before[-1] if before else tail[0]


def _after_run(lines: list[str], order: list[int], run: list[int]) -> _Byline:
    """One of the few lines after the run's last sentence, or no byline."""
    in_run = set(run)
    position = {i: pos for pos, i in enumerate(order)}
    last = run[-1]
    while last in in_run and not is_prose(lines[last]) and position[last] > position[run[0]]:
        last = order[position[last] - 1]
    # Not limited by a listing's start: a doubled byline ("Anh Thơ / Anh Thơ") looks like one.
    after = order[position[last] + 1:position[last] + 4]
    for i in after:
        author, ok = parse_byline(lines[i])
        if ok:
            # "Vĩnh Ngọc / Theo DM": the person before the credited outlet.
            if is_credit_line(lines[i]) and i != after[0]:
                prev = order[position[i] - 1]
                prev_author, prev_ok = parse_byline(lines[prev])
                if prev_ok and not is_credit_line(lines[prev]):
                    return prev, prev_author, last
            return i, author, last
        if is_prose(lines[i]):
            break
    return None, None, last


def layout(lines: list[str], lenient: bool = False) -> Layout:
    """Find title, date, byline and body lines in a page's lines (already normalised and stripped).

    ``lenient`` is for a record's text, which is mostly the article already: short
    caption-like lines around the prose are kept (photo galleries, tables' titles),
    where on a whole page lines of that shape at the edges are more often chrome.
    """
    order = [i for i, line in enumerate(lines) if line and not is_junk(line)]
    dates = {i: value for i in order if (value := parse_date_line(lines[i])) is not None}
    found = _article_run(lines, order, dates, lenient)
    if found is None:
        return Layout()
    run, stop = found
    header = [i for i in order if i < run[0]]
    date = max((i for i in header if i in dates), default=None)
    title = _title(lines, header, date)
    if lenient:
        run = _lead_lines(lines, header, title, date) + run
    return _signed(lines, order, run, dates, title, stop, date)


def _article_run(lines: list[str], order: list[int], dates: dict[int, datetime],
                 lenient: bool) -> tuple[list[int], int] | None:
    """The article's run of prose lines and where the page's listing of other stories
    starts; None when the page holds no prose."""
    prose = {i for i in order if is_prose(lines[i])} - set(dates)
    if not prose:
        return None
    stop = _listing_start(lines, order, min(prose), dates)
    before = [i for i in order if i < stop]
    runs = _runs(before, {i for i in prose if i < stop})
    if not runs:
        return None
    run = _choose_run(lines, runs, before, lenient)
    if lenient:
        run = sorted(run + _captions_after(lines, order, run, stop))
    return run, stop


def _lead_lines(lines: list[str], header: list[int], title: int | None, date: int | None) -> list[int]:
    """In a record's text, the header lines after the headline and date long enough to be its
    lead or captions."""
    after = max(title if title is not None else -1, date if date is not None else -1)
    return [i for i in header if i > after and syllable_count(lines[i]) >= CAPTION]


def _signed(lines: list[str], order: list[int], run: list[int], dates: dict[int, datetime], title: int | None,
            stop: int, date: int | None) -> Layout:
    """The layout once the article's lines are known: nothing after the signature is the
    article, except footnotes below a rule."""
    byline, author, last = _byline(lines, order, run)
    body = [i for i in run if i not in dates and i != title and (byline is None or i <= last)]
    if byline is not None:
        body = sorted(set(body) | set(_footnotes(lines, order, byline, stop, set(body))))
    return Layout(title=title, date=date, author=author, body=body)


def _footnotes(lines: list[str], order: list[int], byline: int, stop: int, taken: set[int]) -> list[int]:
    """Footnotes after the byline: prose after a "_____" rule, up to the first non-prose line."""
    after = [i for i in range(byline + 1, min(stop, len(lines))) if lines[i]]
    if not after or not _SEPARATOR.fullmatch(lines[after[0]]):
        return []
    out = []
    for i in after[1:]:
        if is_junk(lines[i]):
            continue
        if not (is_prose(lines[i]) or _FOOTNOTE.match(lines[i])):
            break
        if i not in taken:
            out.append(i)
    return out
