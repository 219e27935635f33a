"""What the library accepts as arguments, and the one exception it raises otherwise.

An app passing ``offset=-5`` or ``sort="bogus"`` has a bug; silently searching
something else hides it, and a bare ``ValueError`` from deep in whoosh does not
say which argument was wrong. Every refusal is a ``BadArgument`` whose message
names the argument, what was given and what is allowed, in one line.
"""

from __future__ import annotations

from typing import Any

#: The most hits one call returns; past this an app should page with ``offset``.
MAX_LIMIT = 10_000
SORTS = ("relevance", "date")


class BadArgument(ValueError):
    """An argument of ``Searcher.search`` or ``Searcher.get`` that cannot mean anything; one line."""


class SearcherClosed(BadArgument):
    """A call on a ``Searcher`` after ``close()``: its files are let go, so an app must open a new one.

    A kind of ``BadArgument`` (the searcher is the argument that cannot be used),
    so code catching that sees one line here too instead of whoosh's empty ``ReaderClosed``.
    """


def _given(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def whole_number(name: str, value: Any, low: int, high: int | None = None) -> None:
    """Refuse anything but an int in [low, high] (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadArgument(f"{name} must be a whole number, not {_given(value)}")
    if value < low or (high is not None and value > high):
        allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise BadArgument(f"{name} must be {allowed}, not {value}")


def text(name: str, value: Any, optional: bool = True) -> None:
    """Refuse anything but a string (or None, when the argument is optional)."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise BadArgument(f"{name} must be a string{' or None' if optional else ''}, not {_given(value)}")


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise BadArgument(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")


def flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise BadArgument(f"{name} must be True or False, not {_given(value)}")


def search_arguments(query: Any, limit: Any, offset: Any, filters: dict[str, Any], year: Any, sort: Any,
                     facets: Any, snippet_count: Any) -> None:
    """Check every argument of ``Searcher.search`` before any work is done."""
    text("query", query, optional=False)
    whole_number("limit", limit, 1, MAX_LIMIT)
    whole_number("offset", offset, 0)
    for name, value in filters.items():
        text(name, value)
    if year is not None and not (isinstance(year, str) or (isinstance(year, int) and not isinstance(year, bool))):
        raise BadArgument(f"year must be a four-digit year (int or string) or None, not {_given(year)}")
    choice("sort", sort, SORTS)
    flag("facets", facets)
    whole_number("snippet_count", snippet_count, 0, 100)
