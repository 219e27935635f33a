"""Vietnamese text as every part of vnsearch compares it: one alphabet, one normal form,
one folding, one idea of which characters are no text at all.

The indexer, the query parser, the ranker, the highlighter, did-you-mean, the place
reader and the benchmarks must agree on these down to the character: where two of
them disagreed, a word was indexed one way and looked up another ("đảng\u200bviên"
was one word in an article and two in a query). So they live here, once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

#: Vietnamese letters without diacritics (lower case), and the five tone marks (combining).
PLAIN_LETTERS = "abcdefghijklmnopqrstuvwxyzđ"
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # grave, acute, hook, tilde, dot
_VOWELS = "aăâeêioôơuưy"
_TONED = {
    # base vowel -> its five toned forms (grave, acute, hook, tilde, dot)
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ",
}
_ALL_VOWELS = "".join(
    unicodedata.normalize("NFC", v + m) for v in _VOWELS for m in ("", *TONE_MARKS)
)
_ALL_VOWELS += _ALL_VOWELS.upper()
#: Every letter a Vietnamese syllable is written with (NFC, lower case): did-you-mean edits with them.
LETTERS = PLAIN_LETTERS + "".join(sorted({c.lower() for c in _ALL_VOWELS} - set(PLAIN_LETTERS)))
#: The capital letters, as a regex class body: a name starts with one ("[{UPPER}]").
UPPER = "A-ZĐ" + "".join(c for c in _ALL_VOWELS if c.isupper() and not c.isascii())

# Old ("hoà") versus new ("hòa") placement differs only where "oa", "oe", "uy" end
# the syllable; with a final consonant ("hoàng") both styles agree, and in "qu…"
# the "u" belongs to the consonant ("quý"). We move the mark to the first vowel,
# one character for one character, so offsets survive.
_TONE_SWAP = re.compile(
    "(?<![{v}])([oO])([{a}{A}{e}{E}])(?![^\\W\\d_])|(?<![{v}qQ])([uU])([{y}{Y}])(?![^\\W\\d_])".format(
        v=_ALL_VOWELS,
        a=_TONED["a"], A=_TONED["a"].upper(),
        e=_TONED["e"], E=_TONED["e"].upper(),
        y=_TONED["y"], Y=_TONED["y"].upper(),
    )
)


def _swap_table() -> dict[str, str]:
    table = {}
    for first in "oOuU":
        seconds = "aAeE" if first in "oO" else "yY"
        for second in seconds:
            for i, toned in enumerate(_TONED[second.lower()]):
                toned = toned.upper() if second.isupper() else toned
                moved = _TONED[first.lower()][i]
                moved = moved.upper() if first.isupper() else moved
                table[first + toned] = moved + second
    return table


_SWAP = _swap_table()


def _swap(match: re.Match[str]) -> str:
    return _SWAP[match.group(0)]


def normalize_tones(text: str) -> str:
    """Put tone marks on one convention ("hoà"→"hòa", "KHOÁ"→"KHÓA") without changing length."""
    return _TONE_SWAP.sub(_swap, text)


def nfc_with_offsets(text: str) -> tuple[str, list[tuple[int, int]] | None]:
    """NFC the text and say where each normalised character came from.

    Returns the normalised text and, when it is not the text as given, for each
    normalised character the span of ``text`` it came from: its whole cluster
    (a base letter and its combining marks), since NFC may make one character of
    several or, for a few scripts, several of one.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        end = start + 1
        while end < n and unicodedata.combining(text[end]):
            end += 1
        piece = unicodedata.normalize("NFC", text[start:end])
        out.append(piece)
        spans.extend([(start, end)] * len(piece))
        start = end
    return "".join(out), spans


def normalize(text: str) -> str:
    """NFC plus one tone convention: the form in which texts and queries are compared."""
    return normalize_tones(unicodedata.normalize("NFC", text))


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """The token without diacritics, lower case ("Đảng_viên"→"dang_vien", "Łódź"→"lodz")."""
    return ascii_fold(token).lower()


def ascii_fold(text: str) -> str:
    """The text in ASCII exactly as ``unidecode`` writes it ("Đảng viên “Łódź”" → 'Dang vien "Lodz"'),
    case kept, at C speed for the text Vietnamese news is written in.

    ``unidecode`` reads a string one character at a time in Python: a 3,400-character
    body takes about a millisecond, and the ranker folds the stored text of dozens of
    candidates per query. So the few non-ASCII characters news uses that have no
    decomposition (đ, “, –, …) are replaced as ``unidecode`` writes them; then, where
    every other character is one that NFD and an ASCII encode fold as ``unidecode``
    does (``_NFD_FOLDS``: every Vietnamese letter, most Latin ones), those two C
    steps do the work. Any other text goes through ``unidecode`` character by character.
    """
    if text.isascii():
        return text
    for char, folded in _REPLACED:
        text = text.replace(char, folded)
    if _NFD_UNSAFE.search(text) is None:
        return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ASCII.sub(_unidecode_one, text)


def _unidecode_one(match: re.Match[str]) -> str:
    return _unidecode_char(match.group())


@lru_cache(maxsize=4096)
def _unidecode_char(char: str) -> str:
    folded: str = unidecode(char)
    return folded


_NON_ASCII = re.compile("[^\x00-\x7f]")
#: Frequent in Vietnamese news (counted over the devset's articles), without a decomposition: replaced first.
_REPLACED = tuple((char, unidecode(char)) for char in "đĐ“”‘’…–—\xa0•·°")


def _nfd_folds() -> str:
    """The non-ASCII characters of the Latin, Vietnamese and punctuation blocks that NFD and an ASCII
    encode (dropping what is not ASCII) fold as ``unidecode`` does. Both steps work per character
    (NFD only reorders combining marks, which the encode drops), so any text of these folds so too."""
    blocks = [(0x80, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20C1)]
    chars = (chr(c) for start, end in blocks for c in range(start, end))
    return "".join(c for c in chars
                   if unicodedata.normalize("NFD", c).encode("ascii", "ignore").decode("ascii") == unidecode(c))


#: See ``_nfd_folds``.
_NFD_FOLDS = _nfd_folds()
_NFD_UNSAFE = re.compile(f"[^\x00-\x7f{re.escape(_NFD_FOLDS)}]")


def unaccented(text: str) -> str:
    """The text with the marks of its letters taken off ("quận ²" → "quân ²" → "quan ²") and nothing
    else changed: unlike ``fold``, digits and symbols stay as written ("²" is not "2")."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def has_diacritics(token: str) -> bool:
    """True when folding would change the token: the user typed accents (or "đ")."""
    return fold(token) != token.lower()



# Characters that are no text: formatting ones that only hide between letters, taken out
# ("đảng\u200bviên" is one word however it reaches us); control characters (C0 but tab,
# newline and carriage return; DEL; C1), a space in their place since scrapers leave them
# between words; and lone surrogates (a file name's bytes that are not UTF-8, a JSON
# "\ud800"), which no UTF-8 text can hold, U+FFFD in their place.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def visible(text: str) -> str:
    """The text without invisible formatting characters and control characters, and with U+FFFD
    where it held something that is not text at all.

    Every string an article keeps passes through here (its id too), and so does every
    query: nothing stored or printed can ring a terminal's bell or end a C string early,
    and a query splits into words where its article does.
    """
    return _CONTROLS.sub(" ", _INVISIBLE.sub("", _SURROGATES.sub("\ufffd", text)))


def _letters_folding_to() -> dict[str, str]:
    """For each ASCII letter, every letter that folds to it (either case): the Vietnamese ones, and
    every other Latin letter ``fold`` takes to one ASCII letter ("ü" of "Saarbrücken", "ł", "ñ"), as
    the folded fields index them."""
    groups: dict[str, set[str]] = {}
    latin = "".join(map(chr, range(0xC0, 0x250))) + "".join(map(chr, range(0x1E00, 0x1F00)))
    for ch in _ALL_VOWELS + "đĐ" + "".join(map(chr, range(ord("a"), ord("z") + 1))) + latin:
        for c in (ch, ch.upper(), ch.lower()):
            if len(c) == 1 and c.isalpha():
                groups.setdefault(fold(c), set()).add(c)
    return {k: "".join(sorted(v)) for k, v in groups.items() if len(k) == 1 and k.isalpha()}


_FOLDS_TO = _letters_folding_to()


def accent_blind(folded: str) -> str:
    """A regex for every accented spelling of a folded syllable, either case ("dang" finds
    "đảng", "Đang", "đăng"...): how a syllable typed without diacritics is found in stored text."""
    return "".join(f"[{re.escape(_FOLDS_TO[c])}]" if c in _FOLDS_TO else re.escape(c) for c in folded)
