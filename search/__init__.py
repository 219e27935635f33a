"""Searching an index built by :mod:`indexer`: queries, ranking, highlighting, suggestions."""

from .arguments import BadArgument
from .query import QueryError
from .searcher import ArticleView, Hit, SearchResult, Searcher

__all__ = ["ArticleView", "BadArgument", "Hit", "QueryError", "SearchResult", "Searcher"]
