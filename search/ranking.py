"""Ranking policy: every weight and cap that orders a search's hits, with the measurement that set it.

A search ranks in two phases (README, "How it works"). The first is whoosh's
BM25F (``search.scoring``) over a union of the query's rarest syllables and
adjacent pairs that ``search.query`` builds and ``search.union`` scores; the
second (``search.rank``) reorders the first phase's best few by word order. The
partial matches that follow a short answer set are ranked the same way
(``search.searcher``). A new value here changes rankings: measure it on
bench/curve.py's queries and write the figures next to it.

"MRR" below is MRR@10 of bench/curve.py's known-item queries, by kind (passage,
slug: a headline typed without diacritics, slug5: its first five words), on the
collection and size named. Where no measurement of a value is recorded (in the
commit that set it, the README or bench/RESULTS.md), the comment says so.

Not here, because they do not order hits: the longest query taken
(``query.MAX_QUERY_CHARS``, an input limit the API enforces too), the share of
the articles past which a word's partial matches are not counted
(``answer.COMMON_SHARE``), the weights that decide which place an article is
about (``indexer.articles.places``, at index time) and the did-you-mean's.
"""

from __future__ import annotations

# --- the first phase: BM25F over the query's rarest terms ------------------------------
#: Headline fields weigh a term this much more than the body does in BM25F. An index-time
#: weight, defined in the indexer (which never imports search): whoosh multiplies each posting's
#: weight by it as the posting is written, so a new value reaches only the articles indexed
#: after it, and it is part of what ``PIPELINE_VERSION`` guards (tests/test_schema.py). Set with
#: the first schema (ec9b174, 2026-11-24); no measurement of it is recorded.
from indexer.engine.schema import TITLE_BOOST as TITLE_BOOST

#: BM25's length normalisation (0: none, 1: full) and term-frequency saturation: whoosh's
#: defaults, never measured here.
BM25_B = 0.75
BM25_K1 = 1.2
#: A syllable matched through its folded form (typed without diacritics) counts this much of one
#: matched as typed, so that in a query mixing both the words typed with diacritics lead. Set
#: with no measurement recorded (726cdcd, 2026-11-24).
FOLDED_WEIGHT = 0.8
#: Boost of an adjacent pair of query syllables found adjacent in the text: the lever that ranks
#: the article a headline or passage came from above articles that merely share its words.
#: With HEADLINE_PHRASE_WEIGHT (1049f69, 2026-11-24), on 2,000 devset articles: passage MRR
#: 0.84 -> 0.93, passages without diacritics 0.83 -> 0.93, titles 0.992 -> 1.000; the two values
#: were not measured apart or against others.
PAIR_WEIGHT = 5.0
#: Boost of the query matched as a headline phrase, in order: the strongest sign of the article
#: (measured with PAIR_WEIGHT, above).
HEADLINE_PHRASE_WEIGHT = 5.0
#: How many words may come between two of the query's in that headline phrase; and the fewest
#: syllables a query needs for the phrase to be added (set with it, 1049f69; not measured).
HEADLINE_PHRASE_SLOP = 1
HEADLINE_PHRASE_SYLLABLES = 3
#: Boost of the clause an article matches only by holding every driven pair of the free words:
#: among 100,000 articles BM25 alone left the article a passage was copied from below longer
#: articles repeating a few of its pairs. With the headline-or-opening share of the second phase
#: (3563ad7, 2026-12-03), scratch runs at 19,100 articles: passage MRR 0.961 -> 0.986, slug
#: 0.768 -> 0.771, slug5 0.328 -> 0.342; the value was not varied.
ALL_PAIRS_WEIGHT = 10.0
#: At most this many syllables and pairs of free words, the rarest, drive the first phase: a
#: pasted headline gives sixty, and the union's cost grows with each term and its postings while
#: the rare ones already find the articles the second phase reorders (9cf2c85, 2026-12-02, for
#: that cost; no measurement of the value, or of its effect on MRR alone, is recorded).
MAX_UNITS = 10
#: At most this many syllables of a query are searched: a pasted page becomes its opening words
#: (set with the first query module, ec9b174; not measured).
MAX_SYLLABLES = 64
#: In a query of several words, a body syllable held by more than this share of the articles
#: ("của", folded "tang") is scored through its pairs only. A speed measure (61491a9,
#: 2026-11-24): free-text p95 at 20,000 articles 245 -> 109 ms; its effect on MRR is not recorded.
COMMON_SYLLABLE_SHARE = 0.25
#: Added to every first-phase score of a filtered search: what whoosh gave the filter clause
#: (``ConstantScoreQuery(keys, 0.0)``, scored 1.0 by its ``ListMatcher``) when the filters were a
#: clause of the scored query. It shrinks the first phase's spread on the second phase's 0..1
#: scale. Kept when the union left whoosh (7ab65b5, 2026-12-07) so that every ranking stayed the
#: same; never chosen or measured as a policy.
FILTERED_SCORE = 1.0

# --- the second phase: the best candidates reordered by word order (search.rank) -----

#: How many first-phase candidates are reordered; deeper pages keep the first-phase order.
#: With RUN_WEIGHT and VERBATIM_WEIGHT (2bb3069, 2026-12-02, every third curve query at 19,100
#: articles): passage MRR 0.65 -> 0.94 and p95 526 -> 98 ms; the three values were not varied.
CANDIDATES = 50
#: Weight of the share of the query found in runs, in order, against the first-phase score
#: scaled to 0..1 (measured with CANDIDATES).
RUN_WEIGHT = 2.0
#: Added (over RUN_WEIGHT) when the whole query, punctuation included, is in the headline or
#: the body as typed (measured with CANDIDATES).
VERBATIM_WEIGHT = 1.0
#: Weight (over RUN_WEIGHT) of the share of the query's words found in the headline or the
#: body's opening: a headline typed from memory is seldom in its article word for word.
#: Measured with ALL_PAIRS_WEIGHT (3563ad7); not varied.
HEADLINE_OR_OPENING_WEIGHT = 0.5
#: How much of the body counts as its opening, in characters of the folded text (about as many
#: of the article's): set with HEADLINE_OR_OPENING_WEIGHT, not varied.
OPENING_CHARS = 400
#: Weight (over RUN_WEIGHT) of the share of the query's rarity (each word weighed by its idf)
#: the article holds anywhere: a candidate missing the one rare word of a headline is seldom the
#: article meant. Among 19,100 articles, with ``search.scoring``'s one rarity (2fb9cbc,
#: 2026-12-03): 0.5 lifted slug MRR 0.814 -> 0.820 and slug5 0.405 -> 0.428, 1.0 and 2.0 about
#: as much, passages unchanged (scratch runs of bench/curve.py's queries).
PRESENCE_WEIGHT = 1.0

# --- partial matches, after a short answer set (search.searcher) ---------------------

#: How deep the second phase reorders partial matches after answers (with no answers, as deep
#: as CANDIDATES). Set with the answer set (61eb4e9, 2026-12-07), not measured apart; that
#: change as a whole: the curve's 2,613 queries p50 36.8 / p95 55.8 ms against 36.3 / 50.1.
PARTIAL_CANDIDATES = 20
#: The first phase keeps this many times the partial matches the page has room for (or
#: CANDIDATES, if more): those holding none of the query's words as typed are passed over
#: (61eb4e9, not measured).
PARTIAL_SPARE = 2
#: A query of at most this many words takes as its partial matches (shown and counted) the
#: articles holding one of its words by its terms, each word's articles read whole; a longer one
#: (a pasted headline), or one with a word in more than ``answer.COMMON_SHARE`` of the articles,
#: those of the first phase's union (61eb4e9, not measured).
COUNTED_GROUPS = 3
