"""Building an index as a batch job: parallel, incremental, all-or-nothing.

Work is split the way whoosh's own multiprocessing writer splits it: each worker
process reads, segments and indexes its share of the articles into a segment of
its own, and the main process (which holds the index lock) walks the inputs,
skips what is unchanged, deletes replaced and pruned articles, and at the end
writes one new table of contents naming the old segments plus the workers' new
ones. whoosh writes that table under a temporary name and renames it, so
readers see the old index until the commit and the new one after it, and a
build killed at any moment leaves the previous index as it was. A fresh index
(and a rebuild) is built the same way in a folder of its own and installed
whole (``store.install``); a build stopped by Ctrl-C or SIGTERM removes its
workers' partial segments and temporary folders before it returns, and every
build sweeps what a killed one left (``store.sweep``). Segmentation
*and* whoosh's pure-Python posting writer both run in parallel this way; a
single writer would leave the postings to a serial tail as long as the
segmentation itself. (We use whoosh's MpWriter steps — a lock-free
``SegmentWriter`` per worker, then the parent's merge and TOC commit — rather than
MpWriter itself because its workers are forked after the lock is taken, so a
killed build would leave orphans holding the lock.)

Who the workers are is the one thing a build's steps leave open (``Workers``):
processes forked here (``_Workers``), or a Dask cluster's (``cluster``). Either
way articles go to the workers in turns (``ROUND``) and their segments are named
in the workers' order, so the same sources built with as many workers give the
same document order, and the index answers every query the same.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index, LockError
from whoosh.writing import SegmentWriter

from .articles.reader import ReadError, read_item
from .articles.sources import Item, Problem, RepeatCap, iter_entries
from .engine.schema import DOC_ID, HASH, Document, content_hash, document, make_schema, schema_changes
from .engine.segment import segment_writer
from .engine.store import (
    build_folder,
    bundled_corpus,
    check_buildable,
    denied,
    index_exists,
    index_lock,
    install,
    new_index,
    open_index,
    sweep,
    undo_first_build,
)
from .engine.whoosh_internals import abandon, commit_toc, finish_segments, finish_worker_segment, release

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

BATCH = 8  # articles per task: enough to amortise queueing, small enough to balance
#: Articles given to one worker in turn: the n-th article a build indexes (from 0) goes into the
#: segment of worker ``(n // ROUND) % workers``, and the segments are named in that order. An
#: index's document order, which breaks ties between equal scores, then depends on the sources
#: and the number of workers only, not on which worker was quicker: the same build, local or on
#: a cluster, makes an index that answers every query the same.
ROUND = 32
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

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def prepare(item: Item) -> Document | str:
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


def add_documents(writer: SegmentWriter, prepared: list[Document | str]) -> list[str | None]:
    """Add a batch's prepared articles to a worker's segment: for each, None, or the line saying why it could not be."""
    for fields in prepared:
        if not isinstance(fields, str):
            writer.add_document(**fields)
    return [fields if isinstance(fields, str) else None for fields in prepared]


def turn(article: int, workers: int) -> int:
    """Which of ``workers`` indexes the build's ``article``-th article (see ``ROUND``)."""
    return (article // ROUND) % workers


def _worker(index_dir: str, tasks: Queue[list[Item] | None], results: Queue[_Message], limitmb: int,
            slot: int) -> None:
    """A worker process: index batches into a segment of its own until told to stop."""
    # Ctrl-C and SIGTERM reach the whole process group; stopping is the parent's
    # decision (it kills us, then removes what we wrote), so a worker neither
    # prints a traceback nor runs the parent's handlers, which it inherits.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    ix = open_index(index_dir)
    writer = None
    while True:
        batch = tasks.get()
        if batch is None:
            break
        # Made at the first batch, which comes once the parent holds the index lock:
        # every file a build writes is then written under the lock (see ``store.sweep``).
        writer = writer or segment_writer(ix, limitmb=limitmb, lock=False)
        results.put(("done", list(zip(batch, add_documents(writer, [prepare(item) for item in batch]), strict=True))))
    results.put(("segment", (slot, finish_worker_segment(writer) if writer else None)))


Outcome = list[tuple[Item, "str | None"]]  # each article of a batch, with why it could not be indexed (or None)
#: What a worker process hands back: a batch's outcome, then at the end (its slot, its segment).
_Message = tuple[Literal["done"], Outcome] | tuple[Literal["segment"], tuple[int, "Segment | None"]]


class Workers(Protocol):
    """Who reads, segments and indexes the articles the build hands over, each worker into a segment
    of its own written straight into the index folder, none of them holding the index lock.

    ``_Workers`` are processes on this machine; ``cluster.ClusterWorkers`` the
    workers of a Dask cluster. Everything else, from reading the sources to the
    commit, is the same build.
    """

    #: Articles per batch handed over.
    batch: int

    def __enter__(self) -> Workers: ...

    def __exit__(self, *exc: object) -> None: ...

    def submit(self, batch: list[Item]) -> None:
        """Hand a batch over (from the feeder thread); blocks while enough are in flight."""

    def outcome(self, timeout: float) -> Outcome | None:
        """A finished batch's outcome; None if none came within ``timeout``. BuildError if a worker failed."""

    def segments(self) -> list[Segment]:
        """Once every outcome is in: the segments the workers wrote, finished."""

    def stop(self) -> None:
        """End the work now, however far it got (what was written is the sweep's)."""


class _Workers:
    """The worker processes on this machine, a queue of batches to each, and a queue of outcomes.

    Started before the parent takes the index lock, so no worker ever holds it;
    stopped (terminated if need be) however the build ends, so none outlives it.
    """

    batch = BATCH

    def __init__(self, index_dir: str, jobs: int, limitmb: int) -> None:
        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
        # Bounded (raw input in flight stays small) to two turns each: a worker still has work
        # while the feeder waits for room in the other's queue.
        self.tasks: list[Queue[list[Item] | None]] = [ctx.Queue(2 * ROUND // BATCH) for _ in range(jobs)]
        self.results: Queue[_Message] = ctx.Queue()
        # A build that stops early must not wait for queue feeder threads to
        # flush into pipes that no worker will read again.
        for tasks in self.tasks:
            tasks.cancel_join_thread()
        self.results.cancel_join_thread()
        self.processes = [ctx.Process(target=_worker, args=(index_dir, tasks, self.results, limitmb, slot),
                                      daemon=True) for slot, tasks in enumerate(self.tasks)]
        self.sent = 0

    def __enter__(self) -> _Workers:
        for p in self.processes:
            p.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """End every worker now (they ignore SIGTERM: a build's own signals are the parent's to answer)."""
        for p in self.processes:
            if p.is_alive():
                p.kill()
        for p in self.processes:
            p.join()

    def submit(self, batch: list[Item]) -> None:
        self.tasks[turn(self.sent, len(self.tasks))].put(batch)
        self.sent += len(batch)

    def outcome(self, timeout: float) -> Outcome | None:
        try:
            message = self.results.get(timeout=timeout)
        except queue.Empty:
            self.check()
            return None
        assert message[0] == "done", "a worker's segment came before its last outcome"
        return message[1]

    def check(self) -> None:
        """Raise BuildError if a worker died before handing in its segment."""
        if not all(p.is_alive() or p.exitcode == 0 for p in self.processes):
            raise BuildError("a worker process died; the index was left as it was")

    def segments(self) -> list[Segment]:
        """Tell every worker to finish; the segments they wrote, in the workers' order."""
        for tasks in self.tasks:
            tasks.put(None)
        found: dict[int, Segment | None] = {}
        while len(found) < len(self.processes):
            try:
                message = self.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self.check()
                continue
            assert message[0] == "segment", "a batch's outcome came after the last"
            slot, segment = message[1]
            found[slot] = segment
        return [segment for _, segment in sorted(found.items()) if segment is not None]


def _existing(ix: Index) -> dict[str, str]:
    """id → content hash of every live document, read from columns (no stored text is loaded)."""
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return {}
        ids = reader.column_reader(DOC_ID)
        hashes = reader.column_reader(HASH)
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


class _Feed:
    """The feeder thread: walks the inputs and fills the bounded task queue.

    What needs no worker (problems, unchanged articles) goes to ``events``
    instead: a Problem, or None for an unchanged article.
    """

    def __init__(self, sources: Iterable[str | os.PathLike[str]], existing: dict[str, str]) -> None:
        self.sources, self.existing = sources, existing
        self.seen: dict[str, str] = {}  # id → origin, for every entry with an id
        self.events: queue.SimpleQueue[Problem | None] = queue.SimpleQueue()
        self.sent = 0
        self.finished = threading.Event()
        self.error: BaseException | None = None

    def start(self, workers: Workers) -> None:
        threading.Thread(target=self._run, args=(workers,), daemon=True).start()

    def _run(self, workers: Workers) -> None:
        try:
            for batch in _batches(self._todo(), workers.batch):
                workers.submit(batch)
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


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Tally:
    """The build's summary as outcomes arrive, and the callbacks that hear of them.

    Every problem counts as skipped; of many alike (a binary file read as JSON
    lines) only the first few are reported and kept in ``errors``, and ``close``
    adds one line saying how many more there were (``sources.RepeatCap``).
    """

    def __init__(self, progress: Callable[[int], None] | None, report: Callable[[str], None] | None) -> None:
        self.summary = BuildSummary()
        self.progress, self.report = progress, report
        self.cap = RepeatCap()

    def problem(self, problem: Problem) -> None:
        self.summary.skipped += 1
        if self.cap.admit(problem):
            self.notice(str(problem), error=True)
        self.step()

    def close(self) -> None:
        """At the end of the build, however it ends: the counts of problems held back."""
        for line in self.cap.summary():
            self.notice(line, error=True)

    def step(self) -> None:
        if self.progress:
            self.progress(1)

    def notice(self, line: str, error: bool = False) -> None:
        """A line the user must see: a problem with the input (``error``), or the reason for a rebuild."""
        if error:
            self.summary.errors.append(line)
        if self.report:
            self.report(line)


def _collect(feed: _Feed, workers: Workers, writer: SegmentWriter, tally: _Tally) -> None:
    """Take in outcomes until every entry the feeder saw is accounted for."""
    received = 0
    while not (feed.finished.is_set() and received >= feed.sent and feed.events.empty()):
        _count_events(feed, tally)
        outcome = workers.outcome(timeout=0.1)
        if outcome is None:
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


def _apply(outcome: Outcome, existing: dict[str, str], writer: SegmentWriter, tally: _Tally) -> None:
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


def _parent_writer(ix: Index, index_dir: Path, limitmb: int) -> SegmentWriter:
    """The parent's writer, holding the index lock (its merges rewrite small segments)."""
    try:
        return segment_writer(ix, limitmb=limitmb)
    except LockError:
        raise _busy(index_dir) from None


def _busy(index_dir: Path) -> BuildError:
    return BuildError(f"{index_dir}: another build is writing to this index; try again when it ends")


_STOPS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _held(stops: list[int]) -> Iterator[None]:
    """Ctrl-C and SIGTERM only noted in ``stops`` while the block runs (handlers can be set in the main
    thread only; a build in another thread is not where a signal lands anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {stop: signal.signal(stop, lambda signum, frame: stops.append(signum)) for stop in _STOPS}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Cleaning up after a failed or stopped build: a second Ctrl-C cannot leave half of it undone,
    and is answered once the block ends."""
    stops: list[int] = []
    with _held(stops):
        yield
    if stops:
        signal.raise_signal(stops[0])


class _Commit:
    """The point past which a build is done: from ``begin`` (just before the table of contents that
    makes the new index is written) to the end of the build, Ctrl-C and SIGTERM are dropped.

    Raised after that point they would report the previous index as left as it
    was, or make a first build remove the index it has just put in place.
    """

    def __init__(self) -> None:
        self._stops: list[int] = []
        self._held: contextlib.ExitStack | None = None

    def begin(self) -> None:
        if self._held is None:
            self._held = contextlib.ExitStack()
            self._held.enter_context(_held(self._stops))

    def __enter__(self) -> _Commit:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._held is not None:
            self._held.close()


class StartWorkers(Protocol):
    """What starts the workers of one step of a build, writing into ``index_dir``."""

    def __call__(self, index_dir: str, *, limitmb: int) -> Workers: ...


@dataclass(frozen=True)
class _Job:
    """What every step of one build shares: the sources, who works on them, and the tally."""

    sources: Iterable[str | os.PathLike[str]]
    workers: StartWorkers
    prune: bool
    tally: _Tally
    limitmb: int


def _update(ix: Index, index_dir: Path, job: _Job, commit: _Commit | None) -> None:
    """Start workers, feed them the inputs, collect their outcomes, commit one new table of contents.

    However it ends, the workers are stopped and what they wrote that no table of
    contents names is swept away while the lock is still held. ``commit`` is begun
    right before the table of contents is written (None: the index built is not
    yet the user's, as in a rebuild's own folder).
    """
    feed, tally = _Feed(job.sources, _existing(ix)), job.tally
    with job.workers(str(index_dir), limitmb=job.limitmb) as workers:
        writer = _parent_writer(ix, index_dir, job.limitmb)
        try:
            feed.start(workers)
            _collect(feed, workers, writer, tally)
            segments = workers.segments()
            if job.prune:
                _prune(feed, writer, tally)
            # Committed even when nothing changed: the new table of contents is the
            # same, and the sweep then clears files left by empty workers or killed builds.
            final = finish_segments(writer, segments)
            if commit:
                commit.begin()
            commit_toc(writer, final)
        except BaseException:
            with _uninterrupted():
                workers.stop()
                abandon(writer, lambda: sweep(index_dir))
            raise
        with _uninterrupted():
            sweep(index_dir)
            release(writer)


def build_index(
    sources: Iterable[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    prune: bool = False,
    rebuild: bool = False,
    progress: Callable[[int], None] | None = None,
    report: Callable[[str], None] | None = None,
    limitmb: int = 128,
    cluster: str | None = None,
) -> BuildSummary:
    """Add, replace and (with ``prune``) remove articles so the index matches the sources.

    ``jobs`` worker processes read, segment and index (default: every core);
    or, given ``cluster`` (a Dask scheduler's address, or ``local:N``), the
    workers of that cluster do, writing into the index folder, which they must
    all be able to write (see ``indexer.cluster``).
    ``rebuild`` builds a fresh index from the sources and puts it in place of
    the old one once complete, whatever state the old one is in (a damaged index
    is rebuilt this way). An index made by earlier code with other fields is
    rebuilt the same way without asking (see ``_migrate``). A new index is made
    only in a new or empty folder; files of the user's beside an existing index
    are left as they are.
    ``progress`` is called with the number of entries just handled; ``report``
    with each problem, as one line naming the file (and line), and with the
    reason for such a rebuild. Raises BuildError when another build holds the
    index or a rebuild would lose articles, NothingToIndex when a new index
    would hold nothing, and ``store.IndexUnusable`` when the index cannot be
    read (``rebuild`` not set), or the folder holds files of its own and no
    index (``store.ForeignFolder``).
    """
    if jobs and cluster:
        raise ValueError("jobs and cluster exclude each other: a cluster's workers are its own")
    started = time.monotonic()
    target = Path(index_dir)
    tally = _Tally(progress, report)
    try:
        with _Commit() as commit, contextlib.closing(tally), _pool(jobs, cluster) as workers:
            job = _Job(sources, workers, prune, tally, limitmb)
            if not rebuild and index_exists(target):
                ix = open_index(target)
                changes = schema_changes(ix.schema, make_schema())
                if changes:
                    _migrate(target, changes, job, commit)
                else:
                    _update(ix, target, job, commit)
            else:
                _replace(target, job, commit)
    except PermissionError as e:
        raise denied(target, e) from None
    tally.summary.seconds = round(time.monotonic() - started, 3)
    return tally.summary


@contextmanager
def _pool(jobs: int | None, cluster: str | None) -> Iterator[StartWorkers]:
    """What starts the workers of each step of the build: ``jobs`` processes on this machine, or the
    workers of a Dask cluster, connected (and checked) before the build touches the index."""
    if cluster is None:
        yield functools.partial(_Workers, jobs=jobs or os.cpu_count() or 1)
        return
    from .cluster import connect
    with connect(cluster) as pool:
        yield pool.workers


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """The target index's write lock, for a whole rebuild: a build growing the old index meanwhile
    would be lost when the new one is installed."""
    lock = index_lock(target)
    try:
        held = lock.acquire()
    except LockError:
        held = False
    if not held:
        raise _busy(target)
    try:
        yield
    finally:
        lock.release()


def _replace(target: Path, job: _Job, commit: _Commit, *, keep_old: bool = False) -> None:
    """Build a fresh index from the sources and install it as ``target``'s, whatever state
    the old one is in; the old one serves readers until then.

    It is built in a folder of its own inside ``target`` (``store.build_folder``),
    removed however the build ends. With ``keep_old``, the new index must hold
    every article of the old one, else it is thrown away and the old one stays:
    BuildError. A first build that fails leaves no folder it made behind.
    """
    check_buildable(target)
    existed = index_exists(target)
    made = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        try:
            keep = frozenset(_existing(open_index(target))) if keep_old else frozenset()
            with build_folder(target) as beside:
                _update(new_index(beside), beside, job, commit=None)
                if not job.tally.summary.indexed:
                    raise NothingToIndex(f"{target}: nothing in the sources could be indexed; "
                                         + ("the index was left as it was" if existed else "no index was created"))
                lost = keep - _existing(open_index(beside)).keys()
                if lost:
                    raise BuildError(f"{target}: the index must be rebuilt for this version of vnsearch, but "
                                     f"{len(lost)} of its {len(keep)} articles are not in the sources given; the "
                                     "index was left as it was: run again with every source, or add --rebuild "
                                     "(or --prune) to keep only these")
                commit.begin()
                install(beside, target)
        except BaseException:
            if not existed:  # and locked: no other build is using the folder
                with _uninterrupted():
                    undo_first_build(target, made_folder=made)
            raise


def _migrate(target: Path, changes: list[str], job: _Job, commit: _Commit) -> None:
    """Rebuild an index whose fields are not this code's (its workers would write fields it lacks).

    The sources are on the command line, so rebuilding is what a newsroom
    expects of a new version; but an index grown run by run holds articles of
    earlier sources too, and losing them silently is worse than refusing, so the
    new index is installed only if every old article is in it (``--prune``
    accepts the loss, as it does for any source gone).
    """
    job.tally.summary.schema_changes = changes
    job.tally.notice(f"{target}: made by an earlier version of vnsearch ({', '.join(changes)}); "
                     "rebuilding it from the sources beside the old one, which stays searchable until then")
    _replace(target, job, commit, keep_old=not job.prune)


def ensure_default_index(index_dir: str | os.PathLike[str], *, report: Callable[[str], None] | None = None,
                         starting: Callable[[], None] | None = None) -> BuildSummary | None:
    """Build the index from the bundled corpus unless it exists; the summary when this call built it.

    Processes that start at once take turns on a lock beside the index: one
    builds, the others wait and then find it. The index appears only complete
    (built in a folder of its own and installed), so a reader never sees it half-filled.
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
