"""Index files read through a read-only memory map, so a searcher copies no segment into memory.

whoosh packs each segment's files into one compound ``.seg`` file. With its
default storage it maps that file, but then wraps every part it opens (the term
table, the postings, the stored fields, each column) in ``BytesIO(view)``,
which copies the part: a reader ends up holding its segments whole in private
memory (730 MB for a 343 MB index of 19,071 articles, issue 10). Told the
storage cannot map (``supports_mmap=False``, a public FileStorage option),
whoosh instead asks the opened compound file for each part with
``subset(offset, length)``; this storage's files answer that with a view into
one map of the whole file. Reading a part then costs only the pages touched,
and those are the kernel's page cache, shared by every process searching the
same index and given back under memory pressure.

It is also the one storage through which whoosh writes into an index folder,
which may hold a user's own files, so it deletes and renames only files whose
names whoosh writes for the index (``whoosh_internals.IndexFiles``), never
empties the folder, and gives each writer a temporary folder of its own
(``TEMPORARY_PREFIX``) instead of whoosh's shared ``articles.tmp``.
"""

from __future__ import annotations

import errno
import mmap
import os
import tempfile
from typing import Any, BinaryIO

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from .whoosh_internals import IndexFiles

#: The start of the name of every temporary folder a writer makes in an index folder.
TEMPORARY_PREFIX = ".vnsearch-tmp-"
#: Bytes a view's ``peek`` offers.
_PEEK = 512


class _ViewReader:
    """A read-only file over a memoryview: reads copy only what they return."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._view) if n is None or n < 0 else min(self._pos + n, len(self._view))
        out = bytes(self._view[self._pos:end])
        self._pos = end
        return out

    def peek(self, n: int = 0) -> bytes:
        """Bytes ahead, without moving past them: ``pickle`` reads a pickle from a file that can peek
        in one call, where from one that cannot it calls ``read`` once per opcode (every posting
        block's header is a pickle). A few hundred bytes are enough for a header; the unpickler
        reads on for longer pickles."""
        return bytes(self._view[self._pos:self._pos + _PEEK])

    def readline(self, limit: int = -1) -> bytes:
        end = len(self._view) if limit is None or limit < 0 else min(self._pos + limit, len(self._view))
        pos = self._pos
        while pos < end:
            chunk = bytes(self._view[pos:min(pos + 4096, end)])
            found = chunk.find(b"\n")
            if found >= 0:
                return self.read(pos + found + 1 - self._pos)
            pos += len(chunk)
        return self.read(end - self._pos)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos


class _ViewFile(StructFile):
    """One part of a mapped compound file (a term table, postings, a column...)."""

    def __init__(self, view: memoryview, name: str | None = None) -> None:
        super().__init__(_ViewReader(view), name=name)
        self._view = view
        self.part_name = name

    def get(self, position: int, length: int) -> bytes:
        # The hot path of every term lookup and posting block read: one slice, no seek.
        return bytes(self._view[position:position + length])

    def subset(self, position: int, length: int, name: str | None = None) -> _ViewFile:
        return _ViewFile(self._view[position:position + length], name=name or self.part_name)


class _MappableFile(StructFile):
    """A file on disk whose parts (``subset``) are views into one map of it, made on first use."""

    def __init__(self, fileobj: BinaryIO, name: str | None = None) -> None:
        super().__init__(fileobj, name=name)
        self.part_name = name
        self._map: mmap.mmap | None = None

    def subset(self, position: int, length: int, name: str | None = None) -> StructFile:
        if self._map is None:
            self._map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        return _ViewFile(memoryview(self._map)[position:position + length], name=name or self.part_name)

    def close(self) -> None:
        super().close()
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # a part is still being read; the map goes with its last view
                pass


class MappedFileStorage(FileStorage):
    """A FileStorage whose compound segment files are read through one memory map each,
    and which removes or renames nothing but the index's own files."""

    def __init__(self, path: str, indexname: str, readonly: bool = False) -> None:
        super().__init__(path, supports_mmap=False, readonly=readonly)
        self.files = IndexFiles(indexname)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return _MappableFile(open(os.path.join(self.folder, name), "rb"), name=name, **kwargs)

    def _refuse(self, name: str) -> None:
        # An OSError: whoosh's clean-up skips a file it cannot delete and goes on.
        if not self.files.owns(name):
            raise OSError(errno.EPERM, "not an index file: vnsearch leaves it alone", os.path.join(self.folder, name))

    def delete_file(self, name: str) -> None:
        self._refuse(name)
        super().delete_file(name)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        self._refuse(oldname)
        self._refuse(newname)
        super().rename_file(oldname, newname, safe=safe)

    def clean(self, ignore: bool = False) -> None:
        raise OSError(errno.EPERM, "an index folder is never emptied whole", self.folder)

    def destroy(self, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "an index folder is never removed whole", self.folder)

    def temp_storage(self, name: str | None = None) -> FileStorage:
        """A new temporary folder of the writer's own (whoosh would share one named ``articles.tmp``)."""
        return FileStorage(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=self.folder))
