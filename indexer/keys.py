"""The keys of the filter fields: one function per kind, called by the index and the query alike.

An article is indexed under, and a filter looks up, the same key, so
"binh duong", "tỉnh Bình Dương" and "Bình Dương" meet, and "khoa 12" finds
"khóa XII". When indexing and querying computed keys each their own way, the
two could drift apart without any test noticing; here there is one way.
"""

from __future__ import annotations

from collections.abc import Iterable

from .articles.places import Locality, place_key
from .articles.terms import normalize_term, term_years
from .text import fold


def province_key(name: str) -> str:
    """Key of a province, pre-2025 or 2025 name, any spelling ("TP.HCM" -> "ho chi minh")."""
    return place_key(name)


def district_key(name: str) -> str:
    """Key of a district ("TP.Thủ Dầu Một" -> "thu dau mot")."""
    return place_key(name)


def commune_key(name: str) -> str:
    """Key of a commune or ward ("xã Phú Thuận" -> "phu thuan")."""
    return place_key(name)


#: A mention key's level: one field holds every unit an article names, so "Thủ Dầu Một" the district
#: and a province of the same name stay apart.
MENTION_LEVELS = {"province": "p", "province_2025": "n", "district": "d", "commune": "c"}


def mention_keys(localities: Iterable[Locality]) -> list[str]:
    """Keys of every unit the localities name, each with its level ("p:binh duong", "d:thu dau mot")."""
    keys = []
    for loc in localities:
        for attribute, level in MENTION_LEVELS.items():
            name = getattr(loc, attribute)
            if name:
                keys.append(f"{level}:{place_key(name)}")
    return keys


def mention_lookups(name: str) -> list[str]:
    """The mention keys a place name typed in a filter may be, at every level ("thu dau mot" -> four)."""
    return [f"{level}:{place_key(name)}" for level in MENTION_LEVELS.values()]


def term_key(term: str) -> str:
    """Key of a term, canonical or as a user types it ("nhiệm kỳ 2015 - 2020", "khoa 12")."""
    return fold(normalize_term(term) or term)


def term_year_keys(term: str) -> list[str]:
    """Keys of the years a term covers ("khóa XII" -> "2016" .. "2021")."""
    return [str(y) for y in term_years(term)]


def name_key(name: str) -> str:
    """Key of a free-form name (an author): folded, single-spaced."""
    return " ".join(fold(name).split())


def source_key(source: str) -> str:
    """Key of a source: a host without "www." ("baobinhduong.vn"), or a folded outlet name."""
    key = name_key(source)
    return key[4:] if key.startswith("www.") else key


def field_value(keys: Iterable[str | None]) -> str:
    """The keys as one value of a comma-separated keyword field (distinct, sorted, none empty)."""
    return ",".join(sorted({k.replace(",", " ") for k in keys if k}))
