"""Where an index lives on disk: opening it, and what in its folder vnsearch may remove.

An index folder may hold a user's own files beside the index (a notes file, the
sources themselves), so nothing here removes or renames anything but whoosh's
exact file names for the index (``whoosh_internals.IndexFiles``) and folders
vnsearch made itself (``OWN_FOLDER``). A fresh index, and a rebuilt one, is
built in a folder of its own inside the index folder and then installed: its
segments moved in, a table of contents of a newer generation written (atomic,
as whoosh writes it), the old generation's files swept. Readers see the old
index or the new one, never a folder without either.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import pickle
import re
import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from platformdirs import user_data_dir
from whoosh.index import Index
from whoosh.util.filelock import LockBase

from .mapped_storage import TEMPORARY_PREFIX, MappedFileStorage
from .schema import make_schema
from .whoosh_internals import (
    CheckedFileIndex,
    ForbiddenPickle,
    IndexFiles,
    latest_generation,
    read_toc,
    segment_id,
    write_toc,
)

INDEX_NAME = "articles"
FILES = IndexFiles(INDEX_NAME)
#: The start of the name of the folder a fresh index or a rebuild is built in, inside the index folder.
BUILD_PREFIX = ".vnsearch-build-"
#: A folder vnsearch made in an index folder: a writer's temporary folder or a build's
#: (``tempfile.mkdtemp`` names: the prefix and eight characters of its alphabet).
OWN_FOLDER = re.compile(f"(?:{re.escape(TEMPORARY_PREFIX)}|{re.escape(BUILD_PREFIX)})[a-z0-9_]{{8}}")


#: An index folder, as the functions here take it.
IndexPath = str | os.PathLike[str]
_T = TypeVar("_T")


class IndexUnusable(RuntimeError):
    """The index cannot be opened or written (permissions, damage); the message is one line."""


class IndexDamaged(IndexUnusable):
    """The index's files cannot be read back: cut short, emptied, garbage, or from an incompatible version."""


class UnsafeIndex(IndexUnusable):
    """The folder's files ask to load code no vnsearch index holds: refused, nothing was run."""


class ForeignFolder(IndexUnusable):
    """A folder that holds files of its own and no index: vnsearch does not build there."""


def _rebuild_advice(index_dir: IndexPath) -> str:
    return f"rebuild it with 'vnsearch index SOURCES --index {index_dir} --rebuild'"


def _damaged(index_dir: IndexPath, error: Exception) -> IndexUnusable:
    if isinstance(error, ForbiddenPickle) and not error.own:
        return UnsafeIndex(f"{index_dir}: not a vnsearch index: {error}; nothing in it was run "
                           "(vnsearch opens only indexes in its own format)")
    # The table of contents pickles the classes of the project's tokenizers, fields
    # and codec by module path: one that no longer imports means another version wrote it.
    moved = isinstance(error, (ImportError, AttributeError, ForbiddenPickle))
    why = "written by a version of vnsearch whose classes have moved" if moved else \
        "damaged: a file is missing, cut short or unreadable"
    return IndexDamaged(f"{index_dir}: the index is {why}; {_rebuild_advice(index_dir)}")


def denied(path: IndexPath, error: OSError) -> IndexUnusable:
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


def _storage(index_dir: IndexPath) -> MappedFileStorage:
    return MappedFileStorage(str(index_dir), INDEX_NAME)


def guarded(index_dir: IndexPath, read: Callable[[], _T], retried: bool = False) -> _T:
    """``read()``, with what can go wrong reading an index turned into one line naming the folder."""
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
    except Exception as e:  # unpickling and struct errors of a cut or garbage file, a moved or foreign class
        raise _damaged(index_dir, e) from None


@contextmanager
def read_errors(index_dir: IndexPath) -> Iterator[None]:
    """Damage or foreign content found in what a search reads lazily (stored fields, postings)
    reported as it is when the index is opened: one line naming the folder."""
    try:
        yield
    except (pickle.UnpicklingError, EOFError, zlib.error, struct.error) as e:
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
    checkout = Path(__file__).resolve().parents[2] / "corpus"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the bundled corpus is not installed")


def _names(index_dir: IndexPath) -> list[str]:
    """The folder's entries ([] when it does not exist); IndexUnusable when it cannot be looked into."""
    try:
        return os.listdir(index_dir)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except PermissionError as e:
        raise denied(index_dir, e) from None


def _ours(name: str) -> bool:
    return FILES.owns(name) or bool(OWN_FOLDER.fullmatch(name))


def index_exists(index_dir: IndexPath) -> bool:
    """Whether the folder holds an index, damaged or not: a table of contents or a segment.

    Raises IndexUnusable when the folder cannot be looked into at all.
    """
    return any(FILES.generation(n) is not None or FILES.segment_id(n) for n in _names(index_dir))


def foreign_files(index_dir: IndexPath) -> list[str]:
    """The names in the folder that are no part of a vnsearch index, sorted."""
    return sorted(n for n in _names(index_dir) if not _ours(n))


def open_index(index_dir: IndexPath) -> Index:
    """Open an existing index.

    Raises FileNotFoundError with a clear message when there is none,
    IndexDamaged when it cannot be read back, UnsafeIndex when its files ask to
    load code, IndexUnusable when it may not be read.
    """
    names = _names(index_dir)
    if not any(FILES.generation(n) is not None for n in names):
        if any(FILES.segment_id(n) for n in names):
            raise IndexDamaged(f"{index_dir}: the index is damaged: its table of contents is missing; "
                               f"{_rebuild_advice(index_dir)}")
        raise FileNotFoundError(f"no index in {index_dir} (build one with 'vnsearch index SOURCE --index {index_dir}')")
    # Every read of the index then goes through ``guarded``: damage found at any of them (the table
    # of contents, a segment, at opening or at a later refresh) is the same one line.
    check = functools.partial(guarded, index_dir)
    return guarded(index_dir, lambda: CheckedFileIndex(_storage(index_dir), INDEX_NAME, check))


def new_index(folder: IndexPath) -> Index:
    """A new, empty index in a folder that holds nothing else (made if need be)."""
    try:
        _storage(folder).create().create_index(make_schema(), indexname=INDEX_NAME)
    except PermissionError as e:
        raise denied(folder, e) from None
    return open_index(folder)


def check_buildable(index_dir: IndexPath) -> None:
    """Refuse, in one line, a folder that holds files of its own and no index.

    A build there would share the folder with files vnsearch did not write, and
    the folder a user names for an index is more often one they mistook for it
    (their sources, their documents) than one they want mixed. A folder that
    already holds an index may hold other files too: they are left alone.
    """
    if index_exists(index_dir):
        return
    others = foreign_files(index_dir)
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise ForeignFolder(f"{index_dir}: this folder holds files of its own ({shown}) and no index; "
                            "vnsearch builds an index only in a new or empty folder: choose another --index, "
                            f"such as {Path(index_dir) / 'index'}")


def index_lock(index_dir: IndexPath) -> LockBase:
    """The index's write lock, the one whoosh's writers take (not acquired)."""
    return _storage(index_dir).lock(FILES.lock)


@contextmanager
def build_folder(index_dir: IndexPath) -> Iterator[Path]:
    """A new folder inside the index folder to build a fresh index in; removed however the block ends.

    Inside, not beside: the index folder is the one the user gave, and the
    parent may not be theirs to write; and a move within it is a rename.
    """
    folder = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=index_dir))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def install(built: IndexPath, index_dir: IndexPath) -> None:
    """Make the index built in ``built`` the index of ``index_dir``, whatever that held before.

    Its segment files are moved in under their own (random, new) names, then a
    table of contents of a newer generation naming only them is written, as
    whoosh commits: a reader opening the index sees the old one or the new one.
    The old generation's files go in the sweep. Call it holding the index lock.
    """
    toc = read_toc(_storage(built), INDEX_NAME)
    segments = {segment_id(s) for s in toc.segments}
    moving = [name for name in os.listdir(built) if FILES.segment_id(name) in segments]
    present = set(_names(index_dir))
    if present.intersection(moving):  # two random 16-character ids alike: refuse rather than overwrite
        raise IndexUnusable(f"{index_dir}: a new segment's name is taken; run the build again")
    for name in moving:
        os.rename(Path(built, name), Path(index_dir, name))
    storage = _storage(index_dir)
    write_toc(storage, INDEX_NAME, toc.schema, toc.segments, latest_generation(storage, INDEX_NAME) + 1)
    sweep(index_dir)


def sweep(index_dir: IndexPath) -> None:
    """Remove what the current index does not need: older tables of contents, segment files
    its table of contents does not name, and the temporary and build folders of writers gone.

    Call it only holding the index lock: then no other build is writing, and every
    such file or folder was left by a build that ended (finished, failed, killed).
    When the table of contents cannot be read, no segment can be told from a
    needed one, and only the folders go.
    """
    names = _names(index_dir)
    try:
        toc = read_toc(_storage(index_dir), INDEX_NAME)
        live = {segment_id(s) for s in toc.segments}
    except Exception:  # damaged or absent: keep every segment file
        toc, live = None, set()
    for name in names:
        path = Path(index_dir, name)
        if OWN_FOLDER.fullmatch(name):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
        elif toc is not None and (FILES.toc_temporary.fullmatch(name)
                                  or FILES.generation(name) not in (None, toc.generation)
                                  or FILES.segment_id(name) not in (None, *live)):
            path.unlink(missing_ok=True)


def undo_first_build(index_dir: IndexPath, *, made_folder: bool) -> None:
    """Remove what a failed first build wrote in the folder (its lock, its build folder), and the
    folder too if the build made it and nothing else is in it: a file of anyone else's keeps it."""
    for name in _names(index_dir):
        path = Path(index_dir, name)
        if OWN_FOLDER.fullmatch(name) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif FILES.owns(name):
            path.unlink(missing_ok=True)
    if made_folder:
        try:
            os.rmdir(index_dir)
        except OSError:
            pass  # not empty: someone put a file there meanwhile


def size_on_disk(index_dir: IndexPath) -> int:
    """Bytes of the index's own files (a user's files in the folder are not counted)."""
    return sum(f.stat().st_size for f in Path(index_dir).iterdir() if f.is_file() and FILES.owns(f.name))
