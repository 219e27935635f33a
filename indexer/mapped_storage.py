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
"""

from __future__ import annotations

import mmap
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


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

    def get(self, position: int, length: int) -> bytes:
        # The hot path of every term lookup and posting block read: one slice, no seek.
        return bytes(self._view[position:position + length])

    def subset(self, position: int, length: int, name: str | None = None) -> "_ViewFile":
        return _ViewFile(self._view[position:position + length], name=name or self._name)


class _MappableFile(StructFile):
    """A file on disk whose parts (``subset``) are views into one map of it, made on first use."""

    def __init__(self, fileobj, name: str | None = None) -> None:
        super().__init__(fileobj, name=name)
        self._map: mmap.mmap | None = None

    def subset(self, position: int, length: int, name: str | None = None) -> StructFile:
        if self._map is None:
            self._map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        return _ViewFile(memoryview(self._map)[position:position + length], name=name or self._name)

    def close(self) -> None:
        super().close()
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # a part is still being read; the map goes with its last view
                pass


class MappedFileStorage(FileStorage):
    """A FileStorage whose compound segment files are read through one memory map each."""

    def __init__(self, path: str, readonly: bool = False) -> None:
        super().__init__(path, supports_mmap=False, readonly=readonly)

    def open_file(self, name: str, **kwargs) -> StructFile:
        return _MappableFile(open(os.path.join(self.folder, name), "rb"), name=name, **kwargs)
