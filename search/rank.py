"""The second phase of ranking: the first phase's best candidates reordered by word order.

BM25 over syllables and position-free pairs cannot tell a phrase from the same
pairs scattered over a long article: among 20,000 articles the article a passage
or a headline was copied from lost to longer ones that merely share its words.
Word order is too dear to check for every match, so the first phase (whoosh's
BM25F over the query's rarest syllables and pairs, see ``ranking.MAX_UNITS``)
picks ``ranking.CANDIDATES`` articles and this one reads their stored headline and body
as folded word lines (``folded_line``) and counts how much of
the query they hold in runs, in order, with C-speed ``bytes`` search; a query
found verbatim, punctuation included, counts more again. A headline typed from
memory is seldom in its article word for word, so the share of the query's words
in the headline or the body's opening (``ranking.OPENING_CHARS``) counts too, a little, and so
does the share of the query's rarity the article holds anywhere: a candidate
missing the one rare word of a headline ("Habeco") is seldom the article meant,
however many of its common words it holds in order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from indexer.analysis import syllables
from indexer.engine.schema import BODY, TITLE
from indexer.text import ascii_fold

from . import ranking

#: ASCII letters lower-cased, digits kept, everything else a space.
_WORD_BYTES = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256)).lower()


def folded_line(text: str) -> bytes:
    """A text's words folded to lower-case ASCII, one space apart and one at each end:
    b" dang vien thu dau mot ".

    The ranker looks for runs of query words in candidates' stored text with
    ``b" dang vien " in line``. Built from C-speed steps (the index's own folding,
    ``ascii_fold``, then a byte table), a 3,400-character body takes about a
    tenth of a millisecond; ``syllables()`` or ``str.translate`` take several
    times that, and the ranker folds a few dozen bodies per query. Punctuation
    inside numbers and codes separates too ("1.885" → "1 885"): fold the query
    with this same function.
    """
    return _line(_ascii(text))


def folded_verbatim(text: str) -> bytes:
    """A text folded to lower-case ASCII with its punctuation kept and its spacing collapsed:
    b"hoc hoi, tich luy kinh nghiem".

    A passage pasted from an article holds its commas and full stops too: found
    verbatim, it tells the article it came from from one that holds the same
    words across a sentence break.
    """
    return _verbatim(_ascii(text))


def _line(ascii_text: bytes) -> bytes:
    return b" " + b" ".join(ascii_text.translate(_WORD_BYTES).split()) + b" "


def _verbatim(ascii_text: bytes) -> bytes:
    return b" ".join(ascii_text.lower().split())


def _ascii(text: str) -> bytes:
    """The text folded to ASCII as the index folds it ("Łódź" is "Lodz" here as in ``body_fold``)."""
    return ascii_fold(text).encode("ascii")


def query_words(text: str) -> list[bytes]:
    """The query's words as ``folded_line`` writes an article's, in the order typed."""
    return folded_line(text).split()


def covered(query: Sequence[bytes], line: bytes) -> int:
    """How many of the query's words fall in runs of two or more found, in order, in ``line``.

    Greedy from the left: each run is extended while the next query word still
    follows in the text; a word that starts no run is skipped.
    """
    total, i, n = 0, 0, len(query)
    while i < n - 1:
        run = b" " + query[i] + b" " + query[i + 1] + b" "
        if run not in line:
            i += 1
            continue
        j = i + 2
        while j < n:
            longer = run + query[j] + b" "
            if longer not in line:
                break
            run, j = longer, j + 1
        total += j - i
        i = j
    return total


class Ranked:
    """The query as the second phase compares it: its words, the whole of it folded, and
    how rare each word is (``documents`` counts the articles holding a folded index term;
    without it every word weighs the same).

    Rarity is the index's, term by term: the query is split as the index splits it
    (``syllables``) and each term's article count is asked for as the index holds
    it. A term the word lines split ("1.885" → ``1 885``, "04-NQ/TW" → ``04 nq tw``)
    shares its rarity among its words, so it weighs as one term, not as several
    words no article holds (which made them the query's rarest).
    """

    def __init__(self, text: str, documents: Callable[[str], int] | None = None, articles: int = 0):
        self.words: list[bytes] = []
        self.rarity: list[float] = []
        for term in syllables(text):
            words = query_words(term.text)
            if words:
                rarity = _idf(documents(term.folded), articles) if documents else 1.0
                self.words += words
                self.rarity += [rarity / len(words)] * len(words)
        self.verbatim = folded_verbatim(text)

    def evidence(self, title: str, body: str) -> float:
        """0..1 for the share of the query an article holds in order, plus
        VERBATIM_WEIGHT / RUN_WEIGHT if it holds the query verbatim, plus up to
        HEADLINE_OR_OPENING_WEIGHT / RUN_WEIGHT for the share of its words in the headline
        or the body's opening, plus up to PRESENCE_WEIGHT / RUN_WEIGHT for the share of its
        rarity anywhere (the weights: ``search.ranking``)."""
        if len(self.words) < 2:
            return 0.0
        # Each text folded once: the word lines, the verbatim form and the opening all come from it.
        folded_title, folded_body = _ascii(title), _ascii(body)
        texts = [text for text in (folded_title, folded_body) if text]
        lines = [_line(text) for text in texts]
        share = max((covered(self.words, line) for line in lines), default=0) / len(self.words)
        if share == 1 and any(self.verbatim in _verbatim(text) for text in texts):
            share += ranking.VERBATIM_WEIGHT / ranking.RUN_WEIGHT
        opening = _line(folded_title + b" " + folded_body[:ranking.OPENING_CHARS])
        share += (ranking.HEADLINE_OR_OPENING_WEIGHT / ranking.RUN_WEIGHT
                  * sum(b" " + w + b" " in opening for w in self.words) / len(self.words))
        held = sum(rarity for word, rarity in zip(self.words, self.rarity, strict=True)
                   if any(b" " + word + b" " in line for line in lines))
        share += ranking.PRESENCE_WEIGHT / ranking.RUN_WEIGHT * held / sum(self.rarity)
        return share

    def rerank(self, candidates: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The candidates, (score, stored fields, anything else) each, best first, the rest of each
        tuple kept: the first-phase score, which the caller scales to 0..1, plus ``ranking.RUN_WEIGHT``
        times the order evidence."""
        if len(self.words) < 2:
            return candidates
        rescored = [(score + ranking.RUN_WEIGHT * self.evidence(stored.get(TITLE, ""), stored.get(BODY, "")),
                     stored, *rest) for score, stored, *rest in candidates]
        rescored.sort(key=lambda candidate: -candidate[0])
        return rescored


def _idf(documents: int, articles: int) -> float:
    """BM25's idf, never below zero: a word in most articles weighs next to nothing."""
    return math.log(1 + (articles - documents + 0.5) / (documents + 0.5))
