"""Turning search results into text for people (terminal, HTML, CSV); JSON is ``to_dict``.

Every format states the counts the same way: the answer set (the articles that
hold every word of the query, counted exactly) first, then the articles that
hold only some of them, "about" when that count is not exact; and each partial
match that follows the answer set says what it lacks.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import click

from .highlight import Snippet
from .searcher import ArticleView, Hit, SearchResult


def _marked_text(text: str, spans: Iterable[tuple[int, int]], mark: Callable[[str], str],
                 plain: Callable[[str], str]) -> str:
    """``text`` with each (start, end) span passed through ``mark`` and the rest through ``plain``."""
    out, last = [], 0
    for start, end in spans:
        out.append(plain(text[last:start]))
        out.append(mark(text[start:end]))
        last = end
    out.append(plain(text[last:]))
    return "".join(out)


def _marked(snippet: Snippet, mark: Callable[[str], str], plain: Callable[[str], str]) -> str:
    return _marked_text(snippet.text, snippet.highlights, mark, plain).replace("\n", " ")


def where(places: list[str]) -> str:
    """Where the story happened, as people write it: its places, each one chain ("xã Phú Thuận, huyện
    Thoại Sơn, An Giang"), joined."""
    return "; ".join(places)


#: What a browser drops from a link before reading its scheme (the WHATWG URL parser):
#: C0 control characters and spaces at either end, tabs and newlines anywhere.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_GAPS = str.maketrans("", "", "\t\n\r")


def safe_link(url: str | None) -> str | None:
    """A scraped article's link, only if it is http(s) with a host, as a browser would read it; else None.

    Scraped links are hostile input: ``javascript:``, ``data:`` and the like run or
    show something in the reader's page. The scheme is judged after the clean-up a
    browser does itself, so ``" JaVa\tScript:"`` cannot slip past as something else,
    and the cleaned link is what is returned, so what is shown is what is followed.
    """
    if not url:
        return None
    cleaned = url.strip(_URL_EDGES).translate(_URL_GAPS)
    parts = urlsplit(cleaned)
    return cleaned if parts.scheme in ("http", "https") and parts.netloc else None


def _approximately(n: int, exact: bool, about: str) -> str:
    return f"{n:,}" if exact else f"{about} {n:,}"


def has_words(result: SearchResult) -> bool:
    """Whether the search had a query to hold (else its filters alone chose the articles)."""
    return bool(result.query.strip())


def how_many(result: SearchResult, query: str | None = None) -> str:
    """The counts in English, as the terminal and HTML output state them: "12 articles hold every
    word of 'tràn dầu' · about 340 hold some of them"; ``query``: the query as the format shows it."""
    total = _approximately(result.total, result.total_exact, "about")
    articles = f"{total} article{'s' if result.total != 1 else ''}"
    if not has_words(result):
        return articles  # filters alone: there are no words to hold
    line = f"{articles} hold{'s' if result.total == 1 else ''} every word of {query or repr(result.query)}"
    if result.partial_total:
        partial = _approximately(result.partial_total, result.partial_exact, "about")
        line += f" · {partial} hold{'s' if result.partial_total == 1 else ''} some of them"
    return line


def split(result: SearchResult, offset: int = 0) -> tuple[list[Hit], list[Hit]]:
    """A page's hits as (the answer set's, the partial matches after it), by position, as ``hits`` is
    documented: the answer set's ``total`` articles come first; ``offset`` is where the page starts."""
    answers = max(0, min(len(result.hits), result.total - offset))
    return result.hits[:answers], result.hits[answers:]


def missing(hit: Hit) -> str:
    """A partial match's missing words as typed, joined: 'Thủ Dầu Một, "xã Phú Thuận"'."""
    return ", ".join(hit.missing)


#: The line before the first partial match, in the terminal and HTML output.
PARTIAL_HEADING = "Holding only some of the words:"


def render_text(result: SearchResult, color: bool, offset: int = 0) -> str:
    """The result for a terminal; ``offset``: the number of hits before this page."""
    mark = (lambda s: click.style(s, fg="yellow", bold=True)) if color else (lambda s: f"[{s}]")
    lines = [f"Did you mean: {result.suggestion}"] if result.suggestion else []
    lines.append(how_many(result))
    partial = split(result, offset)[1]
    for i, hit in enumerate(result.hits, offset + 1):
        if partial and hit is partial[0]:
            lines += ["", PARTIAL_HEADING]
        lines += _hit_lines(i, hit, mark, color)
    if result.facets:
        lines += [""] + _facet_lines(result.facets)
    return "\n".join(lines)


def _hit_lines(i: int, hit: Hit, mark: Callable[[str], str], color: bool) -> list[str]:
    """One hit for a terminal: its number and title, id and details, missing words, snippets."""
    def bold(s: str) -> str:
        return click.style(s, bold=True)

    # Marked in colour only: brackets in a plain title would be copied with it.
    title = _marked_text(hit.title, hit.title_highlights, lambda s: bold(mark(s)), bold) if color else hit.title
    details = " · ".join(x for x in [(hit.published or "")[:10], where(hit.places), ", ".join(hit.terms[:3]),
                                       "" if hit.score is None else f"score {hit.score:.2f}"] if x)
    lines = ["", f"{i}. {title}", f"   {hit.id}  {details}"]
    if hit.missing:
        lines.append(f"   Missing: {missing(hit)}")
    return lines + [f"   … {_marked(s, mark, str)} …" for s in hit.snippets]


def _facet_lines(facets: dict[str, dict[str, int]]) -> list[str]:
    """A line of counts per facet (empty when nothing matched, or when the index predates the
    facet's field), then the timeline."""
    lines = [f"{name}: " + (", ".join(f"{k} ({v})" for k, v in list(counts.items())[:10]) or "-")
             for name, counts in facets.items() if name not in TIMELINE_FACETS]
    return lines + text_timeline(timeline(facets.get("month") or {}))


def marked_html(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped, each span in ``<mark>``: marks wrap escaped text, nothing is unescaped."""
    return _marked_text(text, spans, lambda t: f"<mark>{html.escape(t)}</mark>", html.escape)


def snippet_html(snippet: Snippet) -> str:
    """The snippet escaped, each matched span in ``<mark>``: marks wrap escaped text, nothing is unescaped."""
    return marked_html(snippet.text, snippet.highlights).replace("\n", " ")


def paragraphs_html(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """An article body's paragraphs (split at blank lines, blank ones left out), each escaped with its
    part of the marks in ``<mark>``; a mark that runs over a paragraph break is marked on both sides."""
    spans = sorted(spans)
    out, start = [], 0
    while start <= len(text):
        end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
            out.append(marked_html(text[start:end], inside))
        start = end + 2
    return out


def _hit_html(hit: Hit) -> str:
    e = html.escape
    link = safe_link(hit.url)
    title = marked_html(hit.title, hit.title_highlights)
    if link:
        title = f'<a href="{e(link)}" rel="noopener noreferrer nofollow">{title}</a>'
    parts = [f"<li><h3>{title}</h3><p class=\"meta\">{e(hit.published or '')} {e(where(hit.places))}</p>"]
    if hit.missing:
        parts.append(f"<p class=\"missing\">Missing: {e(missing(hit))}</p>")
    parts += [f"<p>…{snippet_html(s)}…</p>" for s in hit.snippets]
    return "\n".join(parts + ["</li>"])


def render_html(result: SearchResult, offset: int = 0) -> str:
    """The result as an HTML fragment; ``offset``: the number of hits before this page."""
    e = html.escape
    parts = [f"<section class=\"vnsearch\"><p class=\"count\">{how_many(result, f'<q>{e(result.query)}</q>')}</p>"]
    if result.suggestion:
        parts.append(f"<p>Did you mean: <em>{e(result.suggestion)}</em></p>")
    answers, partial = split(result, offset)
    if answers or not partial:
        parts += [f"<ol start=\"{offset + 1}\">" if offset else "<ol>", *map(_hit_html, answers), "</ol>"]
    if partial:
        # A list of its own, numbered on from the answer set's: these hold only some of the words.
        parts += [f"<p class=\"partial\">{e(PARTIAL_HEADING)}</p>", f"<ol start=\"{offset + len(answers) + 1}\">",
                  *map(_hit_html, partial), "</ol>"]
    parts.append("</section>")
    return "\n".join(parts)


# -- the timeline: the answer set by month, or by year over a long span ------------------------------------------

#: Facets that are a timeline, not a list of values to filter by (``since``/``until`` are its filter).
TIMELINE_FACETS = frozenset({"month"})
#: Past this many months from the first to the last, the timeline counts years.
MONTHS_SHOWN = 48


@dataclass(frozen=True)
class Bar:
    """One bar of the timeline: "2020-06" (or "2020"), its count, and the ``since``/``until`` that select it."""

    label: str
    count: int
    since: str
    until: str


@dataclass(frozen=True)
class Timeline:
    unit: str  # "month" or "year"
    bars: list[Bar]

    @property
    def largest(self) -> int:
        return max((b.count for b in self.bars), default=0)


def timeline(months: dict[str, int]) -> Timeline:
    """The ``month`` facet ({"2017-03": 12, ...}) as bars from its first month to its last, empty ones
    included (a gap is news too); by year when that is more than ``MONTHS_SHOWN`` months."""
    if not months:
        return Timeline("month", [])
    keys = sorted(months)
    first, last = (int(keys[0][:4]), int(keys[0][5:7])), (int(keys[-1][:4]), int(keys[-1][5:7]))
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if span > MONTHS_SHOWN:
        years: dict[str, int] = {}
        for key, n in months.items():
            years[key[:4]] = years.get(key[:4], 0) + n
        labels = [str(y) for y in range(first[0], last[0] + 1)]
        return Timeline("year", [Bar(y, years.get(y, 0), y, y) for y in labels])
    bars = []
    for k in range(span):
        year, month = first[0] + (first[1] - 1 + k) // 12, (first[1] - 1 + k) % 12 + 1
        label = f"{year:04d}-{month:02d}"
        bars.append(Bar(label, months.get(label, 0), label, label))
    return Timeline("month", bars)


#: A bar's last cell, in eighths: "▏" is one eighth of a "█".
_EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
BAR_CELLS = 40


def text_bar(count: int, largest: int, cells: int = BAR_CELLS) -> str:
    """``count`` as a bar of block characters, ``cells`` wide for the ``largest``; any count above 0 shows."""
    if count <= 0 or largest <= 0:
        return ""
    eighths = max(1, round(count / largest * cells * 8))
    return "█" * (eighths // 8) + _EIGHTHS[eighths % 8]


def text_timeline(line: Timeline) -> list[str]:
    """The timeline as lines of a terminal bar chart: label, bar, count; nothing when it has no bars."""
    if not line.bars:
        return []
    width = len(f"{line.largest:,}")
    lines = [f"timeline by {line.unit}:"]
    for bar in line.bars:
        lines.append(f"  {bar.label:<7}  {text_bar(bar.count, line.largest):<{BAR_CELLS}}  {bar.count:>{width},}")
    return lines


# -- CSV: the answer set for a spreadsheet -------------------------------------------------------------------------

CSV_COLUMNS = ("id", "title", "published", "provinces", "districts", "terms", "source", "url", "score")
#: What makes a spreadsheet read a cell as a formula (or a DDE command) rather than text (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> str:
    """A cell as text, never a formula: one that starts (after any spaces) as a formula would gets a
    leading apostrophe, which spreadsheets show as text and do not run; lists are joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def _distinct(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def csv_row(hit: Hit) -> list[str]:
    return [csv_cell(v) for v in (
        hit.id, hit.title, hit.published, _distinct(loc.get("province") for loc in hit.about),
        _distinct(loc.get("district") for loc in hit.about), hit.terms, hit.source, hit.url,
        None if hit.score is None else f"{hit.score:g}")]


def csv_chunks(result: SearchResult, offset: int = 0) -> Iterator[str]:
    """The answer set (not the partial matches after it) as CSV text, in rank order, a row at a time;
    ``offset``: where in the answer set the hits start.

    The first chunk starts with a byte-order mark: Excel reads a CSV file without one
    in the machine's legacy code page (Windows-1258 on a Vietnamese Windows, 1252 on
    most others) and garbles every diacritic; with it, it reads UTF-8. Other
    spreadsheets and the ``csv`` module (``encoding="utf-8-sig"``) take it in stride.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def chunk(row: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        return buffer.getvalue()

    yield "\ufeff" + chunk(CSV_COLUMNS)
    for hit in split(result, offset)[0]:
        yield chunk(csv_row(hit))


def render_article(article: ArticleView) -> str:
    lines = [article.title, ""]
    for label, value in [("id", article.id), ("published", article.published), ("author", article.author),
                         ("source", article.source), ("url", article.url),
                         ("about", where(article.places)),
                         ("mentions", ", ".join(dict.fromkeys(loc["province"] for loc in article.mentions))),
                         ("terms", ", ".join(article.terms))]:
        if value:
            lines.append(f"{label:<11}{value}")
    return "\n".join(lines + ["", article.body])
