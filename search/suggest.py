"""Did you mean: accented readings of unaccented queries, and spelling corrections.

Both come from the index's own vocabulary and statistics. The ``spell`` field
holds "folded=written" terms for every word the segmenter found, so the reading
of "thu dau mot" is the most frequent written form under the prefix
"thu_dau_mot=" — one lexicon scan per candidate, no model at query time.
"""

from __future__ import annotations

from whoosh.searching import Searcher as WhooshSearcher

from indexer.analysis import Token, has_diacritics, syllables

LONGEST_WORD = 4  # syllables
MAX_WORD_CHARS = 12  # the longest Vietnamese syllable is 7 letters; past this it is not a misspelling


def _best_written(searcher: WhooshSearcher, folded: str) -> str | None:
    best, best_freq = None, 0
    prefix = folded + "="
    reader = searcher.reader()
    for term in reader.expand_prefix("spell", prefix):
        freq = reader.doc_frequency("spell", term)
        if freq > best_freq:
            best, best_freq = term.decode("utf-8"), freq
    return best[len(prefix):].replace("_", " ") if best else None


def _accented_reading(searcher: WhooshSearcher, tokens: list[Token]) -> list[str]:
    """Greedy longest match of the folded syllables against the index's words."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(LONGEST_WORD, len(tokens) - i), 0, -1):
            written = _best_written(searcher, "_".join(t.folded for t in tokens[i:i + n]))
            if written:
                out.append(written)
                i += n
                break
        else:
            out.append(tokens[i].text)
            i += 1
    return out


def _corrected(searcher: WhooshSearcher, token: Token) -> str:
    """The token, or the closest word in the index when the token is not in it."""
    field, term = ("body", token.token) if has_diacritics(token.text) else ("body_fold", token.folded)
    # Short syllables are a distance of one from many real ones: only correct longer words.
    if not token.token.isalpha() or not 4 <= len(term) <= MAX_WORD_CHARS or searcher.reader().doc_frequency(field, term):
        return token.text
    found = searcher.corrector(field).suggest(term, limit=1, maxdist=1)
    return _cased_like(token.text, found[0]) if found else token.text


def _cased_like(typed: str, word: str) -> str:
    if typed.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def suggest(searcher: WhooshSearcher, tokens: list[Token]) -> str | None:
    """A better query for these syllables, or None when the query is fine as typed."""
    if not tokens:
        return None
    corrected = [_corrected(searcher, t) for t in tokens]
    changed = corrected != [t.text for t in tokens]
    if not any(has_diacritics(t.text) for t in tokens):
        reading = _accented_reading(searcher, list(syllables(" ".join(corrected))))
        text = " ".join(reading)
        return text if text.lower() != " ".join(t.text for t in tokens).lower() else None
    return " ".join(corrected) if changed else None
