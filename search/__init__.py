"""Searching an index built by :mod:`indexer`: queries, ranking, highlighting, suggestions."""
