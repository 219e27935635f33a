"""The search API: plain data in, plain data out.

A ``Searcher`` holds an open index (cheap: whoosh reads the table of contents)
and one whoosh searcher per thread, refreshed at each call: one instance can be
shared by threads, and every call sees the newest committed build without
reopening the index files each time.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import Callable, TypeVar

from whoosh import collectors
from whoosh import query as W
from whoosh.util.times import datetime_to_long

from indexer.analysis import syllable_matcher
from indexer.columns import column_values
from indexer.dates import VIETNAM
from indexer.schema import UNDATED
from indexer.stats import key_counts
from indexer.store import default_index_dir, open_index, read_errors

from . import arguments as check
from . import query as Q
from . import rank
from .highlight import Snippet, snippets
from .scoring import OneRarityBM25F
from .suggest import suggest

#: A body syllable in more than this share of the articles is scored through its pairs only.
COMMON_SHARE = 0.25
#: Facet name -> keyword field: provinces before the 2025 reform and after it, apart.
FACET_FIELDS = {"province": "province", "province_2025": "province_2025", "year": "year", "term": "terms"}


@dataclass
class Hit:
    id: str
    title: str
    score: float | None  # None when sorted by date: the order is not a relevance
    published: str | None
    localities: list[dict]
    terms: list[str]
    url: str | None
    snippets: list[Snippet] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain data for JSON (``asdict`` turns the snippets into dicts too)."""
        return asdict(self)


@dataclass
class SearchResult:
    query: str
    total: int
    suggestion: str | None
    hits: list[Hit]
    facets: dict[str, dict[str, int]] | None = None

    def to_dict(self) -> dict:
        data = {"query": self.query, "total": self.total,
                "suggestion": self.suggestion, "hits": [h.to_dict() for h in self.hits]}
        if self.facets is not None:
            data["facets"] = self.facets
        return data


@dataclass
class ArticleView:
    """One stored article, as ``vnsearch show`` prints it."""

    id: str
    title: str
    body: str
    published: str | None
    localities: list[dict]
    terms: list[str]
    author: str | None
    source: str | None
    url: str | None
    years_mentioned: list[int]

    def to_dict(self) -> dict:
        return asdict(self)


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=VIETNAM).isoformat() if value else None


def _meta(stored: dict) -> dict:
    """The JSON ``meta`` stored field: what has no field of its own (localities, terms, author...)."""
    return json.loads(stored.get("meta") or "{}")


def _common(stored: dict, meta: dict) -> dict:
    """The fields a hit and a shown article share, from a document's stored fields and meta."""
    return {"id": stored["id"], "title": stored.get("title", ""), "published": _iso(stored.get("published")),
            "localities": meta.get("localities", []), "terms": meta.get("terms", []), "url": stored.get("url")}


class _Frequency:
    """How many articles hold a term, for the query builder (``query.Frequency``)."""

    def __init__(self, reader, common_above: float):
        self._reader, self._common_above = reader, common_above

    def documents(self, fieldname: str, text: str) -> int:
        return self._reader.doc_frequency(fieldname, text)

    def common(self, fieldname: str, text: str) -> bool:
        return self.documents(fieldname, text) > self._common_above


_Method = TypeVar("_Method", bound=Callable)


def _reads_index(method: _Method) -> _Method:
    """A public method whose lazy reads (stored fields, postings) that find damage or foreign
    content end in the one line ``open_index`` gives, not a traceback from inside whoosh."""
    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        with read_errors(self.index_dir):
            return method(self, *args, **kwargs)
    return reading  # type: ignore[return-value]


class Searcher:
    def __init__(self, index_dir: str | os.PathLike | None = None):
        self.index_dir = index_dir or default_index_dir()
        self._ix = open_index(self.index_dir)
        self._weighting = OneRarityBM25F()
        self._local = threading.local()
        self._opened: list = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Let the index's files go; every later call raises ``SearcherClosed`` instead of reopening them."""
        with self._lock:
            self._closed = True
            for s in self._opened:
                s.close()
            self._opened.clear()
        self._ix.close()

    def _check_open(self) -> None:
        if self._closed:
            raise check.SearcherClosed("this Searcher is closed; open a new one")

    def _searcher(self):
        """This thread's whoosh searcher, reopened if a build has committed since.

        A build commits a new generation; a rebuild swaps in a new folder, whose
        generation may equal the old one's, so both are compared. A fresh reader
        is opened rather than whoosh's ``refresh()``: that one hands the old
        reader's segments to the new reader and closing the old one then closes
        them under it (every later call raised ReaderClosed).
        """
        current = getattr(self._local, "searcher", None)
        try:
            version = (os.stat(self.index_dir).st_ino, self._ix.latest_generation())
        except FileNotFoundError:  # a rebuild is between its two renames: the old index still serves
            version = getattr(self._local, "version", None)
        if current is not None and version == self._local.version:
            return current
        fresh = self._ix.searcher(weighting=self._weighting)
        with self._lock:
            if current is not None:
                self._opened.remove(current)
                current.close()
            self._opened.append(fresh)
        self._local.searcher, self._local.version = fresh, version
        return fresh

    @_reads_index
    def search(self, query: str, *, limit: int = 10, offset: int = 0, province: str | None = None,
               district: str | None = None, commune: str | None = None, since: str | None = None,
               until: str | None = None, term: str | None = None, year: str | int | None = None,
               author: str | None = None, source: str | None = None, sort: str = "relevance",
               facets: bool = False, snippet_count: int = 3) -> SearchResult:
        """Ranked hits for ``query`` with the given filters.

        Raises ``BadArgument`` (a one-line message naming the argument) for any
        argument that cannot mean anything, a filter value that is not a date
        included (``QueryError``, a kind of ``BadArgument``); any text query,
        however odd, is searched.
        """
        self._check_open()
        filters = dict(province=province, district=district, commune=commune, since=since, until=until,
                       term=term, author=author, source=source)
        check.search_arguments(query, limit, offset, filters, year, sort, facets, snippet_count)
        filters["year"] = None if year is None else str(year)
        parsed = Q.parse(query, filters)
        s = self._searcher()
        frequency = _Frequency(s.reader(), COMMON_SHARE * max(1, s.doc_count()))
        main = Q.build(parsed, frequency)
        mask = Q.exclusions(parsed)
        keys = Q.filter_query(parsed.filters)
        window = Q.date_range(parsed.filters)
        if main is None and keys is None and window is None:
            return SearchResult(query, 0, None, [], {} if facets else None)
        if main is None:  # filters alone: list what they select, newest first
            main, sort = W.Every(), "date" if sort == "relevance" else sort
        if keys is not None:
            # Intersected inside the query, so the matcher skips straight to the few
            # allowed articles instead of scoring every match and dropping most.
            main = W.And([main, W.ConstantScoreQuery(keys, 0.0)])
        restrict = self._restriction(s, window)
        if restrict is not None and not restrict:
            # whoosh reads an empty allow-set as no filter at all: nothing can match.
            return SearchResult(query, 0, None, [], {name: {} for name in FACET_FIELDS} if facets else None)
        matcher = syllable_matcher(*Q.highlight_terms(parsed))
        if sort == "date":
            docs = self._matching(s, main, restrict, mask)
            order = self._newest_first(s, docs)[offset:offset + limit]
            hits = [self._hit(s.stored_fields(n), None, matcher, snippet_count) for n in order]
            total = len(docs)
            counts = self._facet_counts(s, docs) if facets else None
        else:
            order = rank.Ranked(parsed.positive_text(), partial(frequency.documents, "body_fold"), s.doc_count_all())
            reordered = rank.CANDIDATES if len(order.words) > 1 else 0
            results = self._first_phase(s, main, restrict, mask, max(offset + limit, reordered))
            ranked = self._ranked(results, order, reordered, offset + limit)
            hits = [self._hit(stored, score, matcher, snippet_count) for score, stored in ranked[offset:offset + limit]]
            total = len(results)
            counts = self._facet_counts(s, self._matching(s, main, restrict, mask)) if facets else None
        return SearchResult(query, total, suggest(s, parsed.text, parsed.syllables()), hits, counts)

    @staticmethod
    def _first_phase(s, main, restrict: set[int] | None, mask, limit: int):
        """The best ``limit`` matches by BM25F, every match counted.

        whoosh's top-N collector by default skips blocks that cannot beat the
        current N-th score and, every ten matches, swaps the matcher for one
        without the terms that can no longer help. On our unions of many terms
        that bookkeeping cost more than it saved, and the swap also made its
        count (and with ``PreloadedOr``, its top N) wrong. Without either the total
        is exact, and bench/curve.py at 19,100 articles went from p95 242 to 82 ms.
        """
        collector = collectors.TopCollector(limit, usequality=False, replace=0)
        if restrict is not None or mask is not None:
            collector = collectors.FilterCollector(collector, restrict, mask)
        s.search_with_collector(main, collector)
        return collector.results()

    @staticmethod
    def _ranked(results, order: rank.Ranked, reordered: int, wanted: int) -> list[tuple[float, dict]]:
        """(score, stored fields) of the first ``wanted`` hits: the first ``reordered``
        reranked by word order (``search.rank``), any deeper ones after them in
        first-phase order, every score on the reranked scale."""
        if not reordered:
            return [(r.score, r.fields()) for r in results[:wanted]]
        top = (results[0].score if len(results.top_n) else 0) or 1.0  # hits come best first
        scaled = [(r.score / top, r.fields()) for r in results[:max(reordered, wanted)]]
        return order.rerank(scaled[:reordered]) + scaled[reordered:]

    def _restriction(self, s, window) -> set[int] | None:
        """The document numbers a date window allows, or None when there is none."""
        if window is None:
            return None
        start, end = window
        low = datetime_to_long(start) if start else 0
        high = datetime_to_long(end) if end else UNDATED - 1
        return {n for n, v in enumerate(self._published(s)) if low <= v <= high}

    def _published(self, s) -> list[int]:
        """Raw publication times by document number, cached with this thread's searcher."""
        cached = getattr(self._local, "published", None)
        if cached is None or cached[0] is not s:
            cached = (s, column_values(s.reader(), "published"))
            self._local.published = cached
        return cached[1]

    def _newest_first(self, s, docs: set[int]) -> list[int]:
        """Dated articles newest first, then the undated ones (whose raw value is past any date)."""
        published = self._published(s)
        return sorted(docs, key=lambda n: (published[n] >= UNDATED, -published[n], n))

    @staticmethod
    def _hit(stored: dict, score: float | None, matcher, snippet_count: int) -> Hit:
        return Hit(**_common(stored, _meta(stored)), score=None if score is None else round(float(score), 4),
                   snippets=snippets(stored.get("body", ""), matcher, snippet_count))

    @staticmethod
    def _matching(s, main, restrict: set[int] | None, mask) -> set[int]:
        """Every live article the query, the date window and the exclusions let through."""
        docs = set(s.docs_for_query(main))
        if restrict is not None:
            docs &= restrict
        if mask is not None:
            docs -= set(s.docs_for_query(mask))
        return docs

    @staticmethod
    def _facet_counts(s, docs: set[int]) -> dict[str, dict[str, int]]:
        """The matches counted by province (pre-2025, 2025), year and term."""
        return {name: key_counts(s.reader(), fieldname, docs) for name, fieldname in FACET_FIELDS.items()}

    @_reads_index
    def suggest(self, query: str) -> str | None:
        """The did-you-mean line alone, without running the search: what type-ahead asks for at each key."""
        self._check_open()
        parsed = Q.parse(query)
        return suggest(self._searcher(), parsed.text, parsed.syllables())

    @_reads_index
    def get(self, doc_id: str) -> ArticleView | None:
        """The stored article with this id, or None; ``BadArgument`` if the id is not a non-empty string."""
        self._check_open()
        check.text("doc_id", doc_id, optional=False)
        if not doc_id:
            raise check.BadArgument("doc_id must be a non-empty string")
        stored = self._searcher().document(id=doc_id)
        if stored is None:
            return None
        meta = _meta(stored)
        return ArticleView(**_common(stored, meta), body=stored.get("body", ""), author=meta.get("author"),
                           source=meta.get("source"), years_mentioned=meta.get("years_mentioned", []))
