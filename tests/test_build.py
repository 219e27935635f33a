"""The batch build: incremental, honest about bad input, safe when killed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import CLI, unprivileged_commands, windows_1258

from indexer import NothingToIndex, build_index
from search import Searcher
from search.cli import main
from search.stats import index_stats

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "articles"
    shutil.copytree(CORPUS, target / "seeds")
    return target


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def doc_ids(index_dir: Path) -> set[str]:
    with Searcher(index_dir) as s:
        with s._ix.searcher() as w:
            return {f["id"] for f in w.all_stored_fields()}


def test_incremental_rebuild_replace_and_prune(folder, tmp_path) -> None:
    ix = tmp_path / "ix"
    first = build_index([folder], ix, jobs=2)
    assert (first.indexed, first.skipped) == (5, 0)
    assert doc_ids(ix) == {f"seeds/{p.name}" for p in CORPUS.glob("*.txt")}

    again = build_index([folder], ix, jobs=2)
    assert (again.indexed, again.unchanged, again.replaced) == (0, 5, 0)

    changed = folder / "seeds" / "004_3071c7396e23f874.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Trúc Linh", "Trúc Linh (bổ sung)"),
                       encoding="utf-8")
    (folder / "seeds" / "000_13d84c9b41a19287.txt").unlink()
    third = build_index([folder], ix, jobs=1)
    assert (third.indexed, third.unchanged, third.replaced, third.removed) == (0, 3, 1, 0)
    assert len(doc_ids(ix)) == 5  # without --prune the vanished article stays

    pruned = build_index([folder], ix, jobs=1, prune=True)
    assert (pruned.removed, pruned.unchanged) == (1, 4)
    assert "seeds/000_13d84c9b41a19287.txt" not in doc_ids(ix)
    assert index_stats(ix)["articles"] == 4


def test_bad_input_is_reported_per_file_and_the_rest_goes_in(folder, tmp_path) -> None:
    bad = folder / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    seed_text = (CORPUS / "004_3071c7396e23f874.txt").read_text(encoding="utf-8")
    (bad / "utf16.txt").write_bytes(seed_text.encode("utf-16"))
    (bad / "cp1258.txt").write_bytes(windows_1258("Tin huyện Bình Liêu\n\nĐảng bộ xã Đồng Văn kết nạp đảng viên mới."))
    (bad / "records.jsonl").write_text(
        '{"id": "ok-1", "title": "Hội nghị", "body": "Huyện ủy Bình Liêu tổ chức hội nghị."}\n'
        '{"id": "broken", "title": \n'
        '{"id": "no-text", "title": "Chỉ có tiêu đề"}\n'
        '[1, 2]\n', encoding="utf-8")
    lines: list[str] = []
    summary = build_index([folder], tmp_path / "ix", jobs=2, report=lines.append)
    assert summary.indexed == 5 + 3  # seeds, utf16, cp1258, ok-1
    assert summary.skipped == 5
    joined = "\n".join(lines)
    assert "empty.txt: empty file" in joined
    assert "garbage.txt" in joined
    assert "records.jsonl:2: malformed JSON" in joined
    assert "records.jsonl:3: record has no text" in joined
    assert "records.jsonl:4:" in joined
    assert all("\n" not in line and "Traceback" not in line for line in lines)
    with Searcher(tmp_path / "ix") as s:
        assert "bad/cp1258.txt" in {h.id for h in s.search("xã Đồng Văn", limit=20).hits}


def test_cli_index_reports_and_exits_nonzero_on_skips(folder, tmp_path) -> None:
    (folder / "empty.txt").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(folder), "--index", str(tmp_path / "ix"), "--json", "-j", "1"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["indexed"] == 5 and summary["skipped"] == 1
    assert "empty.txt: empty file" in result.stderr


def test_cli_index_from_stdin(tmp_path) -> None:
    records = [{"id": f"r{i}", "title": f"Tin số {i}", "body": f"Xã Phú Thuận tổ chức hội nghị lần {i}."}
               for i in range(3)]
    stdin = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    result = CliRunner().invoke(main, ["index", "-", "--index", str(tmp_path / "ix"), "-q", "-j", "1"], input=stdin)
    assert result.exit_code == 0, result.output
    assert doc_ids(tmp_path / "ix") == {"r0", "r1", "r2"}
    stats = CliRunner().invoke(main, ["stats", "--index", str(tmp_path / "ix"), "--json"])
    assert json.loads(stats.stdout)["articles"] == 3


def test_record_fields_win_over_guesses(tmp_path) -> None:
    record = {"id": "x1", "title": "Tiêu đề của bản ghi", "body": "Cập nhật: 01/02/2019\n\nNội dung bài về xã Hùng Lô.",
              "published": "2021-05-02", "url": "https://baophutho.vn/x1.html", "source": "baophutho.vn"}
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    build_index([source], tmp_path / "ix", jobs=1)
    with Searcher(tmp_path / "ix") as s:
        article = s.get("x1")
    assert article.title == "Tiêu đề của bản ghi"
    assert article.published.startswith("2021-05-02")
    assert article.url == record["url"]


def _copies(folder: Path, n: int) -> Path:
    """A JSON-lines batch of n seed copies: long enough to be stopped half-way."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    big = folder / "big.jsonl"
    with big.open("w", encoding="utf-8") as f:
        for i in range(n):
            record = {"id": f"copy-{i}", "text": texts[i % 5] + f"\n\nBản sao {i}"}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return big


@pytest.mark.parametrize("how", ["killed", "interrupted"])
def test_a_build_stopped_mid_way_leaves_the_previous_index_searchable(tmp_path, how) -> None:
    """SIGKILL of the build, or Ctrl-C (SIGINT to its whole process group, as a terminal sends it)."""
    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    before = doc_ids(ix)
    cmd = [*CLI, "index", str(_copies(tmp_path, 200)), "--index", str(ix), "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    # Wait until both workers are writing their segments.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (len(_children(proc.pid)) < 2 or
                                           not any(p.suffix == ".pst" for p in ix.iterdir())):
        time.sleep(0.05)
    time.sleep(0.5)
    # Readers can search while the build runs, and see the previous index.
    with Searcher(ix) as s:
        assert s.search("Bình Liêu").hits[0].id == "004_3071c7396e23f874.txt"
    assert proc.poll() is None, "the build finished before it could be stopped"
    workers = _children(proc.pid)
    assert len(workers) == 2, "the build should be running its worker processes"
    stopped = time.monotonic()
    if how == "killed":
        proc.send_signal(signal.SIGKILL)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    if how == "interrupted":
        assert time.monotonic() - stopped < 3, "Ctrl-C must stop the build at once"
        assert proc.returncode == 130
        assert err.splitlines() == [f"vnsearch: interrupted; {ix} was left as it was"]
    # Its workers leave with it (after a kill, within their watchdog's poll) rather than linger.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    assert doc_ids(ix) == before
    with Searcher(ix) as s:
        assert s.search("thu dau mot").hits[0].id == "000_13d84c9b41a19287.txt"
    # No stale lock: the next build (one small article) goes through and loses nothing.
    one = tmp_path / "one.jsonl"
    one.write_text('{"id": "r1", "title": "Tin xã Phú Thuận", "body": "Xã Phú Thuận tổ chức đại hội."}\n',
                   encoding="utf-8")
    assert build_index([one], ix, jobs=1).indexed == 1
    assert doc_ids(ix) == before | {"r1"}


def test_a_second_build_is_refused_in_one_line_and_changes_nothing(tmp_path) -> None:
    from indexer.engine.store import open_index

    ix = tmp_path / "ix"
    build_index([CORPUS], ix, jobs=1)
    before = doc_ids(ix)
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "extra", "text": "Xã Phú Thuận tổ chức đại hội đảng bộ nhiệm kỳ 2020-2025."},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    held = open_index(ix).lock("WRITELOCK")  # what a running build holds
    assert held.acquire()
    try:
        result = CliRunner().invoke(main, ["index", str(more), "--index", str(ix), "-q"])
        assert result.exit_code == 1
        assert "another build is writing" in result.output and str(ix) in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
        assert doc_ids(ix) == before
    finally:
        held.release()
    assert build_index([more], ix, jobs=1).indexed == 1
    assert doc_ids(ix) == before | {"extra"}


def _run_on_terminal(args: list[str]) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; what it wrote there."""
    import os
    import pty

    try:
        master, slave = pty.openpty()
    except OSError as e:
        pytest.skip(f"no pseudo-terminal here: {e}")
    proc = subprocess.Popen([sys.executable, "-m", "search.cli", *args], stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=120)
    os.close(master)
    return out.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only_with_problems_on_lines_of_their_own(folder, tmp_path) -> None:
    (folder / "broken.jsonl").write_text('{"id": "b1", "title": \n', encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    shown = _run_on_terminal(["index", str(folder), "--index", str(tmp_path / "a"), "-j", "1"])
    assert "Indexing" in shown and "7/7" in shown and "articles/s" in shown
    assert "5 indexed" in shown and "2 skipped" in shown
    problems = [line for line in shown.split("\n") if "vnsearch:" in line]
    assert len(problems) == 2, shown
    for line in problems:
        # The bar's line is cleared before a problem is written; the bar is redrawn on the next line.
        written = line.split("\x1b[K")[-1].rstrip("\r")
        assert written.startswith("vnsearch: ") and "Indexing" not in written, line
        assert written.endswith(("broken.jsonl:1: malformed JSON (Expecting value)", "empty.txt: empty file")), line
    (folder / "broken.jsonl").unlink()
    (folder / "empty.txt").unlink()
    quiet = _run_on_terminal(["index", str(folder), "--index", str(tmp_path / "b"), "-j", "1", "-q"])
    assert "Indexing" not in quiet and "indexed" not in quiet
    piped = subprocess.run([sys.executable, "-m", "search.cli", "index", str(folder), "--index", str(tmp_path / "c"),
                            "-j", "1"], capture_output=True, text=True, timeout=120)
    assert "Indexing" not in piped.stderr and "5 indexed" in piped.stdout


def test_unreadable_folder_and_files_are_reported_and_the_rest_goes_in(tmp_path) -> None:
    src = tmp_path / "src"
    shutil.copytree(CORPUS, src / "ok")
    locked = src / "locked"
    locked.mkdir()
    shutil.copy(CORPUS / "000_13d84c9b41a19287.txt", locked / "inside.txt")
    secret = src / "ok" / "secret.txt"
    secret.write_text("Tin xã Phú Thuận\n\nXã Phú Thuận tổ chức đại hội đảng bộ nhiệm kỳ 2020-2025.", encoding="utf-8")
    records = src / "ok" / "records.jsonl"
    records.write_text('{"id": "r1", "title": "Tin Bình Liêu", "body": "Huyện ủy Bình Liêu họp."}\n', encoding="utf-8")
    for path in (locked, secret, records):
        path.chmod(0)
    try:
        run, alone = unprivileged_commands([
            ["index", str(src), "--index", str(tmp_path / "ix"), "-j", "1", "--json"],
            ["index", str(locked), "--index", str(tmp_path / "none"), "-j", "1"]])
    finally:
        for path in (locked, secret, records):
            path.chmod(0o755)
    code, out, err = run
    assert code == 1
    assert sorted(err.splitlines()) == [f"vnsearch: {locked}: cannot read folder: Permission denied",
                                        f"vnsearch: {records}: cannot read: Permission denied",
                                        f"vnsearch: {secret}: cannot read: Permission denied"]
    summary = json.loads(out)
    assert (summary["indexed"], summary["skipped"]) == (5, 3)
    assert doc_ids(tmp_path / "ix") == {f"ok/{p.name}" for p in CORPUS.glob("*.txt")}
    # A source that is wholly unreadable is an error, not an empty success.
    code, out, err = alone
    assert code == 1 and "Traceback" not in err
    assert f"{locked}: cannot read folder: Permission denied" in err
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("name, content", [("missing", None), ("empty.txt", ""),
                                           ("title-only.jsonl", '{"id": "x", "title": "Chỉ có tiêu đề"}\n')])
def test_no_index_is_made_from_no_readable_input(tmp_path, name, content) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_text(content, encoding="utf-8")
    for target in (tmp_path / "new", tmp_path / "existing-empty-folder"):
        if target.name.startswith("existing"):
            target.mkdir()
        result = CliRunner().invoke(main, ["index", str(source), "--index", str(target), "-q"])
        assert result.exit_code == 1
        assert f"{target}: nothing in the sources could be indexed; no index was created" in result.stderr
        assert f"{source}" in result.stderr  # and why: the source's own line
        assert (not target.exists()) if target.name == "new" else list(target.iterdir()) == []
    with pytest.raises(NothingToIndex):
        build_index([source], tmp_path / "lib", jobs=1)
    assert not (tmp_path / "lib").exists()


def test_control_characters_never_reach_stored_text_or_show(tmp_path) -> None:
    controls = "\x00\x07\x08\x0b\x0c\x1b\x7f\x85"
    page = (CORPUS / "004_3071c7396e23f874.txt").read_text(encoding="utf-8")
    page = page.replace("Bình Liêu", "Bình\x00 Liêu\x1b", 2).replace("đảng viên", "đảng\x07viên", 1)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "page\x1b.txt").write_text(page, encoding="utf-8")
    record = {"id": "ctl\x00-1", "title": "Hội nghị\x00 tổng kết\x1b", "source": "baoquangninh\x07.vn",
              "body": "Huyện ủy Bình Liêu\x00 tổ chức hội nghị\x0b tổng kết\x7f công tác xây dựng Đảng.\x85\n\n"
                      "Các đảng viên\x1f xã Đồng Văn\x0c tham dự."}
    (tmp_path / "src" / "r.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert build_index([tmp_path / "src"], ix, jobs=1).indexed == 2
    ids = doc_ids(ix)
    assert ids == {"page .txt", "ctl -1"}
    with Searcher(ix) as s:
        assert {h.id for h in s.search("đảng viên Bình Liêu").hits} == ids
        for doc_id in ids:
            article = s.get(doc_id)
            stored = json.dumps(article.to_dict(), ensure_ascii=True)
            assert not any(f"\\u{ord(c):04x}" in stored for c in controls), stored
            shown = CliRunner().invoke(main, ["show", doc_id, "--index", str(ix)])
            assert shown.exit_code == 0 and "Bình Liêu" in shown.stdout
            assert not set(controls) & set(shown.stdout)
        assert s.get("ctl -1").title == "Hội nghị tổng kết"


def test_two_first_searches_at_once_both_answer_from_the_whole_bundled_corpus(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VNSEARCH_INDEX"} | {"XDG_DATA_HOME": str(tmp_path / "data")}
    procs = [subprocess.Popen([*CLI, "search", "dang vien", "--json", "-n", "20"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outcomes
    for out, _ in outcomes:
        assert {h["id"] for h in json.loads(out)["hits"]} == {p.name for p in CORPUS.glob("*.txt")}
    assert sum("first use: building" in err for _, err in outcomes) == 1
    assert all("0 articles" not in err for _, err in outcomes)


def test_ctrl_c_during_the_first_use_build_leaves_nothing_half_made(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VNSEARCH_INDEX"} | {"XDG_DATA_HOME": str(tmp_path)}
    proc = subprocess.Popen([*CLI, "search", "dang vien"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    index = tmp_path / "vnsearch" / "index"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.suffix == ".pst" for p in index.glob(".vnsearch-build-*/*")):
        time.sleep(0.02)
    assert proc.poll() is None, "the first-use build finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and out == ""
    assert err.splitlines()[-1] == f"vnsearch: interrupted; {tmp_path / 'vnsearch' / 'index'} was not built"
    assert [p.name for p in (tmp_path / "vnsearch").iterdir()] == [".index.first-use"]  # the lock's file only
