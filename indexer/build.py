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
import signal
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import SegmentWriter

from .reader import ReadError, read_item
from .schema import content_hash, document, make_schema, schema_changes
from .segment import segment_writer
from .sources import Item, Problem, iter_entries
from .store import (bundled_corpus, create_index, denied, index_exists, open_index, remove_index,
                    replace_index)
from .whoosh_internals import commit_segments, finish_worker_segment

BATCH = 8  # articles per task: enough to amortise queueing, small enough to balance
POLL_SECONDS = 1.0


class BuildError(RuntimeError):
    """The build could not run at all (the index is busy or unwritable); nothing was changed."""


class NothingToIndex(BuildError):
    """A build of a new index read nothing it could index; no index was created."""


@dataclass
class BuildSummary:
    indexed: int = 0
    unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    #: How the existing index's schema differed from this code's, when that made the build a rebuild.
    schema_changes: list[str] = field(default_factory=list)
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
    # Ctrl-C reaches the whole process group; stopping is the parent's decision
    # (it terminates us), so a worker neither dies mid-write nor prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
    results.put(("segment", finish_worker_segment(writer)))


class _Workers:
    """The worker processes and the two queues that link them to the parent.

    Started before the parent takes the index lock, so no worker ever holds it;
    stopped (terminated if need be) however the build ends, so none outlives it.
    """

    def __init__(self, index_dir: str, jobs: int, limitmb: int) -> None:
        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
        self.tasks = ctx.Queue(jobs * 4)  # bounded: raw input in flight stays small
        self.results = ctx.Queue()
        # A build that stops early must not wait for queue feeder threads to
        # flush into pipes that no worker will read again.
        self.tasks.cancel_join_thread()
        self.results.cancel_join_thread()
        self.processes = [ctx.Process(target=_worker, args=(index_dir, self.tasks, self.results, limitmb),
                                      daemon=True) for _ in range(jobs)]

    def __enter__(self) -> "_Workers":
        for p in self.processes:
            p.start()
        return self

    def __exit__(self, *exc) -> None:
        for p in self.processes:
            if p.is_alive():
                p.terminate()
        for p in self.processes:
            p.join()

    def check(self) -> None:
        """Raise BuildError if a worker died before handing in its segment."""
        if not all(p.is_alive() or p.exitcode == 0 for p in self.processes):
            raise BuildError("a worker process died; the index was left as it was")

    def segments(self) -> list:
        """Tell every worker to finish; the segments they wrote."""
        for _ in self.processes:
            self.tasks.put(None)
        found = []
        while len(found) < len(self.processes):
            try:
                found.append(self.results.get(timeout=POLL_SECONDS)[1])
            except queue.Empty:
                self.check()
        return [s for s in found if s is not None]


def _existing(ix) -> dict[str, str]:
    """id → content hash of every live document, read from columns (no stored text is loaded)."""
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return {}
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


class _Feed:
    """The feeder thread: walks the inputs and fills the bounded task queue.

    What needs no worker (problems, unchanged articles) goes to ``events``
    instead: a Problem, or None for an unchanged article.
    """

    def __init__(self, sources: Iterable[str | os.PathLike], existing: dict[str, str]) -> None:
        self.sources, self.existing = sources, existing
        self.seen: dict[str, str] = {}  # id → origin, for every entry with an id
        self.events: "queue.SimpleQueue[Problem | None]" = queue.SimpleQueue()
        self.sent = 0
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def start(self, tasks) -> None:
        threading.Thread(target=self._run, args=(tasks,), daemon=True).start()

    def _run(self, tasks) -> None:
        try:
            for batch in _batches(self._todo()):
                tasks.put(batch)
                self.sent += len(batch)
        except BaseException as e:  # re-raised by the main thread
            self.error = e
        finally:
            self.finished.set()

    def _todo(self) -> Iterator[Item]:
        for entry in iter_entries(self.sources):
            if isinstance(entry, Problem):
                self.events.put(entry)
            elif entry.id in self.seen:
                self.events.put(Problem(entry.origin, f"duplicate id {entry.id!r} (first at {self.seen[entry.id]})"))
            else:
                self.seen[entry.id] = entry.origin
                digest = content_hash(entry.payload)
                if self.existing.get(entry.id) == digest:
                    self.events.put(None)
                else:
                    # Hashed once, here; a record's raw line is not needed past this point.
                    yield replace(entry, digest=digest, payload=entry.payload if entry.record is None else b"")


def _batches(items: Iterator[Item]) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Tally:
    """The build's summary as outcomes arrive, and the callbacks that hear of them."""

    def __init__(self, progress: Callable[[int], None] | None, report: Callable[[str], None] | None) -> None:
        self.summary = BuildSummary()
        self.progress, self.report = progress, report

    def problem(self, problem: Problem) -> None:
        self.summary.skipped += 1
        self.summary.errors.append(str(problem))
        if self.report:
            self.report(str(problem))
        self.step()

    def step(self) -> None:
        if self.progress:
            self.progress(1)

    def notice(self, line: str) -> None:
        """A line the user must see that is no problem with the input (nothing is skipped)."""
        if self.report:
            self.report(line)


def _collect(feed: _Feed, workers: _Workers, writer: SegmentWriter, tally: _Tally) -> None:
    """Take in outcomes until every entry the feeder saw is accounted for."""
    received = 0
    while not (feed.finished.is_set() and received >= feed.sent and feed.events.empty()):
        _count_events(feed, tally)
        try:
            _, outcome = workers.results.get(timeout=0.1)
        except queue.Empty:
            workers.check()
            continue
        _apply(outcome, feed.existing, writer, tally)
        received += len(outcome)
    if feed.error:
        raise feed.error


def _count_events(feed: _Feed, tally: _Tally) -> None:
    """Tally what the feeder settled without a worker: unchanged articles and problems."""
    while not feed.events.empty():
        event = feed.events.get()
        if event is None:
            tally.summary.unchanged += 1
            tally.step()
        else:
            tally.problem(event)


def _apply(outcome: list, existing: dict[str, str], writer: SegmentWriter, tally: _Tally) -> None:
    """One worker batch's outcome: a replaced article's old version is deleted, problems reported."""
    for item, problem in outcome:
        if problem:
            tally.problem(Problem(item.origin, problem))
            continue
        if item.id in existing:
            writer.delete_by_term("id", item.id)
            tally.summary.replaced += 1
        else:
            tally.summary.indexed += 1
        tally.step()


def _prune(feed: _Feed, writer: SegmentWriter, tally: _Tally) -> None:
    """Delete every indexed article the sources no longer hold."""
    for gone in feed.existing.keys() - feed.seen.keys():
        writer.delete_by_term("id", gone)
        tally.summary.removed += 1


def _lock(ix, index_dir, limitmb: int) -> SegmentWriter:
    """The parent's writer, holding the index lock (its merges rewrite small segments)."""
    try:
        return segment_writer(ix, limitmb=limitmb)
    except LockError:
        raise _busy(index_dir) from None


def _busy(index_dir) -> BuildError:
    return BuildError(f"{index_dir}: another build is writing to this index; try again when it ends")


def _update(ix, index_dir: Path, *, sources, jobs: int, prune: bool, tally: _Tally, limitmb: int) -> None:
    """Start workers, feed them the inputs, collect their outcomes, commit one new table of contents."""
    feed = _Feed(sources, _existing(ix))
    with _Workers(str(index_dir), jobs, limitmb) as workers:
        writer = _lock(ix, index_dir, limitmb)
        try:
            feed.start(workers.tasks)
            _collect(feed, workers, writer, tally)
            segments = workers.segments()
            if prune:
                _prune(feed, writer, tally)
            # Committed even when nothing changed: the new table of contents is the
            # same, and committing clears files left by empty workers or killed builds.
            commit_segments(writer, segments)
        except BaseException:
            writer.cancel()
            raise


def build_index(
    sources: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    jobs: int | None = None,
    prune: bool = False,
    rebuild: bool = False,
    progress: Callable[[int], None] | None = None,
    report: Callable[[str], None] | None = None,
    limitmb: int = 128,
) -> BuildSummary:
    """Add, replace and (with ``prune``) remove articles so the index matches the sources.

    ``jobs`` worker processes read, segment and index (default: every core).
    ``rebuild`` builds a fresh index from the sources beside the old one and
    puts it in its place once complete, whatever state the old one is in (a
    damaged index is rebuilt this way). An index made by earlier code with other
    fields is rebuilt the same way without asking (see ``_migrate``).
    ``progress`` is called with the number of entries just handled; ``report``
    with each problem, as one line naming the file (and line), and with the
    reason for such a rebuild. Raises BuildError when another build holds the
    index or a rebuild would lose articles, NothingToIndex when a new index
    would hold nothing, IndexDamaged (from ``store``) when the index cannot be
    read and ``rebuild`` is not set.
    """
    started = time.monotonic()
    target = Path(index_dir)
    tally = _Tally(progress, report)
    work = dict(sources=sources, jobs=jobs or os.cpu_count() or 1, prune=prune, tally=tally, limitmb=limitmb)
    try:
        if rebuild:
            _rebuild(target, **work)
        elif index_exists(target):
            ix = open_index(target)
            changes = schema_changes(ix.schema, make_schema())
            if changes:
                _migrate(ix, target, changes, **work)
            else:
                _update(ix, target, **work)
        else:
            _fresh(target, target, keep_folder=target.is_dir(), **work)
    except PermissionError as e:
        raise denied(target, e) from None
    tally.summary.seconds = round(time.monotonic() - started, 3)
    return tally.summary


def _rebuild(target: Path, *, keep: frozenset[str] = frozenset(), **work) -> None:
    """Build the index afresh beside ``target`` and swap it in whole, whatever state the old one is in.

    Readers keep the old index until the swap. When the new one lacks an id of
    ``keep``, it is thrown away and the old one stays: BuildError.
    """
    beside = target.with_name(f".{target.name}.rebuild")
    remove_index(beside)  # left by a killed rebuild
    _fresh(beside, target, keep_folder=False, **work)
    lost = keep - _existing(open_index(beside)).keys()
    if lost:
        remove_index(beside)
        raise BuildError(f"{target}: the index must be rebuilt for this version of vnsearch, but {len(lost)} of its "
                         f"{len(keep)} articles are not in the sources given; the index was left as it was: run again "
                         "with every source, or add --rebuild (or --prune) to keep only these")
    replace_index(beside, target)


def _migrate(ix, target: Path, changes: list[str], *, tally: _Tally, prune: bool, limitmb: int, **work) -> None:
    """Rebuild an index whose fields are not this code's (its workers would write fields it lacks).

    The sources are on the command line, so rebuilding is what a newsroom
    expects of a new version; but an index grown run by run holds articles of
    earlier sources too, and losing them silently is worse than refusing, so the
    swap happens only if every old article is rebuilt (``--prune`` accepts the
    loss, as it does for any source gone). The old index's lock is held the
    whole time: a build growing it meanwhile would be lost at the swap.
    """
    held = ix.lock("WRITELOCK")  # the lock whoosh's writers take
    if not held.acquire():
        raise _busy(target)
    try:
        tally.summary.schema_changes = changes
        tally.notice(f"{target}: made by an earlier version of vnsearch ({', '.join(changes)}); "
                     "rebuilding it from the sources beside the old one, which stays searchable until then")
        _rebuild(target, keep=frozenset() if prune else frozenset(_existing(ix)), tally=tally, prune=prune,
                 limitmb=limitmb, **work)
    finally:
        held.release()


def _fresh(where: Path, target: Path, *, keep_folder: bool, tally: _Tally, **work) -> None:
    """Build a new index in ``where`` for ``target``; removed again (``keep_folder``: its files only)
    if the build fails or finds nothing to index, so no empty or partial index is left behind."""
    try:
        _update(create_index(where), where, tally=tally, **work)
        if not tally.summary.indexed:
            raise NothingToIndex(f"{target}: nothing in the sources could be indexed; "
                                 + ("no index was created" if where == target else "the index was left as it was"))
    except BaseException:
        remove_index(where, keep_folder=keep_folder)
        raise


def ensure_default_index(index_dir: str | os.PathLike, *, report: Callable[[str], None] | None = None,
                         starting: Callable[[], None] | None = None) -> BuildSummary | None:
    """Build the index from the bundled corpus unless it exists; the summary when this call built it.

    Processes that start at once take turns on a lock beside the index: one
    builds, the others wait and then find it. The index appears only complete
    (built beside and moved into place), so a reader never sees it half-filled.
    """
    target = Path(index_dir)
    if index_exists(target):
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = FileStorage(str(target.parent)).lock(f".{target.name}.first-use")
        lock.acquire(blocking=True)
    except PermissionError as e:
        raise denied(target.parent, e) from None
    try:
        if index_exists(target):
            return None
        if starting:
            starting()
        return build_index([bundled_corpus()], target, rebuild=True, report=report)
    finally:
        lock.release()
