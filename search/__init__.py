"""Searching an index built by :mod:`indexer`: queries, ranking, highlighting, suggestions."""

from .query import QueryError
from .searcher import ArticleView, Hit, SearchResult, Searcher

__all__ = ["ArticleView", "Hit", "QueryError", "SearchResult", "Searcher"]
