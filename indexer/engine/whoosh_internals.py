"""Every private whoosh name the project relies on, in one place, for one pinned whoosh.

The build runs whoosh's multi-process commit by hand (a lock-free segment
writer per worker, the parent's merge and table-of-contents commit), the codec
writes one-posting terms inlined and reads length columns whole, and the
segment writer spills its sort runs in a cheaper format. Each of these reaches
into whoosh 2.7.5's underscored attributes, which another release may rename or
change in meaning without notice. So they are reached here only, and this
module refuses to load against any whoosh but the pinned one: a mismatch fails
at import, in one line, instead of as a wrong index later.

whoosh stores an index as pickles (the table of contents, stored fields,
postings), and unpickling runs whatever a pickle names. An index folder must
be data, not code, so every place whoosh unpickles index content goes through
one restricted unpickler here (``restricted_loads``), which loads only the
classes a vnsearch index holds and refuses anything else, running nothing.
Importing this module installs it for the whole process: any whoosh index read
by the process is held to the same list.
"""

from __future__ import annotations

import io
import pickle
import re
import types
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any, BinaryIO, Protocol, TypeVar

import whoosh
import whoosh.columns
import whoosh.index
from whoosh.codec import whoosh3
from whoosh.codec.base import Codec, Segment
from whoosh.codec.whoosh3 import W3Codec as W3Codec
from whoosh.codec.whoosh3 import W3FieldWriter as W3FieldWriter
from whoosh.codec.whoosh3 import W3PerDocReader as W3PerDocReader
from whoosh.codec.whoosh3 import W3TermInfo as W3TermInfo
from whoosh.fields import Schema
from whoosh.filedb import structfile
from whoosh.filedb.filestore import Storage
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC, EmptyIndexError, FileIndex, Index
from whoosh.matching import ListMatcher, Matcher
from whoosh.query import SpanNear2
from whoosh.reading import IndexReader, SegmentReader
from whoosh.system import pack_ushort
from whoosh.writing import PostingPool, SegmentWriter

#: The whoosh-reloaded release whose internals this module was written against (pyproject pins it).
PINNED = (2, 7, 5)


class WhooshVersionError(ImportError):
    """The installed whoosh is not the release whose internals the project uses."""


def check_version(found: tuple[int | str, ...] = tuple(whoosh.__version__)) -> None:
    """Refuse, in one line, any whoosh but the pinned one."""
    if tuple(found[:3]) != PINNED:
        have = ".".join(map(str, found))
        want = ".".join(map(str, PINNED))
        raise WhooshVersionError(f"vnsearch needs whoosh-reloaded {want} (found {have}): "
                                 f"pip install 'whoosh-reloaded=={want}'")


check_version()

# --- reading an index: data, never code -------------------------------------------------------

#: Every global the pickles of a vnsearch index name: its schema's fields, formats,
#: analyzers and column types, its codec and segments, and the plain values of stored
#: fields and postings. Found by logging every global unpickled while building,
#: growing (replacements, deletions, merges) and searching indexes, the kept
#: ``tests/data/index-v1`` among them; a class an index needs and this lacks is a
#: refusal to open it, which a test of every index format would show.
ALLOWED_GLOBALS = frozenset({
    ("builtins", "int"), ("__builtin__", "long"),  # protocol 2 writes Python 2's names
    ("_codecs", "encode"),  # how protocol 2 spells a bytes value
    ("collections", "defaultdict"), ("datetime", "datetime"), ("re", "_compile"),
    ("indexer.analysis", "SyllableTokenizer"), ("indexer.analysis", "FoldedSyllableTokenizer"),
    ("indexer.analysis", "PairTokenizer"), ("indexer.analysis", "WordTokenizer"),
    ("indexer.engine.schema", "CountedText"), ("indexer.engine.codec", "NewsCodec"),
    ("whoosh.analysis.analyzers", "CompositeAnalyzer"), ("whoosh.analysis.filters", "StripFilter"),
    ("whoosh.analysis.tokenizers", "IDTokenizer"), ("whoosh.analysis.tokenizers", "RegexTokenizer"),
    ("whoosh.codec.whoosh3", "W3Codec"), ("whoosh.codec.whoosh3", "W3Segment"),
    ("whoosh.columns", "NumericColumn"), ("whoosh.columns", "VarBytesColumn"),
    ("whoosh.fields", "Schema"), ("whoosh.fields", "ID"), ("whoosh.fields", "TEXT"), ("whoosh.fields", "KEYWORD"),
    ("whoosh.fields", "STORED"), ("whoosh.fields", "DATETIME"),
    ("whoosh.formats", "Existence"), ("whoosh.formats", "Frequency"), ("whoosh.formats", "Positions"),
})

#: Where classes an index names by module path have moved (``indexer`` became packages on
#: 2026-12-07): indexes written before keep opening, each name read as its new home.
MOVED_GLOBALS = {
    ("indexer.schema", "CountedText"): ("indexer.engine.schema", "CountedText"),
    ("indexer.codec", "NewsCodec"): ("indexer.engine.codec", "NewsCodec"),
}

#: The packages whose classes a vnsearch index names: one of theirs missing from the
#: list is a class that moved (another version wrote the index), not a foreign object.
OWN_PACKAGES = ("indexer", "search")


class ForbiddenPickle(pickle.UnpicklingError):
    """An index file asks to load something no vnsearch index holds; it was refused and nothing ran.

    ``name`` is what it asked for ("os.system"); ``own`` says it is one of the
    project's own modules (a class that has moved since the index was written).
    """

    def __init__(self, module: str, name: str) -> None:
        super().__init__(f"it asks to load {module}.{name}")
        self.name = f"{module}.{name}"
        self.own = module.split(".", 1)[0] in OWN_PACKAGES


class _IndexUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        module, name = MOVED_GLOBALS.get((module, name), (module, name))
        if (module, name) not in ALLOWED_GLOBALS:
            raise ForbiddenPickle(module, name)
        return super().find_class(module, name)


#: Pickles at least this long are read through a buffered reader (see ``restricted_loads``).
_PEEKED = 256


def restricted_loads(data: bytes) -> Any:
    """``pickle.loads`` for index content: only ``ALLOWED_GLOBALS`` may be named.

    An Unpickler reads a file, and from one it cannot ``peek`` into it calls
    ``read`` once per opcode: posting blocks (a few KB each) then unpickled at
    half the speed of ``pickle.loads``, a tenth more on every query at 20,000
    articles. A ``BufferedReader`` can peek, which takes that back to within a
    tenth of ``pickle.loads``; below ``_PEEKED`` bytes making one costs more
    than it saves.
    """
    stream = io.BytesIO(data)
    return _IndexUnpickler(stream if len(data) < _PEEKED else io.BufferedReader(stream)).load()


def restricted_load(file: BinaryIO) -> Any:
    """``pickle.load`` for index content: only ``ALLOWED_GLOBALS`` may be named."""
    return _IndexUnpickler(file).load()


def _restrict_whoosh_unpickling() -> None:
    """Send every unpickling of index content in whoosh through ``restricted_loads``.

    whoosh reads pickles in four places: ``pickle.loads`` of the schema in the
    table of contents (``whoosh.index``), ``StructFile.read_pickle`` (the
    segment list, compound-file directories, posting-block headers, column
    headers, term-table extras), and ``loads`` in the W3 codec (inlined postings,
    posting blocks) and in ``whoosh.columns`` (stored fields). Each module looks the
    name up at call time, so replacing it here covers every reader, ours and whoosh's.
    Tables of contents of older formats are read by a loader that unpickles freely;
    a vnsearch index is never one, so those formats are refused.
    """
    whoosh.index.pickle = types.SimpleNamespace(loads=restricted_loads, dumps=pickle.dumps,
                                                PicklingError=pickle.PicklingError)
    whoosh.index.toc_loaders = {}
    structfile.load_pickle = restricted_load
    whoosh3.loads = restricted_loads
    whoosh.columns.loads = restricted_loads


_restrict_whoosh_unpickling()

# --- the codec: W3 field writer and per-document reader -------------------------------------

# W3Codec, W3FieldWriter, W3PerDocReader and W3TermInfo are imported above as themselves, which re-exports
# them: the classes ``indexer.engine.codec`` extends.
byte_to_length: Callable[[int], int] = whoosh3.byte_to_length


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
    entry: bytes = info.to_bytes()[:W3TermInfo._struct.size]
    return entry + out.getvalue()


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
        return zip(self.hashes, self.positions, strict=True)


def pack_hash_buckets(hashwriter: HashWriter) -> None:
    """Make a fresh whoosh ``HashWriter`` (or ``OrderedHashWriter``) keep its keys packed."""
    if any(hashwriter.buckets):
        raise ValueError("pack_hash_buckets needs a hash writer that has no keys yet")
    hashwriter.buckets = [_PackedBucket() for _ in hashwriter.buckets]


def term_table(fieldwriter: W3FieldWriter) -> OrderedHashWriter:
    """The field writer's term table: the ``OrderedHashWriter`` its terms go into."""
    table: OrderedHashWriter = fieldwriter._tindex
    return table


def segment_doc_count(perdoc: W3PerDocReader) -> int:
    """Documents in the segment a per-document reader reads, deleted ones included."""
    count: int = perdoc._doccount
    return count


def length_column(perdoc: W3PerDocReader, fieldname: str) -> bytes | None:
    """A field's length column as raw bytes, one per document, or None when it has none."""
    lenfield = whoosh3._lenfield(fieldname)
    if not perdoc.has_column(lenfield):
        return None
    perdoc.column_reader(lenfield, whoosh3.LENGTHS_COLUMN)  # opens the column file
    colfile, offset, length = perdoc._colfiles[lenfield]
    # One byte per document (the column's "B" type), trailing defaults left off.
    column: bytes = colfile.get(offset, length)
    return column.ljust(segment_doc_count(perdoc), b"\0")


# --- postings read a block at a time ------------------------------------------------------


def _leaf_postings(leaf: SegmentReader, fieldname: str, text: str | bytes) -> Matcher | None:
    """A segment's own postings matcher for the term (its deleted documents included), or None."""
    if not leaf.doc_frequency(fieldname, text):
        return None
    return leaf._terms.matcher(fieldname, leaf._text_to_bytes(fieldname, text), leaf.schema[fieldname].format)


def _blocks(matcher: Matcher) -> Iterator[Sequence[int]]:
    """The matcher's document numbers a block at a time (inlined postings are one block)."""
    if isinstance(matcher, ListMatcher):
        yield matcher._ids
        return
    while matcher.is_active():
        yield _block_ids(matcher)
        matcher._next_block()


def _block_ids(matcher: Matcher) -> Sequence[int]:
    """The current block's document numbers, as ``W3LeafMatcher._read_ids`` reads them but summing
    the gaps with ``itertools.accumulate`` (C) where whoosh runs a Python generator over them."""
    if matcher._data is None:
        matcher._read_data()
    ids: Sequence[int] = matcher._data[0]
    return ids if matcher._byteids else tuple(accumulate(ids))


def posting_blocks(leaf: SegmentReader, fieldname: str, text: str | bytes,
                   among: Sequence[int] | None = None) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """The term's live postings in one segment (``leaf``: a segment's reader), as (document numbers, weights)
    a block at a time, each weight what the segment's matcher gives for that posting (``weight()``);
    with ``among`` (document numbers in the segment, ascending), only the blocks whose range of numbers
    holds one of them, the others passed over by their headers (as ``holding`` does)."""
    matcher = _leaf_postings(leaf, fieldname, text)
    if matcher is None:
        return
    deleted = leaf.deleted_docs_set
    for ids, weights in _weighted_blocks(matcher, among):
        if deleted:
            kept = [i for i, n in enumerate(ids) if n not in deleted]
            ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
        yield ids, weights


def _weighted_blocks(matcher: Matcher, among: Sequence[int] | None) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    if isinstance(matcher, ListMatcher):  # inlined postings: ``ListMatcher.weight`` reads them so
        ids = matcher._ids
        if matcher._all_weights:
            yield ids, [matcher._all_weights] * len(ids)
        else:
            yield ids, matcher._weights or [1.0] * len(ids)
        return
    i = 0
    while matcher.is_active() and (among is None or i < len(among)):
        if among is not None:
            last = matcher.block_max_id()
            if among[i] > last:
                matcher._next_block()
                continue
            i = bisect_right(among, last, i)
        ids = _block_ids(matcher)
        matcher._read_weights()
        yield ids, matcher._weights
        matcher._next_block()


def holds_phrase(matchers: Sequence[Matcher], slop: int, ordered: bool = True, mindist: int = 1) -> bool:
    """Whether the term matchers of a phrase's words (``Term.matcher``, in order), all positioned on one
    document, hold the phrase there: whoosh's own test (``SpanNear2``, which ``Phrase`` matches through)."""
    near = types.SimpleNamespace(ms=matchers, slop=slop, ordered=ordered, mindist=mindist)
    return bool(SpanNear2.SpanNear2Matcher._get_spans(near))


def per_document_reader(leaf: SegmentReader) -> W3PerDocReader:
    """A segment reader's per-document reader (its codec's: lengths, stored fields, columns)."""
    return leaf._perdoc


def posting_ids(reader: IndexReader, fieldname: str, text: str | bytes) -> list[int]:
    """Every live document holding the term, by its number in ``reader`` (a multi-segment reader's too).

    whoosh's ``all_ids`` climbs its matcher stack once per posting (a common syllable's
    17,000 postings at 19,100 articles: most of a search's time); read whole blocks,
    the same numbers come at a fraction of the cost.
    """
    found: list[int] = []
    for leaf, offset in reader.leaf_readers():
        matcher = _leaf_postings(leaf, fieldname, text)
        if matcher is None:
            continue
        deleted = leaf.deleted_docs_set
        for ids in _blocks(matcher):
            if deleted:
                ids = [n for n in ids if n not in deleted]
            found.extend([n + offset for n in ids] if offset else ids)
    return found


def deleted_ids(reader: IndexReader) -> set[int]:
    """Every deleted document's number in ``reader`` (a multi-segment reader's too): a replaced or
    pruned article stays in its segment, deleted, with its stored fields and column values, until a merge."""
    found: set[int] = set()
    for leaf, offset in reader.leaf_readers():
        found.update(n + offset for n in leaf.deleted_docs_set)
    return found


def holding(reader: IndexReader, fieldname: str, text: str | bytes, docs: Iterable[int]) -> set[int]:
    """Those of ``docs`` (live documents, by number in ``reader``) that hold the term.

    A block whose range of numbers holds none of them is passed over by its
    header alone, so checking a few articles against a term in most of them costs
    a few block headers, where reading its postings would cost them all.
    """
    wanted = sorted(docs)
    found: set[int] = set()
    for leaf, offset in reader.leaf_readers():
        end = offset + leaf.doc_count_all()
        local = [n - offset for n in wanted[bisect_left(wanted, offset):bisect_left(wanted, end)]]
        matcher = _leaf_postings(leaf, fieldname, text) if local else None
        if matcher is None:
            continue
        if isinstance(matcher, ListMatcher):
            held = set(matcher._ids)
            found.update(n + offset for n in local if n in held)
            continue
        i = 0
        while i < len(local) and matcher.is_active():
            last = matcher.block_max_id()
            if local[i] <= last:
                matcher._read_ids()
                held = set(matcher._ids)
                while i < len(local) and local[i] <= last:
                    if local[i] in held:
                        found.add(local[i] + offset)
                    i += 1
            matcher._next_block()
    return found


# --- the segment writer and its external sort ------------------------------------------------


#: A posting as whoosh's posting pool sorts it: (field name, term, document number, weight, value).
Posting = tuple[str, bytes, int, float, "bytes | None"]


class RunFormatPool(PostingPool):
    """whoosh's posting pool with the on-disk format of its sorted runs left to a subclass.

    A subclass implements ``write_run(file, items)`` and ``read_run(file)``
    on plain binary files; opening and removing runs stays whoosh's business.
    """

    def write_run(self, f: StructFile, items: Iterable[Posting]) -> None:
        raise NotImplementedError

    def read_run(self, f: StructFile) -> Iterator[Posting]:
        raise NotImplementedError

    def _write_run(self, f: StructFile, items: Iterable[Posting]) -> None:
        self.write_run(f, items)

    def _read_run(self, path: str) -> Iterator[Posting]:
        f = self._open_run(path)
        try:
            yield from self.read_run(f)
        finally:
            f.close()
            self._remove_run(path)


def new_segment_writer(ix: Index, *, lock: bool, limitmb: int, codec: Codec, pool: type[RunFormatPool],
                       compound: bool = True) -> SegmentWriter:
    """A SegmentWriter in ``codec`` whose postings sort through ``pool``; ``lock=False`` takes no index lock.

    ``compound`` packs each new segment's files into one ``.seg`` file (whoosh's default).
    """
    writer = SegmentWriter(ix, _lk=lock, limitmb=limitmb, codec=codec, compound=compound)
    writer.pool = pool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


# --- the multi-process commit, as whoosh's MpWriter does it ----------------------------------


def finish_worker_segment(writer: SegmentWriter) -> Segment | None:
    """A worker's finished segment (None if it added nothing), its temporary folder removed.

    ``cancel()`` or ``_finish()`` would also release the index lock, which a
    worker never holds; the parent's commit writes the table of contents.
    """
    segment = None
    if writer._added:
        segment = writer._finalize_segment()
    else:
        writer._close_segment()
    writer._tempstorage.destroy()
    return segment


def discard_worker_segment(writer: SegmentWriter) -> None:
    """Give up a worker's unfinished segment: its files closed (the sweep removes them), its
    temporary folder removed. For a worker that outlives the build, as a cluster's does."""
    try:
        writer._close_segment()
    finally:
        writer._tempstorage.destroy()


def finish_segments(writer: SegmentWriter, new_segments: list[Segment]) -> list[Segment]:
    """The segments the parent's commit will name: its index's, small ones merged, the workers'
    new ones, and its own (deletions, merges) finished; ``commit_toc`` then writes them."""
    final: list[Segment] = writer._merge_segments(None, None, None)
    final += new_segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    return final


def commit_toc(writer: SegmentWriter, segments: list[Segment]) -> None:
    """Write the parent's table of contents naming ``segments``: the new index, at once.

    whoosh's own commit would then delete every file whose name merely starts
    like an index file's (``articles_2017.jsonl``, say): the caller sweeps
    with exact names instead (``store.sweep``), while the writer still holds
    the lock, then calls ``release``.
    """
    write_toc(writer.storage, writer.indexname, writer.schema, segments, writer.generation)


def release(writer: SegmentWriter) -> None:
    """Close a committed writer: its temporary folder removed, the index lock released."""
    writer._finish()


def abandon(writer: SegmentWriter, sweep: Callable[[], None]) -> None:
    """Give a writer up at any point, mid-commit too: its segment closed unfinished, then ``sweep``
    run while the writer still holds the index lock, then the lock released.

    (``cancel()`` releases the lock before anything could be cleaned under it.)
    """
    try:
        writer._close_segment()
    finally:
        try:
            sweep()
        finally:
            writer._finish()


# --- an index's files: whoosh's names, and its table of contents -----------------------------


class IndexFiles:
    """The exact names whoosh gives the files of the index ``indexname`` in a folder.

    whoosh itself recognises its files by prefix (any ``articles_x.y`` is a segment
    file to it), which in a folder shared with a user's files would claim theirs.
    These patterns match only what whoosh writes: a table of contents
    ``_articles_7.toc`` (and the temporary name it is written under), a segment's
    files ``articles_<16 characters of whoosh.util.IDCHARS>.seg`` (or, before a
    segment is packed, its ``.trm``, ``.pst``, ``.vps`` and ``.<field>.col``
    parts), and the lock ``articles_WRITELOCK``.
    """

    def __init__(self, indexname: str) -> None:
        name = re.escape(indexname)
        self.toc = re.compile(rf"_{name}_(\d+)\.toc")
        self.toc_temporary = re.compile(rf"_{name}_\d+\.toc\.\d+\.\d+")
        self.segment = re.compile(rf"({name}_[0-9a-z]{{16}})\.(?:seg|trm|pst|vps|\w+\.col)")
        self.lock = f"{indexname}_WRITELOCK"

    def owns(self, filename: str) -> bool:
        """Whether whoosh writes a file of this exact name for the index."""
        return (filename == self.lock or any(p.fullmatch(filename) for p in
                                             (self.toc, self.toc_temporary, self.segment)))

    def generation(self, filename: str) -> int | None:
        """The generation of a table of contents' file name, else None."""
        m = self.toc.fullmatch(filename)
        return int(m.group(1)) if m else None

    def segment_id(self, filename: str) -> str | None:
        """The segment a file belongs to ("articles_vh68bdsrzlkqz22j"), else None."""
        m = self.segment.fullmatch(filename)
        return m.group(1) if m else None


_T = TypeVar("_T")


class ReadCheck(Protocol):
    """What ``CheckedFileIndex`` runs each read of the index through: ``read()``'s value, or the
    caller's own error; ``retried``: whoosh has already retried a file gone missing."""

    def __call__(self, read: Callable[[], _T], retried: bool) -> _T: ...


class CheckedFileIndex(FileIndex):
    """whoosh's ``FileIndex`` whose two reading seams, the table of contents (``_read_toc``,
    behind every reader, searcher, refresh and writer) and ``reader``, each run through
    ``check(read, retried)``, which turns what goes wrong into the caller's own errors.

    A folder without any table of contents, where there was one, raises FileNotFoundError
    (whoosh's EmptyIndexError says only "no index"): someone is swapping whole folders.
    ``retried`` says whoosh has already retried a file gone missing (a build committing meanwhile).
    """

    def __init__(self, storage: Storage, indexname: str, check: ReadCheck) -> None:
        self._check = check
        super().__init__(storage, indexname=indexname)

    def _read_toc(self) -> TOC:
        return self._check(self._toc, False)

    def _toc(self) -> TOC:
        try:
            return super()._read_toc()
        except EmptyIndexError as e:
            raise FileNotFoundError(str(e)) from None

    def reader(self, reuse: IndexReader | None = None) -> IndexReader:
        return self._check(lambda: super(CheckedFileIndex, self).reader(reuse=reuse), True)


def latest_generation(storage: Storage, indexname: str) -> int:
    """The newest table of contents' generation in the storage, -1 when there is none."""
    generation: int = TOC._latest_generation(storage, indexname)
    return generation


def read_toc(storage: Storage, indexname: str) -> TOC:
    """The newest table of contents (its ``schema``, ``segments`` and ``generation``)."""
    return TOC.read(storage, indexname)


def write_toc(storage: Storage, indexname: str, schema: Schema, segments: list[Segment], generation: int) -> None:
    """Write a table of contents naming ``segments``: under a temporary name, then renamed,
    so a reader sees the previous generation or this one, never part of it."""
    TOC(schema, segments, generation).write(storage, indexname)


def segment_id(segment: Segment) -> str:
    """The name a segment's files start with ("articles_vh68bdsrzlkqz22j")."""
    name: str = segment.segment_id()
    return name
