"""The segment writer each build worker fills: whoosh's, with cheaper bookkeeping.

Two costs of whoosh 2.7's ``SegmentWriter`` grow with the size of a worker's
share rather than with the work itself: the on-disk format's per-term overhead
(see ``codec``), and the external sort of postings. Past ``limitmb`` of buffered
postings the sort spills a sorted run to a temporary file and reads it back at
flush, one ``pickle.dump`` and one ``pickle.load`` per posting, about a fifth of
the writer's time on a few hundred articles. Here runs are written and read as
marshalled chunks of postings, which keeps the memory bound and costs a
fraction of that.
"""

from __future__ import annotations

import marshal
import struct
from collections.abc import Iterable, Iterator
from itertools import islice

from whoosh.filedb.structfile import StructFile
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from .codec import NewsCodec
from .whoosh_internals import Posting, RunFormatPool, new_segment_writer

#: Postings per marshalled chunk of a run: one chunk per run is in memory at flush.
CHUNK = 4096
_SIZE = struct.Struct("<Q")


class _ChunkedPostingPool(RunFormatPool):
    # Each chunk is its byte length, then the marshalled list: marshal.load()
    # straight from a file reads it item by item, loads() from bytes does not.
    def write_run(self, f: StructFile, items: Iterable[Posting]) -> None:
        items = iter(items)
        while chunk := list(islice(items, CHUNK)):
            data = marshal.dumps(chunk)
            f.write(_SIZE.pack(len(data)))
            f.write(data)
        f.close()

    def read_run(self, f: StructFile) -> Iterator[Posting]:
        while header := f.read(_SIZE.size):
            yield from marshal.loads(f.read(_SIZE.unpack(header)[0]))


def segment_writer(ix: Index, *, limitmb: int, lock: bool = True) -> SegmentWriter:
    """A writer for ``ix`` in our codec, with the chunked external sort.

    ``lock=False`` is for build workers: the parent holds the index lock for them.
    """
    return new_segment_writer(ix, lock=lock, limitmb=limitmb, codec=NewsCodec(), pool=_ChunkedPostingPool)
