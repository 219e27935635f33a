"""A user's files are never vnsearch's to remove: not beside an index, not among the sources.

whoosh recognises its own files by prefix (to it, ``articles_2017.jsonl`` is a
segment file of the index named "articles") and empties whole folders it
thinks are its own. vnsearch removes and renames only whoosh's exact names for
the index and folders it made itself. The first tests are the cases users met;
the state machine at the end seeds both folders with user files under the
names most likely to be taken for index files, then runs random sequences of
builds, rebuilds, failing builds, prunes, upgrades and builds stopped by
SIGINT or SIGTERM at a random moment: every user file must stay byte for byte,
the index must answer as before after a failure, and no build may leave its
temporary folders or partial segments behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from whoosh.index import EmptyIndexError

from indexer import BuildError, NothingToIndex, build_index
from indexer.engine.mapped_storage import MappedFileStorage
from indexer.engine.store import FILES, INDEX_NAME, OWN_FOLDER, ForeignFolder, IndexDamaged, open_index
from indexer.engine.whoosh_internals import read_toc, segment_id
from search import Searcher
from search.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
OLD_INDEX = Path(__file__).parent / "data" / "index-v1"
#: Names a user may well give their files, each close to a name whoosh writes.
TRICKY = ["articles.jsonl", "articles-2017.jsonl", "articles_2017.jsonl", "_articles_notes.toc", "_articles_1.toc.bak",
          "articles_WRITELOCK.txt", "articles.tmp", "thesis.txt", ".vnsearch-notes"]
COMMAND = [sys.executable, "-m", "search"]


def _records(n: int, prefix: str = "r") -> str:
    """n JSON lines of real articles (the seeds), each with an id of its own."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    return "".join(json.dumps({"id": f"{prefix}{i}", "text": f"{texts[i % 5]}\n\nBản số {i}."}, ensure_ascii=False)
                   + "\n" for i in range(n))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _leftovers(index: Path) -> list[str]:
    """Temporary and build folders, and segment files the table of contents does not name."""
    names = os.listdir(index) if index.is_dir() else []
    try:
        live = {segment_id(s) for s in read_toc(MappedFileStorage(str(index), INDEX_NAME), INDEX_NAME).segments}
    except (FileNotFoundError, EmptyIndexError):  # no index (yet): no segment file is needed
        live = set()
    return sorted(n for n in names if OWN_FOLDER.fullmatch(n) or FILES.segment_id(n) not in (None, *live))


def test_a_rebuild_keeps_the_files_beside_the_index(tmp_path) -> None:
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    (ix / "thesis.txt").write_text("Luận văn: báo chí địa phương", encoding="utf-8")
    (ix / "articles_2017.jsonl").write_text(_records(2), encoding="utf-8")  # whoosh calls this a segment file
    (ix / "articles.tmp").mkdir()
    (ix / "articles.tmp" / "draft.txt").write_text("bản nháp", encoding="utf-8")
    before = {k: v for k, v in _snapshot(ix).items() if not FILES.owns(Path(k).name)}
    assert build_index([CORPUS], ix, jobs=1, rebuild=True).indexed == 5
    build_index([CORPUS, tmp_path / "more.jsonl"], ix, jobs=1)  # an incremental run, which commits and sweeps
    assert {k: v for k, v in _snapshot(ix).items() if not FILES.owns(Path(k).name)} == before
    with Searcher(ix) as s:
        assert s.search("Bình Liêu").hits[0].id == "004_3071c7396e23f874.txt"


def test_a_folder_of_the_users_is_not_made_an_index(tmp_path) -> None:
    """The issue's case: the sources in the folder named as the index, with a malformed line."""
    three = tmp_path / "three"
    three.mkdir()
    source = three / "articles.jsonl"
    source.write_text(_records(2) + "{not json\n", encoding="utf-8")
    before = _snapshot(three)
    for args in (["index", str(source), "--index", str(three)],
                 ["index", str(source), "--index", str(three), "--rebuild"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "holds files of its own (articles.jsonl) and no index" in lines[0], result.output
    with pytest.raises(ForeignFolder):
        build_index([source], three, jobs=1)
    assert _snapshot(three) == before and sorted(os.listdir(three)) == ["articles.jsonl"]
    # Given a folder of its own, the same source goes in, its bad line reported by number.
    result = CliRunner().invoke(main, ["index", str(source), "--index", str(three / "index"), "-q"])
    assert result.exit_code == 1 and f"{source}:3: malformed JSON" in result.stderr
    assert _snapshot(three)["articles.jsonl"] == before["articles.jsonl"]


def test_a_failed_build_beside_an_index_loses_nothing(tmp_path) -> None:
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    source = ix / "articles.jsonl"  # the user keeps a source in the index folder
    source.write_text("{broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(source), "--index", str(ix), "-q"])
    assert result.exit_code == 1 and f"{source}:1: malformed JSON" in result.stderr
    with pytest.raises(NothingToIndex):
        build_index([source], ix, jobs=1, rebuild=True)
    assert source.read_text(encoding="utf-8") == "{broken\n"
    with Searcher(ix) as s:
        assert s.search("thu dau mot").total >= 1
    assert _leftovers(ix) == []


def test_the_index_storage_refuses_to_remove_a_users_file(tmp_path) -> None:
    (tmp_path / "articles_2017.jsonl").write_text("{}", encoding="utf-8")
    storage = MappedFileStorage(str(tmp_path), INDEX_NAME)
    for act in (lambda: storage.delete_file("articles_2017.jsonl"), lambda: storage.rename_file(
            "articles_2017.jsonl", "articles_0123456789abcdef.seg"), storage.clean, storage.destroy):
        with pytest.raises(OSError, match="vnsearch|never"):
            act()
    assert (tmp_path / "articles_2017.jsonl").read_text() == "{}"


def test_segments_without_a_table_of_contents_are_damaged_and_rebuilt(tmp_path) -> None:
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    next(ix.glob("*.toc")).unlink()
    (ix / "notes.txt").write_text("ghi chú", encoding="utf-8")
    with pytest.raises(IndexDamaged, match="table of contents is missing.*--rebuild"):
        open_index(ix)
    result = CliRunner().invoke(main, ["search", "thu dau mot", "--index", str(ix)])
    assert result.exit_code == 1 and "damaged" in result.output and "--rebuild" in result.output
    assert build_index([CORPUS], ix, jobs=1, rebuild=True).indexed == 5
    assert (ix / "notes.txt").read_text(encoding="utf-8") == "ghi chú" and _leftovers(ix) == []


@pytest.mark.parametrize("sig, word, status",
                         [(signal.SIGTERM, "terminated", 143), (signal.SIGINT, "interrupted", 130)])
def test_a_stopped_build_says_so_and_leaves_nothing_behind(tmp_path, sig, word, status) -> None:
    """SIGTERM (a service manager, ``timeout``, ``kill``) is answered as Ctrl-C: one line, the old index
    intact, the workers' partial segments and temporary folders removed before exit."""
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    before = _snapshot(ix)
    big = tmp_path / "big.jsonl"
    big.write_text(_records(200), encoding="utf-8")
    proc = subprocess.Popen([*COMMAND, "index", str(big), "--index", str(ix), "-j", "2", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.suffix == ".pst" for p in ix.iterdir()):
        time.sleep(0.05)
    time.sleep(0.3)
    assert proc.poll() is None, "the build finished before it could be stopped"
    os.killpg(proc.pid, sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == status and out == ""
    assert err.splitlines() == [f"vnsearch: {word}; {ix} was left as it was"]
    assert _snapshot(ix) == before and _leftovers(ix) == []


# --- the state machine ---------------------------------------------------------------------------------


class UserFiles(RuleBasedStateMachine):
    """Random lives of an index folder and a sources folder that both hold files of the user's."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="vnsearch-files-"))
        self.index, self.src = self.root / "index", self.root / "src"
        self.src.mkdir()
        (self.src / "news.jsonl").write_text(_records(4), encoding="utf-8")
        self.mine: dict[Path, bytes] = {}
        self.answers: tuple | None = None  # what the index answered after its last good build

    def _own(self, folder: Path, name: str, data: bytes) -> None:
        path = folder / name
        if path.exists() or path.is_symlink():
            return
        if name.endswith(".tmp"):  # a folder, with a file in it
            path.mkdir()
            path = path / "inside.txt"
        path.write_bytes(data)
        self.mine[path] = data

    def _answers(self) -> tuple | None:
        if not self.index.is_dir() or not any(FILES.generation(n) is not None for n in os.listdir(self.index)):
            return None
        with Searcher(self.index) as s:
            result = s.search("Đảng bộ", limit=50, snippet_count=0)
            return result.total, sorted(h.id for h in result.hits)

    def _build(self, sources: list, **options) -> None:
        try:
            build_index(sources, self.index, jobs=1, **options)
        except (ForeignFolder, NothingToIndex, BuildError):
            pass  # refused or nothing to index: the index (if any) is as it was
        else:
            self.answers = self._answers()

    @rule(where=st.sampled_from(["index", "src"]), name=st.sampled_from(TRICKY), data=st.binary(max_size=40))
    def user_adds_a_file(self, where: str, name: str, data: bytes):
        folder = self.index if where == "index" else self.src
        if folder.is_dir():
            self._own(folder, name, data)

    @rule()
    def build(self):
        self._build([self.src])

    @rule()
    def rebuild(self):
        self._build([self.src], rebuild=True)

    @rule(rebuild=st.booleans())
    def failing_build(self, rebuild: bool):
        """Sources with nothing readable: a first build makes nothing, a rebuild keeps the old index."""
        self._own(self.src, "broken.jsonl", b"{not json\n")
        self._build([self.src / "broken.jsonl"], rebuild=rebuild)

    @rule()
    def prune(self):
        self._build([self.src / "news.jsonl"], prune=True)

    @precondition(lambda self: not self.index.exists())
    @rule()
    def upgrade_from_an_old_version(self):
        """An index made by an earlier version (other fields): the next build must rebuild it."""
        shutil.copytree(OLD_INDEX, self.index)
        self.answers = self._answers()

    @rule(sig=st.sampled_from([signal.SIGINT, signal.SIGTERM]), after=st.floats(0.2, 2.5),
          rebuild=st.booleans())
    def stopped_build(self, sig: int, after: float, rebuild: bool):
        """`vnsearch index` in its own process, stopped at a random moment: loading, reading, writing or done."""
        big = self.src / "big.jsonl"
        if not big.exists():
            big.write_text(_records(60, prefix="b"), encoding="utf-8")
        proc = subprocess.Popen([*COMMAND, "index", str(self.src), "--index", str(self.index), "-j", "2", "-q",
                                 *(["--rebuild"] if rebuild else [])],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(after)
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err, err.decode()
        if proc.returncode not in (130, 143):  # it finished (a refusal changes nothing either)
            self.answers = self._answers()
        else:
            assert err.decode().strip().splitlines()[-1].startswith(("vnsearch: interrupted", "vnsearch: terminated"))

    @invariant()
    def the_users_files_are_untouched(self):
        for path, data in self.mine.items():
            assert path.read_bytes() == data, path

    @invariant()
    def the_index_answers_as_after_its_last_build_and_nothing_is_left_over(self):
        assert self._answers() == self.answers
        assert _leftovers(self.index) == []

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)


UserFiles.TestCase.settings = settings(max_examples=int(os.environ.get("FILES_EXAMPLES", 5)), stateful_step_count=8,
                                       deadline=None, derandomize=not os.environ.get("FILES_RANDOM"), database=None)
test_user_files_survive_any_life = UserFiles.TestCase
