"""The first phase's collector: the answer set's best matches and, apart, the best of the others.

One pass over the union of the query's terms (``query.scoring``, scored by
``search.union``) ranks both: the articles that hold every word
(``search.answer``) and, for when they are fewer than a page, the partial
matches that follow them.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from heapq import nlargest
from operator import neg


class SplitCollector:
    """The best ``limit`` articles of ``answer`` and the best ``partial_limit`` of the rest, each counted,
    picked as whoosh's top-N collector picks them (``TopCollector`` without block skipping: every match
    seen, ties to the lower document number).

    whoosh's block skipping and matcher swaps cost more than they saved on our
    unions of many terms (bench/curve.py at 19,100 articles: p95 242 -> 82 ms
    without them), and the swap made its counts wrong; the union is now scored
    whole, outside whoosh's collector loop (``search.union``).
    """

    def __init__(self, answer: set[int], limit: int, partial_limit: int) -> None:
        self.answer, self.limit, self.partial_limit = answer, max(limit, 1), partial_limit
        #: The answer's articles the union matched: the others hold every word only through
        #: terms it left out (the commonest), and are ranked after these.
        self.seen: set[int] = set()
        self.partial_total: int | None = 0
        self._best: list[tuple[float, int]] = []
        self._partial: list[tuple[float, int]] = []

    def collect(self, scores: dict[int, float], matched: AbstractSet[int] | None) -> None:
        """Take the union's matches: document number -> score, each article once (of every match, or,
        when no partial matches are kept, of the answer set's at least), and every article matched
        (None: not counted, and ``partial_total`` is None too)."""
        self.seen = self.answer & scores.keys()
        self.partial_total = None if matched is None else len(matched) - len(self.seen)
        self._best = nlargest(self.limit, ((scores[n], -n) for n in self.seen))
        if self.partial_limit and len(scores) > len(self.seen):
            # The best of all, as many more as there are answers among them, then the answers left out.
            best = nlargest(self.partial_limit + len(self.seen), zip(scores.values(), map(neg, scores), strict=True))
            self._partial = [item for item in best if -item[1] not in self.answer][:self.partial_limit]

    def ranked(self) -> list[tuple[float, int]]:
        """(score, document number) of the answer's best, best first."""
        return [(score, -negated) for score, negated in self._best]

    def ranked_partial(self) -> list[tuple[float, int]]:
        """(score, document number) of the best partial matches, best first."""
        return [(score, -negated) for score, negated in self._partial]
