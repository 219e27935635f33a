"""The batch build on a Dask cluster (``vnsearch index --cluster``), on real clusters on loopback:
a scheduler and worker processes of this machine talking TCP."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from unidecode import unidecode

distributed = pytest.importorskip("distributed")

from helpers import CLI, unprivileged_cli  # noqa: E402

from indexer import build_index  # noqa: E402
from indexer import cluster as cluster_module  # noqa: E402
from indexer.cluster import ClusterError  # noqa: E402
from indexer.engine.store import FILES, open_index  # noqa: E402
from search import Searcher  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DEVSET = ROOT.parent / "shared" / "devset" / "articles.jsonl"


@pytest.fixture(scope="module")
def scheduler():
    """A scheduler and two worker processes (each with its nanny, which restarts a killed one)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        with distributed.Client(local) as client:
            client.wait_for_workers(2, timeout=60)
            yield local.scheduler_address, client


@pytest.fixture
def address(scheduler) -> str:
    """The scheduler's address, with both its workers up (a test may have killed one)."""
    address, client = scheduler
    client.wait_for_workers(2, timeout=60)
    return address


def _records(n: int) -> list[dict]:
    """The first ``n`` devset articles (real provincial and national news)."""
    if not DEVSET.exists():
        pytest.skip(f"no devset at {DEVSET}")
    out = []
    with DEVSET.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record.get("id") and (record.get("title") or record.get("body")):
                out.append({k: record.get(k) or "" for k in ("id", "title", "body", "published", "source")})
            if len(out) == n:
                return out
    return out


def _write(path: Path, records: list[dict], extra: str = "") -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) + extra, encoding="utf-8")
    return path


def document_order(index: Path) -> list[str]:
    """The ids of an index's documents by document number: what breaks ties between equal scores."""
    with open_index(index).reader() as reader:
        ids = reader.column_reader("id")
        return [ids[n] for n in reader.all_doc_ids()]


def answers(index: Path, queries: list[str]) -> list[list[tuple[str, float]]]:
    with Searcher(index) as s:
        return [[(hit.id, hit.score) for hit in s.search(q, limit=10).hits] for q in queries]


def test_a_cluster_build_answers_as_the_local_build_and_a_rerun_changes_nothing(tmp_path, address) -> None:
    records = _records(70)  # more than two workers' turns of 32 articles
    # A line that is not JSON: reported by file and line, the rest indexed.
    source = _write(tmp_path / "news.jsonl", records, extra="{not json\n")
    reported: list[str] = []
    local = build_index([source], tmp_path / "local", jobs=2)
    remote = build_index([source], tmp_path / "remote", cluster=address, report=reported.append)
    assert (remote.indexed, remote.skipped) == (local.indexed, local.skipped) == (70, 1)
    assert len(reported) == 1 and reported[0].startswith(f"{source}:71: ")
    # The same documents in the same order: ties between equal scores fall the same way.
    assert document_order(tmp_path / "remote") == document_order(tmp_path / "local")
    # Each article's opening line, typed as it is and without diacritics, and common words with many ties.
    leads = [r["body"].split("\n")[0] for r in records[::7]]
    queries = (leads + [unidecode(lead) for lead in leads]
               + ["doanh nghiệp", "thanh pho ho chi minh", "tai nan giao thong"])
    found = answers(tmp_path / "remote", queries)
    assert found == answers(tmp_path / "local", queries)
    # Each opening line finds its own article first, and the common words a full page.
    assert [hits[0][0] for hits in found[:len(leads)]] == [r["id"] for r in records[::7]]
    assert len(found[-3]) == 10
    before = sorted(os.listdir(tmp_path / "remote"))
    again = build_index([source], tmp_path / "remote", cluster=address)
    assert (again.indexed, again.unchanged, again.replaced, again.removed) == (0, 70, 0, 0)
    assert document_order(tmp_path / "remote") == document_order(tmp_path / "local")
    # Nothing left behind by the workers: only the index's own files, one segment per worker at most.
    after = sorted(os.listdir(tmp_path / "remote"))
    assert all(FILES.owns(name) for name in after), after
    assert len([n for n in after if n.endswith(".seg")]) == len([n for n in before if n.endswith(".seg")]) <= 2


def test_replace_prune_and_rebuild_through_the_cluster(tmp_path, address) -> None:
    records = _records(20)
    source = _write(tmp_path / "news.jsonl", records)
    ix = tmp_path / "ix"
    assert build_index([source], ix, cluster=address).indexed == 20
    changed = dict(records[0], body=records[0]["body"] + "\n\nXã Phú Thuận tổ chức đại hội Đảng bộ.")
    _write(source, [changed] + records[1:15])
    summary = build_index([source], ix, cluster=address, prune=True)
    assert (summary.indexed, summary.unchanged, summary.replaced, summary.removed) == (0, 14, 1, 5)
    with Searcher(ix) as s:
        assert s.search('"xã Phú Thuận"').hits[0].id == changed["id"]
    rebuilt = build_index([source], ix, cluster=address, rebuild=True)
    assert rebuilt.indexed == 15
    # Fewer articles than a worker's turn: all went to the first worker, in the sources' order.
    assert document_order(ix) == [r["id"] for r in [changed] + records[1:15]]


def test_a_worker_killed_mid_build_stops_it_in_one_line_with_the_old_index_intact(tmp_path, scheduler, address) -> None:
    _, client = scheduler
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    before, files = document_order(ix), sorted(os.listdir(ix))
    source = _write(tmp_path / "news.jsonl", _records(120))
    pids = client.run(os.getpid)
    victim = sorted(pids)[0]
    done = []

    def progress(n: int) -> None:
        done.append(n)
        if len(done) == 70:  # both workers hold batches in their segments by now
            os.kill(pids[victim], signal.SIGKILL)

    with pytest.raises(ClusterError) as e:
        build_index([source], ix, cluster=address, progress=progress)
    assert str(e.value) == (f"worker {victim} was lost mid-build, and the articles it had indexed with it; "
                            "the index was left as it was: run the build again")
    assert document_order(ix) == before
    # What the workers wrote is swept with the failed build: the folder holds the old index's files.
    assert sorted(os.listdir(ix)) == files
    with Searcher(ix) as s:
        assert s.search("thu dau mot").hits[0].id == "000_13d84c9b41a19287.txt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_said_in_one_line_and_nothing_is_made(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(ClusterError) as e:
        build_index([CORPUS], tmp_path / "ix", cluster=address)
    assert str(e.value).startswith(f"{address}: cannot reach the Dask scheduler (")
    assert "\n" not in str(e.value)
    assert not (tmp_path / "ix").exists()


def test_without_dask_the_build_says_which_extra_to_install(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ClusterError, match=r"needs Dask, which is not installed: pip install 'vnsearch\[cluster\]'$"):
        build_index([CORPUS], tmp_path / "ix", cluster="local:1")
    assert not (tmp_path / "ix").exists()


_WORKER = """
import sys
{patch}
from distributed.cli.dask_worker import main
sys.argv = ["dask-worker", sys.argv[1], "--nthreads", "1", "--no-nanny", "--no-dashboard"]
main()
"""


def _worker(address: str, patch: str, prefix: tuple[str, ...] = ()) -> subprocess.Popen:
    return subprocess.Popen([*prefix, sys.executable, "-c", _WORKER.format(patch=patch), address],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture
def lone_scheduler():
    """A scheduler without workers: the test adds its own."""
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0") as local:
        yield local.scheduler_address


@pytest.mark.parametrize("patch, said", [
    ("sys.modules['indexer'] = None  # vnsearch not installed",
     r"worker tcp://\S+ cannot run vnsearch \(.*indexer.*\): install this vnsearch, with its cluster extra, "
     r"on every worker \(pip install 'vnsearch\[cluster\]'\)$"),
    ("import indexer.cluster; indexer.cluster.code_version = lambda: '0.0.9 (code 0123456789abcdef)'",
     r"worker tcp://\S+ runs vnsearch 0\.0\.9 \(code 0123456789abcdef\), this machine \S+ \(code [0-9a-f]{16}\): "
     r"every worker must run the same vnsearch as the machine that starts the build$"),
])
def test_a_worker_without_this_vnsearch_is_refused_in_one_line(tmp_path, lone_scheduler, patch, said) -> None:
    worker = _worker(lone_scheduler, patch)
    try:
        with pytest.raises(ClusterError, match=said):
            build_index([CORPUS], tmp_path / "ix", cluster=lone_scheduler)
    finally:
        worker.kill()
        worker.wait()
    assert not (tmp_path / "ix").exists()


def test_an_index_folder_a_worker_cannot_write_is_refused_at_start(tmp_path, lone_scheduler) -> None:
    prefix = tuple(unprivileged_cli()[:-len(CLI)])
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    files = sorted(os.listdir(ix))
    other = _worker(lone_scheduler, "", prefix)
    os.chmod(ix, 0o555)  # the client (root, unbound) may write in it; the worker, bound by permissions, may not
    try:
        with pytest.raises(ClusterError) as e:
            build_index([CORPUS], ix, cluster=lone_scheduler)
    finally:
        os.chmod(ix, 0o755)
        other.kill()
        other.wait()
    assert str(e.value).startswith(f"{ix}: worker tcp://")
    assert "cannot write in this folder (Permission denied); the index folder must be on storage every worker " \
           "can read and write at the same path (a shared file system)" in str(e.value)
    assert sorted(os.listdir(ix)) == files


def test_cli_refuses_jobs_with_cluster_and_says_a_failure_in_one_line(tmp_path) -> None:
    run = subprocess.run([*CLI, "index", str(CORPUS), "--index", str(tmp_path / "ix"), "--cluster", "local:1",
                          "-j", "2"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "--jobs and --cluster exclude each other" in run.stderr
    run = subprocess.run([*CLI, "index", str(CORPUS), "--index", str(tmp_path / "ix"), "--cluster", "local:x"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr == "Error: local:x: give local:N, N the number of worker processes (local:2)\n"


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here")
def test_a_local_cluster_forks_its_workers_from_a_server_that_imported_the_pipeline() -> None:
    """Spawned, as Dask starts them by default, cluster workers spent more CPU per article than the
    local pool's forked ones (bench/cluster.py); forked from a fork server that imported the segmenter
    and the build, they start with both."""
    with cluster_module.connect("local:2") as cluster:
        parents = cluster.client.run(os.getppid)
        segmenter = cluster.client.run(eval, "'underthesea' in __import__('sys').modules")
        assert len(parents) == 2 and len(set(parents.values())) == 1  # one fork server for both
        (server,) = set(parents.values())
        command = Path(f"/proc/{server}/cmdline").read_bytes().decode()
    assert server != os.getpid() and "multiprocessing.forkserver" in command
    assert repr(list(cluster_module.FORKSERVER_PRELOAD)) in command
    assert list(segmenter.values()) == [True, True]


def test_ctrl_c_stops_a_local_cluster_build_and_its_workers_leaving_the_old_index(tmp_path) -> None:
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    before, files = document_order(ix), sorted(os.listdir(ix))
    source = _write(tmp_path / "news.jsonl", _records(200))
    proc = subprocess.Popen([*CLI, "index", str(source), "--index", str(ix), "--cluster", "local:2", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    # Wait until the workers are writing their segments.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not any(p.suffix == ".pst" for p in ix.iterdir()):
        time.sleep(0.1)
    assert proc.poll() is None, "the build finished before it could be stopped"
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: to the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.splitlines() == [f"vnsearch: interrupted; {ix} was left as it was"]
    assert document_order(ix) == before
    assert sorted(os.listdir(ix)) == files
    # No worker process of that cluster outlives the build.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _group_alive(proc.pid):
        time.sleep(0.2)
    assert not _group_alive(proc.pid)


def _group_alive(group: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False
