"""whoosh's W3 on-disk format, written with less work per term.

A news index is dominated by rare terms: most folded syllable pairs occur in one
article of a segment. whoosh 2.7's W3 writer takes each of them through a
posting block of its own (a buffer, two pickles, a zlib call), and at flush
looks every posting's field length up in the freshly written length column,
one small file read (or, for fields with no lengths, one ``stat``) per posting.
The format already knows how to keep a short posting list inside the term's
entry ("inlining"), but in whoosh-reloaded 2.7.5 the writer side of that calls
a method that does not exist (``set_inline``), so the stock codec never inlines.

This codec writes files the stock reader understands: a term with one posting
goes straight into the term table, inlined and pickled compactly
(``whoosh_internals.inlined_entry``), and field lengths are read a whole
column at a time. A segment remembers the codec that wrote it (whoosh pickles it
into the index's table of contents), so indexes built with the stock codec stay
readable and mix freely with ours.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from itertools import chain, groupby
from operator import itemgetter

from whoosh.codec.base import Codec, PerDocumentReader, Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import Storage
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Format
from whoosh.matching import Matcher
from whoosh.scoring import BaseScorer
from whoosh.system import emptybytes

from . import whoosh_internals as wi

_TERM = itemgetter(0, 1)
_FLOAT32 = struct.Struct("f")


def _float32(value: float) -> float:
    """The value as the W3 block's ``array("f")`` holds it."""
    stored: float = _FLOAT32.unpack(_FLOAT32.pack(value))[0]
    return stored


class _FieldWriter(wi.W3FieldWriter):
    """Writes a term with a single posting straight into the term table.

    whoosh's loop takes every posting through start_term/add/finish_term and a
    fresh block buffer; for the one-posting terms that make up most of a segment
    that machinery is most of the flush. The entry written holds the statistics
    the postings writer would compute, with the posting inlined. Its term table
    keeps its keys packed until it is written (``whoosh_internals.pack_hash_buckets``).
    """

    def __init__(self, codec: Codec, storage: Storage, segment: Segment) -> None:
        super().__init__(codec, storage, segment)
        wi.pack_hash_buckets(wi.term_table(self))

    def add_postings(self, schema: Schema, lengths: PerDocumentReader | None, items: Iterable[wi.Posting]) -> None:
        length_of = lengths.doc_field_length if lengths else (lambda docnum, fieldname: 0)
        current = None
        # docnum -1 marks spelling-graph words, which W3 never writes.
        for (fieldname, btext), group in groupby((p for p in items if p[2] != -1), key=_TERM):
            if fieldname != current:
                if current is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                current = fieldname
            first = next(group)
            second = next(group, None)  # noqa: B031 (one iterator read on: first, second, then the rest)
            if second is None:
                _, _, docnum, weight, value = first
                self._add_single(btext, docnum, weight, value, length_of(docnum, fieldname))
                continue
            self.start_term(btext)
            for _, _, docnum, weight, value in chain((first, second), group):
                self.add(docnum, weight, value or emptybytes, length_of(docnum, fieldname))
            self.finish_term()
        if current is not None:
            self.finish_field()

    def _add_single(self, btext: bytes, docnum: int, weight: float, value: bytes | None, length: int) -> None:
        stored = _float32(weight)
        info = wi.W3TermInfo(stored, 1, length or None, length or 0, max(weight, 0), docnum, docnum)
        info.set_inlined((docnum,), (stored,), (value,) if value else ())
        wi.add_term_entry(self, btext, info)


class _WholeColumnLengths(wi.W3PerDocReader):
    """Field lengths served from each length column read once, whole.

    The writer asks for a length per posting when it flushes a segment, and the
    scorer per matching document; both are millions of single-byte reads otherwise.
    """

    def __init__(self, storage: Storage, segment: Segment) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def lengths(self, fieldname: str) -> bytes | None:
        """The field's length column, one byte per document (whoosh's ``length_to_byte``), or None."""
        try:
            return self._length_bytes[fieldname]
        except KeyError:
            pass
        column = self._length_bytes[fieldname] = wi.length_column(self, fieldname)
        return column

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > wi.segment_doc_count(self):
            raise IndexError(f"Asked for docnum {docnum!r} of {wi.segment_doc_count(self)}")
        column = self.lengths(fieldname)
        if column is None:
            return default
        lbyte = column[docnum]
        return wi.byte_to_length(lbyte) if lbyte else None


class NewsCodec(wi.W3Codec):
    """The W3 format with one-posting terms inlined and whole-column length reads."""

    def field_writer(self, storage: Storage, segment: Segment) -> _FieldWriter:
        return _FieldWriter(self, storage, segment)

    def per_document_reader(self, storage: Storage, segment: Segment) -> _WholeColumnLengths:
        return _WholeColumnLengths(storage, segment)

    def postings_reader(self, dbfile: StructFile, terminfo: wi.W3TermInfo, format_: Format,
                        term: tuple[str, bytes] | None = None, scorer: BaseScorer | None = None) -> Matcher:
        # A term inlined without values reads back with a value of "" (str), and
        # merging a segment with deletions feeds that to whoosh's posting pool,
        # which accepts bytes only: a build after replaced or pruned articles died
        # there. Reading it as b"" mends indexes already written that way too.
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            if not values:
                terminfo.set_inlined(ids, weights, (emptybytes,) * len(ids))
        return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
