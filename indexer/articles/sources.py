"""Walking a build's inputs: folders of .txt files, .jsonl files and standard input.

Everything here is cheap (file reads, JSON parsing, hashing) and runs in the main
process; the expensive reading and segmentation happen in workers. Inputs are
streamed one article at a time, never loaded whole.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..text import visible

TEXT_SUFFIXES = {".txt"}
RECORD_SUFFIXES = {".jsonl", ".ndjson"}
STDIN = "-"


@dataclass(frozen=True)
class Item:
    """One article's raw input, with the id it will have in the index."""

    id: str
    origin: str  # "path" or "path:line", for messages
    payload: bytes  # what the content hash covers
    record: dict[str, object] | None = None  # the parsed JSON record; None for a text file
    digest: str = ""  # the content hash, once the build has computed it


@dataclass(frozen=True)
class Problem:
    """An input that cannot become an article, said in one line."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


Entry = Item | Problem


class RepeatCap:
    """Which problems to print: the first few of each kind (one file, one message), then a count.

    A binary or badly broken .jsonl file has a problem on nearly every line, and a
    screen of near-identical lines hides the few other problems a batch has. Each
    problem is still counted as skipped; only its line is held back, and
    ``summary`` says how many were. Works on any ``Problem``, however made: the
    file is its origin without a trailing ``:LINE``.
    """

    def __init__(self, shown: int = 3) -> None:
        self.shown = shown
        self._seen: dict[tuple[str, str], int] = {}

    def admit(self, problem: Problem) -> bool:
        """Count the problem; True while its kind has been seen at most ``shown`` times (print it)."""
        file, line, number = problem.origin.rpartition(":")
        kind = (file if line and number.isdigit() else problem.origin, problem.message)
        self._seen[kind] = self._seen.get(kind, 0) + 1
        return self._seen[kind] <= self.shown

    def summary(self) -> list[str]:
        """One line per kind that was held back, in the order first seen: what to print after the batch."""
        lines = []
        for (file, message), seen in self._seen.items():
            held = seen - self.shown
            if held > 0:
                lines.append(f"{file}: … and {held} more line{'s' if held > 1 else ''} like it ({message})")
        return lines


def iter_entries(sources: Iterable[str | os.PathLike[str]]) -> Iterator[Entry]:
    """Every article (or problem) in the sources, in a stable order."""
    for source in sources:
        if str(source) == STDIN:
            yield from _records(sys.stdin.buffer, "<stdin>", "stdin")
            continue
        path = Path(source)
        kind = _kind(path)
        if isinstance(kind, Problem):
            yield kind
        elif kind == "folder":
            for file in _walk(path):
                if isinstance(file, Problem):
                    yield file
                else:
                    yield from _file(file, file.relative_to(path).as_posix())
        else:
            yield from _file(path, path.name)


def _kind(path: Path) -> str | Problem:
    """"folder" or "file", or why the source cannot be read.

    ``Path.is_dir()`` raises on a path inside a folder the user may not enter;
    that is a bad input like any other, to be reported while the rest goes in.
    """
    try:
        mode = path.stat().st_mode
    except PermissionError as e:
        return Problem(str(path), f"cannot read: {e.strerror}")
    except OSError:
        return Problem(str(path), "no such file or folder")
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else Problem(str(path), "not a file or folder")


def count_entries(sources: Iterable[str | os.PathLike[str]]) -> int | None:
    """How many entries a build will see (for a progress bar); None when unknowable (stdin)."""
    total = 0
    for source in sources:
        if str(source) == STDIN:
            return None
        path = Path(source)
        kind = _kind(path)
        files = _walk(path) if kind == "folder" else [path] if kind == "file" else [kind]
        for file in files:
            if isinstance(file, Path) and file.suffix.lower() in RECORD_SUFFIXES:
                try:
                    with open(file, "rb") as f:
                        total += sum(1 for line in f if line.strip())
                except OSError:
                    total += 1  # reported as one problem
            else:
                total += 1
    return total


def _walk(root: Path) -> list[Path | Problem]:
    """The folder's article files in a stable order, and a Problem for each folder that cannot be listed."""
    found: list[Path | Problem] = []

    def unreadable(error: OSError) -> None:
        found.append(Problem(str(error.filename), f"cannot read folder: {error.strerror}"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            file = Path(folder, name)
            if file.suffix.lower() in TEXT_SUFFIXES | RECORD_SUFFIXES:
                found.append(file)
    return found


def _file(path: Path, relative: str) -> Iterator[Entry]:
    if path.suffix.lower() in RECORD_SUFFIXES:
        try:
            with open(path, "rb") as f:
                yield from _records(f, str(path), relative)
        except OSError as e:
            yield Problem(str(path), f"cannot read: {e.strerror}")
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Problem(str(path), f"cannot read: {e.strerror}")
        return
    if not data.strip():
        yield Problem(str(path), "empty file")
        return
    yield Item(id=_clean_id(relative), origin=str(path), payload=data)


def _records(stream: BinaryIO, name: str, relative: str) -> Iterator[Entry]:
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        origin = f"{name}:{lineno}"
        try:
            record = json.loads(line)
        except UnicodeDecodeError:
            yield Problem(origin, "not UTF-8")
            continue
        except ValueError as e:
            yield Problem(origin, f"malformed JSON ({e.args[0].split(':')[0]})")
            continue
        if not isinstance(record, dict):
            yield Problem(origin, "a JSON line must be an object")
            continue
        text = record.get("body") or record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield Problem(origin, "record has no text ('body' or 'text')")
            continue
        doc_id = _clean_id(str(record.get("id") or record.get("url") or ""))
        yield Item(id=doc_id or _clean_id(f"{relative}:{lineno}"), origin=origin, payload=line.strip(), record=record)


def _clean_id(doc_id: str) -> str:
    """An id as stored and shown: control characters (in a record's id, or a file's name) are no part of it."""
    return visible(doc_id).strip()
