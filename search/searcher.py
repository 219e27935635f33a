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
import re
import threading
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from whoosh import query as W
from whoosh.reading import IndexReader
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.util.times import datetime_to_long

from indexer.articles.dates import VIETNAM
from indexer.engine.columns import column_values
from indexer.engine.schema import BODY, BODY_FOLD, DOC_ID, META, PUBLISHED, TITLE, UNDATED, URL
from indexer.engine.store import default_index_dir, open_index, read_errors
from indexer.engine.whoosh_internals import deleted_ids

from . import arguments as check
from . import filters as F
from . import query as Q
from . import rank, ranking, union
from .answer import CommonTerms, Postings, Vocabulary, Words, answer, holding_some, lacking, read_words
from .collect import SplitCollector
from .facets import key_counts
from .highlight import Snippet, matcher, snippets, spans
from .scoring import OneRarityBM25F
from .suggest import suggest

if TYPE_CHECKING:
    from typing_extensions import Unpack


@dataclass
class Hit:
    id: str
    title: str
    score: float | None  # None when sorted by date: the order is not a relevance
    published: str | None
    about: list[dict[str, Any]] = field(metadata={
        "description": "Where the story happened: units (province, province_2025, district, commune), primary "
                       "first, usually one, at most three."})
    mentions: list[dict[str, Any]] = field(metadata={"description": "Every other unit the article names."})
    places: list[str] = field(metadata={
        "description": "`about` as people write places, one chain each: \"xã Tứ Cường, huyện Thanh Miện, Hải Dương\"."})
    terms: list[str]
    url: str | None
    source: str | None = field(default=None, metadata={
        "description": "The outlet: its site or name, as `vnsearch show` gives it (null when unknown)."})
    snippets: list[Snippet] = field(default_factory=list)
    title_highlights: list[tuple[int, int]] = field(default_factory=list, metadata={
        "description": "(start, end) spans of `title` holding the query's words."})
    missing: list[str] = field(default_factory=list, metadata={
        "description": "The words a partial match lacks, as typed; empty for an answer (an article holding every "
                       "word)."})

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (``asdict`` turns the snippets into dicts too)."""
        return asdict(self)


@dataclass
class SearchResult:
    """What a search found. ``total`` counts the answer set: the articles (within the filters) that hold
    every word of the query, exactly, and so does every facet; ``partial_total`` counts the articles
    that hold only some of its words, which follow the answer set in ``hits`` when it is shorter than
    the page (each marked with what it ``missing``); that count covers the terms the ranking searched
    (the rarest ten of a long query, see ``ranking.MAX_UNITS``), so it is not exact."""

    query: str
    total: int = field(metadata={
        "description": "The articles, within the filters, that hold every word of the query; exact."})
    suggestion: str | None
    hits: list[Hit] = field(metadata={
        "description": "The answer set ranked; when it ends before offset + limit, the best partial matches follow."})
    facets: dict[str, dict[str, int]] | None = field(default=None, metadata={
        "description": "The answer set counted exactly by province, province_2025, year, term (most first) and "
                       "month (in order of time)."})
    partial_total: int = field(default=0, metadata={
        "description": "The articles that hold some of the words but not all; not exact (see partial_exact)."})
    total_exact: bool = field(default=True, metadata={"description": "Always true: `total` is counted, not estimated."})
    partial_exact: bool = field(default=False, metadata={
        "description": "Whether `partial_total` is exact: false, it counts a word of several syllables by its "
                       "syllables and pairs (and a query of more than four words by the terms the ranking read)."})

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"query": self.query, "total": self.total, "total_exact": self.total_exact,
                "partial_total": self.partial_total, "partial_exact": self.partial_exact,
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
    about: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    places: list[str]
    terms: list[str]
    author: str | None
    source: str | None
    url: str | None
    years_mentioned: list[int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=VIETNAM).isoformat() if value else None


def _meta(stored: dict[str, Any]) -> dict[str, Any]:
    """The JSON ``meta`` stored field: what has no field of its own (localities, terms, author...)."""
    meta: dict[str, Any] = json.loads(stored.get(META) or "{}")
    return meta


def _common(stored: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """The fields a hit and a shown article share, from a document's stored fields and meta."""
    # An index made before about and mentions kept one list of every place named (it is rebuilt by the next build).
    about = meta.get("about", meta.get("localities", []))
    places = meta.get("places")
    if places is None:  # an index made before the chains were stored with the article
        from indexer.articles.places import Locality, place_chain  # the gazetteer: a fifth of a second to load

        places = [place_chain(Locality.from_dict(d)) for d in about]
    return {"id": stored[DOC_ID], "title": stored.get(TITLE, ""), "published": _iso(stored.get(PUBLISHED)),
            "about": about, "mentions": meta.get("mentions", []), "places": places,
            "terms": meta.get("terms", []), "url": stored.get(URL)}


def _texts(stored: dict[str, Any]) -> tuple[str, str]:
    """A stored article's (title, body): the texts its words are looked for in."""
    return stored.get(TITLE, ""), stored.get(BODY, "")


#: Microseconds in a day: whoosh keeps a DATETIME as microseconds since 0001-01-01.
_DAY = 86_400_000_000


@functools.lru_cache(maxsize=20_000)
def _month(day: int) -> str:
    """The "YYYY-MM" of a day number (articles share their days: each is worked out once)."""
    return date.fromordinal(day + 1).strftime("%Y-%m")


def month_of(published: int) -> str:
    """The month of a raw ``published`` column value, for the timeline."""
    return _month(published // _DAY)


@dataclass
class _Page:
    """The page being made: which hits, and how each is shown."""

    offset: int
    limit: int
    snippet_count: int
    marks: re.Pattern[str] | None  # the query's words and phrases, whole (``highlight.matcher``)
    stored: Callable[[int], dict[str, Any]]  # an article's stored fields by number (read once per search)
    partial: bool = True  # whether partial matches follow a short answer set

    @property
    def end(self) -> int:
        """Where the page ends in the ranking: the position after its last hit."""
        return self.offset + self.limit

    def room(self, answers: int) -> int:
        """How many partial matches the page shows after an answer set of ``answers`` articles."""
        return max(0, self.end - answers) if self.partial else 0

    def hit(self, n: int, score: float | None, missing: list[str] | None = None) -> Hit:
        stored = self.stored(n)
        title, body = _texts(stored)
        meta = _meta(stored)
        return Hit(**_common(stored, meta), source=meta.get("source"),
                   score=None if score is None else round(float(score), 4),
                   snippets=snippets(body, self.marks, self.snippet_count), title_highlights=spans(title, self.marks),
                   missing=missing or [])


class _Frequency:
    """How many articles hold a term, for the query builder (``query.Frequency``)."""

    def __init__(self, reader: IndexReader, common_above: float) -> None:
        self._reader, self._common_above = reader, common_above

    def documents(self, fieldname: str, text: str) -> int:
        held: int = self._reader.doc_frequency(fieldname, text)
        return held

    def common(self, fieldname: str, text: str) -> bool:
        return self.documents(fieldname, text) > self._common_above


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _reads_index(method: _Method) -> _Method:
    """A public method whose lazy reads (stored fields, postings) that find damage or foreign
    content end in the one line ``open_index`` gives, not a traceback from inside whoosh."""
    @functools.wraps(method)
    def reading(self: Searcher, *args: Any, **kwargs: Any) -> Any:
        with read_errors(self.index_dir):
            return method(self, *args, **kwargs)
    return reading  # type: ignore[return-value]


class Searcher:
    def __init__(self, index_dir: str | os.PathLike[str] | None = None) -> None:
        self.index_dir = index_dir or default_index_dir()
        self._ix = open_index(self.index_dir)
        self._weighting = OneRarityBM25F(B=ranking.BM25_B, K1=ranking.BM25_K1)
        self._local = threading.local()
        self._opened: list[WhooshSearcher] = []
        self._lock = threading.Lock()
        self._closed = False
        self._common: tuple[Any, CommonTerms] | None = None  # (index version, CommonTerms)

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
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

    def _searcher(self) -> WhooshSearcher:
        """This thread's whoosh searcher, reopened if a build has committed since.

        A build commits a new generation; a folder swapped in whole (by a deployment) may
        have the old one's generation, so the folder's inode is compared too. A fresh reader
        is opened rather than whoosh's ``refresh()``: that one hands the old
        reader's segments to the new reader and closing the old one then closes
        them under it (every later call raised ReaderClosed).
        """
        current = getattr(self._local, "searcher", None)
        version: tuple[int, int] | None
        try:
            version = (os.stat(self.index_dir).st_ino, self._ix.latest_generation())
        except FileNotFoundError:  # someone is swapping whole index folders: the old index still serves
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
    def search(self, query: str, *, limit: int = 10, offset: int = 0, sort: str = "relevance", facets: bool = False,
               snippet_count: int = 3, partial: bool = True, **filters: Unpack[F.FilterValues]) -> SearchResult:
        """The articles that hold every word of ``query`` within the given filters, ranked.

        ``filters``: each of ``search.filters.FILTERS`` by name (``province="Bình Dương"``,
        ``since="2020-01"``, ``year=2018``...), a string or None (a year may be an int).

        With fewer of them than ``offset + limit`` (relevance order only), the best
        partial matches follow, each with the words it lacks; ``partial=False``: the
        answer set alone (an export), and ``partial_total`` is 0. Raises ``BadArgument``
        (a one-line message naming the argument) for any argument that cannot mean
        anything, a filter value that is not a date included (``QueryError``, a kind
        of ``BadArgument``); any text query, however odd, is searched.
        """
        self._check_open()
        given = F.filter_values(dict(filters))
        year = given.pop(F.YEAR_FILTER.name)
        check.search_arguments(query, limit, offset, given, year, sort, facets, snippet_count)
        check.flag("partial", partial)
        given[F.YEAR_FILTER.name] = None if year is None else str(year)
        parsed = Q.parse(query, given)
        s = self._searcher()
        keys = F.filter_query(parsed.filters)
        allowed = self._allowed(s, keys, F.date_range(parsed.filters))
        words = read_words(parsed, Vocabulary(s))
        if not words.groups and allowed is None:
            return SearchResult(query, 0, None, [], {} if facets else None)
        postings = Postings(s, self._common_terms())
        # An article read to make sure it holds a word is read once: ranking and snippets read it again.
        stored = functools.lru_cache(maxsize=None)(s.stored_fields)
        found = answer(words, postings, allowed, lambda n: _texts(stored(n))).docs
        page = _Page(offset, limit, snippet_count, matcher(w.source for w in words.sequences()), stored, partial)
        if sort == "date" or not words.groups:  # filters alone: what they select, newest first
            hits, partial_total = self._by_date(s, found, page), 0
        else:
            hits, partial_total = self._by_relevance(s, parsed, words, found, keys is not None, allowed, postings,
                                                     page)
        counts = self._facet_counts(s, found) if facets else None
        return SearchResult(query, len(found), suggest(s, parsed.text, parsed.syllables()), hits, counts,
                            partial_total=partial_total)

    def _by_date(self, s: WhooshSearcher, found: set[int], page: _Page) -> list[Hit]:
        """The page by date: the dated articles newest first, then the undated ones (whose raw value is
        past any date); no score, and no partial matches (a date says nothing of how near one comes)."""
        published = self._published(s)
        newest_first = sorted(found, key=lambda n: (published[n] >= UNDATED, -published[n], n))
        return [page.hit(n, None) for n in newest_first[page.offset:page.end]]

    def _by_relevance(self, s: WhooshSearcher, parsed: Q.ParsedQuery, words: Words, found: set[int], filtered: bool,
                      allowed: set[int] | None, postings: Postings, page: _Page) -> tuple[list[Hit], int]:
        """The page by relevance: the answer set ranked in two phases, then, when it is shorter than
        the page, the partial matches ranked the same way; and how many partial matches there are."""
        frequency = _Frequency(s.reader(), ranking.COMMON_SYLLABLE_SHARE * max(1, s.doc_count()))
        reranker = rank.Ranked(parsed.positive_text(), partial(frequency.documents, BODY_FOLD), s.doc_count_all())
        depth = ranking.CANDIDATES if len(reranker.words) > 1 else 0  # how many the second phase reorders
        # An article holding an excluded word is no partial match either (by its terms: the list after the
        # answer set may leave out one too many, never show one it should not).
        excluded = set().union(*(postings.holders(e, None) for e in words.excluded))
        counted = page.partial and len(words.groups) >= 2  # with one word, an article holding it is an answer
        # The union the ranking reads also matches articles holding none of the words as typed ("trận đấu"
        # for "tràn dầu", through its folded pair): a short query's partial matches are the articles
        # holding one of its words by its terms; a longer one's (a pasted headline), the union's.
        few_words = counted and len(words.groups) <= ranking.COUNTED_GROUPS
        some = holding_some(words, postings, allowed) if few_words else None
        collector = self._first_phase(s, Q.scoring(parsed, frequency), filtered, allowed, excluded, found, page,
                                      depth, counted and some is None)
        # Answers the union missed hold every word only through the terms it left out (the commonest).
        answers = collector.ranked() + [(0.0, n) for n in sorted(found - collector.seen)]
        ranked = self._ranked(page.stored, answers, reranker, depth)
        hits = [page.hit(n, score) for score, n in ranked[page.offset:page.end]]
        if not counted:
            return hits, 0
        if some is not None:
            partial_total = len(some - found - excluded)
        else:
            assert collector.partial_total is not None  # the union was asked to count its matches
            partial_total = collector.partial_total
        if page.room(len(found)):
            hits += self._partial_hits(page, words, found, collector.ranked_partial(), reranker, depth, some)
        return hits, partial_total

    def _first_phase(self, s: WhooshSearcher, scoring: W.Query | None, filtered: bool, allowed: set[int] | None,
                     excluded: set[int], found: set[int], page: _Page, depth: int, count: bool) -> SplitCollector:
        """The first phase: the union of the query's terms scored (``union.scores``) and collected, the
        answer set's best as many as the page or the second phase wants and, when the page has room for
        partial matches, the best of the others; every article the union matched counted when ``count``."""
        room = page.room(len(found))
        # Spare partial candidates: those holding none of the words as typed are passed over.
        collector = SplitCollector(found, max(page.end, depth), ranking.PARTIAL_SPARE * max(room, depth) if room else 0)
        if scoring is not None and allowed != set():
            # Without partial matches to rank, only the answer set's scores are wanted (and the union's
            # size, when that counts the partial matches); with them, the filtered articles' only.
            collector.collect(*self._union(s, scoring, filtered, allowed, excluded, allowed if room else found, count))
        return collector

    def _partial_hits(self, page: _Page, words: Words, found: set[int], candidates: list[tuple[float, int]],
                      reranker: rank.Ranked, depth: int, some: set[int] | None) -> list[Hit]:
        """The partial matches the page shows after the answer set: the first phase's best ``candidates``
        reordered by the second (as deep as the answers when there are none: a headline whose article
        lacks a word is found among them; shallower after answers), those not among ``some`` (when the
        query's words pick them) passed over, each marked with the words it lacks."""
        room = page.room(len(found))
        partial_depth = depth if not found else min(depth, ranking.PARTIAL_CANDIDATES)
        hits: list[Hit] = []
        for score, n in self._ranked(page.stored, candidates, reranker, partial_depth):
            if some is not None and n not in some:
                continue
            missing = lacking(words, _texts(page.stored(n)))
            if missing:  # its text holds every word where its terms do not (a number inside another): neither
                hits.append(page.hit(n, score, missing))
                if len(hits) == room:
                    break
        return hits[max(0, page.offset - len(found)):]

    @staticmethod
    def _union(s: WhooshSearcher, scoring: W.Query, filtered: bool, allowed: set[int] | None, excluded: set[int],
               within: set[int] | None, count: bool) -> tuple[dict[int, float], AbstractSet[int] | None]:
        """The first phase's scores of the articles the filters let through, none excluded (of those
        ``within`` only, when given), and every article it matched there (None: not counted, ``union.scores``)."""
        matches = union.scores(s, scoring, within, count)
        scores, matched = matches.scores, matches.matched
        if allowed is not None:
            scores = {n: scores[n] for n in scores.keys() & allowed}
            matched = None if matched is None else matched & allowed
        if excluded:
            scores = {n: scores[n] for n in scores.keys() - excluded}
            matched = None if matched is None else matched - excluded
        if filtered:
            # Filters were a clause of the scored query, ``ConstantScoreQuery(keys, 0.0)``; whoosh scores
            # its matches 1.0 (a ``ListMatcher`` takes an all-weights 0.0 for none, then 1.0), which every
            # allowed article's score carries, and the second phase's scale with it (``ranking.FILTERED_SCORE``).
            scores = {n: score + ranking.FILTERED_SCORE for n, score in scores.items()}
        return scores, matched

    @staticmethod
    def _ranked(stored: Callable[[int], dict[str, Any]], scored: list[tuple[float, int]], reranker: rank.Ranked,
                depth: int) -> list[tuple[float, int]]:
        """(score, document number) of ``scored`` (first-phase score, document number, best first): the first
        ``depth`` reranked by word order (``search.rank``, which reads them), the rest after them in
        first-phase order, every score on the reranked scale."""
        if not depth:
            return scored
        top = (scored[0][0] if scored else 0) or 1.0
        head = reranker.rerank([(score / top, stored(n), n) for score, n in scored[:depth]])
        return [(score, n) for score, _, n in head] + [(score / top, n) for score, n in scored[depth:]]

    def _allowed(self, s: WhooshSearcher, keys: W.Query | None,
                 window: tuple[datetime | None, datetime | None] | None) -> set[int] | None:
        """The articles the filters and the date window let through, or None when there are none."""
        allowed = None if keys is None else set(s.docs_for_query(keys))
        if window is not None:
            start, end = window
            low = datetime_to_long(start) if start else 0
            high = datetime_to_long(end) if end else UNDATED - 1
            dated = {n for n, v in enumerate(self._published(s)) if low <= v <= high}
            allowed = dated if allowed is None else allowed & dated
        return allowed

    def _common_terms(self) -> CommonTerms:
        """The common terms' bitmaps of the index version this thread's searcher reads, shared by every
        thread reading it (a build's commit makes a new version, and new bitmaps)."""
        version = self._local.version
        with self._lock:
            if self._common is None or self._common[0] != version:
                self._common = (version, CommonTerms())
            common: CommonTerms = self._common[1]
            return common

    def _published(self, s: WhooshSearcher) -> list[int]:
        """Raw publication times by document number, cached with this thread's searcher; a deleted
        (replaced or pruned) article is UNDATED, since its old copy keeps its date in the column until a
        merge, and no date window may find it."""
        cached = getattr(self._local, "published", None)
        if cached is None or cached[0] is not s:
            values = column_values(s.reader(), PUBLISHED)
            for n in deleted_ids(s.reader()):
                values[n] = UNDATED
            cached = (s, values)
            self._local.published = cached
        published: list[int] = cached[1]
        return published

    def _facet_counts(self, s: WhooshSearcher, docs: set[int]) -> dict[str, dict[str, int]]:
        """The answer set counted by each of ``filters.FACETS``, and by month (a timeline)."""
        counts = {facet.name: key_counts(s.reader(), facet.field, docs, facet.prefix) for facet in F.FACETS}
        published = self._published(s)
        months = Counter(month_of(published[n]) for n in docs if published[n] < UNDATED)
        counts["month"] = dict(sorted(months.items()))
        return counts

    @_reads_index
    def marks(self, query: str, text: str) -> list[tuple[int, int]]:
        """Where ``text`` (an article's stored title or body) holds the words of ``query``, as (start, end)
        spans: what a page showing the article a search led to marks, the way the hits were marked."""
        self._check_open()
        check.text("query", query, optional=False)
        check.text("text", text, optional=False)
        words = read_words(Q.parse(query), Vocabulary(self._searcher()))
        return spans(text, matcher(s.source for s in words.sequences()))

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
        return ArticleView(**_common(stored, meta), body=stored.get(BODY, ""), author=meta.get("author"),
                           source=meta.get("source"), years_mentioned=meta.get("years_mentioned", []))
