"""The first phase's collector: the answer set's best matches and, apart, the best of the others.

One pass over the union of the query's terms (``query.scoring``) ranks both:
the articles that hold every word (``search.answer``) and, for when they are
fewer than a page, the partial matches that follow them.
"""

from __future__ import annotations

from heapq import heappush, heapreplace

from whoosh import collectors


class SplitCollector(collectors.TopCollector):
    """whoosh's top-N collector keeping two heaps: the best ``limit`` articles of ``answer`` and the
    best ``partial_limit`` of the rest, each counted.

    It collects without whoosh's block skipping and matcher swaps
    (``usequality=False, replace=0``): on our unions of many terms that bookkeeping
    cost more than it saved (bench/curve.py at 19,100 articles: p95 242 -> 82 ms
    without it), and the swap made its counts wrong.
    """

    def __init__(self, answer: set[int], limit: int, partial_limit: int) -> None:
        super().__init__(max(limit, 1), usequality=False, replace=0)
        self.answer, self.partial_limit = answer, partial_limit
        #: The answer's articles the union matched: the others hold every word only through
        #: terms it left out (the commonest), and are ranked after these.
        self.seen: set[int] = set()
        self.partial_total = 0
        self._partial: list[tuple[float, int]] = []
        self.items: list[tuple[float, int]] = []  # whoosh's heap, made again when a search starts (``prepare``)

    def _collect(self, global_docnum: int, score: float):
        if global_docnum in self.answer:
            self.seen.add(global_docnum)
            return super()._collect(global_docnum, score)
        self.partial_total += 1
        item = (score, -global_docnum)
        if len(self._partial) < self.partial_limit:
            heappush(self._partial, item)
        elif self._partial and item > self._partial[0]:
            heapreplace(self._partial, item)
        return 0

    def ranked(self) -> list[tuple[float, int]]:
        """(score, document number) of the answer's best, best first."""
        return [(score, -negated) for score, negated in sorted(self.items, reverse=True)]

    def ranked_partial(self) -> list[tuple[float, int]]:
        """(score, document number) of the best partial matches, best first."""
        return [(score, -negated) for score, negated in sorted(self._partial, reverse=True)]
