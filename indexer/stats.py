"""What an index holds: articles, date span, counts by province (pre-2025 and 2025) and term, size.

``key_counts`` also serves the search's facets: both count articles per key of a
keyword field and show the key as people write it.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

from whoosh.util.times import long_to_datetime

from .columns import column_values
from .places import province_name
from .schema import UNDATED
from .store import open_index, read_errors, size_on_disk
from .terms import normalize_term
from .whoosh_internals import posting_ids

#: How the folded keys of each keyword field are written for people.
KEY_NAMES: dict[str, Callable[[str], str]] = {
    "province": province_name,
    "province_2025": province_name,
    "mentions": province_name,
    "terms": lambda key: normalize_term(key) or key,
}


def key_counts(reader, fieldname: str, docs: set[int], prefix: str = "") -> dict[str, int]:
    """Articles among ``docs`` per key of a keyword field (those starting with ``prefix``, which is not
    shown), most first, keys written for people.

    Keys written alike are one entry counting each article once. A field the
    index lacks (made before the field existed) counts nothing rather than failing.
    """
    if fieldname not in reader.schema:
        return {}
    name = KEY_NAMES.get(fieldname, str)
    found: dict[str, set[int]] = {}
    for term in reader.expand_prefix(fieldname, prefix) if prefix else reader.lexicon(fieldname):
        term = term.decode("utf-8") if isinstance(term, bytes) else term
        matched = docs.intersection(posting_ids(reader, fieldname, term))
        if matched:
            found.setdefault(name(term[len(prefix):]), set()).update(matched)
    return dict(sorted(((k, len(v)) for k, v in found.items()), key=lambda kv: (-kv[1], kv[0])))


def publication_dates(raw: Iterable[int]) -> list:
    """The dates among raw ``published`` column values, undated ones left out."""
    return [long_to_datetime(v) for v in raw if 0 < v < UNDATED]


def index_stats(index_dir: str | os.PathLike) -> dict:
    ix = open_index(index_dir)
    with read_errors(index_dir), ix.reader() as reader:
        live = set(reader.all_doc_ids())
        dates = column_values(reader, "published")
        published = sorted(publication_dates(dates[n] for n in live))
        return {
            "index": str(index_dir),
            "articles": len(live),
            "first_published": published[0].date().isoformat() if published else None,
            "last_published": published[-1].date().isoformat() if published else None,
            "undated": len(live) - len(published),
            "provinces": key_counts(reader, "province", live),
            "provinces_2025": key_counts(reader, "province_2025", live),
            "terms": key_counts(reader, "terms", live),
            "bytes": size_on_disk(index_dir),
        }
