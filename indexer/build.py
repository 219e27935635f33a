"""Building an index as a batch job: parallel, incremental, all-or-nothing.

Work is split the way whoosh's own multiprocessing writer splits it: each worker
process reads, segments and indexes its share of the articles into a segment of
its own, and the main process (which holds the index lock) walks the inputs,
skips what is unchanged, deletes replaced and pruned articles, and at the end
writes one new table of contents naming the old segments plus the workers' new
ones. whoosh writes that table under a temporary name and renames it, so
readers see the old index until the commit and the new one after it, and a
build killed at any moment leaves the previous index as it was. Segmentation
*and* whoosh's pure-Python posting writer both run in parallel this way; a
single writer would leave the postings to a serial tail as long as the
segmentation itself. (We use whoosh's MpWriter steps — a lock-free
``SegmentWriter`` per worker, then the parent's merge and TOC commit — rather than
MpWriter itself because its workers are forked after the lock is taken, so a
killed build would leave orphans holding the lock.)
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Iterable, Iterator

from whoosh.index import LockError
from whoosh.writing import SegmentWriter

from .reader import ReadError, read_item
from .schema import content_hash, document
from .segment import segment_writer
from .sources import Item, Problem, iter_entries
from .store import open_index, open_or_create

BATCH = 8  # articles per task: enough to amortise queueing, small enough to balance
POLL_SECONDS = 1.0


class BuildError(RuntimeError):
    """The build could not run at all (the index is busy or unwritable); nothing was changed."""


@dataclass
class BuildSummary:
    indexed: int = 0
    unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def _prepare(item: Item) -> dict | str:
    """One article's whoosh fields, or a one-line reason it cannot be indexed."""
    try:
        return document(read_item(item), item.digest, item.id)
    except ReadError as e:
        return str(e)
    except Exception as e:  # a schema bug must cost one article, not the batch
        return f"could not be indexed ({type(e).__name__}: {e})"


def _exit_with(parent: int) -> None:
    """Watchdog thread of a worker: end the process as soon as the build is gone.

    A killed build can leave a task half-written in the pipe, so a worker blocked
    reading it would never wake up by itself.
    """
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(1)  # skips flushing queues a dead parent will never read


def _worker(index_dir: str, tasks, results, limitmb: int) -> None:
    """A worker process: index batches into a segment of its own until told to stop."""
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    writer = segment_writer(open_index(index_dir), limitmb=limitmb, lock=False)
    while True:
        batch = tasks.get()
        if batch is None:
            break
        outcome = []
        for item in batch:
            prepared = _prepare(item)
            if isinstance(prepared, dict):
                writer.add_document(**prepared)
                outcome.append((item, None))
            else:
                outcome.append((item, prepared))
        results.put(("done", outcome))
    # No cancel() or _finish() here: those destroy the temporary folder that every
    # writer of this index shares; the parent's commit cleans up after all of us.
    if writer._added:
        results.put(("segment", writer._finalize_segment()))
    else:
        writer._close_segment()
        results.put(("segment", None))


def _existing(ix) -> dict[str, str]:
    """id → content hash of every live document, read from columns (no stored text is loaded)."""
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return {}
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


class _Feed:
    """Counts what the feeder thread sent, and whether (and how) it ended."""

    def __init__(self) -> None:
        self.sent = 0
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def run(self, batches: Iterator[list[Item]], tasks) -> None:
        try:
            for batch in batches:
                tasks.put(batch)
                self.sent += len(batch)
        except BaseException as e:  # re-raised by the main thread
            self.error = e
        finally:
            self.finished.set()


def _batches(items: Iterator[Item]) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build_index(
    sources: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    jobs: int | None = None,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
    report: Callable[[str], None] | None = None,
    limitmb: int = 128,
) -> BuildSummary:
    """Add, replace and (with ``prune``) remove articles so the index matches the sources.

    ``jobs`` worker processes read, segment and index (default: every core).
    ``progress`` is called with the number of entries just handled; ``report``
    with each problem, as one line naming the file (and line). Raises BuildError
    when another build holds the index.
    """
    started = time.monotonic()
    jobs = jobs or os.cpu_count() or 1
    summary = BuildSummary()
    ix = open_or_create(index_dir)
    existing = _existing(ix)
    seen: dict[str, str] = {}  # id → origin, for every entry with an id

    def note(problem: Problem) -> None:
        summary.skipped += 1
        summary.errors.append(str(problem))
        if report:
            report(str(problem))

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
    tasks = ctx.Queue(jobs * 4)  # bounded: raw input in flight stays small
    results = ctx.Queue()
    # Workers start before the lock is taken, so none of them ever holds it.
    workers = [ctx.Process(target=_worker, args=(str(index_dir), tasks, results, limitmb), daemon=True)
               for _ in range(jobs)]
    for w in workers:
        w.start()
    try:
        try:
            writer = segment_writer(ix, limitmb=limitmb)  # merges of small segments are rewritten
        except LockError:
            raise BuildError(f"{index_dir}: another build is writing to this index; try again when it ends") from None
        try:
            # The feeder thread walks the inputs and fills the bounded task queue; what
            # needs no worker (problems, unchanged articles) comes back as events.
            events: "queue.SimpleQueue[Problem | None]" = queue.SimpleQueue()
            feed = _Feed()

            def todo() -> Iterator[Item]:
                for entry in iter_entries(sources):
                    if isinstance(entry, Problem):
                        events.put(entry)
                    elif entry.id in seen:
                        events.put(Problem(entry.origin, f"duplicate id {entry.id!r} (first at {seen[entry.id]})"))
                    else:
                        seen[entry.id] = entry.origin
                        digest = content_hash(entry.payload)
                        if existing.get(entry.id) == digest:
                            events.put(None)
                        else:
                            # Hashed once, here; a record's raw line is not needed past this point.
                            yield replace(entry, digest=digest, payload=entry.payload if entry.record is None else b"")

            threading.Thread(target=feed.run, args=(_batches(todo()), tasks), daemon=True).start()
            received = 0
            while not (feed.finished.is_set() and received >= feed.sent and events.empty()):
                while not events.empty():
                    event = events.get()
                    if event is None:
                        summary.unchanged += 1
                    else:
                        note(event)
                    if progress:
                        progress(1)
                try:
                    _, outcome = results.get(timeout=0.1)
                except queue.Empty:
                    if not all(w.is_alive() for w in workers):
                        raise BuildError("a worker process died; the index was left as it was") from None
                    continue
                for item, problem in outcome:
                    received += 1
                    if problem:
                        note(Problem(item.origin, problem))
                    elif item.id in existing:
                        writer.delete_by_term("id", item.id)
                        summary.replaced += 1
                    else:
                        summary.indexed += 1
                    if progress:
                        progress(1)
            if feed.error:
                raise feed.error
            for _ in workers:
                tasks.put(None)
            segments = []
            while len(segments) < len(workers):
                try:
                    segments.append(results.get(timeout=POLL_SECONDS)[1])
                except queue.Empty:
                    if not all(w.is_alive() or w.exitcode == 0 for w in workers):
                        raise BuildError("a worker process died; the index was left as it was") from None
            segments = [s for s in segments if s is not None]
            if prune:
                for gone in existing.keys() - seen.keys():
                    writer.delete_by_term("id", gone)
                    summary.removed += 1
            # Committed even when nothing changed: the new table of contents is the
            # same, and committing clears files left by empty workers or killed builds.
            _commit(writer, segments)
        except BaseException:
            writer.cancel()
            raise
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
            w.join()
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def _commit(writer: SegmentWriter, new_segments: list) -> None:
    """The parent's half of a multi-process commit, as whoosh's MpWriter does it."""
    final = writer._merge_segments(None, None, None)
    final += new_segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()
