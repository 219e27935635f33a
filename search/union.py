"""The first phase's union: every article holding one of the ranking query's terms, with its score.

whoosh runs ``query.scoring``'s union (a ``PreloadedOr``) through its matcher
stack: each posting climbs four or five Python calls for its weight, its field
length and its BM25F score, and each matched article one more climb to the
collector; its all-pairs intersection and headline phrase leapfrog through
their terms' blocks to find the few articles that hold them. At 100,000
articles a query's union is some 20,000 articles and that was two thirds of a
search's time. Here each term's postings are read a block at a time and scored
in one loop with whoosh's own arithmetic (the length part of it from a table of
the 256 lengths a length byte stands for); the intersection is taken from those
scores, and the phrase is looked for only in the articles holding all its words
(whoosh's own span test, on whoosh's matchers). Each article's parts are summed
in the order whoosh sums them (its matcher trees rebuilt by its own tree
builders), so every score is the float whoosh gives, to the last bit, and the
ranking is whoosh's. A query of any other shape goes through whoosh's matchers.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from operator import add
from typing import cast

from whoosh import query as W
from whoosh.matching import Matcher
from whoosh.scoring import BM25FScorer
from whoosh.searching import SearchContext, Searcher
from whoosh.util import make_binary_tree, make_weighted_tree

from indexer.engine.whoosh_internals import (
    byte_to_length,
    holding,
    holds_phrase,
    per_document_reader,
    posting_blocks,
    posting_ids,
)


@dataclass
class Matches:
    """What the union matched: ``scores``, document number -> score, of every match (of the matches among
    the articles asked for, when the caller asked for some only), and ``matched``, every match (None when
    the caller asked for some articles only and not for the count)."""

    scores: dict[int, float]
    matched: AbstractSet[int] | None


def scores(searcher: Searcher, query: W.Query, within: AbstractSet[int] | None = None, count: bool = True) -> Matches:
    """Every article ``query`` matches (document numbers in ``searcher``), scored as whoosh's collector
    would see them (``searcher.search_with_collector``); only those ``within`` are scored when it is given,
    and without ``count`` only they are looked for.

    Scoring a posting costs more than reading it, and reading a block of postings more
    than passing over it by its header: a caller that needs the scores of the answer
    set alone (a page of answers, no partial matches after it) has the rest of a union
    of common words counted, not scored, or not read at all. An article a clause matches
    scores above zero then (BM25F with positive boosts always does), as whoosh's union requires.
    """
    clauses, boost = _clauses(query)
    if within is not None and not _boosts_positive(query):
        within = None
    wanted = None if within is None else sorted(within)
    context = searcher.context()
    found: dict[int, float] = {}
    matched: set[int] = set()
    for leaf_searcher, offset in searcher.leaf_searchers():
        local = None if wanted is None else _in_segment(wanted, offset, leaf_searcher.doc_count_all())
        summed = _Segment(leaf_searcher, context, local, count).union(clauses, boost, matched, offset)
        if not found and not offset:
            found = summed
        else:
            found.update(zip(map(offset.__add__, summed), summed.values(), strict=True))
    return Matches(found, found.keys() if within is None else matched if count else None)


def _clauses(query: W.Query) -> tuple[list[W.Query], float]:
    """The union's clauses, and the boost their sum is multiplied by (``ArrayUnionMatcher`` multiplies
    by its own; a lone clause is not)."""
    if isinstance(query, W.PreloadedOr) and len(query.subqueries) > 1:
        return query.subqueries, query.boost
    return [query], 1.0


def _in_segment(wanted: list[int], offset: int, doc_count: int) -> set[int]:
    """Those of ``wanted`` (ascending) in the segment of ``doc_count`` documents from ``offset``,
    numbered in the segment."""
    return set(map((-offset).__add__, wanted[bisect_left(wanted, offset):bisect_left(wanted, offset + doc_count)]))


def _boosts_positive(query: W.Query) -> bool:
    return query.boost > 0 and all(map(_boosts_positive, query.children()))


def _matches(matcher: Matcher) -> dict[int, float]:
    """Every match of a whoosh matcher, with its score."""
    found: dict[int, float] = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


def _add(part: dict[int, float], summed: dict[int, float]) -> None:
    """A clause's scores added to the sums so far: per article, the sum so far plus the clause's score
    (what ``ArrayUnionMatcher`` computes, an article's clauses in order), the articles new to the sums
    taking the clause's score as it is (0.0 + score), in one C-speed update."""
    both = summed.keys() & part.keys()
    added = {n: summed[n] + part[n] for n in both}
    summed.update(part)
    summed.update(added)


#: A clause's scores in a segment and, when they are of some articles only, every article it matches.
_Part = tuple["dict[int, float] | None", "AbstractSet[int] | None"]
#: The same, of a clause this module scores.
_Scored = tuple["dict[int, float]", "AbstractSet[int] | None"]


class _Segment:
    """One segment's scores of the union's clauses, each term's read once; of the articles ``within``
    only (numbers in the segment), when given, the others counted or (without ``count``) not read."""

    def __init__(self, leaf_searcher: Searcher, context: SearchContext, within: set[int] | None = None,
                 count: bool = True) -> None:
        self.searcher, self.context, self.within, self.count = leaf_searcher, context, within, count
        self._among = None if within is None or count else sorted(within)
        self.reader = leaf_searcher.reader()
        self._terms: dict[tuple[str, str, float, float], _Part] = {}

    def union(self, clauses: list[W.Query], boost: float, matched: set[int], offset: int) -> dict[int, float]:
        """The clauses' scores summed per article as ``ArrayUnionMatcher`` sums them, times ``boost``: of the
        articles ``within`` only, when given, and every article matched then added to ``matched`` (numbered
        from the segment's ``offset``) when counted."""
        summed: dict[int, float] = {}
        counted = self.within is not None and self.count
        for clause in clauses:
            part, docs = self.clause(clause)
            if part is None:  # a clause of another shape: whoosh's matcher
                part, docs = _matches(clause.matcher(self.searcher, self.context)), None
            if counted:
                every = part if docs is None else docs
                matched.update(map(offset.__add__, every) if offset else every)
            _add(part if boost == 1.0 else {n: score * boost for n, score in part.items()}, summed)
        if self.within is not None:
            summed = {n: summed[n] for n in summed.keys() & self.within}
        # ``ArrayUnionMatcher`` passes over an article whose sum is not above zero.
        if summed and min(summed.values()) <= 0:
            summed = {n: score for n, score in summed.items() if score > 0}
        return summed

    def clause(self, clause: W.Query) -> _Part:
        """(document number in the segment -> the clause's score, every article it matches if not all
        of those); None scores for a clause of a shape this module does not score."""
        if isinstance(clause, W.Term):
            return self.term(clause)
        if isinstance(clause, W.And):
            return self._intersection(clause)
        if isinstance(clause, W.Phrase):
            return self._phrase(clause), None
        return None, None

    def term(self, term: W.Term) -> _Part:
        key = (term.fieldname, term.text, term.boost, term.minquality)
        if key not in self._terms:
            self._terms[key] = self._read_term(term)
        return self._terms[key]

    def _read_term(self, term: W.Term) -> _Part:
        """As whoosh's ``Term.matcher`` scores it: BM25F (``WrappingMatcher`` multiplying by the boost)."""
        text = self._held(term)
        if text is None:
            return {}, None  # no such field or term: no match
        scorer = self.searcher.weighting.scorer(self.searcher, term.fieldname, text, qf=1)
        lengths_of = getattr(per_document_reader(self.reader), "lengths", None)
        if type(scorer) is not BM25FScorer or lengths_of is None or term.minquality:
            return None, None
        return self._bm25f(term, text, scorer, lengths_of(term.fieldname))

    def _held(self, term: W.Term) -> bytes | None:
        """The term's text as the segment holds it; None when the segment holds no such term (or field)."""
        fieldname = term.fieldname
        if fieldname not in self.searcher.schema:
            return None
        try:
            text: bytes = self.searcher.schema[fieldname].to_bytes(term.text)
        except ValueError:
            return None
        return text if (fieldname, text) in self.reader else None

    def _bm25f(self, term: W.Term, text: bytes, scorer: BM25FScorer, lengths: bytes | None) -> _Scored:
        """The term's postings scored a block at a time with ``scorer``'s arithmetic; ``lengths``: the
        field's length column (a length byte per document), None when the field has none."""
        # bm25() is idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))): its last term depends on the
        # length alone. Without a length column every length reads as 1 (the scorer's default).
        # (Byte 0's norm is None: the arithmetic below fails there, as whoosh's score does.)
        norm = cast("tuple[float, ...]", _length_norms(scorer.K1, scorer.B, scorer.avgfl))
        idf, k1_plus_1, boost = scorer.idf, scorer.K1 + 1, term.boost
        within = self.within
        found: dict[int, float] = {}
        docs: set[int] | None = None if within is None or not self.count else set()
        for ids, weights in posting_blocks(self.reader, term.fieldname, text, self._among):
            if within is not None:
                if docs is not None:
                    docs.update(ids)
                if within.isdisjoint(ids):
                    continue
                weight_of = dict(zip(ids, weights, strict=True))
                ids = list(within.intersection(ids))
                weights = [weight_of[n] for n in ids]
            held = zip(ids, weights, [norm[lengths[n]] for n in ids] if lengths is not None else [norm[256]] * len(ids),
                       strict=True)
            if boost == 1.0:
                found.update((n, idf * ((tf * k1_plus_1) / (tf + nm))) for n, tf, nm in held)
            else:
                found.update((n, idf * ((tf * k1_plus_1) / (tf + nm)) * boost) for n, tf, nm in held)
        return found, docs

    def _intersection(self, query: W.And) -> _Part:
        """An ``And`` of terms and two-term ``Or``s (``query``'s all-pairs clause), scored as whoosh's
        ``IntersectionMatcher`` tree over ``UnionMatcher``s scores it, from the terms' own scores."""
        subs = query.subqueries
        if len(subs) < 2:
            return None, None
        reads = []
        for sub in subs:
            read = self._two_terms(sub)
            if read is None:
                return None, None
            reads.append(read)
        units = [[part for part, _ in read] for read in reads]
        held = set.intersection(*(set().union(*parts) for parts in units))
        docs = None if self.within is None or not self.count else _matching_all(reads)
        if not held:
            return {}, docs
        # The tree whoosh builds (``And._matcher``): ordered by the units' estimated sizes, ties by matcher class.
        tree = make_weighted_tree(_Both, [(0 - sub.estimate_size(self.reader), _Unit(parts))
                                          for sub, parts in zip(subs, units, strict=True)])
        boost = query.boost
        return {n: tree.score(n) * boost if boost != 1.0 else tree.score(n) for n in held}, docs

    def _two_terms(self, sub: W.Query) -> list[_Scored] | None:
        """The scores of the two terms of an ``Or`` of two (a unit of the all-pairs clause); None when
        ``sub`` is of another shape, or a term is not scored here."""
        # Each a ``UnionMatcher`` in whoosh, so they compare alike in its tree builder.
        if not (type(sub) is W.Or and len(sub.subqueries) == 2 and sub.boost == 1.0 and not sub.scale
                and not sub.minmatch and all(type(t) is W.Term for t in sub.subqueries)):
            return None
        read = [(part, every) for part, every in map(self.term, sub.subqueries) if part is not None]
        return read if len(read) == 2 else None

    def _phrase(self, phrase: W.Phrase) -> dict[int, float] | None:
        """A phrase looked for in the articles that hold all its words, with whoosh's span test, and scored
        as ``Phrase.matcher`` scores it: its terms' scores summed in a binary tree, times its boost."""
        words = self._phrase_words(phrase)
        if words is None:
            return None  # whoosh says why
        held = self._holding_all(phrase.fieldname, words) if words else set()
        found: dict[int, float] = {}
        if not held:
            return found
        matchers = [W.Term(phrase.fieldname, word).matcher(self.searcher, self.context) for word in words]
        for n in sorted(held):
            for matcher in matchers:
                matcher.skip_to(n)
            if holds_phrase(matchers, phrase.slop):
                score = make_binary_tree(add, [matcher.score() for matcher in matchers])
                found[n] = score * phrase.boost if phrase.boost != 1.0 else score
        return found

    def _phrase_words(self, phrase: W.Phrase) -> list[bytes] | None:
        """The phrase's words as the segment holds them ([] when it lacks one, or the field); None when the
        field keeps no positions to match a phrase by."""
        fieldname = phrase.fieldname
        if fieldname not in self.searcher.schema:
            return []
        field = self.searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return None
        try:
            words = [field.to_bytes(word) for word in phrase.words]
        except ValueError:
            return []
        return [] if any((fieldname, word) not in self.reader for word in words) else words

    def _holding_all(self, fieldname: str, words: list[bytes]) -> set[int]:
        """The articles holding every one of ``words``: the rarest's, checked against the others in turn."""
        rarest = sorted(set(words), key=lambda word: self.reader.doc_frequency(fieldname, word))
        held = set(posting_ids(self.reader, fieldname, rarest[0]))
        for word in rarest[1:]:
            if not held:
                break
            held = holding(self.reader, fieldname, word, held)
        return held


def _matching_all(reads: list[list[_Scored]]) -> set[int]:
    """Every article an ``And`` of ``Or``s matches, from its terms' reads: those holding a term of each."""
    return set.intersection(*(set().union(*(part if every is None else every for part, every in read))
                              for read in reads))


class _Node:
    """A node of whoosh's matcher tree where ``make_weighted_tree`` compares nodes: by class alone, as
    whoosh's matchers compare (``Matcher.__eq__``, ``__lt__``)."""

    def score(self, n: int) -> float:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return self.__class__ is type(other)

    def __lt__(self, other: object) -> bool:
        return type(other) is self.__class__

    __hash__ = None  # type: ignore[assignment]


class _Unit(_Node):
    """A ``UnionMatcher`` of two terms: the scores of those an article holds, added."""

    def __init__(self, parts: list[dict[int, float]]) -> None:
        self.parts = parts

    def score(self, n: int) -> float:
        held = [part[n] for part in self.parts if n in part]
        return held[0] if len(held) == 1 else held[0] + held[1]


class _Both(_Node):
    """An ``IntersectionMatcher``: its two sides' scores added."""

    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b = a, b

    def score(self, n: int) -> float:
        return self.a.score(n) + self.b.score(n)


@lru_cache(maxsize=64)
def _length_norms(k1: float, b: float, avgfl: float) -> tuple[float | None, ...]:
    """``K1 * ((1 - B) + B * fl / avgfl)`` for the length each length byte stands for (None for byte 0,
    which ``codec`` reads as no length: whoosh's score fails there, and so does this), then for length 1."""
    return tuple(k1 * ((1 - b) + b * fl / avgfl) if fl is not None else None
                 for fl in [byte_to_length(lb) if lb else None for lb in range(256)] + [1])
