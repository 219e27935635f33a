"""Facet counting: articles per key of a keyword field, each key written as people write it.

The search's facets and the index's statistics (``search.stats``) both count this way.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh.reading import IndexReader

from indexer.articles.places import province_name
from indexer.articles.terms import normalize_term
from indexer.engine.schema import MENTIONS, PROVINCE, PROVINCE_2025, TERMS
from indexer.engine.whoosh_internals import posting_ids

#: How the folded keys of each keyword field are written for people.
KEY_NAMES: dict[str, Callable[[str], str]] = {
    PROVINCE: province_name,
    PROVINCE_2025: province_name,
    MENTIONS: province_name,
    TERMS: lambda key: normalize_term(key) or key,
}


def key_counts(reader: IndexReader, fieldname: str, docs: set[int], prefix: str = "") -> dict[str, int]:
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
