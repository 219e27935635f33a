"""Locality tagging: which of Vietnam's administrative units a news article is about.

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
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from .analysis import fold, has_diacritics, normalize, normalize_tones

DATA = Path(__file__).with_name("data") / "gazetteer.tsv.gz"

P, D, C = "P", "D", "C"  # province, district, commune
_SPECIFICITY = {P: 0, D: 1, C: 2}

#: Weight of one mention by where it stands: the headline and the lead say what the
#: article is about; the rest of the body only adds frequency.
TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
LEAD_CHARS = 400
#: A small nudge for units in the source's own province when scores tie or nearly so.
SOURCE_BONUS = 0.5


@dataclass(frozen=True)
class Locality:
    """One resolved unit chain; names carry no type prefix."""

    province: str  # pre-2025 province, e.g. "Bình Dương", "Hồ Chí Minh"
    province_2025: str  # the 2025 province it now belongs to, e.g. "Hồ Chí Minh"
    district: str | None  # e.g. "Thủ Dầu Một"
    commune: str | None  # e.g. "Phú Thuận"

    def as_dict(self) -> dict:
        return {"province": self.province, "province_2025": self.province_2025,
                "district": self.district, "commune": self.commune}

    @classmethod
    def from_dict(cls, data: dict) -> Locality:
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
    upper: tuple[bool, ...]  # which syllables must be capitalised in the text


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
        names: dict[tuple[str, ...], list[str]] = {}
        upper: dict[tuple[str, ...], tuple[bool, ...]] = {}
        # Unit names are stored normalised (derive_gazetteer.py); aliases are typed by hand.
        for uid, name in [(u.id, u.name) for u in self.units.values()] + [(u, normalize(a)) for u, a in aliases]:
            words = _WORD.findall(name)
            key = tuple(_lower(w) for w in words)
            names.setdefault(key, []).append(uid)
            upper[key] = tuple(w[:1].isupper() for w in words)
        self.names = {k: _Name(tuple(v), upper[k]) for k, v in names.items()}
        # Every beginning of a name, so a scan stops as soon as no name can follow.
        self.prefixes = {k[:n] for k in self.names for n in range(1, len(k) + 1)}
        folded_of = {k: tuple(fold(s) for s in k) for k in self.names}
        # place_key side: folded key of every province name and alias -> canonical key.
        # An alias that is also another unit's name ("Huế", the city) stays that name.
        units_by_fold: dict[str, set[str]] = {}
        for key, fkey in folded_of.items():
            units_by_fold.setdefault(" ".join(fkey), set()).update(self.names[key].units)
        self.name_keys = set(units_by_fold)
        self.alias_keys: dict[str, str] = {}
        for uid, alias in aliases:
            akey = _squash(fold(normalize(alias)))
            if units_by_fold.get(akey, {uid}) == {uid}:
                self.alias_keys[akey] = _squash(fold(self.units[uid].name))
        # source side: compact folded province names ("binhduong") for host names.
        self.compact = {_squash(fold(u.name)).replace(" ", ""): u.id for u in self.units.values() if u.level == P}
        for uid, alias in aliases:
            self.compact.setdefault(_squash(fold(alias)).replace(" ", ""), uid)

        # display side: place_key of every province (pre-2025 and 2025) -> its written name.
        self.province_names = {}
        for u in self.units.values():
            if u.level == P:
                self.province_names[_squash(fold(u.name))] = u.name
                if u.province_2025:
                    self.province_names.setdefault(_squash(fold(u.province_2025)), u.province_2025)

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


_PREFIXES_ACCENTED = ("thành phố", "thị xã", "thị trấn", "tỉnh", "quận", "huyện", "xã", "phường")
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
            prefixes = _PREFIXES_ACCENTED
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

_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
# Only a capitalised word (or a number, for "Quận 1") can start a name, so the scan
# visits those alone: a tenth of an article's words.
_CAP_WORD = re.compile(rf"(?<![^\W_])[{_UPPER}0-9][^\W_]*")
_NEXT_WORD = re.compile(r"([ \t\u00a0]+|[ \t\u00a0]*[-–'’‘][ \t\u00a0]*)([^\W_]+)")
_SPACE = re.compile(r"[ \t\u00a0]+")
# A unit prefix right before a name: its words, "TP."/"Tp"/"TX."/"TT." or "H."/"Q."/"P.".
_PREFIX_BEFORE = re.compile(
    r"(?<![^\W_])(?:"
    r"(?i:(thành phố|thành [uủ][yỷ]|thị xã|thị [uủ][yỷ]|thị trấn|huyện [uủ][yỷ]|quận [uủ][yỷ]|tỉnh [uủ][yỷ]"
    r"|tỉnh|huyện|quận|xã|phường))[ \t\u00a0]+"
    r"|(TP|Tp|TX|Tx|TT)(?:\.[ \t\u00a0]*|[ \t\u00a0]+)"
    r"|([HQP])\.[ \t\u00a0]*)$"
)
_PREFIX_LEVEL: dict[str, tuple[str, str]] = {
    "tỉnh": (P, "tỉnh"), "tỉnh ủy": (P, "tỉnh"),
    "thành phố": (D, "thành phố"), "tp": (D, "thành phố"), "thành ủy": (D, "thành phố"),
    "huyện": (D, "huyện"), "huyện ủy": (D, "huyện"), "h": (D, "huyện"),
    "quận": (D, "quận"), "quận ủy": (D, "quận"), "q": (D, "quận"),
    "thị xã": (D, "thị xã"), "thị ủy": (D, "thị xã"), "tx": (D, "thị xã"),
    "xã": (C, "xã"), "phường": (C, "phường"), "p": (C, "phường"),
    "thị trấn": (C, "thị trấn"), "tt": (C, "thị trấn"),
}
_ROMAN = re.compile(r"[IVX]+")
_LIST_SEP = re.compile(r"\s*(?:,|;|,?\s*và|,?\s*hoặc)\s*")
_PREV_WORDS = re.compile(r"(?:([^\W_]+)[ \t\u00a0]+)?([^\W_]+)[ \t\u00a0]+$")

# Words before a capitalised name that say it is a street, river, person or idea,
# not the unit ("đường Trần Phú", "sông Sài Gòn", "ông Lê Hà", "tư tưởng Hồ Chí Minh").
_BLOCK_BEFORE = {
    "đường", "phố", "lộ", "sông", "ngõ", "hẻm", "kênh",
    "ông", "bà", "anh", "chị", "em", "cháu", "cụ", "bác", "chú", "cô",
    "đồng chí", "chủ tịch", "tư tưởng", "phong cách", "tấm gương",
}
# Capitalised words that, right before a name, make it part of a person's name.
_PERSON_BEFORE = {
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "văn", "thị", "hữu", "đình",
}
# Unit names that, without a prefix, almost always mean a person (and the streets,
# schools and ideas named after them).
_NEVER_BARE = {
    ("hồ", "chí", "minh"), ("ngô", "quyền"), ("hai", "bà", "trưng"), ("lê", "chân"),
    ("trần", "văn", "thời"), ("hồng", "bàng"),
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
    weight: float


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def _name_at(gaz: _Gazetteer, text: str, start: int, word: str) -> tuple[tuple[str, ...], int] | None:
    """The longest gazetteer name starting with ``word`` at ``start``: (its key, end offset).

    Walks on word by word while the words so far begin some name, and keeps the
    longest name whose capitalised syllables are capitalised in the text too.
    """
    key = (_lower(word),)
    words = [word]
    end = start + len(word)
    best = None
    while key in gaz.prefixes:
        entry = gaz.names.get(key)
        if entry and all(_capitalised(w) or not need for w, need in zip(words, entry.upper)):
            best = (key, end)
        m = _NEXT_WORD.match(text, end)
        if m is None:
            break
        words.append(m.group(2))
        key += (_lower(m.group(2)),)
        end = m.end()
    return best


def _bare_ok(text: str, start: int, end: int, key: tuple[str, ...]) -> bool:
    """May the unprefixed name at text[start:end] stand for a place at all?"""
    if key in _NEVER_BARE or key[0].isdigit() or len(key[0]) < 2 and len(key) == 1:
        return False
    m = _PREV_WORDS.search(text, max(0, start - 40), start)
    prev = m.group(2) if m else None
    if prev is not None:
        word = _lower(prev)
        if word in _BLOCK_BEFORE or m.group(1) and f"{_lower(m.group(1))} {word}" in _BLOCK_BEFORE:
            return False
        if word in _PERSON_BEFORE and prev[0].isupper():
            return False
    # A lone "Vinh" or "Huế" after a capitalised word is someone's name.
    if len(key) == 1 and prev is not None and prev[0].isupper() and not prev.isupper():
        return False
    return True


def _continues(text: str, end: int) -> bool:
    """Does a capitalised word follow right after ``end``? Then the name read so far is
    only the start of a longer one: "Thái Bình Dương" is the Pacific, "xã Ba Khan" is not
    the commune Ba. All-capital words (acronyms, headlines) do not count."""
    nxt = _NEXT_WORD.match(text, end)
    if nxt is None or not _SPACE.fullmatch(nxt.group(1)):
        return False
    word = nxt.group(2)
    return word[0].isupper() and not word.isupper()


def _mentions(gaz: _Gazetteer, title: str, body: str) -> list[_Mention]:
    text = unicodedata.normalize("NFC", f"{title}\n\n{body}")
    title_end = len(unicodedata.normalize("NFC", title))
    lead_end = title_end + 2 + LEAD_CHARS
    found: list[_Mention] = []
    last: _Mention | None = None
    pos = 0
    for m in _CAP_WORD.finditer(text):
        start = m.start()
        if start < pos:
            continue  # inside the name just read
        hit = _name_at(gaz, text, start, m.group())
        if hit is None:
            continue
        key, end = hit
        if _continues(text, end):
            pos = end  # "xã Ba Khan" is not the commune Ba: the name must end where the run does
            continue
        pm = _PREFIX_BEFORE.search(text, max(0, start - 16), start)
        level, utype = (None, None)
        if pm:
            if pm.group(3) and _ROMAN.fullmatch(m.group()):
                continue  # "P.V" is a byline (phóng viên), not phường V
            level, utype = _PREFIX_LEVEL[normalize_tones(next(g for g in pm.groups() if g).lower())]
        listed = False
        if level is None:
            if not _bare_ok(text, start, end, key):
                pos = end
                continue
            listed = (last is not None and (last.level is not None or last.listed)
                      and _LIST_SEP.fullmatch(text, last.end, start) is not None)
        weight = TITLE_WEIGHT if start < title_end else LEAD_WEIGHT if start < lead_end else BODY_WEIGHT
        last = _Mention(key, gaz.names[key].units, level, utype, listed, start, end, weight)
        found.append(last)
        pos = end
    return found


# --- resolving names to units ------------------------------------------------------


def _source_province(gaz: _Gazetteer, source: str | None) -> str | None:
    """The province a source names: a host ('baobinhduong.vn', 'lucngan.bacgiang.gov.vn')
    or a province name ('Bình Dương'). Longest compact province name inside a label wins."""
    if not source:
        return None
    source = source.strip().lstrip("\ufeff").strip()
    if "." not in source and "/" not in source:
        key = place_key(source).replace(" ", "")
        return gaz.compact.get(key)
    host = re.sub(r"^[a-z]+://", "", source.lower()).split("/")[0].split(":")[0]
    best: tuple[int, str] | None = None
    for label in host.split("."):
        for compact, uid in gaz.compact.items():
            if len(compact) >= 5 and compact in label or label in (compact, "bao" + compact, compact + "tv"):
                if best is None or len(compact) > best[0]:
                    best = (len(compact), uid)
    return best[1] if best else None


def _pick(cands: list[str], score, utypes: set[str], gaz: _Gazetteer) -> str | None:
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


def _slot(m: _Mention, gaz: _Gazetteer, prefixed_c: set[tuple[str, ...]]) -> tuple[_Slot, str | None] | None:
    """Which level a mention's name stands for, and its province when that level is P.

    A name without a prefix is a province if it can be, else a district, else a commune
    only when listed after a prefixed name or written with "xã"/"phường" elsewhere.
    """
    units = gaz.units
    provinces = [u for u in m.units if units[u].level == P]
    if m.level == D and m.utype == "thành phố":  # "TP Hồ Chí Minh", "Thành ủy Đà Nẵng"
        provinces = [u for u in provinces if units[u].type == "thành phố"]
    if provinces and (m.level in (None, P) or m.utype == "thành phố"):
        return (P, m.key), provinces[0]  # province names and aliases are unique
    if m.level in (None, D) and any(units[u].level == D for u in m.units):
        return (D, m.key), None
    if (m.level == C or m.level is None and (m.listed or m.key in prefixed_c)) and any(
            units[u].level == C for u in m.units):
        return (C, m.key), None
    return None


class _Resolver:
    """Names to units, for one text: districts and communes with namesakes need the
    text's other names (or the source's province) to decide between them."""

    def __init__(self, gaz: _Gazetteer, mentions: list[_Mention], src: str | None):
        self.gaz, self.src = gaz, src
        prefixed_c = {m.key for m in mentions if m.level == C}
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
            pick = _pick(cands, score, {m.utype for m in ms if m.utype}, self.gaz)
            if pick is None and len(cands) == 1 and any(m.level == C for m in ms):
                # A commune name no other commune has, written with its prefix, stands alone
                # unless the text places itself elsewhere ("xã Tiền Tiến, huyện Phù Cừ, tỉnh
                # Hưng Yên" is a typo for Tiên Tiến, not the Tiền Tiến of Hải Dương).
                if not named_here or units[units[cands[0]].parent].parent in named_here:
                    pick = cands[0]
            if pick is not None:
                self.resolved[slot] = pick
                self._district_of(pick)

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


def find_localities(title: str, body: str, source: str | None = None) -> list[Locality]:
    """Administrative units the article is about, primary first.

    ``source`` is the publisher's host name or a province name; it only helps to
    resolve names that several provinces share, and nudges ties towards its province.
    A unit is returned when the text names it; a commune carries its district and
    province. Ranking: mentions in the title (3) and lead (2) weigh more than the
    rest of the body (1), then the more specific unit, then the earlier one.
    """
    gaz = _gazetteer()
    mentions = _mentions(gaz, title or "", body or "")
    if not mentions:
        return []
    src = _source_province(gaz, source)
    units = gaz.units
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    for m, uid in zip(mentions, _resolve(gaz, mentions, src)):
        if uid is None:
            continue
        score[uid] = score.get(uid, 0.0) + m.weight
        first.setdefault(uid, m.start)
    for uid in score:
        if src and gaz.province_of(uid) == src:
            score[uid] += SOURCE_BONUS
    order = sorted(score, key=lambda u: (-score[u], -_SPECIFICITY[units[u].level], first[u]))
    return [_locality(gaz, u) for u in order]


def _locality(gaz: _Gazetteer, uid: str) -> Locality:
    unit = gaz.units[uid]
    chain = [unit]
    while chain[-1].parent:
        chain.append(gaz.units[chain[-1].parent])
    province = chain[-1]
    district = next((u.name for u in chain if u.level == D), None)
    commune = unit.name if unit.level == C else None
    return Locality(province.name, province.province_2025, district, commune)
