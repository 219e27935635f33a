"""Searching an index built by :mod:`indexer`: queries, ranking, highlighting, suggestions."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what a user's type checker sees; at run time each name loads on first use
    from .arguments import BadArgument, SearcherClosed
    from .filters import QueryError
    from .searcher import ArticleView, Hit, Searcher, SearchResult

__all__ = ["ArticleView", "BadArgument", "Hit", "QueryError", "SearchResult", "Searcher", "SearcherClosed"]

#: Where each public name lives.
_HOMES = {"BadArgument": "arguments", "SearcherClosed": "arguments", "QueryError": "filters", **dict.fromkeys(
    ("ArticleView", "Hit", "SearchResult", "Searcher"), "searcher")}


def __getattr__(name: str) -> object:
    # Loaded on first use, as in ``indexer``: the command (``search.__main__``) must
    # start before whoosh and underthesea load, so that a Ctrl-C meanwhile is its to answer.
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
