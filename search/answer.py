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
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Iterator, Sequence as Seq

from whoosh.searching import Searcher as WhooshSearcher

from indexer.analysis import Token, accent_blind, fold, pairs

from .query import ParsedQuery, typed_exact

#: The longest word (in syllables) read against the vocabulary.
LONGEST_WORD = 4
#: A syllable held by more than this share of the articles is left out of a word's superset when the
#: word has rarer terms: reading its postings costs more than checking the few articles it would remove.
COMMON_SHARE = 0.25

_BEFORE, _AFTER, _BETWEEN = r"(?<![^\W_])", r"(?![^\W_])", r"[\W_]+"


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
            yield ("body_pair", "title_pair"), pair
        for token in self.tokens:
            if typed_exact(token):
                yield ("body", "title"), token.token
            elif len(self.tokens) == 1:
                yield ("body_fold", "title_fold"), token.folded

    @cached_property
    def pattern(self) -> re.Pattern:
        """The syllables in order, whole, in a stored (normalised) text: exact ones as typed, case aside,
        folded ones in any accented form."""
        parts = [re.escape(t.token) if typed_exact(t) else accent_blind(t.folded) for t in self.tokens]
        return re.compile(_BEFORE + _BETWEEN.join(parts) + _AFTER, re.IGNORECASE)

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

    def lacking(self, title: str, body: str) -> list[str]:
        """The groups an article's text does not hold, as typed: what a partial match is marked with."""
        return [" OR ".join(s.shown() for s in group) for group in self.groups
                if not any(s.held_by(title, body) for s in group)]


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
                                   for term in self._reader.expand_prefix("spell", prefix)]
        return self._forms[folded]

    def spellings(self, tokens: Seq[Token]) -> tuple[bytes, ...]:
        """The spell terms that write these syllables as one word as typed (accents where typed)."""
        found = []
        for written, term in self.forms("_".join(t.folded for t in tokens)):
            parts = written.split("_")
            if len(parts) == len(tokens) and all(part == t.token for part, t in zip(parts, tokens) if typed_exact(t)):
                found.append(term)
        return tuple(found)

    def words(self, tokens: list[Token], text: str) -> list[Sequence]:
        """The syllables read as words, longest first from the left (the segmenter's words are what
        the vocabulary holds); a word joins only syllables with nothing but spaces between them."""
        out: list[Sequence] = []
        i = 0
        while i < len(tokens):
            run = 1
            while (run < LONGEST_WORD and i + run < len(tokens)
                   and text[tokens[i + run - 1].end:tokens[i + run].start].isspace()):
                run += 1
            for n in range(run, 1, -1):
                spelled = self.spellings(tokens[i:i + n])
                if spelled:
                    break
            else:
                n, spelled = 1, ()
            chosen = tuple(tokens[i:i + n])
            out.append(Sequence(chosen, text[chosen[0].start:chosen[-1].end], spelled=spelled))
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


def _sequence(clause, text: str, vocabulary: Vocabulary) -> Sequence:
    tokens = tuple(clause.tokens)
    return Sequence(tokens, text[tokens[0].start:tokens[-1].end], phrase=clause.phrase,
                    spelled=vocabulary.spellings(tokens) if 1 < len(tokens) <= LONGEST_WORD else ())


@dataclass
class Answer:
    """The answer set (global document numbers) and how much of it had to be read to be sure."""

    docs: set[int]
    read: int = 0


class Postings:
    """Sets of document numbers by term, for one search (each term's postings read once)."""

    def __init__(self, searcher: WhooshSearcher) -> None:
        self._reader = searcher.reader()
        self.articles = max(1, searcher.doc_count_all())
        self._sets: dict[tuple[str, str], frozenset[int]] = {}

    def frequency(self, fieldname: str, text: str | bytes) -> int:
        return self._reader.doc_frequency(fieldname, text)

    def docs(self, fieldname: str, text: str | bytes) -> frozenset[int]:
        key = (fieldname, text if isinstance(text, str) else text.decode("utf-8"))
        if key not in self._sets:
            found = frozenset()
            if self._reader.doc_frequency(fieldname, text):
                found = frozenset(self._reader.postings(fieldname, text).all_ids())
            self._sets[key] = found
        return self._sets[key]

    def either(self, fields: tuple[str, str], text: str) -> frozenset[int]:
        return self.docs(fields[0], text) | self.docs(fields[1], text)

    def superset(self, sequence: Sequence) -> frozenset[int]:
        """Every article that can hold the sequence: its terms' postings intersected, rarest first."""
        terms = sorted(sequence.terms(), key=lambda ft: sum(self.frequency(f, ft[1]) for f in ft[0]))
        found: frozenset[int] | None = None
        for fields, text in terms:
            if found is not None and sum(self.frequency(f, text) for f in fields) > COMMON_SHARE * self.articles:
                break  # the rest are commoner still: checking the candidates costs less than reading them
            held = self.either(fields, text)
            found = held if found is None else found & held
            if not found:
                break
        return found or frozenset()

    def confirmed(self, sequence: Sequence) -> frozenset[int]:
        """Articles known to hold the sequence without reading them: all of its superset when its terms
        decide it, else those whose segmented words write it as typed."""
        if sequence.exact_by_terms:
            return self.superset(sequence)
        return frozenset().union(*(self.docs("spell", term) for term in sequence.spelled))


def answer(words: Words, postings: Postings, allowed: set[int] | None,
           read: Callable[[int], tuple[str, str]]) -> Answer:
    """The articles holding every group of ``words`` and no excluded sequence, among the ``allowed``
    ones (filters, date window; None: all, which a query without words never asks for); ``read``
    gives an article's stored (title, body)."""
    groups = words.groups
    candidates: set[int] | None = None
    for group in sorted(groups, key=lambda g: sum(len(postings.superset(s)) for s in g)):
        held = set().union(*(postings.superset(s) for s in group))
        candidates = held if candidates is None else candidates & held
        if not candidates:
            break
    if candidates is None:  # no words: what the filters let through
        candidates = set(allowed or ())
    elif allowed is not None:
        candidates &= allowed
    unsure = [(group, candidates - set().union(*(postings.confirmed(s) for s in group))) for group in groups]
    result = Answer(set(candidates))
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
        possible = postings.superset(sequence) & result.docs
        sure = postings.confirmed(sequence) & possible
        result.docs -= sure
        result.docs -= {doc for doc in possible - sure if sequence.held_by(*text(doc))}
    result.read = len(texts)
    return result
