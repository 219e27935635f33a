"""The first phase's weighting: whoosh's BM25F with one rarity per word across headline and body.

whoosh's BM25F takes each field's idf from that field alone. Few articles have a
headline and headlines are short, so a pair in 2,051 of 19,100 bodies but only
43 headlines ("kế hoạch") scored in a headline as if it were rare: the article
holding the query's one rare word ("Habeco tiết lộ kế hoạch mới") lost to
articles whose headlines shared two common pairs with it. A word is as common
as the articles that hold it anywhere, so a headline field's idf here counts
its body twin's articles too. Among 19,100 articles that lifted a headline
typed without diacritics from MRR 0.802 to 0.814 and its first five words from
0.399 to 0.405, every other kind unchanged (a scratch run of bench/curve.py's
queries, before the rarity share of ``search.rank``).
"""

from __future__ import annotations

from whoosh.scoring import BM25F
from whoosh.searching import Searcher as WhooshSearcher

from indexer.engine.schema import HEADLINE_TWIN

#: Each headline field and the body field that holds the same kind of term.
BODY_TWIN = {title: body for body, title in HEADLINE_TWIN.items()}


class OneRarityBM25F(BM25F):
    """BM25F whose headline fields weigh a term by the articles holding it in either field."""

    def idf(self, searcher: WhooshSearcher, fieldname: str, text: str) -> float:
        own: float = super().idf(searcher, fieldname, text)
        twin = BODY_TWIN.get(fieldname)
        if twin is None:
            return own
        # More articles, lower idf: the smaller of the two counts the larger set of articles.
        theirs: float = super().idf(searcher, twin, text)
        return min(own, theirs)
