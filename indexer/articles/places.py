"""Locality tagging: where a news article's story happened, and what else it names.

The gazetteer is ``data/gazetteer.tsv.gz`` (derived from ``vietnamadminunits``, see
``data/README.md``): the units **before** the July-2025 reform, because the archive
runs from 2015, each province with the 2025 province it now belongs to.

How a text is read, and why:

* Names are looked up as runs of words (letters and digits, in NFC with one
  tone-mark convention, as the gazetteer is written) in one dict keyed by the tuple; only a
  capitalised syllable can start a name, so most tokens cost one set lookup.
  Vietnamese capitalises every syllable of a place name; requiring that keeps
  common words ("tân thành" = "newly founded") out.
* A unit prefix ("xã", "huyện", "TP.", "Huyện ủy", "Q.", ...) fixes the level; names
  without one are read as a province, else a district, and as a commune only when
  the same name also occurs with a commune prefix (unprefixed ward names are mostly
  streets or people: "Trần Phú", "Quang Trung").
* Names repeat across the country, so a district or commune with several namesakes
  is resolved only with support: its province or district named in the text, a
  commune of it named in the text, or the source's province. Without support it is
  dropped rather than guessed.
* Where and how a name stands decides whether the story happened there (``about``) or
  the text only names it (``mentions``): the title, a dateline and the lead outweigh
  the body, whose repeats count less and less; a place the story is compared with or
  measured from, where a person lives, was born or comes from (or, for a deputy, the
  province they sit for: "đại biểu Nguyễn Thanh Hồng (Bình Dương)"), a place's name
  borne by a venue, club, team, company or product ("nhà hát Hòa Bình", "SHB Đà Nẵng",
  and then "Thanh Hóa" alone in a match report, "Công ty Thủy điện Sơn La", "nước mắm
  Phú Quốc"), a province in a sentence of many, beside a region ("Bắc Bộ và Thanh
  Hóa") or at one end of a stretch or road ("từ Thanh Hóa đến Quảng Bình", "cao tốc
  Nội Bài - Lào Cai"), an archipelago, a town named alone whose province the text
  never names, a photo's caption, and the publisher's own contact lines, credits and
  signature do not place the story; nor does anything under a title that names a
  region ("Miền Bắc", "Tây Nguyên") and no place, or a body that names four provinces
  or more and none up front, or one province once and nowhere else ("công ty xăng dầu
  ở khu vực Hà Nội" in a national price story), or twice under a headline or lead
  about a national body: those are the country's stories, or a region's. A
  provincial paper's "tỉnh" is its province, and a text that names no place is its
  paper's story (see ``find_places``).
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple, TypedDict

from ..text import UPPER, fold, has_diacritics, normalize, normalize_tones

DATA = Path(__file__).with_name("data") / "gazetteer.tsv.gz"

P, D, C = "P", "D", "C"  # province, district, commune

#: Weight of one mention by where it stands: the headline, a dateline and the lead say
#: where the story happened; the rest of the body only adds frequency.
TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
LEAD_CHARS = 400
#: A small nudge for the source's own province when scores tie or nearly so.
SOURCE_BONUS = 0.5


class LocalityDict(TypedDict):
    """A ``Locality`` as JSON (an article's stored ``meta``, the API's ``about``)."""

    province: str
    province_2025: str
    district: str | None
    commune: str | None


@dataclass(frozen=True)
class Locality:
    """One resolved unit chain; names carry no type prefix."""

    province: str  # pre-2025 province, e.g. "Bình Dương", "Hồ Chí Minh"
    province_2025: str  # the 2025 province it now belongs to, e.g. "Hồ Chí Minh"
    district: str | None  # e.g. "Thủ Dầu Một"
    commune: str | None  # e.g. "Phú Thuận"

    def as_dict(self) -> LocalityDict:
        return {"province": self.province, "province_2025": self.province_2025,
                "district": self.district, "commune": self.commune}

    @classmethod
    def from_dict(cls, data: LocalityDict) -> Locality:
        """The inverse of ``as_dict``, for localities read back from an index's stored fields."""
        return cls(data["province"], data["province_2025"], data.get("district"), data.get("commune"))


class _Unit(NamedTuple):
    id: str
    level: str
    type: str  # "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"
    name: str
    parent: str  # "" for a province
    province_2025: str


class _Name(NamedTuple):
    units: tuple[str, ...]
    upper: int  # which syllables must be capitalised in the text: bit i for syllable i


@lru_cache(maxsize=50_000)
def _lower(word: str) -> str:
    """A word as the gazetteer keys it: lower case, one tone convention.

    Syllables ending in "k" exist only in highland names, which are spelt several
    ways ("Đăk Hà"/"Đắk Hà", "Lăk"/"Lắk", even both within the source table): they are
    keyed without diacritics. Elsewhere a tone is meaning ("Biển Đông" is not the
    commune Biển Động), so nothing else is folded.
    """
    word = normalize_tones(word.lower())
    return fold(word) if word.endswith("k") else word


# Names news gives a province in place of its name. "Thủ đô" (capitalised, and not
# before a name: "thủ đô Bangkok") is Hà Nội in 244 places of 17,759 baomoi articles;
# the others seen are rare ("đất Cảng": 8 articles), mostly describe people ("cô gái Hà
# thành", "hot girl Sài thành") or are ambiguous ("Cố đô" Huế or Hoa Lư; "Tân Tây Đô").
_NICKNAMES = {"Thủ đô": "Hà Nội"}
# After a nickname, words that make it a common noun again ("Thủ đô của Anh", "Thủ đô nước Anh").
_NICKNAME_UNDONE = re.compile(r"[ \t\u00a0]+(?:của|nước)(?![^\W_])")


def _name_index(named: list[tuple[str, str]]) -> dict[tuple[str, ...], _Name]:
    """(unit id, name) pairs as the lookup by syllable tuple, with the syllables a name
    must have capitalised in a text."""
    names: dict[tuple[str, ...], list[str]] = {}
    upper: dict[tuple[str, ...], int] = {}
    for uid, name in named:
        words = _WORD.findall(name)
        key = tuple(_lower(w) for w in words)
        names.setdefault(key, []).append(uid)
        upper[key] = sum(1 << i for i, w in enumerate(words) if w[:1].isupper())
    return {k: _Name(tuple(v), upper[k]) for k, v in names.items()}


class _Gazetteer:
    """The data file, indexed for lookup by syllable tuples."""

    def __init__(self, path: Path = DATA):
        self.units: dict[str, _Unit] = {}
        aliases: list[tuple[str, str]] = []
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                uid, utype, name, parent, p2025, alias, _successor = line.rstrip("\n").split("\t")
                self.units[uid] = _Unit(uid, uid[0], utype, name, parent, p2025)
                if alias:
                    aliases.extend((uid, a) for a in alias.split("|"))
        # Unit names are stored normalised (derive_gazetteer.py); aliases are typed by hand.
        named = [(u.id, u.name) for u in self.units.values()] + [(u, normalize(a)) for u, a in aliases]
        self._index_for_reading(named)
        self._index_keys(named, aliases)
        # display side: place_key of every province (pre-2025 and 2025) -> its written name.
        self.province_names = {}
        for u in self.units.values():
            if u.level == P:
                self.province_names[_squash(fold(u.name))] = u.name
                if u.province_2025:
                    self.province_names.setdefault(_squash(fold(u.province_2025)), u.province_2025)

    def _index_keys(self, named: list[tuple[str, str]], aliases: list[tuple[str, str]]) -> None:
        """place_key side: the folded key of every name, and of every province alias its
        canonical key (an alias that is also another unit's name, "Huế" the city, stays that
        name); source side: compact folded province names ("binhduong") for host names."""
        units_by_fold: dict[str, set[str]] = {}
        for key, name in _name_index(named).items():
            units_by_fold.setdefault(" ".join(fold(s) for s in key), set()).update(name.units)
        self.name_keys = set(units_by_fold)
        self.alias_keys: dict[str, str] = {}
        for uid, alias in aliases:
            akey = _squash(fold(normalize(alias)))
            if units_by_fold.get(akey, {uid}) == {uid}:
                self.alias_keys[akey] = _squash(fold(self.units[uid].name))
        self.compact = {_squash(fold(u.name)).replace(" ", ""): u.id for u in self.units.values() if u.level == P}
        for uid, alias in aliases:
            self.compact.setdefault(_squash(fold(alias)).replace(" ", ""), uid)

    def _index_for_reading(self, named: list[tuple[str, str]]) -> None:
        # Text is read with the nicknames too; they are no name to index or filter by.
        by_name = {u.name: u.id for u in self.units.values() if u.level == P}
        self.names = _name_index(named + [(by_name[unit], nick) for nick, unit in _NICKNAMES.items()])
        self.nicknames = {tuple(_lower(w) for w in _WORD.findall(nick)) for nick in _NICKNAMES}
        # Every beginning of a name, so a scan stops as soon as no name can follow; first
        # syllables alone too, since most capitalised words start none.
        self.prefixes = {k[:n] for k in self.names for n in range(1, len(k) + 1)}
        self.first_syllables = {k[0] for k in self.names}

    @cached_property
    def children(self) -> dict[tuple[str, str], list[str]]:
        """(parent id, name) -> the units of that name under that parent ("" for provinces);
        built on first use, since only the place formatter needs it."""
        children: dict[tuple[str, str], list[str]] = {}
        for u in self.units.values():
            children.setdefault((u.parent, u.name), []).append(u.id)
        return children

    def province_of(self, uid: str) -> str:
        while self.units[uid].level != P:
            uid = self.units[uid].parent
        return uid


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """Loaded on first use (0.1–0.3 s) and kept: importing this module costs nothing."""
    return _Gazetteer()


_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Runs of letters and digits ("TP.Thủ" -> "TP", "Thủ"; "M’gar" -> "M", "gar"); unlike
# analysis.syllables(), codes and numbers like "1.000" are not kept whole.
_WORD = re.compile(r"[^\W_]+")


def _squash(folded: str) -> str:
    return _NON_ALNUM.sub(" ", folded).strip()


# --- place_key -------------------------------------------------------------------


def province_name(key: str) -> str:
    """The written name behind a province key ("binh duong" -> "Bình Dương"), for display."""
    return _gazetteer().province_names.get(key, key)


#: What may stand before a unit's name, lower case without its dot (its prefix, written out or
#: abbreviated, or its Party committee: "huyện ủy"): the level and the unit it names.
_PREFIX_LEVEL: dict[str, tuple[str, str]] = {
    "tỉnh": (P, "tỉnh"), "tỉnh ủy": (P, "tỉnh"),
    "thành phố": (D, "thành phố"), "tp": (D, "thành phố"), "thành ủy": (D, "thành phố"),
    "huyện": (D, "huyện"), "huyện ủy": (D, "huyện"), "h": (D, "huyện"),
    "quận": (D, "quận"), "quận ủy": (D, "quận"), "q": (D, "quận"),
    "thị xã": (D, "thị xã"), "thị ủy": (D, "thị xã"), "tx": (D, "thị xã"),
    "xã": (C, "xã"), "phường": (C, "phường"), "p": (C, "phường"),
    "thị trấn": (C, "thị trấn"), "tt": (C, "thị trấn"),
}
#: The eight unit names, as a name may be typed with one ("thị xã Thuận An").
_PREFIXES_ACCENTED = tuple(dict.fromkeys(unit for _, unit in _PREFIX_LEVEL.values()))
_PREFIXES_PLAIN = tuple(fold(p) for p in _PREFIXES_ACCENTED)
_ABBREVIATION = re.compile(r"^(?:tp|tx|tt)(?:\.\s*|\s+)|^[hqp]\.\s*", re.IGNORECASE)


def place_key(name: str) -> str:
    """Key under which a place name is indexed and filtered.

    Strips one unit prefix ('tỉnh', 'thành phố', 'TP.', 'Tp', 'quận', 'huyện', 'thị xã',
    'TX.', 'xã', 'phường', 'thị trấn', 'H.', 'Q.', 'P.'), folds diacritics and case and
    collapses spaces and punctuation: 'TP.Thủ Dầu Một' -> 'thu dau mot',
    'tỉnh Bình Dương' -> 'binh duong', 'binh duong' -> 'binh duong'. Known aliases map
    to the canonical province: 'TP.HCM', 'TPHCM', 'Sài Gòn' -> 'ho chi minh';
    'BR-VT' -> 'ba ria vung tau'; 'Thừa Thiên - Huế' -> 'thua thien hue'.

    A prefix typed without diacritics is stripped only when the whole input is not
    itself a name: 'quan hoa' is the district Quan Hóa, not "quận Hóa".
    """
    gaz = _gazetteer()
    text = normalize(name).strip()
    whole = _squash(fold(text))
    if whole in gaz.alias_keys:
        return gaz.alias_keys[whole]
    stripped = _ABBREVIATION.sub("", text, count=1)
    if stripped == text:
        lower = text.lower()
        if has_diacritics(text):
            prefixes: tuple[str, ...] = _PREFIXES_ACCENTED
        else:
            prefixes = () if whole in gaz.name_keys else _PREFIXES_PLAIN
        for prefix in prefixes:
            if lower.startswith(prefix) and len(lower) > len(prefix) and not lower[len(prefix)].isalnum():
                stripped = text[len(prefix):]
                break
    key = _squash(fold(stripped)) or whole
    return gaz.alias_keys.get(key, key)


# --- writing a place --------------------------------------------------------------

_SHORT_TYPE = {"thành phố": "TP"}


def _written(gaz: _Gazetteer, name: str, uids: list[str]) -> str:
    """A unit's name with its type as the press writes it: "xã Tứ Cường", "TP Thủ Dầu Một",
    "Quận 2" (a number alone names nothing). A province keeps its bare name unless it is a
    city ("Hải Dương", "TP Hồ Chí Minh"); a name whose type the chain leaves open (the
    huyện and the thị xã of Kỳ Anh) goes without one rather than with a guess."""
    types = {gaz.units[u].type for u in uids}
    if len(types) != 1:
        return name
    (utype,) = types
    if utype == "tỉnh":
        return name
    if name.isdigit():
        return f"{utype.capitalize()} {name}"
    return f"{_SHORT_TYPE.get(utype, utype)} {name}"


def place_chain(loc: Locality) -> str:
    """One locality as one line, smallest unit first, each unit once and typed:
    "xã Tứ Cường, huyện Thanh Miện, Hải Dương", "Quận 2, TP Hồ Chí Minh".

    Types come from the gazetteer by name, so a locality read back from any index (whose
    stored fields hold names only) is written the same way; names the gazetteer does not
    know are written as given.
    """
    gaz = _gazetteer()
    provinces = gaz.children.get(("", loc.province), [])
    districts = [d for p in provinces for d in gaz.children.get((p, loc.district or ""), [])]
    communes = [c for d in districts for c in gaz.children.get((d, loc.commune or ""), [])]
    if len(communes) == 1:  # the commune fixes which of two namesake districts is meant
        districts = [gaz.units[communes[0]].parent]
    parts = [(loc.commune, communes), (loc.district, districts), (loc.province, provinces)]
    return ", ".join(_written(gaz, name, uids) for name, uids in parts if name)


# --- reading a text ----------------------------------------------------------------

# Only a capitalised word (or a number, for "Quận 1") can start a name, so the scan
# visits those alone: a tenth of an article's words. The capital comes first and the
# look back after it: a pattern that starts with a look-behind is tried at every
# character, one that starts with a class only where the class matches (twice as fast).
_CAP_WORD = re.compile(rf"[{UPPER}0-9](?<![^\W_].)[^\W_]*")
_NEXT_WORD = re.compile(r"([ \t\u00a0]+|[ \t\u00a0]*[-–'’‘][ \t\u00a0]*)([^\W_]+)")
_SPACE = re.compile(r"[ \t\u00a0]+")
# A unit prefix right before a name: its words, "TP."/"Tp"/"TX."/"TT." or "H."/"Q."/"P.".
_PREFIX_BEFORE = re.compile(
    r"(?<![^\W_])(?:"
    r"(?i:(thành phố|thành [uủ][yỷ]|thị xã|thị [uủ][yỷ]|thị trấn|huyện [uủ][yỷ]|quận [uủ][yỷ]|tỉnh [uủ][yỷ]"
    r"|tỉnh|huyện|quận|(?<!ông )(?<!bà )xã|phường))[ \t\u00a0]+"  # "ông xã", "bà xã": a husband, a wife
    r"|(TP|Tp|TX|Tx|TT)(?:\.[ \t\u00a0]*|[ \t\u00a0]+)"
    r"|([HQP])\.[ \t\u00a0]*)$"
)
# How text that ends in a unit prefix ends, lower-cased and without its spaces and dot:
# a name preceded by anything else has no prefix, and the regex is not run.
_PREFIX_TAILS = ("phố", "uy", "uỷ", "ủy", "xã", "trấn", "tỉnh", "huyện", "quận", "phường",
                 "tp", "tx", "tt", "h", "q", "p")
_ROMAN = re.compile(r"[IVX]+")
_LIST_SEP = re.compile(r"\s*(?:,|;|,?\s*và|,?\s*hoặc)\s*")

# Words before a capitalised name that say it is a street, river, person or idea,
# not the unit ("đường Trần Phú", "sông Sài Gòn", "ông Lê Hà", "tư tưởng Hồ Chí Minh").
_BLOCK_BEFORE = {
    "đường", "phố", "lộ", "sông", "ngõ", "hẻm", "kênh",
    "ông", "bà", "anh", "chị", "em", "cháu", "cụ", "bác", "chú", "cô",
    "đồng chí", "chủ tịch", "tư tưởng", "phong cách", "tấm gương",
}
# Family names that are no syllable of a place's name either: after a place's name, one
# of them and another capitalised word begin a person's name (see _continues).
_FAMILY_NAMES = {
    "nguyễn", "trần", "lê", "phạm", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "ngô",
    "trương", "lương", "đoàn", "lưu", "trịnh", "triệu", "quách", "phùng",
}
# Capitalised words that, right before a name, make it part of a person's name: family
# names, those that are also place syllables ("Hoàng Mai", "Bình Dương", "Cao Bằng"), and
# middle names. The rarer ones before a given name that is a province's: "Phó Thủ tướng
# Trương Hòa Bình" is in 170 of 19,100 articles.
_PERSON_BEFORE = _FAMILY_NAMES | {
    "hoàng", "hồ", "dương", "lý", "văn", "thị", "hữu", "đình",
    "đinh", "lâm", "mai", "tô", "tạ", "cao", "kiều", "phí", "vương", "tôn", "khổng", "chu", "mạc", "diệp",
    "hứa", "thân", "doãn", "khúc",
}
# Unit names that, without a prefix, almost always mean a person (and the streets,
# schools and ideas named after them).
_NEVER_BARE = {
    ("hồ", "chí", "minh"), ("ngô", "quyền"), ("hai", "bà", "trưng"), ("lê", "chân"),
    ("trần", "văn", "thời"), ("hồng", "bàng"),
}
# Words that, right after an unprefixed name, make it a common word: "Vinh quang" (glory),
# "Vinh danh" (to honour) and "Vinh dự" head sentences and titles 38 times in 19,100
# articles, and "Vinh danh các doanh nghiệp du lịch" was a hit of the Nghệ An filter.
_COMMON_AFTER: dict[tuple[str, ...], set[str]] = {
    ("vinh",): {"quang", "danh", "dự", "hạnh", "hoa", "hiển", "thăng"},
}


# A unique district name resolves without support when a prefix announced it somewhere
# in the text, or when it is a town ("Đà Lạt", "Hội An" go bare in news); a bare rural
# district name alone is too often a person ("Xuân Trường", "Văn Lâm" are footballers).
_BARE_DISTRICT_TYPES = {"thành phố", "thị xã"}


class _Mention(NamedTuple):
    key: tuple[str, ...]
    units: tuple[str, ...]
    level: str | None  # from the prefix; None when the name stood alone
    utype: str | None
    listed: bool  # unprefixed, but in a list after a prefixed name ("các xã A, B và C")
    start: int
    end: int
    weight: float  # by where it stands (_Layout.weight)
    role: str  # "" or how the text relates the place to the story: HOME, or one of PASSING
    chained: bool  # follows the previous name in one address or list ("huyện A, tỉnh B")


def _prefix_before(text: str, start: int) -> re.Match[str] | None:
    before = text[max(0, start - 16):start]
    if not before.rstrip(" \t\u00a0.").lower().endswith(_PREFIX_TAILS):
        return None
    return _PREFIX_BEFORE.search(text, max(0, start - 16), start)


def _may_start(gaz: _Gazetteer, text: str, start: int, word: str) -> bool:
    """Can a name start with this capitalised word? Most cannot, and say so by their first syllable."""
    return _lower(word) in gaz.first_syllables and (not word[0].isdigit() or _numbered(text, start))


def _ends_here(gaz: _Gazetteer, text: str, key: tuple[str, ...], end: int) -> bool:
    """Does the name end where it was read? Not when a capitalised word follows ("xã Ba
    Khan" is not the commune Ba), nor when a nickname turns out a common noun."""
    return not _continues(text, end) and not (key in gaz.nicknames and _NICKNAME_UNDONE.match(text, end))


def _numbered(text: str, start: int) -> bool:
    """Is the number at ``start`` a unit's name? Only wards and districts are numbered, and
    a number stands for one only after its type ("Phường 5", "Q.1"); a quarter of the
    capitalised words the scan visits are numbers, so they are dismissed here, cheaply."""
    return text[max(0, start - 8):start].rstrip().lower().endswith(("quận", "phường", "q.", "p."))


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def _name_at(gaz: _Gazetteer, text: str, start: int, word: str) -> tuple[tuple[str, ...], int] | None:
    """The longest gazetteer name starting with ``word`` at ``start``: (its key, end offset).

    Walks on word by word while the words so far begin some name, and keeps the
    longest name whose capitalised syllables are capitalised in the text too.
    """
    key: tuple[str, ...] = (_lower(word),)
    capitalised = 1  # bit i: the text capitalises syllable i (the scan starts at capitalised words)
    end = start + len(word)
    best = None
    while key in gaz.prefixes:
        entry = gaz.names.get(key)
        if entry and not entry.upper & ~capitalised:
            best = (key, end)
        m = _NEXT_WORD.match(text, end)
        if m is None:
            break
        if _capitalised(m.group(2)):
            capitalised |= 1 << len(key)
        key += (_lower(m.group(2)),)
        end = m.end()
    return best


_SPACE_CHARS = " \t\u00a0"


def _word_before(text: str, end: int, lo: int) -> tuple[int, int]:
    """(start, end) of the word that only spaces separate from ``end``, not before ``lo``: an empty
    span at ``end`` when a non-space other than a letter or digit comes first."""
    j = end
    while j > lo and text[j - 1] in _SPACE_CHARS:
        j -= 1
    i = j
    while i > lo and text[i - 1].isalnum():
        i -= 1
    return i, j


def _previous_words(text: str, start: int, reach: int = 40) -> tuple[str | None, str | None]:
    """The two words before ``start`` when only spaces follow each: ("tư", "tưởng") for
    "tư tưởng Hồ Chí Minh", (None, "ông") for "(ông Lê Hà"; (None, None) without.

    Walked back character by character: a regex anchored at ``start`` would be tried
    at every position of the reach, and this runs for most names the scan finds."""
    lo = max(0, start - reach)
    i, j = _word_before(text, start, lo)
    if j == start or i == j:
        return None, None
    h, k = _word_before(text, i, lo)
    return (text[h:k] if k < i and h < k else None), text[i:j]


def _common_word(text: str, end: int, key: tuple[str, ...]) -> bool:
    """Does the word after the name make it a common word ("Vinh quang")?"""
    nxt = _NEXT_WORD.match(text, end) if key in _COMMON_AFTER else None
    return nxt is not None and _SPACE.fullmatch(nxt.group(1)) is not None and _lower(nxt.group(2)) in _COMMON_AFTER[key]


def _after_person_word(before: str | None, prev: str, key: tuple[str, ...]) -> bool:
    """Do the words before a name make it a street, a river, a person or an idea?"""
    word = _lower(prev)
    if word in _BLOCK_BEFORE or before and f"{_lower(before)} {word}" in _BLOCK_BEFORE:
        return True
    if word in _PERSON_BEFORE and prev[0].isupper():
        return True
    # A lone "Vinh" or "Huế" after a capitalised word is someone's name.
    return len(key) == 1 and prev[0].isupper() and not prev.isupper()


def _bare_ok(text: str, start: int, end: int, key: tuple[str, ...]) -> bool:
    """May the unprefixed name at text[start:end] stand for a place at all?"""
    if key in _NEVER_BARE or key[0].isdigit() or len(key[0]) < 2 and len(key) == 1 or _common_word(text, end, key):
        return False
    before, prev = _previous_words(text, start)
    return prev is None or not _after_person_word(before, prev, key)


# Two items of a list right before a name: capitalised names of up to three words, each with
# its comma (one alone is what the name qualifies: "sân bay Nội Bài, Hà Nội").
_ITEM = rf"[{UPPER}][^\W\d_]*(?:[ \t]+[{UPPER}][^\W\d_]*){{0,2}},[ \t]*"
_ITEMS_BEFORE = re.compile(rf"(?<![^\W_]){_ITEM}{_ITEM}$")


def _among_people(text: str, start: int, last: _Mention | None) -> bool:
    """Is the unprefixed name at ``start`` in a list after names that are no place? Then it
    is a person's: "Văn Trường, Kiên Quyết, Đông Triều, Đức Lễ" are footballers."""
    item = _ITEMS_BEFORE.search(text, max(0, start - 80), start)
    return item is not None and (last is None or last.end <= item.start())


def _continues(text: str, end: int) -> bool:
    """Does a capitalised word follow right after ``end``? Then the name read so far is
    only the start of a longer one: "Thái Bình Dương" is the Pacific, "xã Ba Khan" is not
    the commune Ba. All-capital words (acronyms, headlines) do not count, nor a person's
    full name: "Chủ tịch UBND TP Hà Nội Nguyễn Đức Chung"."""
    nxt = _NEXT_WORD.match(text, end)
    if nxt is None or not _SPACE.fullmatch(nxt.group(1)):
        return False
    word = nxt.group(2)
    if not word[0].isupper() or word.isupper():
        return False
    if _lower(word) in _FAMILY_NAMES:
        given = _NEXT_WORD.match(text, nxt.end())
        return not (given and _SPACE.fullmatch(given.group(1)) and given.group(2)[0].isupper())
    return True


# --- where a name stands and how -------------------------------------------------

# The publisher's own lines, whose places are the publisher's and not the story's: a
# contact block (the place is just before "ĐT:" or just after "Địa chỉ:"), a photo or
# source credit, a link to other stories ("VIDEO XEM THÊM: Hòa Bình" ended a story about
# Syria), and the outlet describing itself ("Đài PT-TH Thanh Hóa là đơn vị ...").
# Each pattern starts with a literal (":", "(", "\n", " là ", "của") for the regex engine
# to skip to, since they run over every article.
_COLON = re.compile(r":")
_CONTACT_BEFORE = re.compile(  # not "GD&ĐT:" (giáo dục và đào tạo)
    r"(?<![\w&/])(?:(Địa chỉ|Điện thoại|ĐT|Tel|Hotline|Fax|E-?mail|Website|Tòa soạn|Trụ sở)"
    r"|(Ảnh|Nguồn|Xem thêm|Đọc thêm|Tin liên quan))\s*$",
    re.IGNORECASE)
_CONTACT_REACH = 200  # an address is a line, not a paragraph
_CREDIT_AFTER = re.compile(rf"(?:\s*(?:[{UPPER}0-9][^\s]*|[-/&]))*")  # "Ảnh: Hoàng Hùng/TTXVN"
_CREDITS = re.compile(r"\((?:Ảnh|Nguồn|Theo)\b[^)\n]{0,80}\)")  # "(Ảnh: báo Thanh niên)", "(Theo VTC14)"
_CREDIT_LINE = re.compile(r"\nTheo [^\n,;:]{1,60}(?=\n|$)")  # "Theo VTC14" on a line of its own
_SIGNATURE = re.compile(r"\./\.[ \t]*[^\n]{1,40}$")  # the author after the closing "./.": "… ./. Hà Giang"
_OUTLET_IS = re.compile(r" là (?:cơ quan|đơn vị|kênh|trang|tờ báo)(?![^\W_])")
_OUTLET_BEFORE = re.compile(r"(?<![^\W_])(?:Báo|Đài|Cổng thông tin|Trang thông tin|Tạp chí)[^.,\n]{0,80}$")
# The masthead line: "Cơ quan của Đảng bộ, chính quyền và nhân dân tỉnh Vĩnh Long",
# "Tiếng nói của Đảng bộ ...", "cơ quan ngôn luận của ...".
_MASTHEAD = re.compile(r"của [Đđ]ảng [Bb]ộ")
_MASTHEAD_BEFORE = re.compile(r"(?<![^\W_])(?:[Cc]ơ quan|[Tt]iếng nói)(?: ngôn luận)? $")
# A dateline: a place, or the outlet, before a dash at the start of the body ("QUẢNG NAM -",
# "(Baonghean.vn) -").
_DATELINE = re.compile(r"[ \t(]*([^\n()–—-]{2,40}?)(?:\)\s*[-–—]\s*|\s*[-–—]\s)")


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    """Does one of the spans hold ``at``?"""
    return any(a <= at < b for a, b in spans)


class _Layout(NamedTuple):
    """Where the parts of one text (title, blank line, body) begin and end."""

    title_end: int
    dateline_end: int
    lead_end: int
    publisher: list[tuple[int, int]]  # spans whose names are skipped
    captions: list[tuple[int, int]]  # photo captions: their names are only mentioned
    outlet: str | None  # a host name the dateline gives ("Baonghean.vn")

    def weight(self, start: int) -> float:
        if start < self.title_end or start < self.dateline_end:
            return TITLE_WEIGHT
        return LEAD_WEIGHT if start < self.lead_end else BODY_WEIGHT

    def skipped(self, start: int) -> bool:
        return _inside(self.publisher, start)

    def in_caption(self, start: int) -> bool:
        return bool(self.captions) and _inside(self.captions, start)


def _contact_span(text: str, at: int, end: int) -> tuple[int, int]:
    """The address around a contact marker at text[at:end]: its line, from the sentence
    or short line before the marker when the marker opens one ("… P11, Q10, TP.HCM. ĐT:
    08 …"; "475A Điện Biên Phủ, Quận Bình Thạnh, TP.HCM" on the line above "ĐT: …")."""
    floor = max(0, at - _CONTACT_REACH)
    before = text[floor:at].rstrip(" \t-–•*")
    if before.endswith(".") or before.endswith("\n"):
        at = floor + len(before.rstrip().rstrip("."))
    start = max(text.rfind("\n", floor, at), text.rfind(". ", floor, at), floor - 1) + 1
    stop = text.find("\n", end, end + _CONTACT_REACH)
    return start, stop if stop >= 0 else end + _CONTACT_REACH


def _publisher_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for pattern in (_CREDITS, _CREDIT_LINE, _SIGNATURE) for m in pattern.finditer(text)]
    for colon in _COLON.finditer(text):
        marker = _CONTACT_BEFORE.search(text, max(0, colon.start() - 16), colon.start())
        if marker is None:
            continue
        if marker.group(1):
            spans.append(_contact_span(text, marker.start(), colon.end()))
        else:
            credit = _CREDIT_AFTER.match(text, colon.end())  # a starred group: it always matches
            spans.append((marker.start(), credit.end() if credit else colon.end()))
    for m in _OUTLET_IS.finditer(text):
        outlet = _OUTLET_BEFORE.search(text, max(0, m.start() - 100), m.start())
        if outlet is not None:
            spans.append((outlet.start(), _sentence_end(text, m.end())))
    for m in _MASTHEAD.finditer(text):
        if _MASTHEAD_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            spans.append((_sentence_start(text, m.start()), _sentence_end(text, m.end())))
    return spans


def _sentence_start(text: str, pos: int) -> int:
    dot = text.rfind(". ", 0, pos)
    return max(dot + 2 if dot >= 0 else 0, text.rfind("\n", 0, pos) + 1)


def _sentence_end(text: str, pos: int) -> int:
    return min(i for i in (text.find(". ", pos), text.find("\n", pos), len(text)) if i >= 0)


# A sentence that describes a picture ("Hình ảnh vụ tai nạn giao thông vừa xảy ra tại Kon Tum."
# under a national meeting's lead) is a caption, credited or not.
# The pattern starts with its words, and where it stands is checked after (``_pictures``): a
# pattern that starts with a look-behind is tried at every character of every article.
_PICTURE_SENTENCE = re.compile(r"Hình ảnh[^.!?\n]{0,80}[.!?\n]")


def _pictures(text: str, start: int) -> list[tuple[int, int]]:
    """The sentences after ``start`` that describe a picture: a line's or a sentence's first words."""
    return [m.span() for m in _PICTURE_SENTENCE.finditer(text, start)
            if text[m.start() - 1:m.start()] == "\n" or text[m.start() - 2:m.start()] in (". ", "! ", "? ")]


def _layout(text: str, title_end: int) -> _Layout:
    body_start = title_end + 2
    dateline = _DATELINE.match(text, body_start)
    outlet = dateline.group(1) if dateline and "." in dateline.group(1) else None
    # A caption is the sentence a photo credit closes ("Giáo viên Trường THPT Co Mạ, huyện Thuận
    # Châu, Sơn La hướng dẫn học sinh. (Ảnh: Hữu Quyết/TTXVN)"): it shows a place, often not the story's.
    captions = [(_sentence_start(text, len(text[:m.start()].rstrip().rstrip("."))), m.start())
                for m in _CREDITS.finditer(text) if m.group().startswith("(Ảnh")]
    captions += _pictures(text, body_start)
    return _Layout(title_end, dateline.end() if dateline else 0, body_start + LEAD_CHARS, _publisher_spans(text),
                   captions, outlet)


COMPARED, HOME, NAMED, CLUB, ALONG, LONE, CAPTION = "compared", "home", "named", "club", "along", "lone", "caption"
#: Roles of a name that does not place the story, wherever it stands: it is only mentioned.
PASSING = frozenset({COMPARED, NAMED, CLUB, ALONG, LONE, CAPTION})
# Words right before a name (and its prefix; "ở", "tại", "của" may follow them) that make
# it something the story is set against ("nhanh hơn Hà Nội", "như TP.HCM", "cách bờ biển
# Quảng Trị 380 km"), where a person lives or comes from ("ngụ quận Gò Vấp", "quê Tây
# Ninh", "thường trú ở"), or the name of a venue, club or team ("nhà hát Hòa Bình (TP.HCM)"
# is a theatre in TP.HCM; "SHB Đà Nẵng", "CLB Hải Phòng", "sân Thanh Hóa" play wherever
# the fixture list sends them; "CĐV Hải Phòng" are fans), or an archipelago, not where it
# happened.
_ROLE_BEFORE: dict[tuple[str, ...], str] = {
    ("như",): COMPARED, ("giống",): COMPARED, ("hơn",): COMPARED, ("so", "với"): COMPARED, ("cách",): COMPARED,
    ("phân", "cách"): "", ("cách", "bờ", "biển"): COMPARED, ("cách", "đất", "liền"): COMPARED,
    ("cách", "trung", "tâm"): COMPARED,
    ("quê",): HOME, ("quê", "quán"): HOME, ("nguyên", "quán"): HOME, ("ngụ",): HOME, ("trú",): HOME, ("hktt",): HOME,
    # Where someone was born or comes from: "sinh năm 1982 tại Nghệ An", "sinh ngày 1.6.1960
    # tại", "sinh ra ở", "mỹ nhân gốc Quảng Bình", "cô gái Hải Phòng" (a number is "#").
    ("gốc",): HOME, ("người",): HOME, ("đến", "từ"): HOME, ("#", "tuổi,"): HOME, ("cô", "gái"): HOME,
    ("chàng", "trai"): HOME, ("sinh", "ra"): HOME, ("sinh", "năm", "#"): HOME, ("sinh", "ngày", "#"): HOME,
    ("nhà", "hát"): NAMED, ("rạp",): NAMED, ("khách", "sạn"): NAMED, ("sân",): NAMED, ("sân", "vận", "động"): NAMED,
    # A product sold under its place's name: "cà phê Buôn Ma Thuột", "nước mắm Phú Quốc",
    # "kẹo dừa Bến Tre", "vải thiều Lục Ngạn", "thương hiệu Phú Quốc".
    ("cà", "phê"): NAMED, ("nước", "mắm"): NAMED, ("kẹo", "dừa"): NAMED, ("vải", "thiều"): NAMED, ("chè",): NAMED,
    ("bưởi",): NAMED, ("gạo",): NAMED, ("thương", "hiệu"): NAMED,
    ("câu", "lạc", "bộ"): CLUB, ("clb",): CLUB, ("đội",): CLUB, ("đội", "bóng"): CLUB, ("cđv",): CLUB,
    # The clubs' sponsors, as the press writes them before the home province: "HA Gia Lai",
    # "B.Bình Dương", "Than Quảng Ninh", "XSKT Cần Thơ", "Sanna Khánh Hòa", "Sông Lam Nghệ An".
    ("sông", "lam"): CLUB, ("hồng", "lĩnh"): CLUB,
    **{(sponsor,): CLUB for sponsor in ("ha", "hagl", "shb", "flc", "than", "xskt", "sanna", "sanatech",
                                         "becamex", "b.", "tng")},
    # An archipelago is a sea to the forecasts ("vùng biển quần đảo Hoàng Sa có gió mạnh") and to
    # the news of sovereignty: a stretch the story passes, as a list of provinces is.
    ("quần", "đảo"): ALONG,
}
# What may stand between two names of one address or list, so that the second takes the
# first one's role ("ngụ huyện Châu Thành, tỉnh Hậu Giang").
_CHAINED = re.compile(r"\s*(?:[,(;–-]|và|hoặc)\s*")


_NUMBER_WORD = re.compile(r"[^\s]*\d[^\s]*")
# A company, bank, university or plant named after its place ("Công ty CP Thép Hòa Phát Hải
# Dương", "Công ty Thủy điện Sơn La", "Bệnh viện Đại học Y Dược TP. Hồ Chí Minh"): a proper
# name begins right after the kind of body, and the place ends it; "ở", "tại" and the like
# between them say where the body is ("Công ty CP Thép Hòa Phát ở huyện Kinh Môn").
# The proper name may be the place alone ("Tập đoàn Mường Thanh", a hotel chain) or a number
# ("Doanh nghiệp tư nhân số 1 tỉnh Điện Biên").
_ORG_BEFORE = re.compile(
    rf"(?<![^\W_])(?:[Cc]ông ty|[Tt]ập đoàn|[Nn]gân hàng|[Nn]hà máy|[Hh]ọc viện|[Đđ]ại học|[Bb]ệnh [Vv]iện [Đđ]ại học"
    rf"|[Dd]oanh nghiệp tư nhân(?:[ \t]+số[ \t]+\d+)?)"
    rf"(?:[ \t]+(?:cổ phần|CP|TNHH|MTV))?(?:[ \t]+[{UPPER}][^\s,.;:()]*"
    rf"(?:[ \t]+(?!(?:ở|tại|thuộc|của|trên|về|đến|từ|và|với|cho)(?![^\W_]))[^\s,.;:()]+){{0,5}})?[ \t]+$")


# A deputy and the province whose delegation they sit in: "đại biểu Nguyễn Thanh Hồng (Bình
# Dương) nói", "ĐB Trần Văn Mão (Nghệ An)"; the debate is in the National Assembly. (Anyone
# else's place in brackets, "anh Nguyễn Ngọc Sáng (thị trấn Đức Thọ, tỉnh Hà Tĩnh)", is as
# often where the story happened as where they live.)
_DEPUTY_BEFORE = re.compile(rf"(?<![^\W_])(?:[Đđ]ại biểu|ĐB|ĐBQH)(?: Quốc hội)?"
                            rf"(?:[ \t]+[{UPPER}][^\W\d_]*){{1,4}}[ \t]*\($")


# A past case cited in the sentence before the name: a national piece illustrates its point
# with a province's story ("gần đây nhất là vụ bắt cóc cháu bé ở Quảng Bình", "Cách đây vài
# tháng, công an phá vụ án cá cược bóng đá ở Thanh Hóa", "điển hình là vụ ..."). No look-behind
# first: Vietnamese writes each syllable apart, and one would be tried at every character.
_PRECEDENT = re.compile(r"(?:[Gg]ần đây nhất|[Đđ]iển hình (?:là|như)|[Cc]hẳng hạn"
                        r"|[Cc]ách đây (?:vài|mấy|hơn|khoảng|chừng|một|hai|ba|\d+)[^.,;]{0,12}(?:tháng|năm)"
                        r"|(?:như|là) (?:các |những )?vụ(?: án)?)(?![^\W_])")
PRECEDENT_REACH = 160


def _cited(text: str, start: int) -> bool:
    """Is the name at ``start`` in a sentence that, before it, cites a past case?"""
    lo = max(0, start - PRECEDENT_REACH)
    begins = max(text.rfind(". ", lo, start) + 2, text.rfind("\n", lo, start) + 1, lo)
    return _PRECEDENT.search(text, begins, start) is not None


def _role(text: str, start: int, last: _Mention | None, chained: bool) -> str:
    """The role of the name whose prefix (or first word) starts at ``start``.

    The words before it are split off a short slice rather than matched by a regex
    anchored at ``start``, which would be tried at every position of the slice."""
    words = _NUMBER_WORD.sub("#", text[max(0, start - 24):start].lower().replace(":", " ").replace("(", " ")).split()
    at = bool(words) and words[-1] in ("ở", "tại", "của")
    if at:
        words.pop()
    for n in (3, 2, 1):  # the longest first: "dải phân cách" is a road's median, not "cách" (from)
        role = _ROLE_BEFORE.get(tuple(words[-n:]))
        if role is not None and not (at and words[-n:] == ["người"]):  # "chở người ở Bình Dương"
            return role
    if _ORG_BEFORE.search(text, max(0, start - 60), start):
        return NAMED
    if text[start - 1:start] == "(" and _DEPUTY_BEFORE.search(text, max(0, start - 60), start):
        return HOME
    if _cited(text, start):
        return COMPARED
    # A list or address takes its first name's role ("ngụ huyện A, tỉnh B"), but what follows
    # a venue's name says where the venue is ("nhà hát Hòa Bình (TP.HCM)").
    return last.role if chained and last is not None and last.role not in (NAMED, CLUB) else ""


# Oceans whose names hold a province's: "Nam Thái Bình Dương" (the South Pacific) is read
# from "Nam Thái" (a commune's name) on, and what follows it would be Bình Dương.
_OCEANS = re.compile(r"Thái Bình Dương|Đại Tây Dương|Ấn Độ Dương|Bắc Băng Dương")  # each ends in "Dương"


def _unit_prefix(text: str, start: int, word: str) -> tuple[str | None, str | None, re.Match[str] | None] | None:
    """The level and unit type a prefix right before the name at ``start`` gives it, and the
    prefix: (None, None, None) without one, None when it is a byline's ("P.V" is phóng viên)."""
    pm = _prefix_before(text, start)
    if pm is None:
        return None, None, None
    if pm.group(3) and _ROMAN.fullmatch(word):
        return None
    level, utype = _PREFIX_LEVEL[normalize_tones(next(g for g in pm.groups() if g).lower())]
    return level, utype, pm


def _mention(gaz: _Gazetteer, text: str, layout: _Layout, key: tuple[str, ...], span: tuple[int, int],
             prefix: tuple[str | None, str | None, re.Match[str] | None], last: _Mention | None) -> _Mention:
    """The mention of the name at text[span], with how it stands after the one before."""
    (start, end), (level, utype, pm) = span, prefix
    listed = (level is None and last is not None and (last.level is not None or last.listed)
              and _LIST_SEP.fullmatch(text, last.end, start) is not None)
    lead_in = pm.start() if pm else start
    chained = last is not None and _CHAINED.fullmatch(text, last.end, lead_in) is not None
    role = CAPTION if layout.in_caption(start) else _role(text, lead_in, last, chained)
    return _Mention(key, gaz.names[key].units, level, utype, listed, start, end, layout.weight(start), role, chained)


def _mentions(gaz: _Gazetteer, text: str, layout: _Layout) -> list[_Mention]:
    found: list[_Mention] = []
    last: _Mention | None = None
    pos = 0
    oceans = [(o.start(), o.end()) for o in _OCEANS.finditer(text)] if "Dương" in text else []
    for m in _CAP_WORD.finditer(text):
        start = m.start()
        if start < pos or not _may_start(gaz, text, start, m.group()) or oceans and _inside(oceans, start):
            continue  # inside the name just read or an ocean's, or no name starts so
        hit = _name_at(gaz, text, start, m.group())
        if hit is None:
            continue
        key, end = hit
        if not _ends_here(gaz, text, key, end):
            pos = end
            continue
        prefix = _unit_prefix(text, start, m.group())
        if prefix is None:
            continue
        if prefix[0] is None and (not _bare_ok(text, start, end, key) or _among_people(text, start, last)):
            pos = end
            continue
        pos = end
        if not layout.skipped(start):
            last = _mention(gaz, text, layout, key, (start, end), prefix, last)
            found.append(last)
    return found


# Places of two provinces as the ends of a stretch: "từ Thanh Hóa đến Quảng Bình", "các tỉnh
# từ Thanh Hóa-Quảng Bình", "Từ Đà Nẵng đến Phan Thiết", a road, route or fixture "Hà Nội -
# Hải Phòng".
_RANGE_GAP = re.compile(r"\s*(?:(đến|tới)|[-–—])\s*(?:(?:tỉnh|thành phố|TP)\.?\s*)?", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"(?<![^\W_])[Tt]ừ\s+(?:(?:các\s+)?(?:tỉnh|thành phố|TP)\.?\s*)?$")
# A road or line named by its ends, whatever they are: "cao tốc Nội Bài - Lào Cai", "tuyến
# Hải Phòng - Lào Cai", "quốc lộ 1A", "đường sắt Bắc - Nam".
_END = rf"[{UPPER}][^\s,.;:()\-–—]*(?:\s+[{UPPER}][^\s,.;:()\-–—]*){{0,3}}"
_ROUTE_BEFORE = re.compile(rf"(?<![^\W_])(?:[Cc]ao tốc|[Tt]uyến|[Đđ]ường(?: sắt)?|[Qq]uốc lộ \w+)"
                           rf"\s+(?P<first>{_END}\s*[-–—]\s*)?$")
_ROUTE_AFTER = re.compile(rf"\s*[-–—]\s*[{UPPER}]")
#: A sentence that names this many provinces (or more) is the country's story, or a region's,
#: passing through them: "13 tỉnh, thành phố ... gồm: Sơn La, Lai Châu, Lào Cai, ...", a
#: forecast's "Tam Đường (Lai Châu) 46mm, Chi Nê (Hòa Bình) 42mm, Lào Cai 47mm, ...".
LIST_PROVINCES = 4


def _ranges(text: str, mentions: list[_Mention], provinces: list[str | None]) -> set[int]:
    """Two provinces as the ends of a stretch: "từ Thanh Hóa đến Quảng Bình", "Hà Nội - Hải Phòng"."""
    ends: set[int] = set()
    for i in range(1, len(mentions)):
        a, b = mentions[i - 1], mentions[i]
        if not provinces[i - 1] or not provinces[i] or provinces[i - 1] == provinces[i]:
            continue
        gap = _RANGE_GAP.fullmatch(text, a.end, b.start)
        if gap and (not gap.group(1) or _FROM_BEFORE.search(text, max(0, a.start - 24), a.start)):
            ends |= {i - 1, i}
    return ends


def _routes(text: str, mentions: list[_Mention]) -> set[int]:
    """Names that end a road or line: "cao tốc Nội Bài - Lào Cai", "tuyến Hải Phòng - Lào Cai"."""
    out = set()
    for i, m in enumerate(mentions):
        road = _ROUTE_BEFORE.search(text, max(0, m.start - 60), m.start)
        if road and (road.group("first") or _ROUTE_AFTER.match(text, m.end)):
            out.add(i)
    return out


def _listed(text: str, mentions: list[_Mention], provinces: list[str | None]) -> set[int]:
    """The names of a sentence that names LIST_PROVINCES provinces or more."""
    sentences: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        sentences.setdefault(_sentence_start(text, m.start), []).append(i)
    return {i for run in sentences.values() if len({provinces[j] for j in run if provinces[j]}) >= LIST_PROVINCES
            for i in run}


def _beside_region(text: str, mentions: list[_Mention], provinces: list[str | None]) -> set[int]:
    """A province listed beside a region is part of the region's forecast or programme:
    "Bắc Bộ và Thanh Hóa có mưa dông", "Tây Nguyên, Bình Phước"."""
    return {i for i, m in enumerate(mentions) if provinces[i] and m.level is None
            and (_REGION_BEFORE.search(text, max(0, m.start - 40), m.start) or _REGION_AFTER.match(text, m.end))}


def _along(gaz: _Gazetteer, text: str, mentions: list[_Mention], uids: list[str | None]) -> list[_Mention]:
    """The mentions with the role ALONG where a province only marks a stretch, stands in a
    list of many or beside a region: a forecast, a national programme, a route or a
    fixture names provinces without happening in any one of them."""
    provinces = [gaz.province_of(u) if u is not None else None for u in uids]
    along = (_ranges(text, mentions, provinces) | _routes(text, mentions) | _listed(text, mentions, provinces)
             | _beside_region(text, mentions, provinces))
    # A province whose club the text names ("CLB Thanh Hóa") is the club where its name
    # stands alone too: "Rimario bị ngã trong vòng cấm của Thanh Hóa".
    clubs = {provinces[i] for i, m in enumerate(mentions) if m.role == CLUB}
    return [m if m.role in PASSING
            else m._replace(role=ALONG) if i in along
            else m._replace(role=CLUB) if m.level is None and provinces[i] in clubs
            else m for i, m in enumerate(mentions)]


def _lone(gaz: _Gazetteer, mentions: list[_Mention], uids: list[str | None]) -> list[_Mention]:
    """The mentions with the role LONE where a town's name stands alone in the body and the
    text never names its province: as often a person ("Công Phượng, Tuấn Anh, Xuân Trường,
    Đông Triều" are footballers) as the town, too weak to place the story."""
    named = {u for u in uids if u is not None and not gaz.units[u].parent}
    return [m._replace(role=LONE) if uid is not None and m.level is None and not m.listed
            and m.weight <= BODY_WEIGHT and gaz.units[uid].parent and gaz.province_of(uid) not in named
            and m.role not in PASSING else m for m, uid in zip(mentions, uids, strict=True)]


# --- resolving names to units ------------------------------------------------------


def _host_labels(source: str) -> list[str]:
    host = re.sub(r"^[a-z]+://", "", source.lower()).split("/")[0].split(":")[0]
    return host.split(".")


def _source_province(gaz: _Gazetteer, source: str | None) -> str | None:
    """The province a source names: a host ('baobinhduong.vn', 'lucngan.bacgiang.gov.vn')
    or a province name ('Bình Dương'). Longest compact province name inside a label wins."""
    if not source:
        return None
    source = source.strip().lstrip("\ufeff").strip()
    if "." not in source and "/" not in source:
        key = place_key(source).replace(" ", "")
        return gaz.compact.get(key)
    best: tuple[int, str] | None = None
    for label in _host_labels(source):
        for compact, uid in gaz.compact.items():
            if len(compact) >= 5 and compact in label or label in (compact, "bao" + compact, compact + "tv"):
                if best is None or len(compact) > best[0]:
                    best = (len(compact), uid)
    return best[1] if best else None


@lru_cache(maxsize=4096)
def _source_units(source: str | None) -> tuple[str | None, str | None]:
    """The province a source names and, for a district's own site, that district: a label
    of the host spelling one of the province's districts ("lucngan.bacgiang.gov.vn" is
    Lục Ngạn, Bắc Giang). Cached: an archive has few sources and many articles each."""
    gaz = _gazetteer()
    province = _source_province(gaz, source)
    if province is None or source is None or "." not in source:
        return province, None
    own = _squash(fold(gaz.units[province].name)).replace(" ", "")
    labels = [label for label in _host_labels(source.strip().lstrip("\ufeff")) if own not in label]
    for u in gaz.units.values():
        if u.parent == province and _squash(fold(u.name)).replace(" ", "") in labels:
            return province, u.id
    return province, None


def _pick(cands: list[str], score: Callable[[str], float], utypes: set[str], gaz: _Gazetteer) -> str | None:
    """The one candidate with the highest support (> 0), the prefix's unit type breaking ties."""
    scored = [(score(u), gaz.units[u].type in utypes, u) for u in cands]
    best = max(s for s, _, _ in scored)
    if best <= 0:
        return None
    top = [(t, u) for s, t, u in scored if s == best]
    if len(top) > 1:
        typed = [u for t, u in top if t]
        return typed[0] if len(typed) == 1 else None
    return top[0][1]


_Slot = tuple[str, tuple[str, ...]]  # (level, name key): one reading shared by every mention of a name


def _province_slot(m: _Mention, gaz: _Gazetteer) -> str | None:
    """The province a mention names, if it names one: a bare name or one after "tỉnh",
    or a city province after "TP" ("TP Hồ Chí Minh", "Thành ủy Đà Nẵng")."""
    if m.level not in (None, P) and m.utype != "thành phố":
        return None
    provinces = [u for u in m.units if gaz.units[u].level == P
                 and (m.level != D or gaz.units[u].type == "thành phố")]
    return provinces[0] if provinces else None  # province names and aliases are unique


def _slot(m: _Mention, gaz: _Gazetteer, prefixed_c: set[tuple[str, ...]]) -> tuple[_Slot, str | None] | None:
    """Which level a mention's name stands for, and its province when that level is P.

    A name without a prefix is a province if it can be, else a commune when the text
    writes it with "xã", "thị trấn" or "phường" elsewhere, else a district, else a commune
    when listed after a prefixed name.
    """
    province = _province_slot(m, gaz)
    if province is not None:
        return (P, m.key), province
    levels = {gaz.units[u].level for u in m.units}
    if m.level is None and m.key in prefixed_c and C in levels:
        return (C, m.key), None  # "bãi tắm Thuận An" after "thị trấn Thuận An": the town's, not TP Thuận An
    if m.level in (None, D) and D in levels:
        return (D, m.key), None
    if (m.level == C or m.level is None and m.listed) and C in levels:
        return (C, m.key), None
    return None


class _Resolver:
    """Names to units, for one text: districts and communes with namesakes need the
    text's other names (or the source's province) to decide between them."""

    def __init__(self, gaz: _Gazetteer, mentions: list[_Mention], src: str | None):
        self.gaz, self.src = gaz, src
        # Names the text writes with a commune's prefix and never with a district's.
        prefixed_c = {m.key for m in mentions if m.level == C} - {m.key for m in mentions if m.level == D}
        self.slots: list[_Slot | None] = []
        self.resolved: dict[_Slot, str] = {}
        self.groups: dict[_Slot, list[_Mention]] = {}
        for m in mentions:
            found = _slot(m, gaz, prefixed_c)
            self.slots.append(found[0] if found else None)
            if found is None:
                continue
            slot, province = found
            if province is not None:
                self.resolved[slot] = province
            else:
                self.groups.setdefault(slot, []).append(m)

    def candidates(self, slot: _Slot) -> list[str]:
        return [u for u in self.groups[slot][0].units if self.gaz.units[u].level == slot[0]]

    def of_level(self, level: str) -> list[_Slot]:
        return [slot for slot in self.groups if slot[0] == level]

    def resolve(self) -> dict[_Slot, str]:
        self._districts()
        self._communes()
        return self.resolved

    def _districts(self) -> None:
        units = self.gaz.units
        named_p = set(self.resolved.values())
        c_parents = {units[u].parent for slot in self.of_level(C) for u in self.candidates(slot)}

        def score(u: str) -> float:
            prov = units[u].parent
            return 2 * (prov in named_p) + (prov == self.src) + 3 * (u in c_parents)

        for slot in self.of_level(D):
            ms, cands = self.groups[slot], self.candidates(slot)
            pick = _pick(cands, score, {m.utype for m in ms if m.utype}, self.gaz)
            if pick is None and len(cands) == 1 and (
                    any(m.level or m.listed for m in ms) or units[cands[0]].type in _BARE_DISTRICT_TYPES):
                pick = cands[0]  # a district name no other province has
            if pick is not None:
                self.resolved[slot] = pick

    def _communes(self) -> None:
        units = self.gaz.units
        resolved_d = {u for (level, _), u in self.resolved.items() if level == D}
        named_p = {u for (level, _), u in self.resolved.items() if level == P}
        named_here = named_p | {units[u].parent for u in resolved_d}  # provinces the text itself places
        context_p = named_here | ({self.src} if self.src else set())
        d_cands = {u for slot in self.of_level(D) for u in self.candidates(slot)}

        def score(u: str) -> float:
            parent = units[u].parent
            prov = units[parent].parent
            return (4 * (parent in resolved_d) + 3 * (parent in d_cands) + 2 * (prov in context_p)
                    + (prov == self.src))

        for slot in self.of_level(C):
            ms, cands = self.groups[slot], self.candidates(slot)
            pick = (_pick(cands, score, {m.utype for m in ms if m.utype}, self.gaz)
                    or self._only_commune(ms, cands, named_here))
            if pick is not None:
                self.resolved[slot] = pick
                self._district_of(pick)

    def _only_commune(self, ms: list[_Mention], cands: list[str], named_here: set[str]) -> str | None:
        """A commune name no other commune has, written with its prefix, stands alone unless
        the text places itself elsewhere ("xã Tiền Tiến, huyện Phù Cừ, tỉnh Hưng Yên" is a
        typo for Tiên Tiến, not the Tiền Tiến of Hải Dương)."""
        if len(cands) != 1 or not any(m.level == C for m in ms):
            return None
        return cands[0] if not named_here or self.gaz.province_of(cands[0]) in named_here else None

    def _district_of(self, commune: str) -> None:
        """"xã Tân Thành, huyện Châu Thành": the commune decides the district name too."""
        parent = self.gaz.units[commune].parent
        for slot in self.of_level(D):
            if slot not in self.resolved and parent in self.candidates(slot):
                self.resolved[slot] = parent


def _resolve(gaz: _Gazetteer, mentions: list[_Mention], src: str | None) -> list[str | None]:
    """The unit each mention names, or None where the name stays ambiguous or is no unit."""
    resolver = _Resolver(gaz, mentions, src)
    resolved = resolver.resolve()
    return [resolved.get(slot) if slot else None for slot in resolver.slots]


# An unnamed "tỉnh" in a provincial paper ("UBND tỉnh", "toàn tỉnh", "Tỉnh ủy") is the
# paper's province, as "thành phố" is in a city's paper and "huyện" ("Huyện ủy") on a
# district's site; "các tỉnh", "63 tỉnh", "cấp huyện", "tỉnh bạn", "tỉnh lộ" and the like
# are not, nor is a "tỉnh" after the text has named a place elsewhere.
_OWN_WORDS = {
    "tỉnh": "[Tt]ỉnh(?: [uủ][yỷ])?", "thành phố": "[Tt]hành phố|[Tt]hành [uủ][yỷ]",
    "huyện": "[Hh]uyện(?: [uủ][yỷ])?", "quận": "[Qq]uận(?: [uủ][yỷ])?", "thị xã": "[Tt]hị xã|[Tt]hị [uủ][yỷ]",
}
_OWN_WORD = {utype: re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])") for utype, words in _OWN_WORDS.items()}
_NOT_OWN_BEFORE = re.compile(r"(?:(?<![^\W_])(?:các|những|nhiều|mọi|mỗi|liên|ngoại|giữa|số|cấp)|(?<![\w-])\d+)\s+$",
                             re.IGNORECASE)
_NOT_OWN_AFTER = re.compile(rf"\s*(?:[{UPPER}0-9]|,?\s*(?:thành|bạn|lộ|khác|nào|lẻ|lân cận|đó)(?![^\W_]))")


def _own_unit(text: str, layout: _Layout, unit_type: str) -> list[int]:
    """Where the text names its publisher's own unit by its type alone ("tỉnh", "huyện")."""
    pattern = _OWN_WORD.get(unit_type)
    if pattern is None:
        return []
    return [m.start() for m in pattern.finditer(text)
            if _NOT_OWN_BEFORE.search(text, max(0, m.start() - 12), m.start()) is None
            and _NOT_OWN_AFTER.match(text, m.end()) is None and not layout.skipped(m.start())]


# A text that names no place is its paper's story, unless it names a place abroad: a
# foreign state, the world, a head of state. (The country's own institutions do not
# count: "Việt Nam" and "Chính phủ" are in the names of local bodies and of national
# news a provincial paper runs for its readers.)
_ABROAD = re.compile(
    r"(?<![^\W_])(?:thế giới|Liên hợp quốc|Tổng thống|nước ngoài|châu Âu|châu Á|châu Mỹ|châu Phi"
    r"|Mỹ|Trung Quốc|Nga|Nhật Bản|Hàn Quốc|Triều Tiên|Ấn Độ|Pháp(?! luật| lệnh)|Đức|Anh Quốc|Australia|Úc"
    r"|Thái Lan|Lào(?! Cai)"
    r"|Campuchia|Indonesia|Malaysia|Singapore|Philippines|Myanmar|Afghanistan|Iran|Israel|Ukraine|Italy"
    r"|Thụy Điển)(?![^\W_])")


# A region in the title ("Miền Bắc có nắng nóng diện rộng", "cảnh báo lũ quét khu vực phía
# Bắc", "môi trường biển miền Trung", "cả nước"): the provinces the body names are its parts.
_REGION = re.compile(
    r"(?<![^\W_])(?:[Mm]iền (?:Bắc|Trung|Nam|núi phía Bắc)|(?:[Kk]hu vực |[Cc]ác tỉnh )?phía (?:Bắc|Nam)"
    r"|(?:Bắc|Trung|Nam|Đông Nam) Bộ|Tây Nguyên|Tây Bắc|Đông Bắc|ĐBSCL|[Đđ]ồng bằng sông (?:Cửu Long|Hồng)"
    r"|[Cc]ả nước|[Tt]oàn quốc)(?![^\W_])")


_REGION_BEFORE = re.compile(_REGION.pattern + r"[ \t]*(?:,|và)[ \t]*$")
_REGION_AFTER = re.compile(r"[ \t]*(?:,|và)[ \t]*" + _REGION.pattern)


#: Who acts for the country, or the country itself, in a headline or lead: a national
#: story's ("Thủ tướng", "Bộ Công Thương", "Tập đoàn Vingroup", "VFF", "đội tuyển",
#: "siêu mẫu Việt Nam"). Its body may name a province twice (less than this weight) and
#: only in passing.
_NATIONAL = re.compile(rf"(?<![^\W_])(?:Thủ tướng|Chính phủ|Quốc hội|Bộ trưởng|Bộ [{UPPER}]|Tổng công ty|Tập đoàn"
                       r"|Ngân hàng Nhà nước|VFF|V-?League|[Đđ]ội tuyển|U\d\d|cả nước|toàn quốc|[Tt]rung ương"
                       r"|Việt Nam|VN)(?![^\W_])")
NATIONAL_PASSING = 3.0
#: Weight of a mention that places a person (where they live or come from) against one
#: that places the story.
HOME_FACTOR = 0.5
#: A second or third province is also what the story is about when its evidence is at
#: least this share of the first one's and it is named in the title, dateline or lead.
ABOUT_SHARE = 0.5
MAX_ABOUT = 3
#: The about chain goes down to a district (a commune) when that one holds this share of
#: the evidence below the unit above it, and at least this share of the unit's own: a
#: province-wide story that names one district once stays the province's.
DESCEND_SHARE, DESCEND_OWN = 0.6, 0.5


class Places(NamedTuple):
    """Where an article's story happened (``about``, primary first: usually one chain, at
    most ``MAX_ABOUT``) and the other units it names (``mentions``); each unit is in one
    chain of one list."""

    about: list[Locality]
    mentions: list[Locality]


def _tied(ranked: list[str], score: dict[str, float]) -> bool:
    return len(ranked) > 1 and score[ranked[0]] == score[ranked[1]]


class _Evidence:
    """What one text's mentions say for each unit: weight placing the story there, up
    front (title, dateline, lead) and in the rest of the body, kept apart because repeats
    in the body (a list of victims' home communes) must not outvote the lead; the weight
    of every mention; and where each unit first stands."""

    def __init__(self, gaz: _Gazetteer, front_text: str = ""):
        self.gaz = gaz
        self.front: dict[str, float] = {}
        self.body: dict[str, float] = {}
        self.named: dict[str, float] = {}
        self.starts: dict[str, int] = {}  # where each unit is first named
        self.placed: set[str] = set()  # provinces named where something happened, not only where someone lives
        self.front_text = front_text  # the headline, dateline and lead, read only when a province is in doubt

    def add(self, uid: str, weight: float, start: int, role: str = "", counts: bool = True) -> None:
        self.named[uid] = self.named.get(uid, 0.0) + weight
        self.starts[uid] = min(self.starts.get(uid, start), start)
        if role in PASSING or not counts:
            return
        if role == HOME:  # where someone lives says little of where the story is, wherever it stands
            weight = HOME_FACTOR * BODY_WEIGHT
        else:
            self.placed.add(self.gaz.province_of(uid))
        part = self.front if weight > BODY_WEIGHT else self.body
        part[uid] = part.get(uid, 0.0) + weight

    def read(self, mentions: list[_Mention], uids: list[str | None]) -> None:
        previous = None
        for m, uid in zip(mentions, uids, strict=True):
            if uid is not None:
                # "xã A, huyện B, tỉnh C" places the story once: B and C only qualify A.
                qualifier = m.chained and previous is not None and uid in _ancestors(self.gaz, previous)
                self.add(uid, m.weight, m.start, m.role, counts=not qualifier)
            previous = uid

    def read_own(self, text: str, layout: _Layout, own: list[str]) -> None:
        """The publisher's own units named by their type alone, until the text names a
        place outside the publisher's province (then "tỉnh" may be that one)."""
        province = own[0]
        elsewhere = min((start for u, start in self.starts.items() if self.gaz.province_of(u) != province),
                        default=len(text))
        for uid in own:
            for start in _own_unit(text, layout, self.gaz.units[uid].type):
                if start < elsewhere:
                    self.add(uid, layout.weight(start), start)

    def _tree(self, weights: dict[str, float]) -> dict[str, float]:
        """Each unit's weight with its descendants'."""
        total: dict[str, float] = {}
        for uid, weight in weights.items():
            while uid:
                total[uid] = total.get(uid, 0.0) + weight
                uid = self.gaz.units[uid].parent
        return total

    def _first(self) -> dict[str, int]:
        """Where each unit's subtree is first named."""
        first: dict[str, int] = {}
        for uid, start in self.starts.items():
            while uid:
                first[uid] = min(first.get(uid, start), start)
                uid = self.gaz.units[uid].parent
        return first

    def about(self, src: str | None) -> list[str]:
        """The end unit of each about chain."""
        front, body = self._tree(self.front), self._tree(self.body)
        score = {u: front.get(u, 0.0) + math.log2(1 + body.get(u, 0.0)) for u in front.keys() | body.keys()}
        if src in score:
            score[src] += SOURCE_BONUS
        first = self._first()
        # A province only someone lives in or comes from ("sinh năm 1982 tại Nghệ An") is no
        # story's place: a profile of a singer is not Nghệ An's news.
        provinces = sorted((u for u in score if not self.gaz.units[u].parent and u in self.placed),
                           key=lambda u: (-score[u], first[u]))
        if not provinces or provinces[0] not in front and (_tied(provinces, score) or len(provinces) >= LIST_PROVINCES):
            # Named only in the body, and no more than another province, or among four or
            # more: no telling which, or the country's story ("12 dự án thua lỗ" names the
            # provinces of its plants).
            return []
        if self._in_passing(provinces[0], front, body, src):
            return []
        share = ABOUT_SHARE * score[provinces[0]]
        chosen = provinces[:1] + [p for p in provinces[1:] if score[p] >= share and p in front]
        return [self._descend(score, p) for p in chosen[:MAX_ABOUT]]

    def _in_passing(self, province: str, front: dict[str, float], body: dict[str, float], src: str | None) -> bool:
        """Is the province only named in passing, in the body? A national story names one
        so ("giá xăng … khu vực Hà Nội", "hội thảo tại Hà Nội"), once, or twice when its
        headline and lead are a national body's (Tổng công ty Đường sắt's results name a
        station in Đồng Nai); a local story names its place up front, again, by a district
        or commune, or is in that province's own paper."""
        if province in front or province == src:
            return False
        weight = body.get(province, 0.0)
        return ((weight <= BODY_WEIGHT and province in self.body)
                or (weight < NATIONAL_PASSING and _NATIONAL.search(self.front_text) is not None))

    def _descend(self, score: dict[str, float], uid: str) -> str:
        while True:
            children = [u for u in score if self.gaz.units[u].parent == uid]
            if not children:
                return uid
            best = max(children, key=lambda u: score[u])
            own = score[uid] - sum(score[u] for u in children)
            if score[best] < DESCEND_SHARE * sum(score[u] for u in children) or score[best] < DESCEND_OWN * own:
                return uid
            uid = best

    def others(self, about: list[str]) -> list[str]:
        """The end units of the mention chains: what is named and in no about chain, each
        unit once (a district named alone is in the chain of its named commune)."""
        covered = {u for end in about for u in [end, *_ancestors(self.gaz, end)]}
        total, first = self._tree(self.named), self._first()
        inner = {self.gaz.units[u].parent for u in total}
        ends = [u for u in total if u not in covered and u not in inner]
        return sorted(ends, key=lambda u: (-total[u], first[u]))


def _ancestors(gaz: _Gazetteer, uid: str) -> list[str]:
    out = []
    while gaz.units[uid].parent:
        uid = gaz.units[uid].parent
        out.append(uid)
    return out


def _placed_nowhere(text: str, mentions: list[_Mention]) -> bool:
    """Does the text place its story nowhere (naming at most places it compares with or
    venues and clubs named after places, and none abroad)? Then it is its paper's story."""
    return all(m.role in PASSING for m in mentions) and not _ABROAD.search(text)


def find_places(title: str, body: str, source: str | None = None) -> Places:
    """Where the article's story happened, and what else it names.

    ``source`` is the publisher's host name (or province name; else a host name in the
    dateline, as aggregators keep "(Baonghean.vn) -"): it resolves names that
    several provinces share, breaks near-ties towards its province, makes an unnamed
    "tỉnh" its province, and is the place of a text that names none (unless it names a
    place abroad). Names weigh by where they stand (title and dateline 3, lead 2, the rest
    1, and the rest's repeats less and less); a place the story is compared with,
    measured from or cites as a past case, a venue, club, team, company or product named after a place, a
    province listed among many, beside a region or marking a stretch or road, a town
    named alone without its province, and a caption count only as mentions; where a
    person lives, comes from or sits as a deputy for as half a body mention (and alone
    places no story), and the publisher's contact lines, credits and masthead not at
    all. A title naming a region and no place, four provinces or more named in the body
    alone, or one province named once in the body alone (twice, under a national body's
    headline or lead; and not by its own paper) place the story in none.
    """
    gaz = _gazetteer()
    title = unicodedata.normalize("NFC", title or "")
    text = f"{title}\n\n{unicodedata.normalize('NFC', body or '')}"
    layout = _layout(text, len(title))
    mentions = _mentions(gaz, text, layout)
    src, src_district = _source_units(source or layout.outlet)
    uids = _resolve(gaz, mentions, src)
    mentions = _lone(gaz, _along(gaz, text, mentions, uids), uids)
    evidence = _Evidence(gaz, text[:layout.lead_end])
    evidence.read(mentions, uids)
    if src is not None:
        evidence.read_own(text, layout, [u for u in (src, src_district) if u])
    about = _about(evidence, text, layout, mentions, src, src_district)
    return Places([_locality(gaz, u) for u in about], [_locality(gaz, u) for u in evidence.others(about)])


# A title that announces a round-up of several places: "Nhân sự mới 5 địa phương", "nhiều
# tỉnh thành đạt trên 99%" (not "các tỉnh Bắc Lào", "15 tỉnh của nước bạn Lào": a meeting
# of Laos's provinces is held in one of ours).
_MANY_PLACES = re.compile(r"(?<![^\W_])(?:\d+|[Nn]hiều|[Cc]ác|[Hh]àng loạt) (?:địa phương|tỉnh,? thành)(?![^\W_])")


def _about(evidence: _Evidence, text: str, layout: _Layout, mentions: list[_Mention], src: str | None,
           src_district: str | None) -> list[str]:
    """The end units of the about chains: none under a title that names a region and no
    place, the paper's own where the text places nothing."""
    regional = ((_REGION.search(text, 0, layout.title_end) or _MANY_PLACES.search(text, 0, layout.title_end))
                and not any(m.start < layout.title_end for m in mentions))
    about = [] if regional else evidence.about(src)
    if not about and src is not None and _placed_nowhere(text, mentions):
        about = [src_district or src]
    return about


def _locality(gaz: _Gazetteer, uid: str) -> Locality:
    unit = gaz.units[uid]
    chain = [unit]
    while chain[-1].parent:
        chain.append(gaz.units[chain[-1].parent])
    province = chain[-1]
    district = next((u.name for u in chain if u.level == D), None)
    commune = unit.name if unit.level == C else None
    return Locality(province.name, province.province_2025, district, commune)
