"""What an index holds: articles, date span, counts by province (pre-2025 and 2025) and term, size."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from typing import TypedDict

from whoosh.util.times import long_to_datetime

from indexer.engine.columns import column_values
from indexer.engine.schema import PROVINCE, PROVINCE_2025, PUBLISHED, TERMS, UNDATED
from indexer.engine.store import open_index, read_errors, size_on_disk

from .facets import key_counts


def publication_dates(raw: Iterable[int]) -> list[datetime]:
    """The dates among raw ``published`` column values, undated ones left out."""
    return [long_to_datetime(v) for v in raw if 0 < v < UNDATED]


class IndexStats(TypedDict):
    """``index_stats``: counts by province and term are articles per key, most first."""

    index: str
    articles: int
    first_published: str | None
    last_published: str | None
    undated: int
    provinces: dict[str, int]
    provinces_2025: dict[str, int]
    terms: dict[str, int]
    bytes: int


def index_stats(index_dir: str | os.PathLike[str]) -> IndexStats:
    ix = open_index(index_dir)
    with read_errors(index_dir), ix.reader() as reader:
        live = set(reader.all_doc_ids())
        dates = column_values(reader, PUBLISHED)
        published = sorted(publication_dates(dates[n] for n in live))
        return {
            "index": str(index_dir),
            "articles": len(live),
            "first_published": published[0].date().isoformat() if published else None,
            "last_published": published[-1].date().isoformat() if published else None,
            "undated": len(live) - len(published),
            "provinces": key_counts(reader, PROVINCE, live),
            "provinces_2025": key_counts(reader, PROVINCE_2025, live),
            "terms": key_counts(reader, TERMS, live),
            "bytes": size_on_disk(index_dir),
        }
