"""The index's fields, and how an article becomes one whoosh document.

Title and body each appear three times: exact syllables (for matches typed with
diacritics), folded syllables (for matches typed without), and folded adjacent
pairs (adjacency as plain terms, far cheaper than positional phrase queries).
Only the two title syllable fields keep positions, for the headline phrase boost. The
segmenter's words feed ``spell``: one "folded=written" term per distinct word of an article ("thu_dau_mot=Thủ_Dầu_Một"),
so did-you-mean finds the accented, cased readings of an unaccented query with a
lexicon prefix scan and ranks them by document frequency.
The article's filters are keyword fields holding folded keys (see
``indexer.keys``, which the query side calls too), so "binh duong" and "Bình Dương" meet.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.util.times import datetime_to_long

from .. import analysis
from ..articles.places import place_chain
from ..keys import (
    commune_key,
    district_key,
    field_value,
    mention_keys,
    name_key,
    province_key,
    source_key,
    term_key,
    term_year_keys,
)
from ..text import normalize

if TYPE_CHECKING:  # the reader is the workers' business, not the query path's
    from ..articles.reader import Article

# The fields by name: code elsewhere names a field through these (``make_schema`` defines each, and
# tests/test_schema.py holds the two to each other). Title and body, each three ways:
TITLE, TITLE_FOLD, TITLE_PAIR = "title", "title_fold", "title_pair"
BODY, BODY_FOLD, BODY_PAIR = "body", "body_fold", "body_pair"
#: Each body field's headline twin, analysed alike (a word missing from every body may still head an article).
HEADLINE_TWIN = {BODY: TITLE, BODY_FOLD: TITLE_FOLD, BODY_PAIR: TITLE_PAIR}
DOC_ID, HASH, URL, META = "id", "hash", "url", "meta"
#: "folded=written" terms of the segmenter's words (``spelling_terms``).
SPELL = "spell"
PUBLISHED = "published"
# Keyword fields of ``indexer.keys``' keys: what the filters look up and the facets count.
YEAR, YEARS_MENTIONED = "year", "years_mentioned"
PROVINCE, PROVINCE_2025, DISTRICT, COMMUNE = "province", "province_2025", "district", "commune"
MENTIONS = "mentions"
TERMS, TERM_YEARS = "terms", "term_years"
AUTHOR, SOURCE = "author", "source"

#: Title words weigh this much more than body words in BM25F.
TITLE_BOOST = 3.0

#: How much of the lead stands in for a missing headline (see ``stand_in_title``).
STAND_IN_CHARS = 200

#: What the raw ``published`` column holds for an undated article: past any real date.
UNDATED = datetime_to_long(datetime.max)

#: The version of what reading, analysis, place tagging and this schema make of an article.
#: It is in every content hash, so bumping it re-indexes everything on the next build.
#: Bump it with any change that alters a document, then record the probe
#: (``python tests/pipeline_probe.py --record``): ``tests/test_schema.py`` fails while
#: the documents made from the probe's real articles differ from those recorded for
#: this version, so a forgotten bump is caught, and a change that alters no document
#: (moving code, renaming) re-indexes nothing. (Until 2026-12-07 the version hashed
#: the pipeline files' bytes; this is that last hash, so indexes built then stay current.)
PIPELINE_VERSION = "6f7c63389a62063e"


class CountedText(TEXT):
    """A TEXT field without positions that counts its terms in one pass.

    whoosh's default indexing makes a token object per occurrence and tallies
    them; for the position-free syllable fields, which hold most of an article's
    postings, counting the chain's terms directly gives the same postings
    (frequency, weight = frequency × field boost) at a fraction of the cost.
    """

    def index(self, value: object, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        if not (isinstance(value, str) and type(self.format) is Frequency
                and isinstance(self.analyzer, analysis.ChainTokenizer)):
            postings: Iterable[tuple[bytes, int, float, bytes]] = super().index(value, **kwargs)
            return postings
        boost = self.format.field_boost
        return ((term.encode("utf-8"), n, n * boost, pack_uint(n))
                for term, n in Counter(self.analyzer.terms(value)).items())


def make_schema() -> Schema:
    exact, folded, pair = analysis.SyllableTokenizer(), analysis.FoldedSyllableTokenizer(), analysis.PairTokenizer()
    keys = dict(commas=True, lowercase=False, scorable=False)
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        hash=ID(stored=False, sortable=True),
        title=TEXT(analyzer=exact, stored=True, field_boost=TITLE_BOOST),
        title_fold=TEXT(analyzer=folded, field_boost=TITLE_BOOST),
        title_pair=CountedText(analyzer=pair, phrase=False, field_boost=TITLE_BOOST),
        # No positions in the body fields: phrases go through the pair fields, and
        # positions would cost a third of the posting writer's time and index size.
        body=CountedText(analyzer=exact, stored=True, phrase=False),
        body_fold=CountedText(analyzer=folded, phrase=False),
        body_pair=CountedText(analyzer=pair, phrase=False),
        spell=KEYWORD(analyzer=analysis.WordTokenizer()),
        published=DATETIME(stored=True, sortable=True),
        year=KEYWORD(**keys),
        years_mentioned=KEYWORD(**keys),
        # Where the story happened (the reader's ``about``): pre-2025 and 2025 provinces apart,
        # so each facet counts an article once; a province filter asks both (see
        # ``search.filters.filter_query``).
        province=KEYWORD(**keys),
        province_2025=KEYWORD(**keys),
        district=KEYWORD(**keys),
        commune=KEYWORD(**keys),
        # Every unit the text names, about it or not (``mention_keys``).
        mentions=KEYWORD(**keys),
        terms=KEYWORD(**keys),
        term_years=KEYWORD(**keys),
        author=KEYWORD(**keys),
        source=KEYWORD(**keys),
        url=STORED(),
        meta=STORED(),
    )


def schema_changes(old: Schema, new: Schema) -> list[str]:
    """How an index's schema differs from ``new`` by field names and types ("province_2025 added"), or [].

    Build workers write every field of ``make_schema()``; into an index made by
    earlier code, lacking one, they die. A difference means the index must be
    rebuilt rather than grown.
    """
    changes = [f"{name} added" for name in new.names() if name not in old]
    changes += [f"{name} removed" for name in old.names() if name not in new]
    changes += [f"{name} is now {type(new[name]).__name__}, was {type(old[name]).__name__}"
                for name in new.names() if name in old and type(old[name]) is not type(new[name])]
    return changes


def content_hash(payload: bytes) -> str:
    """A short digest of an article's raw input: unchanged input means nothing to redo."""
    return hashlib.blake2b(PIPELINE_VERSION.encode() + b"\0" + payload, digest_size=12).hexdigest()


class KeywordFields(TypedDict):
    """An article's keyword fields: the folded keys its filters and facets match (``indexer.keys``)."""

    years_mentioned: str
    province: str
    province_2025: str
    district: str
    commune: str
    mentions: str
    terms: str
    term_years: str
    author: str
    source: str


class _OptionalFields(TypedDict, total=False):
    published: datetime
    year: str
    _stored_title: str


class Document(KeywordFields, _OptionalFields):
    """One article's whoosh fields, as ``add_document`` takes them: ``published`` and ``year`` only for
    a dated article, ``_stored_title`` (the title shown: none) only for one without a headline."""

    id: str
    hash: str
    title: str
    title_fold: str
    title_pair: str
    body: str
    body_fold: str
    body_pair: str
    spell: list[str]
    url: str | None
    meta: str


def document(article: Article, digest: str, doc_id: str) -> Document:
    """The whoosh fields of one article (runs in the build's worker processes)."""
    title = article.title or stand_in_title(article.body)
    body = article.body
    # The same string object for a text's three fields: syllables() is cached, so it is tokenised once.
    return {
        "id": doc_id,
        "hash": digest,
        "title": title, "title_fold": title, "title_pair": title,
        "body": body, "body_fold": body, "body_pair": body,
        "spell": spelling_terms(analysis.words(f"{article.title}\n\n{article.body}")),
        **keyword_fields(article),
        "url": article.url,
        "meta": _meta(article),
        **_optional_fields(article),
    }


def _optional_fields(article: Article) -> _OptionalFields:
    """Its date fields, when it has a date; and, when it has no headline, the empty title it shows
    (the lead it is searched by as its headline is never shown as one)."""
    fields: _OptionalFields = {}
    if not article.title:
        fields["_stored_title"] = ""
    if article.published is not None:
        # whoosh compares naive datetimes: keep the article's local (Vietnam) wall time.
        fields["published"] = article.published.replace(tzinfo=None)
        fields["year"] = str(article.published.year)
    return fields


def keyword_fields(article: Article) -> KeywordFields:
    """The article's filter keys: where it happened (the reader's ``about``), what it mentions, its
    terms and their years, its byline and publisher."""
    about, terms = article.about, article.terms
    return {
        "years_mentioned": field_value(str(y) for y in article.years_mentioned),
        "province": field_value(province_key(loc.province) for loc in about),
        "province_2025": field_value(province_key(loc.province_2025) for loc in about),
        "district": field_value(district_key(loc.district) for loc in about if loc.district),
        "commune": field_value(commune_key(loc.commune) for loc in about if loc.commune),
        "mentions": field_value(mention_keys(article.about + article.mentions)),
        "terms": field_value(term_key(t) for t in terms),
        "term_years": field_value(y for t in terms for y in term_year_keys(t)),
        "author": field_value([name_key(article.author)] if article.author else []),
        "source": field_value([source_key(article.source)] if article.source else []),
    }


def _meta(article: Article) -> str:
    """What a hit shows of the article's places, terms and byline, stored as JSON."""
    return json.dumps({
        "about": [loc.as_dict() for loc in article.about],
        # Written here, where the gazetteer is loaded: a search would load it (a fifth of a second) to write them.
        "places": [place_chain(loc) for loc in article.about],
        "mentions": [loc.as_dict() for loc in article.mentions],
        "terms": article.terms,
        "author": article.author,
        "source": article.source,
        "years_mentioned": article.years_mentioned,
    }, ensure_ascii=False)


def stand_in_title(body: str) -> str:
    """What an article with no headline is searched by in the headline fields: its lead's opening.

    A record without a title (Dân trí's devset records, a page whose headline the
    reader could not find) otherwise has no headline terms at all, and a
    headline typed from memory then lost it to articles whose headlines share a
    few of its words: among 19,100 articles such queries scored MRR 0.771 typed
    in full without diacritics and 0.342 by their first five words, 0.802 and
    0.399 with this (bench/curve.py, 2026-12-03, and again on 2026-12-05). The
    lead restates the headline in most news; its opening is about as long as one.
    """
    lead = body.strip().split("\n", 1)[0]
    return lead if len(lead) <= STAND_IN_CHARS else lead[:STAND_IN_CHARS].rsplit(" ", 1)[0]


def spelling_terms(tokens: list[analysis.Token]) -> list[str]:
    """Distinct "folded=written" terms (written = normalised original, case kept).

    Only words with diacritics: a word without any reads the same accented or not.
    """
    # Distinct spellings first: an article repeats its words, normalising is per spelling.
    written = {(t.folded, t.text) for t in tokens if t.folded != t.token}
    return sorted({f"{folded}={'_'.join(normalize(text).split())}" for folded, text in written})

