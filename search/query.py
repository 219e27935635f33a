"""From what a user types to a whoosh query.

We parse queries ourselves instead of using whoosh's QueryParser: people paste
unbalanced quotes, lone dashes and thousands of characters, and each of those
must still give a sensible search, never a syntax error.

Parsing gives clauses (words, quoted phrases, exclusions, OR) and filters; which
articles answer them is ``search.answer``'s to decide, and this module builds the
query that ranks them (``scoring``). Per syllable: typed with diacritics, it scores
that exact syllable (after tone normalisation, so "khoá" finds "khóa"); typed
without, every accented form through the folded field (a number, with nothing to
fold, counts as typed exactly: see ``typed_exact``). Adjacent syllables add a
folded-pair term, which is what lifts passages and headlines typed as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from whoosh import query as Q

from indexer.analysis import Token, pairs, syllables
from indexer.engine.schema import BODY, BODY_FOLD, BODY_PAIR, TITLE, TITLE_FOLD, TITLE_PAIR
from indexer.text import has_diacritics, visible

from . import filters as F
from . import ranking

#: The longest query taken, in characters (the API refuses a longer one); how many of its syllables
#: are searched is ranking policy (``ranking.MAX_SYLLABLES``).
MAX_QUERY_CHARS = 1000
BODY_FIELDS = (BODY, BODY_FOLD)

class Frequency(Protocol):
    """What the query builder asks of an index about a term (the searcher's reader answers)."""

    def documents(self, fieldname: str, text: str) -> int: ...

    def common(self, fieldname: str, text: str) -> bool: ...


@dataclass
class Clause:
    tokens: list[Token]
    phrase: bool = False
    negated: bool = False
    alternative: bool = False  # joined to the previous clause with OR


@dataclass
class ParsedQuery:
    #: The query as parsed (NFC, control characters blanked, cut to MAX_QUERY_CHARS):
    #: every token's start and end point into it, so a suggestion can rewrite words in place.
    text: str = ""
    clauses: list[Clause] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    def syllables(self) -> list[Token]:
        return [t for c in self.positive for t in c.tokens]

    def positive_text(self) -> str:
        """The text of the positive clauses as typed (punctuation kept), one space between clauses."""
        return " ".join(self.text[c.tokens[0].start:c.tokens[-1].end] for c in self.positive)


_BRACKETS = re.compile(r"[()\[\]{}]")
_PIECE = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[a-z]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+))', re.IGNORECASE)


def parse(text: str, filters: dict[str, str | None] | None = None) -> ParsedQuery:
    """Split a query into clauses and fielded filters; never raises on odd syntax."""
    text = visible(unicodedata.normalize("NFC", text))[:MAX_QUERY_CHARS]
    # Brackets group nothing here; blanking them (same length) keeps offsets valid in ``text``.
    scan = _BRACKETS.sub(" ", text)
    parsed = ParsedQuery(text, filters={k: v for k, v in (filters or {}).items() if v not in (None, "")})
    pending_or = False
    budget = ranking.MAX_SYLLABLES
    for m in _PIECE.finditer(scan):
        content = "quoted" if m.group("quoted") is not None else "bare"
        name = (m.group("field") or "").lower()
        if name in F.BY_NAME:
            parsed.filters.setdefault(name, m.group(content))
            continue
        operator = m.group(content) if not name and content == "bare" else None
        if operator in ("OR", "AND"):
            pending_or = bool(parsed.clauses) if operator == "OR" else pending_or
            continue
        clause = _clause(scan, m, content, name, budget, pending_or)
        if clause is None:
            continue
        parsed.clauses.append(clause)
        pending_or = False
        budget -= len(clause.tokens)
        if budget <= 0:
            break
    return parsed


def _clause(scan: str, m: re.Match[str], content: str, name: str, budget: int, alternative: bool) -> Clause | None:
    """The clause a piece of the query makes, of at most ``budget`` syllables; None without any.
    "http:" or "giờ:" is text, not a field: its syllables are searched too."""
    tokens = _tokens_at(scan, m.start("field") if name else m.start(content), m.end(content))[:budget]
    if not tokens:
        return None
    return Clause(tokens, phrase=content == "quoted" and len(tokens) > 1, negated=bool(m.group("neg")),
                  alternative=alternative)


def _tokens_at(text: str, start: int, end: int) -> list[Token]:
    """The syllables of ``text[start:end]``, with offsets into the whole ``text``."""
    return [t._replace(start=t.start + start, end=t.end + start) for t in syllables(text[start:end])]


def _either(field_pair: tuple[str, str], term: str, boost: float = 1.0) -> list[Q.Query]:
    return [Q.Term(f, term, boost=boost) for f in field_pair]


def typed_exact(token: Token) -> bool:
    """Whether a syllable searches the exact fields rather than the folded ones.

    Typed with diacritics, it means that exact syllable. A syllable with no letter
    (a number, "1.885") reads the same either way, so it is exact too: it then
    scores at full weight, and a headline of exact words and numbers is matched
    on the exact title.
    """
    return has_diacritics(token.text) or not any(c.isalpha() for c in token.token)


def _syllable_terms(token: Token) -> list[Q.Query]:
    if typed_exact(token):
        return _either((BODY, TITLE), token.token)
    return _either((BODY_FOLD, TITLE_FOLD), token.folded, ranking.FOLDED_WEIGHT)


def _free_text(tokens: list[Token], frequency: Frequency | None) -> list[Q.Query]:
    """Scoring terms for the query's syllables: each syllable, and each adjacent pair.

    With several words, a syllable in most of the articles ("của", folded "tang")
    is left to the pairs it is part of: alone it would make the engine score nearly
    every article for a term whose weight (idf) is close to nothing. And at most
    ``ranking.MAX_UNITS`` syllables and pairs, the rarest, drive the search: a headline gives sixty, and
    whoosh's union matchers cost grows with each term and its postings, while the
    rare ones already find the articles the second phase (``search.rank``) reorders.
    """
    units = _rarest(_units(tokens, frequency), frequency)
    subs: list[Q.Query] = [q for unit in units for q in unit]
    # An article holding every driven pair is most likely the one a passage was copied
    # from: among 100,000 articles BM25 alone left it below longer articles repeating a
    # few of them. whoosh's intersection skips along its rarest pair (with it, bench/curve.py
    # at 19,100 articles gives p95 82 ms; its own share of that is not measured).
    pair_units = [Q.Or(unit) for unit in units if unit[0].fieldname == BODY_PAIR]
    if len(pair_units) >= 2:
        subs.append(Q.And(pair_units, boost=ranking.ALL_PAIRS_WEIGHT))
    if len(tokens) >= ranking.HEADLINE_PHRASE_SYLLABLES:
        subs.append(_headline_phrase(tokens))
    return subs


def _units(tokens: list[Token], frequency: Frequency | None) -> list[list[Q.Query]]:
    """One unit per pair and per syllable: its body term and its headline term, kept or left
    together. Pairs first: at equal rarity, the sort in ``_rarest`` keeps the one that knows
    adjacency. A syllable common in the body is left out when there are pairs to stand for it."""
    def common(q: Q.Query) -> bool:
        return (frequency is not None and len(tokens) > 1 and q.fieldname in BODY_FIELDS
                and frequency.common(q.fieldname, q.text))

    units = [_either((BODY_PAIR, TITLE_PAIR), pair, ranking.PAIR_WEIGHT) for pair in pairs(tokens)]
    units += [[q for q in _syllable_terms(t) if not common(q)] for t in tokens]
    return [unit for unit in units if unit]


def _rarest(units: list[list[Q.Query]], frequency: Frequency | None) -> list[list[Q.Query]]:
    """At most ``ranking.MAX_UNITS`` units, the rarest by both their terms' counts, which the body's
    dominate (choosing headline terms alone left out every article without a headline); a
    unit no article holds would take a place and find nothing."""
    if not frequency or len(units) <= ranking.MAX_UNITS:
        return units
    held = [(sum(frequency.documents(q.fieldname, q.text) for q in unit), unit) for unit in units]
    found = sorted((pair for pair in held if pair[0]), key=lambda pair: pair[0])
    return [unit for _, unit in found[:ranking.MAX_UNITS]] or units


def _headline_phrase(tokens: list[Token]) -> Q.Query:
    """The query's words as a headline, in order (one word may come between)."""
    if all(typed_exact(t) for t in tokens):
        return Q.Phrase(TITLE, [t.token for t in tokens], slop=ranking.HEADLINE_PHRASE_SLOP,
                        boost=ranking.HEADLINE_PHRASE_WEIGHT)
    return Q.Phrase(TITLE_FOLD, [t.folded for t in tokens], slop=ranking.HEADLINE_PHRASE_SLOP,
                    boost=ranking.HEADLINE_PHRASE_WEIGHT)


def scoring(parsed: ParsedQuery, frequency: Frequency | None = None) -> Q.Query | None:
    """The whoosh query that ranks: every positive syllable and adjacent pair, one union (or None).

    It requires nothing: which articles answer the query is ``search.answer``'s
    business, exactly; this orders them, and the partial matches after them.
    The union reads its terms' postings a block of articles at a time
    (``PreloadedOr``): whoosh's default union is a binary tree of matchers,
    and every match climbing it in Python was most of a search's time.
    """
    subs = _free_text(parsed.syllables(), frequency)
    return Q.PreloadedOr(subs) if subs else None
