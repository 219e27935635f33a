"""Small helpers shared by the test modules (pytest puts this folder on sys.path:
the tests are not a package, so ``from helpers import ...`` works from any rootdir run)."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from indexer.dates import VIETNAM

TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def vn(*args) -> datetime:
    """A datetime in Vietnam time: ``vn(2020, 6, 22, 8, 36)``."""
    return datetime(*args, tzinfo=VIETNAM)


def windows_1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows software writes it: base letters (â ê ô ơ ư ă)
    precomposed, tone marks as combining characters after them."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
                   + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")
