"""The article reader: a scraped page or a JSON record in, clean fields out.

The indexer calls these functions from worker processes, so they are plain
functions of their input (no I/O, no global state beyond compiled patterns) and
``Article`` pickles. Work is capped (``MAX_CHARS``) so a pathological input (a
50 MB line) costs a bounded, linear pass instead of stalling a worker.

Where each field comes from:
* body, title, byline: ``boilerplate.layout`` (shape and position of lines);
* published: the header's date line (``dates``); never a date inside a sentence;
* years_mentioned, terms: the clean title and body (``dates``, ``terms``);
* about, mentions: ``places.find_places`` on the clean title and body, with the
  record's source (or its URL's host) as the publisher.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..text import fold, normalize, visible
from . import boilerplate
from .dates import parse_date, parse_date_line, years_mentioned
from .places import Locality, find_places
from .terms import find_terms

if TYPE_CHECKING:
    from .sources import Item

#: Characters of input read at most; a news article is far shorter (the devset's longest is 14,000).
MAX_CHARS = 300_000
#: A line longer than this is cut: no paragraph is that long, and it bounds per-line work.
MAX_LINE = 20_000


class ReadError(ValueError):
    """The input cannot be read as an article; the message is one line saying why."""


@dataclass
class Article:
    title: str
    body: str
    published: datetime | None
    years_mentioned: list[int]
    about: list[Locality]  # where the story happened, primary first (usually one, at most three)
    mentions: list[Locality]  # every other unit the text names
    terms: list[str]
    author: str | None
    source: str | None = None
    url: str | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ISO 8601 date (or None), localities as dicts."""
        return {
            "id": self.id,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "about": [loc.as_dict() for loc in self.about],
            "mentions": [loc.as_dict() for loc in self.mentions],
            "terms": list(self.terms),
            "author": self.author,
            "years_mentioned": list(self.years_mentioned),
            "source": self.source,
            "url": self.url,
            "body": self.body,
        }


# --- bytes to text -------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: Control characters allowed per 1,000 characters before a text is called binary.
MAX_CONTROL = 5


def _check_text(text: str, encoding: str) -> str:
    sample = text[:65_536]
    controls = len(_CONTROL.findall(sample))
    if controls * 1000 > MAX_CONTROL * max(len(sample), 1):
        raise ReadError(f"not text: {controls} control characters in the first {len(sample)} (read as {encoding})")
    return unicodedata.normalize("NFC", text)


def decode(data: bytes) -> str:
    """Bytes to NFC text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1258.

    Windows-1258 is the legacy Vietnamese code page; it writes tones as combining
    marks, hence the NFC. Binary data is refused rather than read as mojibake.
    """
    if not data:
        raise ReadError("empty: no bytes")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), encoding)
            except UnicodeDecodeError as e:
                raise ReadError(f"not text: invalid {encoding} at byte {e.start}") from None
    if data.count(b"\x00") * 100 > len(data[:65_536]):
        raise ReadError("not text: NUL bytes (binary data, or UTF-16 without a byte-order mark)")
    try:
        return _check_text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _check_text(data.decode("cp1258"), "windows-1258")
    except UnicodeDecodeError as e:
        raise ReadError(f"not text: neither UTF-8 nor Windows-1258 (byte 0x{data[e.start]:02x} at {e.start})") from None


# --- text to article -----------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def _clean_lines(text: str) -> list[str]:
    """Normalised, stripped lines (blank lines kept as "")."""
    text = normalize(visible(text[:MAX_CHARS]))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [_SPACES.sub(" ", line[:MAX_LINE]).strip() for line in text.split("\n")]


def _strip_glued_title(line: str, title: str) -> str:
    """A caption that starts with the headline glued on ("…từ cơ sởĐảng ủy xã …"): drop the headline."""
    if title and len(line) > len(title) + 1 and line.startswith(title):
        rest = line[len(title):]
        if rest[0].isupper():
            return rest
    return line


def _article(title: str, body: str, published: datetime | None, author: str | None,
             source: str | None, url: str | None, id: str | None) -> Article:
    both = f"{title}\n\n{body}" if title else body
    about, mentions = find_places(title, body, source or url) if both.strip() else ([], [])
    return Article(
        title=title,
        body=body,
        published=published,
        years_mentioned=years_mentioned(both),
        about=about,
        mentions=mentions,
        terms=find_terms(both),
        author=author,
        source=source,
        url=url,
        id=id,
    )


def _read(text: str, lenient: bool = False) -> tuple[str, str, datetime | None, str | None]:
    """Title, body, date and author of a page's text (``lenient``: see ``boilerplate.layout``)."""
    lines = _clean_lines(text)
    parts = boilerplate.layout(lines, lenient)
    title = lines[parts.title] if parts.title is not None else ""
    published = parse_date_line(lines[parts.date]) if parts.date is not None else None
    body_lines: list[str] = []
    for i in parts.body:
        line = _strip_glued_title(lines[i], title)
        if not body_lines or body_lines[-1] != line:
            body_lines.append(line)
    return title, "\n\n".join(body_lines), published, parts.author


def read_text(text: str, *, source: str | None = None, url: str | None = None, id: str | None = None) -> Article:
    """Read a scraped page's text. Never raises on odd text: no article means empty title and body."""
    title, body, published, author = _read(text)
    return _article(title, body, published, author, source, url, id)


# --- JSON records --------------------------------------------------------------------

_SLUG = re.compile(r"/([a-z0-9]+(?:-[a-z0-9]+){2,})(?:\.[a-z]{2,5})?/?(?:[?#].*)?$")
_SLUG_ID = re.compile(r"(?:-[a-z]{0,3}\d{5,})+$")


def _slug(url: str | None) -> list[str]:
    """The headline words a URL's slug spells ("…/nganh-thue-that-thu-20201001130442778.htm")."""
    match = _SLUG.search((url or "")[:2000])
    if not match:
        return []
    words = _SLUG_ID.sub("", match.group(1)).split("-")
    return words if len(words) >= 3 else []


def _title_from_slug(slug: list[str], body: str) -> str:
    """Give a slug's words their diacritics back from the body's own spelling of them.

    The headline's phrases usually recur in the text, so runs of two or more slug
    words are copied from the first place the body writes them in a row; a lone
    word is restored only when the body spells it one way (lower-cased), since "ba"
    alone could be "ba", "bà" or "bá". Anything else stays as the slug has it:
    unaccented but still found by searches typed without diacritics.
    """
    written = re.findall(r"[^\W_]+", body[:8_000])  # headline words recur early
    folded = [fold(w) for w in written]
    where: dict[str, list[int]] = {}
    for pos, token in enumerate(folded):
        where.setdefault(token, []).append(pos)
    out: list[str] = []
    i = 0
    while i < len(slug):
        best_len, best_pos = 0, -1
        for pos in where.get(slug[i], ())[:200]:
            k = 1
            while i + k < len(slug) and pos + k < len(folded) and folded[pos + k] == slug[i + k]:
                k += 1
            if k > best_len:
                best_len, best_pos = k, pos
        if best_len >= 2:
            out.extend(written[best_pos:best_pos + best_len])
            i += best_len
            continue
        forms = {written[p] if written[p].isupper() and len(written[p]) > 1 else written[p].lower()
                 for p in where.get(slug[i], ())}
        out.append(forms.pop() if len(forms) == 1 else slug[i])
        i += 1
    # Capitalise the headline's first letter.
    title = " ".join(out)
    return title[:1].upper() + title[1:]


def _published(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    # An unreadable date is dropped rather than the article: the page may still give one.
    return parse_date(value.strip()[:64])


def read_record(record: dict[str, object]) -> Article:
    """Read a JSON record (id, title, body or text, published, url, source).

    What the record states wins over what the reader guesses: its title, its date.
    The text is still cleaned, since records are often scraped pages too. When the
    record has no title, the URL's slug (headline without diacritics) picks the
    headline from the text, or is given its diacritics back from the body.
    """
    text, record_title = _record_text(record)
    source, url, rid = _stated(record, "source"), _stated(record, "url"), _record_id(record)
    guessed_title, body, published, author = _read(text, lenient=True)
    title, body = _headline(record_title, guessed_title, body, _slug(url))
    if not body and text.strip():
        # A record that is only a lead or a headline: keep its lines (no prose to tell chrome by).
        kept = [line for line in _clean_lines(text) if line and not boilerplate.is_junk(line) and line != title]
        body = "\n\n".join(kept)
    if title and body.startswith(title + "\n\n"):
        body = body[len(title) + 2:]
    published = _published(record.get("published")) or published
    return _article(title, body, published, author, source, url, rid)


def _record_text(record: object) -> tuple[str, str]:
    """The record's text and its own title (cleaned); ReadError when it has neither."""
    if not isinstance(record, dict):
        raise ReadError(f"not a JSON object but {type(record).__name__}")
    text = record.get("body") or record.get("text") or ""
    if not isinstance(text, str):
        raise ReadError("'body' is not a string")
    stated = record.get("title")
    title = " ".join(normalize(visible(stated[:2000])).split()) if isinstance(stated, str) else ""
    if not text.strip() and not title:
        raise ReadError("no text: the record has neither 'body' nor 'text' nor 'title'")
    return text, title


def _stated(record: dict[str, object], key: str) -> str | None:
    """A string field of the record, cleaned; None when absent, empty or not a string."""
    value = record.get(key)
    return visible(value).strip() or None if isinstance(value, str) else None


def _record_id(record: dict[str, object]) -> str | None:
    rid = record.get("id")
    return visible(str(rid)).strip() or None if rid is not None else None


def _headline(record_title: str, guessed: str, body: str, slug: list[str]) -> tuple[str, str]:
    """The title and body: the record's title, else the reader's guess when the URL's slug
    confirms it, else the first paragraph the slug names, else the slug given its
    diacritics back from the body, else the guess."""
    if record_title:
        return record_title, body
    if slug and guessed and _matches_slug(guessed, slug):
        return guessed, body
    lines = body.split("\n\n")
    if slug and lines and _matches_slug(lines[0], slug):  # the first paragraph is the headline
        return lines[0], "\n\n".join(lines[1:])
    if slug:
        return _title_from_slug(slug, body), body
    return guessed or "", body


def read_item(item: Item) -> Article:
    """The article in one input entry (a page's bytes or a parsed record).

    The one way the build and ``vnsearch parse`` read an entry, so both accept and
    refuse the same inputs. Raises ReadError, in one line, when there is no article:
    undecodable bytes, nothing left after the boilerplate, or a reader bug, which
    must cost one article rather than a batch.
    """
    try:
        article = read_record(item.record) if item.record is not None else read_text(decode(item.payload), id=item.id)
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(f"could not be read ({type(e).__name__}: {e})") from e
    if not article.body.strip() and not article.title.strip():
        raise ReadError("no article text after removing the page's boilerplate")
    return article


def _matches_slug(line: str, slug: list[str]) -> bool:
    words = [fold(w) for w in re.findall(r"[^\W_]+", line)]
    if not words:
        return False
    common = len(set(words) & set(slug))
    return common >= 0.8 * max(len(set(slug)), 1) and common >= 0.8 * len(set(words))


__all__ = ["Article", "ReadError", "decode", "read_item", "read_record", "read_text", "visible"]
