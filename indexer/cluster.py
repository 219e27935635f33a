"""The batch build on a Dask cluster: ``build_index(..., cluster=ADDRESS)``.

The build is ``indexer.build``'s, with ``ClusterWorkers`` in place of this
machine's worker processes: the client (this process) reads the sources,
decides what changed, deletes, prunes and commits, as a local build does; the
cluster's workers read, segment and index batches of articles, each worker into
one segment of its own for the whole build, written straight into the index
folder. That folder must therefore be on storage every worker reads and writes
at the same path (a shared file system); the build checks it at start.

One segment per worker, as a local worker process keeps, rather than one per
task: tasks are small (so little raw input is in flight), and a segment per task
would leave hundreds of small segments for searches to walk and for the next
build to merge on one core. A worker's segment lives in the worker process
between tasks (``_SHARES``); at the end the client asks each worker for it.
Batches go to the workers in turn, as in a local build (``build.turn``), and each
worker adds its batches in the order given, whatever order Dask runs them in: the
index's document order, which breaks ties between equal scores, is then the
local build's with as many workers, and so is every answer.

A batch's outcome names the segment it went into (a token made with the
segment), and a segment is taken only if it holds exactly the batches the client
was told went into it. A worker lost mid-build takes its unfinished segment with
it, and the client has let the input of its finished batches go (keeping it
would keep the whole build's input), so the build then stops in one line, old
index intact, and what it wrote is swept as after any failed build. Every worker
must run the client's exact vnsearch code: checked at start, and by each task.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import logging
import multiprocessing
import os
import queue
import secrets
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from whoosh.codec.base import Segment
from whoosh.writing import SegmentWriter

from .articles.sources import Item
from .build import POLL_SECONDS, ROUND, BuildError, Outcome, add_documents, prepare, turn
from .engine.schema import PIPELINE_VERSION, Document
from .engine.segment import segment_writer
from .engine.store import BUILD_PREFIX, build_folder, open_index
from .engine.whoosh_internals import discard_worker_segment, finish_worker_segment

if TYPE_CHECKING:
    import distributed

_T = TypeVar("_T")
#: What a worker answers for a batch: its address, its segment's token, each article's problem or None.
_Indexed = tuple[str, str, list["str | None"]]

#: Articles per task: one worker's turn (``build.ROUND``), about a second of its time, so
#: a task's round trip through the scheduler is a small part of it.
CHUNK = ROUND
#: Tasks given to a worker ahead: one running, the next ones ready while the feeder serves the others.
AHEAD = 3
#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_SECONDS = 20.0
INSTALL = "pip install 'vnsearch[cluster]'"
#: What the fork server of a ``local:N`` cluster imports before it forks a worker: Dask, the segmenter
#: (which the text chain imports only when first used) and the build with everything it imports.
FORKSERVER_PRELOAD = ("distributed", "underthesea", "indexer.cluster")
SHARED = "the index folder must be on storage every worker can read and write at the same path (a shared file system)"


class ClusterError(BuildError):
    """The cluster cannot run the build, or failed it; the index was left as it was."""


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@functools.cache
def code_version() -> str:
    """vnsearch's version and a digest of the indexer's code and data: a worker must run exactly
    the client's, or the segments it writes would not be the index this client builds."""
    digest = hashlib.blake2b(PIPELINE_VERSION.encode(), digest_size=8)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        version = metadata.version("vnsearch")
    except metadata.PackageNotFoundError:
        version = "(not installed)"
    return f"{version} (code {digest.hexdigest()})"


# --- on the workers ---------------------------------------------------------------------


class _Stopped(Exception):
    """The build this task belongs to has ended (stopped, or finished without it)."""


class _OtherCode(Exception):
    """This worker runs other vnsearch code than the client."""


@dataclass
class _Share:
    """A worker's segment of one build: the batches given to this worker go into it in the order the
    client gave them, whatever order Dask runs them in (the index's document order is the local
    build's).
    """

    writer: SegmentWriter | None
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    #: The batches added, in order.
    batches: list[int] = field(default_factory=list)
    #: Batches prepared before the one given ahead of them was added: that one's number → (number, documents).
    waiting: dict[int | None, tuple[int, list[Document | str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    dropped: bool = False

    def add(self, previous: int | None, number: int, prepared: list[Document | str]) -> None:
        """Add batch ``number`` after batch ``previous`` (None: the first), now or once that one is in
        (hold ``lock``)."""
        self.waiting[previous] = (number, prepared)
        while (self.batches[-1] if self.batches else None) in self.waiting:
            number, prepared = self.waiting.pop(self.batches[-1] if self.batches else None)
            add_documents(self.writer, prepared)
            self.batches.append(number)

    def discard(self) -> None:
        """Give the unfinished segment up (hold ``lock``); its files are the build's sweep's."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            discard_worker_segment(writer)


_SHARES: dict[str, _Share] = {}  # build → this worker's segment of it
_ENDED: set[str] = set()  # builds whose late tasks must not start a segment
_SHARES_LOCK = threading.Lock()


def _share(build: str, index_dir: str, limitmb: int) -> _Share:
    with _SHARES_LOCK:
        if build in _ENDED:
            raise _Stopped(build)
        share = _SHARES.get(build)
        if share is None:
            share = _SHARES[build] = _Share(segment_writer(open_index(index_dir), limitmb=limitmb, lock=False))
        return share


def _index(build: str, index_dir: str, limitmb: int, version: str, previous: int | None, number: int,
           batch: list[Item]) -> _Indexed:
    """A task: batch ``number`` read and segmented, and added to this worker's segment of the build
    after batch ``previous``, the one the client gave this worker before it.

    Returns (this worker's address, the segment's token, each article's problem or None).
    """
    from distributed import get_worker

    if code_version() != version:
        raise _OtherCode(code_version())
    share = _share(build, index_dir, limitmb)
    prepared = [prepare(item) for item in batch]
    with share.lock:
        if share.writer is None:
            raise _Stopped(build)
        share.add(previous, number, prepared)
        if share.dropped:
            share.discard()
    return get_worker().address, share.token, [p if isinstance(p, str) else None for p in prepared]


def _finish(build: str, token: str) -> tuple[list[int], Segment | None] | None:
    """A task: this worker's segment of the build, finished, with the batches in it; None when this
    worker holds no segment of that token (it is not the process that indexed them)."""
    with _SHARES_LOCK:
        share = _SHARES.get(build)
        if share is None or share.token != token:
            return None
        del _SHARES[build]
        _ENDED.add(build)
    with share.lock:
        if share.writer is None:
            return None
        if share.waiting:  # a batch before them never came: the client has heard of them, and must fail
            share.discard()
            return None
        writer, share.writer = share.writer, None
        return share.batches, finish_worker_segment(writer)


def _drop(build: str) -> None:
    """Run on every worker when a build ends: give up any segment of it still open (a stopped
    build's, or one whose batches the client never heard of)."""
    with _SHARES_LOCK:
        _ENDED.add(build)
        share = _SHARES.pop(build, None)
    if share is None:
        return
    share.dropped = True  # a task holding the lock discards it when its batch is done
    if share.lock.acquire(blocking=False):
        try:
            share.discard()
        finally:
            share.lock.release()


def _probe(folder: str, token: str) -> str | None:
    """Run on every worker at start: None if the worker sees the client's probe folder inside the
    index folder and can make a folder there, else what is wrong."""
    try:
        seen = Path(folder, "probe").read_text()
    except OSError:
        return "cannot see this folder"
    if seen != token:
        return "sees another folder at this path"
    try:
        os.rmdir(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=Path(folder).parent))
    except OSError as e:
        return f"cannot write in this folder ({e.strerror or e})"
    return None


# --- on the client ----------------------------------------------------------------------


@dataclass
class Cluster:
    """A connection to a Dask cluster whose every worker runs this vnsearch, for one build."""

    client: distributed.Client
    address: str

    def workers(self, index_dir: str, *, limitmb: int) -> ClusterWorkers:
        """The cluster's workers for one step of the build, writing segments into ``index_dir``."""
        return ClusterWorkers(self, index_dir, limitmb)


@contextmanager
def connect(address: str) -> Iterator[Cluster]:
    """Connect to the scheduler at ``address`` (``local:N``: start a cluster of N worker processes on
    this machine), wait for a worker, check every worker runs this client's vnsearch.

    Raises ClusterError, in one line, when Dask is not installed, the scheduler
    cannot be reached, no worker joins, or a worker cannot run this code.
    """
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"building on a cluster needs Dask, which is not installed: {INSTALL}") from None
    with _quiet():
        client, local = _client(distributed, address)
        try:
            try:
                client.wait_for_workers(1, timeout=CONNECT_SECONDS)
            except TimeoutError:
                raise ClusterError(f"{address}: no Dask worker joined the scheduler in {CONNECT_SECONDS:g} s") from None
            _check_code(client)
            yield Cluster(client, address)
        finally:
            with contextlib.suppress(Exception):
                client.close()
            if local is not None:
                with contextlib.suppress(Exception):
                    local.close()


@contextmanager
def _quiet() -> Iterator[None]:
    """Dask logs what goes wrong on the client's side (a lost worker, a lost scheduler) in tracebacks;
    the build says it in one line instead."""
    log = logging.getLogger("distributed")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def _client(distributed: ModuleType, address: str) -> tuple[distributed.Client, distributed.LocalCluster | None]:
    """A client of the scheduler at ``address``, and the local cluster started for ``local:N`` (else None)."""
    if address.startswith("local:"):
        n = address.removeprefix("local:")
        if not n.isdigit() or int(n) < 1:
            raise ClusterError(f"{address}: give local:N, N the number of worker processes (local:2)")
        try:
            with _children_ignore_stops(), _forked_from_pipeline(distributed):
                local = distributed.LocalCluster(n_workers=int(n), threads_per_worker=1, processes=True,
                                                 dashboard_address=":0", silence_logs=logging.CRITICAL)
            return distributed.Client(local), local
        except Exception as e:
            raise ClusterError(f"{address}: could not start the local cluster ({_one_line(e)})") from None
    try:
        return distributed.Client(address, timeout=CONNECT_SECONDS), None
    except (OSError, TimeoutError, ValueError, TypeError) as e:
        raise ClusterError(f"{address}: cannot reach the Dask scheduler ({_one_line(e)})") from None


@contextmanager
def _forked_from_pipeline(distributed: ModuleType) -> Iterator[None]:
    """Worker processes of a ``local:N`` cluster started meanwhile are forked from a fork server that has
    imported the pipeline, not spawned (Dask's default), where available.

    Measured at 4,000 articles (bench/cluster.py's sources, 2 workers, one run each back to back):
    spawned workers took 200 CPU-s, forked 184, the preloaded fork server 177, the local pool 155.
    At 19,100, three rounds in turn with the local pool of two: 0.96 of its speed (spawned: 0.82
    and 0.84 in single runs), its two workers' CPU time 753 CPU-s against the local pool's 746.
    Plain fork is not safe here: this process already runs Dask's threads. The fork server is a
    fresh process, started once (its preload is fixed then), that forks each worker; it stays, idle,
    until this process exits (as multiprocessing's resource tracker does).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        yield
        return
    import dask.config

    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        context = distributed.utils.get_mp_context()
        context.set_forkserver_preload([*FORKSERVER_PRELOAD])
        yield


@contextmanager
def _children_ignore_stops() -> Iterator[None]:
    """Processes started meanwhile ignore Ctrl-C and SIGTERM (a disposition they keep): a terminal's
    Ctrl-C reaches the whole process group, and ending the build's workers is the build's to do."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {stop: signal.signal(stop, signal.SIG_IGN) for stop in stops}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


def _check_code(client: distributed.Client) -> None:
    mine = code_version()
    for worker, answer in sorted(client.run(code_version, on_error="return").items()):
        if isinstance(answer, BaseException):
            raise ClusterError(f"worker {worker} cannot run vnsearch ({_one_line(answer)}): install this vnsearch, "
                               f"with its cluster extra, on every worker ({INSTALL})")
        if answer != mine:
            raise ClusterError(f"worker {worker} runs vnsearch {answer}, this machine {mine}: "
                               "every worker must run the same vnsearch as the machine that starts the build")


class ClusterWorkers:
    """The ``build.Workers`` of a Dask cluster: batches go out as tasks, each worker indexes its
    tasks into a segment of its own, and ``segments`` collects those segments at the end."""

    batch = CHUNK

    def __init__(self, cluster: Cluster, index_dir: str, limitmb: int) -> None:
        self.client, self.address = cluster.client, cluster.address
        self.index_dir, self.limitmb = index_dir, limitmb
        self.build = secrets.token_hex(8)
        self.version = code_version()
        #: The workers at the start, in a fixed order: the n-th batch goes to ``build.turn``'s, so that
        #: the index's document order is the local build's with as many workers.
        self.slots = sorted(self.client.nthreads())
        if not self.slots:
            raise ClusterError(f"{self.address}: the Dask cluster has no worker left")
        self._room = [threading.Semaphore(AHEAD) for _ in self.slots]
        self._last: list[int | None] = [None for _ in self.slots]  # each worker's latest batch
        self._numbers = itertools.count()
        # task key → (future, slot, number, batch)
        self._running: dict[object, tuple[distributed.Future[_Indexed], int, int, list[Item]]] = {}
        self._done: queue.SimpleQueue[distributed.Future[_Indexed]] = queue.SimpleQueue()
        self._held: dict[str, tuple[str, list[int]]] = {}  # segment token → (its worker, its batches)
        self._stopped = threading.Event()
        self._ended = False
        self._checked = 0.0

    def __enter__(self) -> ClusterWorkers:
        self._check_storage()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _check_storage(self) -> None:
        """Refuse, in one line, an index folder some worker cannot see or write."""
        with build_folder(self.index_dir) as probe:
            token = secrets.token_hex(8)
            Path(probe, "probe").write_text(token)
            answers = self.client.run(_probe, str(probe), token, on_error="return")
        for worker, answer in sorted(answers.items()):
            if isinstance(answer, BaseException):
                answer = f"could not look at this folder ({_one_line(answer)})"
            if answer:
                raise ClusterError(f"{self.index_dir}: worker {worker} {answer}; {SHARED}")

    def submit(self, batch: list[Item]) -> None:
        number = next(self._numbers)
        slot = turn(number * CHUNK, len(self.slots))
        while not self._room[slot].acquire(timeout=POLL_SECONDS):
            if self._stopped.is_set():
                return
        if self._stopped.is_set():
            return
        future = self.client.submit(_index, self.build, self.index_dir, self.limitmb, self.version, self._last[slot],
                                    number, batch, key=f"vnsearch-index-{self.build}-{number}",
                                    workers=[self.slots[slot]], allow_other_workers=False)
        self._last[slot] = number
        self._running[future.key] = (future, slot, number, batch)
        future.add_done_callback(self._done.put)

    def outcome(self, timeout: float) -> Outcome | None:
        try:
            future = self._done.get(timeout=timeout)
        except queue.Empty:
            self._check_workers()
            return None
        _, slot, number, batch = self._running.pop(future.key)
        self._room[slot].release()
        worker, token, problems = self._result(future)
        self._held.setdefault(token, (worker, []))[1].append(number)
        return list(zip(batch, problems, strict=True))

    def segments(self) -> list[Segment]:
        finishing = {token: self.client.submit(_finish, self.build, token, workers=[worker], allow_other_workers=False,
                                               key=f"vnsearch-finish-{self.build}-{token}")
                     for token, (worker, _) in self._held.items()}
        while not all(f.done() for f in finishing.values()):
            time.sleep(0.05)
            self._check_workers()
        found = []
        for token, future in finishing.items():
            worker, numbers = self._held[token]
            answer = self._result(future)
            if answer is None or sorted(answer[0]) != sorted(numbers):
                raise self._lost(worker)
            if answer[1] is not None:
                found.append((min(numbers), answer[1]))
        self._end()
        return [segment for _, segment in sorted(found, key=lambda f: f[0])]

    def stop(self) -> None:
        self._stopped.set()
        if self._running:
            with contextlib.suppress(Exception):
                self.client.cancel([future for future, *_ in list(self._running.values())])
        self._end()

    def _end(self) -> None:
        """Every worker gives up what it still holds of this build (nothing, after ``segments``, unless
        Dask ran a batch twice), and starts nothing more of it."""
        if self._ended or self.client.status != "running":
            return
        self._ended = True
        with contextlib.suppress(Exception):
            self.client.run(_drop, self.build, on_error="ignore")

    def _result(self, future: distributed.Future[_T]) -> _T:
        """A task's result, or the one line saying why there is none."""
        from distributed import KilledWorker

        try:
            return future.result()
        except _OtherCode as e:
            raise ClusterError(f"a worker that joined runs vnsearch {e}, this machine {self.version}: every worker "
                               "must run the same vnsearch as the machine that starts the build; "
                               "the index was left as it was") from None
        except KilledWorker as e:
            raise ClusterError(f"workers running a batch were lost one after another ({_one_line(e)}); "
                               "the index was left as it was") from None
        except ImportError as e:
            raise ClusterError(f"a worker cannot run vnsearch ({_one_line(e)}): install this vnsearch, with its "
                               f"cluster extra, on every worker ({INSTALL}); the index was left as it was") from None
        except Exception as e:
            if future.cancelled() or self.client.status != "running":
                raise ClusterError(f"{self.address}: the connection to the Dask scheduler was lost; "
                                   "the index was left as it was") from None
            raise ClusterError(f"a worker failed ({type(e).__name__}: {_one_line(e)}); "
                               "the index was left as it was") from None

    def _check_workers(self) -> None:
        """Raise ClusterError once a worker of this build has left the cluster (at most once a poll:
        it asks the scheduler)."""
        now = time.monotonic()
        if now - self._checked < POLL_SECONDS:
            return
        self._checked = now
        try:
            live = set(self.client.nthreads())
        except Exception:
            raise ClusterError(f"{self.address}: the connection to the Dask scheduler was lost; "
                               "the index was left as it was") from None
        for worker in self.slots:
            if worker not in live:
                raise self._lost(worker)

    def _lost(self, worker: str) -> ClusterError:
        return ClusterError(f"worker {worker} was lost mid-build, and the articles it had indexed with it; "
                            "the index was left as it was: run the build again")
