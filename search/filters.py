"""The filters and facets: one table says what each is called everywhere and what it looks up.

A filter has one name, which is its ``name:value`` inside a query, its ``--name``
option, its ``?name=`` parameter of the API and the page, and its argument of
``Searcher.search``: the query parser, the command's options, the API's
parameters and the page's chips and facet blocks are all made from ``FILTERS``
and ``FACETS``, so a new filter is an entry here (and its tests), nowhere else.

A filter looks up the keys ``indexer.keys`` makes of its value, in the keyword
fields the index filled with the keys of each article's values
(``indexer.engine.schema``, whose field names the entries use: the indexer never
imports ``search``), so "binh duong" and "tỉnh Bình Dương" meet. The two date
bounds are read off the ``published`` column instead (see ``date_range``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal, TypedDict

from whoosh import query as W

from indexer import keys
from indexer.engine.schema import (
    AUTHOR,
    COMMUNE,
    DISTRICT,
    MENTIONS,
    PROVINCE,
    PROVINCE_2025,
    PUBLISHED,
    SOURCE,
    TERM_YEARS,
    TERMS,
    YEAR,
)

from .arguments import BadArgument


class QueryError(BadArgument):
    """A filter value that cannot mean anything (a date that is not a date); one line.

    A ``BadArgument``: catching that catches every refused argument.
    """


#: What a filter's value is: free text (a name, a term: its keys looked up), a four-digit year,
#: or a bound of the publication window (a date, not looked up in a keyword field).
Kind = Literal["text", "year", "since", "until"]


@dataclass(frozen=True)
class Filter:
    """One filter: its name everywhere, the fields it looks up, and what each interface says of it."""

    name: str
    #: The index fields it looks up: an article holding a key of the value in any of them passes.
    fields: tuple[str, ...]
    #: The keys a value is looked up by (the index made an article's the same way); None for a date bound.
    keys: Callable[[str], list[str]] | None
    #: The page's name for it (the chip "Tỉnh, thành: Hà Nội").
    label: str
    #: The help of its ``vnsearch search`` option.
    help: str
    #: The description of its API parameter, where it says other than ``help`` (which it is by default).
    description: str = ""
    kind: Kind = "text"

    def __post_init__(self) -> None:
        if not self.description:
            object.__setattr__(self, "description", self.help)


def _key(key: Callable[[str], str]) -> Callable[[str], list[str]]:
    """A filter's keys from a key function: one key."""
    return lambda value: [key(value)]


def _year(value: str) -> list[str]:
    if not re.fullmatch(r"\d{4}", value):
        raise QueryError(f"year must be four digits, not '{value}'")
    return [value]


FILTERS = (
    Filter("province", (PROVINCE, PROVINCE_2025), _key(keys.province_key), "Tỉnh, thành",
           help="Province the story happened in, old or 2025 name, with or without diacritics ('binh duong', "
                "'TP.HCM').",
           description="Province the story happened in (the article is about it), pre-2025 or 2025 name, with or "
                       "without diacritics."),
    Filter("district", (DISTRICT,), _key(keys.district_key), "Quận, huyện",
           help="District (huyện, quận, thị xã, city), with or without diacritics and prefix."),
    Filter("commune", (COMMUNE,), _key(keys.commune_key), "Xã, phường",
           help="Commune or ward (xã, phường, thị trấn), with or without diacritics and prefix."),
    # A unit of any level the article names, about it or not: the value may be any level's name.
    Filter("mentions", (MENTIONS,), keys.mention_lookups, "Có nhắc đến",
           help="A place of any level the article names, whether or not it is about it."),
    Filter("since", (PUBLISHED,), None, "Từ ngày", kind="since",
           help="Published on or after (2020-01-31, 31/01/2020, 2020-01, 2020).",
           description="Published on or after: 2020-01-31, 31/01/2020, 2020-01 or 2020."),
    Filter("until", (PUBLISHED,), None, "Đến ngày", kind="until",
           help="Published on or before (same forms as --since; 2020-01 means up to its last day).",
           description="Published on or before."),
    Filter("term", (TERMS,), _key(keys.term_key), "Nhiệm kỳ",
           help="Term period: '2015-2020', 'nhiệm kỳ 2015-2020', 'khóa XII', 'quoc hoi khoa 14'.",
           description="Term period: 2015-2020, khóa XII."),
    # The years the article's terms cover, and the year it was published.
    Filter("year", (TERM_YEARS, YEAR), _year, "Năm", kind="year",
           help="Articles whose terms cover this year, or published in it.",
           description="Four digits: articles whose terms cover the year, or published in it."),
    Filter("author", (AUTHOR,), _key(keys.name_key), "Tác giả",
           help="Author as the byline gives it, with or without diacritics."),
    Filter("source", (SOURCE,), _key(keys.source_key), "Nguồn",
           help="Source: a site ('baobinhduong.vn', 'www.' optional) or an outlet's name.",
           description="A site (baobinhduong.vn, www. optional) or an outlet's name."),
)
BY_NAME = {f.name: f for f in FILTERS}
NAMES = tuple(BY_NAME)
#: The publication window's bounds, and the filter whose value may be a number.
SINCE, UNTIL = (next(f for f in FILTERS if f.kind == kind) for kind in ("since", "until"))
YEAR_FILTER = next(f for f in FILTERS if f.kind == "year")


class FilterValues(TypedDict, total=False):
    """``Searcher.search``'s filter arguments, for an app's type checker: ``FILTERS`` by name (a test
    holds the two to each other), each a string or None; a year may be an int."""

    province: str | None
    district: str | None
    commune: str | None
    mentions: str | None
    since: str | None
    until: str | None
    term: str | None
    year: str | int | None
    author: str | None
    source: str | None


@dataclass(frozen=True)
class Facet:
    """One facet: the answer set counted by the keys of a keyword field."""

    name: str
    field: str
    #: The filter a value narrows by, when the page links it.
    filter: Filter
    #: The page's heading for it, where it says other than its filter's label (which it is by default).
    label: str = ""
    #: Only keys starting with this are counted (and it is not shown).
    prefix: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.filter.label)


#: In the order the facets are listed: where the articles are about, before the 2025 reform and after it,
#: apart (so that each counts an article once); the (pre-2025) provinces they name; year; term. The
#: timeline (``month``) is no facet to narrow by: its bars narrow by ``since`` and ``until``.
FACETS = (
    Facet("province", PROVINCE, BY_NAME["province"]),
    Facet("province_2025", PROVINCE_2025, BY_NAME["province"], "Tỉnh, thành (từ 2025)"),
    Facet("mentions", MENTIONS, BY_NAME["mentions"], prefix=f"{keys.MENTION_LEVELS['province']}:"),
    Facet("year", YEAR, BY_NAME["year"]),
    Facet("term", TERMS, BY_NAME["term"]),
)


def filter_values(given: dict[str, Any], function: str = "search") -> dict[str, Any]:
    """Every filter's value by name (None when not given), from keyword arguments, refusing a name no
    filter has as Python refuses an unexpected keyword argument."""
    unknown = sorted(given.keys() - BY_NAME.keys())
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r}")
    return {name: given.get(name) for name in NAMES}


def filter_query(filters: dict[str, str]) -> W.Query | None:
    """The filters looked up in the keyword fields, as a whoosh query (None without any).

    Dates are not in it: see ``date_range``.
    """
    parts: list[W.Query] = []
    for name, value in filters.items():
        lookups = BY_NAME[name].keys
        if lookups is None:
            continue
        terms = [W.Term(field, key) for field in BY_NAME[name].fields for key in lookups(str(value).strip())]
        parts.append(terms[0] if len(terms) == 1 else W.Or(terms))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else W.And(parts)


def _date(value: str, end: bool) -> datetime:
    try:
        if re.fullmatch(r"\d{4}", value):
            day = date(int(value), 12, 31) if end else date(int(value), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{1,2}", value):
            y, m = map(int, value.split("-"))
            day = date(y, m, calendar.monthrange(y, m)[1] if end else 1)
        elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            d, m, y = map(int, value.split("/"))
            day = date(y, m, d)
        else:
            day = date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"'{value}' is not a date (use 2020-01-31, 31/01/2020, 2020-01 or 2020)") from None
    return datetime.combine(day, time.max if end else time.min)


def date_range(filters: dict[str, str]) -> tuple[datetime | None, datetime | None] | None:
    """The ``since``/``until`` window (inclusive, Vietnam wall time), or None.

    Searched against the ``published`` column rather than as a whoosh DateRange,
    whose expansion into numeric terms costs most of a second on 20,000 articles.
    """
    since, until = filters.get(SINCE.name), filters.get(UNTIL.name)
    if not (since or until):
        return None
    start = _date(since, end=False) if since else None
    end = _date(until, end=True) if until else None
    if start and end and start > end:
        raise QueryError(f"--{SINCE.name} {since} is after --{UNTIL.name} {until}")
    return start, end
