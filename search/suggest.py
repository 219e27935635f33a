"""Did you mean: accented readings of unaccented queries, and spelling corrections.

Both come from the index's own vocabulary and statistics. The ``spell`` field
holds "folded=written" terms for every word the segmenter found, so the reading
of "thu dau mot" is the most frequent written form under the prefix
"thu_dau_mot=" — one lexicon scan per candidate, no model at query time.
"""

from __future__ import annotations

from whoosh.searching import Searcher as WhooshSearcher

from indexer.analysis import Token
from indexer.engine.schema import BODY, BODY_FOLD, HEADLINE_TWIN, SPELL
from indexer.text import LETTERS, PLAIN_LETTERS, fold, has_diacritics, unaccented

from .answer import longest_first
from .query import typed_exact

MAX_WORD_CHARS = 12  # the longest Vietnamese syllable is 7 letters; past this it is not a misspelling
#: At most this many unknown words of a query are corrected (the first ones): each
#: costs a few hundred term look-ups, and a query of 64 misspelt words is not typed.
MAX_CORRECTED = 8
#: A word written in lower case in at least this share of its uses is offered in lower case.
LOWER_CASE_SHARE = 0.25


def _best_written(searcher: WhooshSearcher, folded: str) -> str | None:
    """The likeliest written form of a folded word: its accents by how often the index
    writes them in any case, then lower case unless the word is mostly capitalised.
    Only letters are read: a form whose digits or symbols differ from the typed ones
    ("quận ²" for "quan 2", "quận ①" for "quan 1") is no reading of it.

    The commonest form alone is often capitalised for a reason that is no part of
    the word: news captions ("Ảnh: Tuấn Anh") made "chup anh" read "chụp Ảnh". A
    name is capitalised nearly everywhere, so it keeps its capitals.
    """
    prefix = folded + "="
    reader = searcher.reader()
    forms: dict[str, dict[str, int]] = {}  # lower case -> written form -> articles
    for term in reader.expand_prefix(SPELL, prefix):
        written = term.decode("utf-8")[len(prefix):]
        if unaccented(written.lower()) != folded:
            continue  # it folds to the typed word only by turning a symbol into a digit ("quận_²"): not a reading
        written = written.replace("_", " ")
        forms.setdefault(written.lower(), {})[written] = reader.doc_frequency(SPELL, term)
    if not forms:
        return None
    lower, cased = max(forms.items(), key=lambda item: sum(item[1].values()))
    if cased.get(lower, 0) >= LOWER_CASE_SHARE * sum(cased.values()):
        return lower
    return max(cased, key=lambda form: cased[form])


def _accented_reading(searcher: WhooshSearcher, tokens: list[Token], text: str) -> list[tuple[int, int, str]]:
    """The folded syllables read as the index's words, longest first (``answer.longest_first``):
    (start, end, written) spans of ``text``; a syllable no word starts is left as typed."""
    def written(run: list[Token]) -> str | None:
        return _best_written(searcher, "_".join(t.folded for t in run))
    return [(run[0].start, run[-1].end, found or run[0].text) for run, found in longest_first(tokens, text, written)]


def _one_edit(term: str, letters: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from ``term``."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(term)
    return out


def _unknown(searcher: WhooshSearcher, token: Token) -> tuple[str, str] | None:
    """The (field, term) to correct when the token is a word the index does not hold, else None."""
    field, term = (BODY, token.token) if typed_exact(token) else (BODY_FOLD, token.folded)
    # Short syllables are a distance of one from many real ones: only correct longer words.
    reader = searcher.reader()
    if (not token.token.isalpha() or not 4 <= len(term) <= MAX_WORD_CHARS
            or reader.doc_frequency(field, term) or reader.doc_frequency(HEADLINE_TWIN[field], term)):
        return None  # short, or a word of some body or headline
    return field, term


def _corrected(searcher: WhooshSearcher, token: Token, field: str, term: str) -> Token:
    """The most frequent indexed word one edit from ``term``, or the token as typed.

    Candidates are generated and looked up (a few hundred dictionary look-ups,
    about a millisecond) rather than found by whoosh's corrector, which walks the
    whole field's lexicon: 0.3 s a word at 20,000 articles.
    """
    reader = searcher.reader()
    best, best_freq = None, 0
    for candidate in _one_edit(term, LETTERS if field == BODY else PLAIN_LETTERS):
        freq = reader.doc_frequency(field, candidate)
        if freq > best_freq or (freq == best_freq and freq and best is not None and candidate < best):
            best, best_freq = candidate, freq
    if best is None:
        return token
    return token._replace(text=_cased_like(token.text, best), token=best, folded=fold(best))


def _corrections(searcher: WhooshSearcher, tokens: list[Token]) -> list[Token]:
    """The tokens with the first ``MAX_CORRECTED`` unknown words corrected."""
    out, budget = [], MAX_CORRECTED
    for token in tokens:
        unknown = _unknown(searcher, token) if budget else None
        if unknown:
            budget -= 1
            token = _corrected(searcher, token, *unknown)
        out.append(token)
    return out


def _cased_like(typed: str, word: str) -> str:
    if typed.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def _rewritten(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) span, in text order, replaced."""
    out, last = [], 0
    for start, end, replacement in spans:
        out += [text[last:start], replacement]
        last = end
    return "".join(out + [text[last:]])


def suggest(searcher: WhooshSearcher, text: str, tokens: list[Token]) -> str | None:
    """A better query, or None when the query is fine as typed.

    Only the searched syllables are rewritten, in place in ``text`` (their offsets
    point into it), so exclusions, quotes, OR and filters stay as the user typed them.
    """
    if not tokens:
        return None
    corrected = _corrections(searcher, tokens)
    if any(has_diacritics(t.text) for t in tokens):
        # Accents typed are the user's choice: only a misspelling is worth a suggestion.
        spans = [(t.start, t.end, t.text) for t in corrected]
    else:
        spans = _accented_reading(searcher, corrected, text)
    better = _rewritten(text, spans)
    return better if better.lower() != text.lower() else None
