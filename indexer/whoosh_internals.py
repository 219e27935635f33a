"""Every private whoosh name the project relies on, in one place, for one pinned whoosh.

The build runs whoosh's multi-process commit by hand (a lock-free segment
writer per worker, the parent's merge and table-of-contents commit), the codec
writes one-posting terms inlined and reads length columns whole, and the
segment writer spills its sort runs in a cheaper format. Each of these reaches
into whoosh 2.7.5's underscored attributes, which another release may rename or
change in meaning without notice. So they are reached here only, and this
module refuses to load against any whoosh but the pinned one: a mismatch fails
at import, in one line, instead of as a wrong index later.
"""

from __future__ import annotations

import io
import pickle
from array import array
from typing import Iterable, Iterator

import whoosh
from whoosh.codec import whoosh3
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter
from whoosh.index import Index
from whoosh.system import pack_ushort
from whoosh.writing import PostingPool, SegmentWriter

#: The whoosh-reloaded release whose internals this module was written against (pyproject pins it).
PINNED = (2, 7, 5)


class WhooshVersionError(ImportError):
    """The installed whoosh is not the release whose internals the project uses."""


def check_version(found: tuple = tuple(whoosh.__version__)) -> None:
    """Refuse, in one line, any whoosh but the pinned one."""
    if tuple(found[:3]) != PINNED:
        have = ".".join(map(str, found))
        want = ".".join(map(str, PINNED))
        raise WhooshVersionError(f"vnsearch needs whoosh-reloaded {want} (found {have}): "
                                 f"pip install 'whoosh-reloaded=={want}'")


check_version()

# --- the codec: W3 field writer and per-document reader -------------------------------------

W3FieldWriter = whoosh3.W3FieldWriter
W3PerDocReader = whoosh3.W3PerDocReader
W3TermInfo = whoosh3.W3TermInfo
byte_to_length = whoosh3.byte_to_length


def add_term_entry(fieldwriter: W3FieldWriter, btext: bytes, info: W3TermInfo) -> None:
    """Write a finished term entry with inlined postings into the field writer's term table."""
    term_table(fieldwriter).add(pack_ushort(fieldwriter._fieldid) + btext, inlined_entry(info))


def inlined_entry(info: W3TermInfo) -> bytes:
    """An entry with inlined postings as W3 lays it out, the postings pickled compactly.

    W3 ends such an entry with ``pickle.dumps((ids, weights, values), 2)``, and its
    reader ``loads`` whatever follows the fixed part. Protocol 2 memoizes every
    tuple (6 bytes for one posting), spells bytes values as a ``codecs.encode``
    call and a float weight in 9 bytes; protocol 3 without a memo, with a whole
    weight (a count times a whole field boost) as an int, which scores the same,
    writes a one-posting term's tail in 12 bytes instead of 27. Most terms of a
    news index are such entries (929,000 of 1.6 million in the 19,100-article
    kept index, counted with ``SegmentReader.term_info``).
    """
    ids, weights, values = info.inlined_postings()
    weights = tuple(int(w) if float(w).is_integer() else w for w in weights)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=3)
    pickler.fast = True  # no memo: the tuples are written once each
    pickler.dump((ids, weights, values))
    return info.to_bytes()[:W3TermInfo._struct.size] + out.getvalue()


class _PackedBucket:
    """One of a hash file's 256 buckets as two flat arrays instead of a list of tuples.

    whoosh's ``HashWriter`` keeps a ``(hash, position)`` tuple per key until the
    file is closed: about 124 bytes a key (tracemalloc), where the file needs 12.
    A build worker's term table holds about 800,000 keys per 9,500 articles, most
    of them one-article pairs; with 40,000-article worker segments (bench/kept.py
    growing 19,100 articles to 99,100) packing them took the build's peak from
    1,045 to 809 MB RSS. Appended and iterated as the list was, so whoosh's own
    writing code runs unchanged and writes the same bytes.
    """

    __slots__ = ("hashes", "positions")

    def __init__(self) -> None:
        self.hashes = array("I")  # whoosh's hash functions give 32 bits; its pointer packs them as "I"
        self.positions = array("q")

    def append(self, entry: tuple[int, int]) -> None:
        hashval, position = entry
        self.hashes.append(hashval)
        self.positions.append(position)

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.hashes, self.positions)


def pack_hash_buckets(hashwriter: HashWriter) -> None:
    """Make a fresh whoosh ``HashWriter`` (or ``OrderedHashWriter``) keep its keys packed."""
    if any(hashwriter.buckets):
        raise ValueError("pack_hash_buckets needs a hash writer that has no keys yet")
    hashwriter.buckets = [_PackedBucket() for _ in hashwriter.buckets]


def term_table(fieldwriter: W3FieldWriter) -> OrderedHashWriter:
    """The field writer's term table: the ``OrderedHashWriter`` its terms go into."""
    return fieldwriter._tindex


def segment_doc_count(perdoc: W3PerDocReader) -> int:
    """Documents in the segment a per-document reader reads, deleted ones included."""
    return perdoc._doccount


def length_column(perdoc: W3PerDocReader, fieldname: str) -> bytes | None:
    """A field's length column as raw bytes, one per document, or None when it has none."""
    lenfield = whoosh3._lenfield(fieldname)
    if not perdoc.has_column(lenfield):
        return None
    perdoc.column_reader(lenfield, whoosh3.LENGTHS_COLUMN)  # opens the column file
    colfile, offset, length = perdoc._colfiles[lenfield]
    # One byte per document (the column's "B" type), trailing defaults left off.
    return colfile.get(offset, length).ljust(perdoc._doccount, b"\0")


# --- the segment writer and its external sort ------------------------------------------------


class RunFormatPool(PostingPool):
    """whoosh's posting pool with the on-disk format of its sorted runs left to a subclass.

    A subclass implements ``write_run(file, items)`` and ``read_run(file)``
    on plain binary files; opening and removing runs stays whoosh's business.
    """

    def write_run(self, f, items: Iterable[tuple]) -> None:
        raise NotImplementedError

    def read_run(self, f) -> Iterator[tuple]:
        raise NotImplementedError

    def _write_run(self, f, items):
        self.write_run(f, items)

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            yield from self.read_run(f)
        finally:
            f.close()
            self._remove_run(path)


def new_segment_writer(ix: Index, *, lock: bool, limitmb: int, codec, pool: type[RunFormatPool],
                       compound: bool = True) -> SegmentWriter:
    """A SegmentWriter in ``codec`` whose postings sort through ``pool``; ``lock=False`` takes no index lock.

    ``compound`` packs each new segment's files into one ``.seg`` file (whoosh's default).
    """
    writer = SegmentWriter(ix, _lk=lock, limitmb=limitmb, codec=codec, compound=compound)
    writer.pool = pool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


# --- the multi-process commit, as whoosh's MpWriter does it ----------------------------------


def finish_worker_segment(writer: SegmentWriter):
    """A worker's finished segment (None if it added nothing), without cleaning up.

    ``cancel()`` or ``_finish()`` would destroy the temporary folder every writer
    of the index shares; the parent's commit cleans up after all of them.
    """
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_segments(writer: SegmentWriter, new_segments: list) -> None:
    """Commit the parent's writer with the workers' segments added to the table of contents."""
    final = writer._merge_segments(None, None, None)
    final += new_segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()
