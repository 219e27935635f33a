"""Where an index lives on disk and how it is opened."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from platformdirs import user_data_dir
from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError, FileIndex, Index

from .mapped_storage import MappedFileStorage
from .schema import make_schema

INDEX_NAME = "articles"


class IndexUnusable(RuntimeError):
    """The index cannot be opened or written (permissions, damage); the message is one line."""


class IndexDamaged(IndexUnusable):
    """The index's files cannot be read back: cut short, emptied, garbage, or from an incompatible version."""


def _damaged(index_dir, error: Exception) -> IndexDamaged:
    # The table of contents pickles the classes of the project's tokenizers, fields
    # and codec by module path: one that no longer imports means another version wrote it.
    moved = isinstance(error, (ImportError, AttributeError))
    why = "written by a version of vnsearch whose classes have moved" if moved else \
        "damaged: a file is missing, cut short or unreadable"
    return IndexDamaged(f"{index_dir}: the index is {why}; rebuild it with "
                        f"'vnsearch index SOURCES --index {index_dir} --rebuild'")


def denied(path, error: OSError) -> IndexUnusable:
    """The one line for an index folder the user may not read or write.

    It names the folder that refuses: for an index under a folder the user may
    not enter, that folder, not the index path, which looks fine to them; for
    a file or folder that could not be made, or a file inside the index
    (whoosh's lock, a segment), the folder it is in.
    """
    refused = Path(error.filename or path)
    entered = next((folder for folder in reversed(refused.parents)
                    if folder.exists() and not os.access(folder, os.X_OK)), None)
    blocked = entered or (refused.parent if not refused.exists() or refused.parent == Path(path) else refused)
    return IndexUnusable(f"{blocked}: {error.strerror or 'permission denied'} (check the folder's permissions "
                         f"or choose another index with --index or VNSEARCH_INDEX)")


class _CheckedIndex(FileIndex):
    """A whoosh index whose table of contents and segments, when unreadable, raise IndexDamaged.

    Every reader, searcher, refresh and writer reads through these two methods,
    so damage found at any of them surfaces as the same one-line error.
    """

    def __init__(self, index_dir) -> None:
        self._dir = index_dir
        super().__init__(MappedFileStorage(str(index_dir)), indexname=INDEX_NAME)

    def _read_toc(self):
        return _guarded(self._dir, self._toc)

    def _toc(self):
        try:
            return super()._read_toc()
        except EmptyIndexError as e:
            # No table of contents at all in a folder that had one: a rebuild is between
            # its two renames (``replace_index``). whoosh's reader retries a missing file
            # for half a second; a folder still without one then is reported as damaged.
            raise FileNotFoundError(str(e)) from None

    def reader(self, reuse=None):
        # whoosh retries a file gone missing (a build committing meanwhile) before it gives up:
        # a file still missing then is one the table of contents names but the folder lacks.
        return _guarded(self._dir, lambda: super(_CheckedIndex, self).reader(reuse=reuse), retried=True)


def _guarded(index_dir, read, retried: bool = False):
    try:
        return read()
    except PermissionError as e:
        raise denied(index_dir, e) from None
    except FileNotFoundError as e:
        if retried:
            raise _damaged(index_dir, e) from None
        raise  # a build committed and cleaned up between listing and opening: whoosh retries
    except IndexUnusable:
        raise
    except Exception as e:  # unpickling and struct errors of a cut or garbage file, a moved class
        raise _damaged(index_dir, e) from None


def default_index_dir() -> Path:
    """The user's own index, in the platform's data folder (``~/.local/share/vnsearch/index`` on Linux).

    ``VNSEARCH_INDEX`` overrides it, so scripts and tests can point elsewhere.
    """
    override = os.environ.get("VNSEARCH_INDEX")
    return Path(override) if override else Path(user_data_dir("vnsearch", appauthor=False)) / "index"


def bundled_corpus() -> Path:
    """The sample articles installed with the project (the repository's ``corpus/``).

    Installed as the data package ``vnsearch_corpus``; a source checkout run
    without installing finds ``corpus/`` beside this package.
    """
    spec = importlib.util.find_spec("vnsearch_corpus")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    checkout = Path(__file__).resolve().parents[1] / "corpus"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the bundled corpus is not installed")


def index_exists(index_dir: str | os.PathLike) -> bool:
    """Whether the folder holds an index (a table of contents), damaged or not.

    Raises IndexUnusable when the folder cannot be looked into at all.
    """
    try:
        names = os.listdir(index_dir)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except PermissionError as e:
        raise denied(index_dir, e) from None
    return any(n.startswith(f"_{INDEX_NAME}_") and n.endswith(".toc") for n in names)


def open_index(index_dir: str | os.PathLike) -> Index:
    """Open an existing index.

    Raises FileNotFoundError with a clear message when there is none,
    IndexDamaged when it cannot be read back, IndexUnusable when it may not be read.
    """
    if not index_exists(index_dir):
        raise FileNotFoundError(f"no index in {index_dir} (build one with 'vnsearch index SOURCE --index {index_dir}')")
    return _guarded(index_dir, lambda: _CheckedIndex(index_dir))


def create_index(index_dir: str | os.PathLike) -> Index:
    """A new, empty index in the folder (made if need be)."""
    try:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        whoosh_index.create_in(str(index_dir), make_schema(), indexname=INDEX_NAME)
    except PermissionError as e:
        raise denied(index_dir, e) from None
    return open_index(index_dir)


def open_or_create(index_dir: str | os.PathLike) -> Index:
    return open_index(index_dir) if index_exists(index_dir) else create_index(index_dir)


def remove_index(index_dir: str | os.PathLike, *, keep_folder: bool = False) -> None:
    """Delete an index a build made and did not finish: its files, and its folder if nothing else is there."""
    folder = Path(index_dir)
    if not folder.is_dir():
        return
    names = os.listdir(folder)
    for name in filter(_index_file, names):
        path = folder / name
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    if not keep_folder and all(_index_file(n) for n in names):
        shutil.rmtree(folder, ignore_errors=True)


def _index_file(name: str) -> bool:
    return name.startswith((INDEX_NAME, f"_{INDEX_NAME}"))


def replace_index(new_dir: str | os.PathLike, index_dir: str | os.PathLike) -> None:
    """Put a finished index in the place of another, which is then deleted.

    Two renames: readers that already opened the old index keep their files,
    and the folder is never without a complete index longer than between them.
    """
    target, old = Path(index_dir), Path(index_dir).with_name(f".{Path(index_dir).name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.rename(target, old)
    os.rename(new_dir, target)
    shutil.rmtree(old, ignore_errors=True)


def size_on_disk(index_dir: str | os.PathLike) -> int:
    return sum(f.stat().st_size for f in Path(index_dir).iterdir() if f.is_file())
