"""A query's answer set: the articles that hold every one of its words, exactly.

What a researcher reads first is the total and the facets, so they count the
articles that hold the query and nothing else. A query's words are:

* a syllable typed with diacritics, held as typed (tone placement, case and
  NFC/NFD aside); one typed without, held in any accented form;
* a word of several syllables, found by reading the query's syllables against
  the index's own vocabulary (the ``spell`` field: the words underthesea found
  in the articles, see ``Vocabulary``), held as those syllables in order;
* a quoted phrase, held as its syllables in order, each as typed;
* ``OR`` between clauses: either side.

The index has no positions in its body fields, so a word is found in two
steps. Its rarest syllables and adjacent pairs give a superset of the articles
(``Sequence``: a single syllable, and two syllables typed without diacritics,
whose folded pair is their adjacency, are exact already). Of the rest, an
article whose ``spell`` terms hold the word as written is confirmed without
reading it: the segmenter wrote it there. Only what is left is read and
checked against the word's pattern (``Sequence.pattern``), so a common word
costs little and a rare one little more than its true count.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import TypeVar

from whoosh.reading import IndexReader
from whoosh.searching import Searcher as WhooshSearcher

from indexer.analysis import Token, pairs
from indexer.engine.schema import BODY, BODY_FOLD, BODY_PAIR, SPELL, TITLE, TITLE_FOLD, TITLE_PAIR
from indexer.engine.whoosh_internals import holding, posting_ids
from indexer.text import accent_blind

from .query import Clause, ParsedQuery, typed_exact
from .rank import folded_line, query_words

#: The longest word (in syllables) read against the vocabulary.
LONGEST_WORD = 4
T = TypeVar("T")
#: Candidates this few are checked against the rest of the query's words by their text: reading an
#: article costs less than skipping through a common term's blocks to it.
READ_BELOW = 32
#: A word in more than this share of the articles is not read whole to count partial matches.
COMMON_SHARE = 0.25

#: A word's edges and what may stand between its syllables. ``\b`` rather than a lookaround that
#: leaves out "_": a pattern that starts with a lookbehind is tried at every character of a text,
#: which made matching four times slower (an underscore touching a word is all it misses).
_EDGE, _BETWEEN = r"\b", r"[\W_]+"
#: Around a number: not part of a longer one that the index holds as one term ("43" of "184.43", "2020"
#: of "2015-2020", as ``analysis`` reads them), so that the text reads as the terms do; "6/2" is two.
_NUMBER_BEFORE, _NUMBER_AFTER = r"(?<!\d[.,:])", r"(?![.,:]\d)"
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_YEAR_BEFORE, _YEAR_AFTER = r"(?<!(?:1[89]|20)\d\d[-–—])", r"(?![-–—](?:1[89]|20)\d\d)"


@dataclass(frozen=True)
class Sequence:
    """Syllables an article must hold side by side, in this order: a word, a phrase or one syllable.

    ``spelled``: the ``spell`` terms that write this word as typed (an article
    holding one holds the word); ``text``: the word as the user typed it.
    """

    tokens: tuple[Token, ...]
    text: str
    phrase: bool = False
    spelled: tuple[bytes, ...] = ()

    @property
    def exact_by_terms(self) -> bool:
        """Whether the terms alone decide it: one syllable, or two typed without diacritics (their folded pair)."""
        return len(self.tokens) == 1 or (len(self.tokens) == 2 and not any(map(typed_exact, self.tokens)))

    def terms(self) -> Iterator[tuple[tuple[str, str], str]]:
        """(body field, title field), term: every term an article holding the sequence holds.

        Each adjacent pair (folded), and each syllable typed with diacritics as typed;
        one typed without is in a pair already, unless it stands alone.
        """
        for pair in pairs(self.tokens):
            yield (BODY_PAIR, TITLE_PAIR), pair
        for token in self.tokens:
            if typed_exact(token):
                yield (BODY, TITLE), token.token
            elif len(self.tokens) == 1:
                yield (BODY_FOLD, TITLE_FOLD), token.folded

    @cached_property
    def source(self) -> str:
        """The regex (case aside) of the syllables in order, whole, in a stored (normalised) text: exact ones
        as typed, folded ones in any accented form. A source, so that a query's words make one regex."""
        parts = [re.escape(t.token) if typed_exact(t) else accent_blind(t.folded) for t in self.tokens]
        first, last = self.tokens[0].token, self.tokens[-1].token
        before = (_NUMBER_BEFORE if first[0].isdigit() else "") + (_YEAR_BEFORE if _YEAR.fullmatch(first) else "")
        after = (_NUMBER_AFTER if last[-1].isdigit() else "") + (_YEAR_AFTER if _YEAR.fullmatch(last) else "")
        return before + _EDGE + _BETWEEN.join(parts) + _EDGE + after

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source, re.IGNORECASE)

    @cached_property
    def folded(self) -> bytes:
        """The syllables folded as ``rank.folded_line`` writes a text's: b" thu dau mot "."""
        return b" " + b" ".join(query_words(self.text)) + b" "

    def held_by(self, title: str, body: str) -> bool:
        return bool(self.pattern.search(title) or self.pattern.search(body))

    def shown(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass
class Words:
    """What a query asks an article to hold: every group (each group: any of its sequences), none of ``excluded``."""

    groups: list[list[Sequence]] = field(default_factory=list)
    excluded: list[Sequence] = field(default_factory=list)

    def sequences(self) -> list[Sequence]:
        return [s for group in self.groups for s in group]

    def held(self, texts: tuple[str, str]) -> set[int]:
        """The numbers of the groups an article's (title, body) holds, by text: its folded word lines
        (C-speed ``in``) first, its text as typed only for a word typed with diacritics found there."""
        lines = [folded_line(text) for text in texts]

        def holds(sequence: Sequence) -> bool:
            return (any(sequence.folded in line for line in lines)
                    and (not any(map(typed_exact, sequence.tokens)) or sequence.held_by(*texts)))
        return {i for i, group in enumerate(self.groups) if any(map(holds, group))}


class Vocabulary:
    """The index's words, for reading a query's syllables as words.

    The ``spell`` field holds a "folded=Written" term for each word with
    diacritics an article holds ("thu_dau_mot=Thủ_Dầu_Một"), as underthesea
    segmented it; looked up by prefix, it says which words a run of syllables can
    be, written how, and (by its postings) which articles hold each writing.
    """

    def __init__(self, searcher: WhooshSearcher) -> None:
        self._reader = searcher.reader()
        self._forms: dict[str, list[tuple[str, bytes]]] = {}

    def forms(self, folded: str) -> list[tuple[str, bytes]]:
        """(written, lower case; its term) of every writing of the folded word."""
        if folded not in self._forms:
            prefix = folded + "="
            self._forms[folded] = [(term.decode("utf-8")[len(prefix):].lower(), term)
                                   for term in self._reader.expand_prefix(SPELL, prefix)]
        return self._forms[folded]

    def spellings(self, tokens: Seq[Token]) -> tuple[bytes, ...]:
        """The spell terms that write these syllables as one word as typed (accents where typed)."""
        found = []
        for written, term in self.forms("_".join(t.folded for t in tokens)):
            parts = written.split("_")
            if len(parts) == len(tokens) and all(part == t.token for part, t in zip(parts, tokens, strict=True)
                                                 if typed_exact(t)):
                found.append(term)
        return tuple(found)

    def words(self, tokens: list[Token], text: str) -> list[Sequence]:
        """The syllables read as words (the segmenter's words are what the vocabulary holds)."""
        return [Sequence(tuple(run), text[run[0].start:run[-1].end], spelled=spelled or ())
                for run, spelled in longest_first(tokens, text, self.spellings, shortest=2)]


def longest_first(tokens: list[Token], text: str, read: Callable[[list[Token]], T | None],
                  shortest: int = 1) -> list[tuple[list[Token], T | None]]:
    """The syllables cut into words, greedily from the left: at each place the longest run (of at most
    ``LONGEST_WORD`` syllables, at least ``shortest``) that ``read`` makes something of, with what it
    made; a syllable that starts none stands alone, with None. A word joins only syllables with nothing
    but spaces between them, so an exclusion or a quote typed between two is never swallowed."""
    out: list[tuple[list[Token], T | None]] = []
    i = 0
    while i < len(tokens):
        run = 1
        while (run < LONGEST_WORD and i + run < len(tokens)
               and text[tokens[i + run - 1].end:tokens[i + run].start].isspace()):
            run += 1
        for n in range(run, shortest - 1, -1):
            found = read(tokens[i:i + n])
            if found:
                break
        else:
            n, found = 1, None
        out.append((tokens[i:i + n], found))
        i += n
    return out


def read_words(parsed: ParsedQuery, vocabulary: Vocabulary) -> Words:
    """The query's words: its free syllables read as words, its phrases, its OR groups, its exclusions.

    ``OR`` joins the word before it and the word after it ("dang vien OR cong
    doan": đảng viên, or công đoàn).
    """
    words = Words()
    run: list[Token] = []
    joins = False  # whether the run's first word is an alternative of the group before it

    def add(sequence: Sequence, alternative: bool) -> None:
        if alternative and words.groups:
            words.groups[-1].append(sequence)
        else:
            words.groups.append([sequence])

    def flush() -> None:
        for n, word in enumerate(vocabulary.words(run, parsed.text)):
            add(word, joins and n == 0)
        run.clear()

    for clause in parsed.clauses:
        if clause.negated:
            words.excluded.append(_sequence(clause, parsed.text, vocabulary))
            continue
        if clause.phrase or clause.alternative:
            flush()
            joins = clause.alternative
        if clause.phrase:
            add(_sequence(clause, parsed.text, vocabulary), clause.alternative)
            joins = False
        else:
            run.extend(clause.tokens)
    flush()
    return words


def _sequence(clause: Clause, text: str, vocabulary: Vocabulary) -> Sequence:
    tokens = tuple(clause.tokens)
    return Sequence(tokens, text[tokens[0].start:tokens[-1].end], phrase=clause.phrase,
                    spelled=vocabulary.spellings(tokens) if 1 < len(tokens) <= LONGEST_WORD else ())


@dataclass
class Answer:
    """The answer set (document numbers) and how many articles had to be read to be sure of it."""

    docs: set[int]
    read: int = 0


class CommonTerms:
    """The articles holding the commonest terms, kept between the searches of one index version as bitmaps
    (a bit an article: 2.4 KB a term at 19,100 articles, 12 KB at 100,000).

    A query's rarer words leave a few candidates, and every common word after that
    ("của", "một", "là") is checked for them: skipping through its postings to them
    reads a block header per 128 articles (a millisecond or two each), while the
    same words come back query after query.
    """

    #: A term in more than this share of the articles is kept.
    SHARE = 0.02
    #: At most this many terms are kept, the least recently used dropped first.
    LIMIT = 2048

    def __init__(self) -> None:
        self._maps: OrderedDict[tuple[str, str], bytearray] = OrderedDict()
        self._lock = threading.Lock()

    def bitmap(self, reader: IndexReader, fieldname: str, text: str, articles: int) -> bytearray:
        key = (fieldname, text)
        with self._lock:
            if key in self._maps:
                self._maps.move_to_end(key)
                return self._maps[key]
        bits = _bitmap(posting_ids(reader, fieldname, text), articles)
        with self._lock:
            self._maps[key] = bits
            if len(self._maps) > self.LIMIT:
                self._maps.popitem(last=False)
        return bits


def _bitmap(docs: list[int], articles: int) -> bytearray:
    """A bit an article (article n: bit n % 8 of byte n // 8), set for ``docs``.

    A term in more than a sixteenth of the articles is written as a line of "0" and "1"
    characters read as one binary number (C-speed steps: a third of the time of setting
    tens of thousands of bits one at a time in Python); a rarer one bit by bit, which
    costs less than a line as long as the index.
    """
    if len(docs) * 16 > articles:
        digits = bytearray(b"0") * articles
        deque(map(digits.__setitem__, docs, repeat(ord("1"))), maxlen=0)
        return bytearray(int(digits[::-1], 2).to_bytes(articles // 8 + 1, "little"))
    bits = bytearray(articles // 8 + 1)
    for doc in docs:
        bits[doc >> 3] |= 1 << (doc & 7)
    return bits


class Postings:
    """Which articles hold a term, for one search: read whole when that is cheaper, else checked
    for just the candidates (``whoosh_internals.holding``, or ``CommonTerms`` for a common term)."""

    #: A term is checked for the candidates, not read whole, when they are fewer than its articles over this.
    SPARSE = 8

    def __init__(self, searcher: WhooshSearcher, common: CommonTerms | None = None) -> None:
        self._reader = searcher.reader()
        self.articles = max(1, searcher.doc_count_all())
        self._common = common
        self._sets: dict[tuple[str, str], frozenset[int]] = {}
        self._frequencies: dict[tuple[str, str], int] = {}

    def frequency(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        if key not in self._frequencies:
            self._frequencies[key] = self._reader.doc_frequency(fieldname, text)
        return self._frequencies[key]

    def docs(self, fieldname: str, text: str) -> frozenset[int]:
        """Every article holding the term (read once per search)."""
        key = (fieldname, text)
        if key not in self._sets:
            self._sets[key] = frozenset(posting_ids(self._reader, fieldname, text))
        return self._sets[key]

    def among(self, fields: Seq[str], text: str, candidates: set[int] | None) -> set[int]:
        """The candidates (None: every article) holding the term in any of ``fields`` (the body's first:
        the headline is looked into only for the candidates the body leaves)."""
        found: set[int] = set()
        for fieldname in fields:
            left = None if candidates is None else candidates - found
            if left is not None and not left:
                break
            if not self.frequency(fieldname, text):
                continue
            if left is not None and (fieldname, text) not in self._sets and \
                    len(left) * self.SPARSE < self.frequency(fieldname, text):
                found |= self._holding(fieldname, text, left)
            else:
                found |= self.docs(fieldname, text) if left is None else self.docs(fieldname, text) & left
        return found

    def _holding(self, fieldname: str, text: str, candidates: set[int]) -> set[int]:
        if self._common is not None and self.frequency(fieldname, text) > CommonTerms.SHARE * self.articles:
            bits = self._common.bitmap(self._reader, fieldname, text, self.articles)
            return {doc for doc in candidates if bits[doc >> 3] >> (doc & 7) & 1}
        return holding(self._reader, fieldname, text, candidates)

    def rarest(self, sequence: Sequence) -> int:
        """How many articles hold the sequence's rarest term: what bounds its superset."""
        return min(sum(self.frequency(f, text) for f in fields) for fields, text in sequence.terms())

    def holders(self, sequence: Sequence, candidates: set[int] | None) -> set[int]:
        """The candidates (None: every article) that can hold the sequence: those holding all its terms, rarest
        first. Exact when ``sequence.exact_by_terms``; else a superset."""
        found = candidates
        for fields, text in sorted(sequence.terms(), key=lambda ft: sum(self.frequency(f, ft[1]) for f in ft[0])):
            found = self.among(fields, text, found)
            if not found:
                break
        return found or set()

    def confirmed(self, sequence: Sequence, candidates: set[int]) -> set[int]:
        """Those of its ``holders`` known to hold the sequence without reading them: all of them when its
        terms decide it, else those whose segmented words write it as typed."""
        if sequence.exact_by_terms:
            return candidates
        return set().union(*(self.among((SPELL,), term.decode("utf-8"), candidates) for term in sequence.spelled))


def holding_some(words: Words, postings: Postings, allowed: set[int] | None) -> set[int] | None:
    """The articles (among the ``allowed``) that hold at least one group of ``words`` by its terms (a word of
    several syllables: its syllables as typed and its pairs, not necessarily side by side); None when a
    word is in so many articles that reading them all would cost more than the search."""
    sequences = words.sequences()
    if any(postings.rarest(s) > COMMON_SHARE * postings.articles for s in sequences):
        return None
    return set().union(*(postings.holders(s, allowed) for s in sequences))


def lacking(words: Words, texts: tuple[str, str]) -> list[str]:
    """The groups of ``words`` an article's (title, body) does not hold, as typed: what a partial match
    is marked with."""
    held = words.held(texts)
    return [" OR ".join(s.shown() for s in group) for i, group in enumerate(words.groups) if i not in held]


def answer(words: Words, postings: Postings, allowed: set[int] | None,
           read: Callable[[int], tuple[str, str]]) -> Answer:
    """The articles holding every group of ``words`` and no excluded sequence, among the ``allowed``
    ones (filters, date window; None: all, which a query without words never asks for); ``read``
    gives an article's stored (title, body).

    The rarest group is read first; every later one only narrows the candidates,
    checking them against its terms rather than reading the terms whole, and once
    they are a handful, against their text (cheaper than a term's block headers).
    """
    candidates, unsure = _by_terms(words, postings, allowed)
    result = Answer(candidates or set())
    texts: dict[int, tuple[str, str]] = {}

    def text(doc: int) -> tuple[str, str]:
        if doc not in texts:
            texts[doc] = read(doc)
        return texts[doc]

    for group, docs in unsure:
        for doc in docs & result.docs:
            if not any(s.held_by(*text(doc)) for s in group):
                result.docs.discard(doc)
    for sequence in words.excluded:
        possible = postings.holders(sequence, result.docs) if result.docs else set()
        sure = postings.confirmed(sequence, possible)
        result.docs -= sure
        result.docs -= {doc for doc in possible - sure if sequence.held_by(*text(doc))}
    result.read = len(texts)
    return result


def _by_terms(words: Words, postings: Postings,
              allowed: set[int] | None) -> tuple[set[int] | None, list[tuple[list[Sequence], set[int]]]]:
    """The candidates (among the ``allowed``) holding every group of ``words`` by its terms, the rarest
    group first, and for each group the candidates its terms alone cannot decide (all of them, once
    they are a handful: their text decides, see ``answer``)."""
    candidates = set(allowed) if allowed is not None else None
    unsure: list[tuple[list[Sequence], set[int]]] = []
    for group in sorted(words.groups, key=lambda g: sum(map(postings.rarest, g))):
        if candidates is not None and len(candidates) <= READ_BELOW:
            unsure.append((group, candidates))
            continue
        held = {s: postings.holders(s, candidates) for s in group}
        candidates = set().union(*held.values())
        unsure.append((group, candidates - set().union(*(postings.confirmed(s, held[s]) for s in group))))
        if not candidates:
            break
    return candidates, unsure
