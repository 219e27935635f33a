"""The Vietnamese text analysis chain that the indexer and the query module share.

Both sides must see a text the same way, so everything that turns characters into
searchable terms lives here: Unicode NFC, one tone-mark convention, tokens,
lower case, folding to plain ASCII, and whoosh tokenizers over the same steps.

How queries with other word boundaries still match (the design choice):
the index keeps **syllables** as its recall layer and **words** as its precision
and vocabulary layer.

* ``syllables()`` splits on spaces and punctuation only, with no model, so it gives
  the same units for "đảng viên", "Đảng viên", "dang vien" or "dangvien" typed
  with a space: a query never depends on where a segmenter would put word
  boundaries, and underthesea (which cannot segment text without diacritics)
  is never needed at query time.
* Each syllable is indexed twice (exact and folded), and each adjacent pair
  once more as a folded bigram ("dang_vien"), so adjacency lifts ranking
  without slow positional phrase queries.
* ``words()`` runs underthesea's segmenter, at indexing time only; its words
  written with diacritics ("thủ_dầu_một") become the index's ``spell``
  vocabulary, which did-you-mean scans to put the accents back on a query
  typed without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer

from .text import fold, nfc_with_offsets, normalize_tones

# Units that must stay one searchable token: document codes ("04-NQ/TW",
# "100/2019/NĐ-CP") and year ranges as written ("2015-2020", "2015 - 2020").
_CAP = "A-ZĐ"
_DOC_CODE = rf"\d+(?:/\d{{2,4}})?[-/][{_CAP}][{_CAP}0-9]*(?:[-/][{_CAP}][{_CAP}0-9]*)+"
_YEAR_RANGE = r"(?<!\d)(?:1[89]|20)\d\d[ \t]*[-–—][ \t]*(?:1[89]|20)\d\d(?!\d)"
_PROTECTED = re.compile(f"(?:{_DOC_CODE}|{_YEAR_RANGE})(?![\\w/])")
_SYLLABLE = re.compile(f"{_DOC_CODE}(?![\\w/])|{_YEAR_RANGE}|\\d+(?:[.,:]\\d+)+|[^\\W_]+")
# An abbreviation glued to a capitalised name ("TP.Thủ Dầu Một", "Tp.Thủ"): the
# segmenter reads "TP.Thủ" as one word, so it sees a space there instead.
_GLUED_ABBREVIATION = re.compile(r"(?<![^\W\d_])(?:TP|Tp|tp|TX|Tx|TT|Tt)\.(?=[^\W\d_][^\W\d_A-ZĐ])")


_RANGE_DASH = re.compile(r"[ \t]*[-–—][ \t]*")


def _term(piece: str) -> str:
    """The indexed form of an original piece of normalised text."""
    if piece[0].isdigit() and _PROTECTED.fullmatch(piece):
        return _RANGE_DASH.sub("-", piece.lower())
    return "_".join(piece.split()).lower()


class Token(NamedTuple):
    """One token: ``text`` is the original substring ``source[start:end]``."""

    text: str
    token: str
    folded: str
    start: int
    end: int
    pos: int


class _Prepared:
    """A text normalised for analysis, with the way back to original offsets."""

    __slots__ = ("original", "text", "_spans")

    def __init__(self, original: str):
        nfc, self._spans = nfc_with_offsets(original)
        self.original = original
        self.text = normalize_tones(nfc)

    def token(self, start: int, end: int, pos: int) -> Token:
        piece = self.text[start:end]
        term = _term(piece)
        if self._spans is None:
            return Token(self.original[start:end], term, fold(term), start, end, pos)
        ostart, oend = self._spans[start][0], self._spans[end - 1][1]
        return Token(self.original[ostart:oend], term, fold(term), ostart, oend, pos)


@lru_cache(maxsize=16)
def syllables(text: str) -> tuple[Token, ...]:
    """Split into syllables (and protected codes) without any model: the query-side unit.

    Cached because the index asks for the same text once per syllable field.
    """
    prepared = _Prepared(text)
    return tuple(prepared.token(m.start(), m.end(), pos) for pos, m in enumerate(_SYLLABLE.finditer(prepared.text)))


def _segment(text: str) -> list[str]:
    # Imported here: loading the CRF model costs half a second that queries never pay.
    from underthesea import word_tokenize

    segments: list[str] = word_tokenize(text, use_token_normalize=False)
    return segments


def words(text: str) -> list[Token]:
    """Segment into words with underthesea and map each back to the original text.

    Punctuation is dropped, "TP.Thủ Dầu Một" yields "thủ_dầu_một", and document
    codes and year ranges stay one token each.
    """
    prepared = _Prepared(text)
    norm = prepared.text
    if not any(map(str.isalnum, norm)):
        return []
    seg_input = _GLUED_ABBREVIATION.sub(lambda m: m.group(0)[:-1] + " ", norm)
    spans = _walk(seg_input, _segment(seg_input))
    protected = [(m.start(), m.end()) for m in _PROTECTED.finditer(norm)]
    tokens: list[Token] = []
    p = 0
    i = 0
    while i < len(spans):
        start, end = spans[i]
        while p < len(protected) and protected[p][1] <= start:
            p += 1
        if p < len(protected) and protected[p][0] < end:
            # Fuse every segment that overlaps the protected unit into one token.
            pstart, pend = protected[p]
            start, end = min(start, pstart), max(end, pend)
            while i + 1 < len(spans) and spans[i + 1][0] < end:
                i += 1
                end = max(end, spans[i][1])
        i += 1
        while start < end and not norm[start].isalnum():
            start += 1
        while end > start and not norm[end - 1].isalnum():
            end -= 1
        if start < end:
            tokens.append(prepared.token(start, end, len(tokens)))
    return tokens


def _walk(text: str, segments: Sequence[str]) -> list[tuple[int, int]]:
    """Find each segment's span in ``text``; the segmenter returns no offsets."""
    spans = []
    cursor = 0
    for segment in segments:
        start: int | None = None
        end = cursor
        for part in segment.split():
            found = text.find(part, cursor)
            if found < 0:
                break
            if start is None:
                start = found
            end = cursor = found + len(part)
        if start is not None:
            spans.append((start, end))
    return spans


def pairs(tokens: Sequence[Token]) -> Iterator[str]:
    """Folded adjacent-syllable pairs ("đảng", "viên" → "dang_vien")."""
    for left, right in pairwise(tokens):
        yield f"{left.folded}_{right.folded}"


# --- whoosh side -----------------------------------------------------------------


class ChainTokenizer(Tokenizer):
    """Base for the whoosh tokenizers: subclasses choose which form of each token to index."""

    def _tokens(self, value: str) -> Iterable[tuple[str, int, int]]:
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[WhooshToken]:
        t = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (term, start, end) in enumerate(self._tokens(value)):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t

    def terms(self, value: str) -> Iterator[str]:
        """Just the indexed terms, for fields that only count them."""
        return (term for term, _, _ in self._tokens(value))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))


class SyllableTokenizer(ChainTokenizer):
    """Exact syllables: normalised, lower-cased, with original character offsets."""

    def _tokens(self, value: str) -> Iterator[tuple[str, int, int]]:
        return ((t.token, t.start, t.end) for t in syllables(value))


class FoldedSyllableTokenizer(ChainTokenizer):
    """Syllables without diacritics, for queries typed without them."""

    def _tokens(self, value: str) -> Iterator[tuple[str, int, int]]:
        return ((t.folded, t.start, t.end) for t in syllables(value))


class PairTokenizer(ChainTokenizer):
    """Folded adjacent-syllable pairs: cheap adjacency for ranking, no positions needed."""

    def _tokens(self, value: str) -> Iterator[tuple[str, int, int]]:
        tokens = syllables(value)
        return ((pair, left.start, right.end)
                for pair, (left, right) in zip(pairs(tokens), pairwise(tokens), strict=True))


class WordTokenizer(ChainTokenizer):
    """underthesea words, as the ``spell`` field's analyzer.

    The indexer hands that field a ready list of terms (``schema.spelling_terms``),
    which whoosh indexes without calling the analyzer; the class stays the field's
    analyzer because every existing index's pickled schema names it.
    """

    def _tokens(self, value: str) -> Iterator[tuple[str, int, int]]:
        return ((t.token, t.start, t.end) for t in words(value))
