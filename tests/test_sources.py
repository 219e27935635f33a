"""Reading a build's inputs (indexer.articles.sources): a source that cannot be read is one line naming it;
the rest goes in."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from helpers import unprivileged_commands

from indexer import build_index
from indexer.articles.sources import Problem, RepeatCap
from search import Searcher
from search.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED = "000_13d84c9b41a19287.txt"
OTHER = "004_3071c7396e23f874.txt"
SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"


def test_a_file_inside_a_folder_that_may_not_be_entered_is_a_bad_input(tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    hidden = locked / SEED
    shutil.copy(CORPUS / SEED, hidden)
    locked.chmod(0)
    try:
        parsed, indexed = unprivileged_commands([
            ["parse", str(hidden), str(CORPUS / OTHER), "--json"],
            ["index", str(hidden), str(CORPUS / OTHER), "--index", str(tmp_path / "ix"), "-q", "-j", "1"]])
    finally:
        locked.chmod(0o755)
    for code, _out, err in (parsed, indexed):
        assert code == 1
        assert err.splitlines() == [f"vnsearch: {hidden}: cannot read: Permission denied"]
    # the other file still goes through: read, and indexed under its own name
    assert "Bình Liêu" in json.loads(parsed[1])["title"]
    with Searcher(tmp_path / "ix") as s:
        assert [h.id for h in s.search("Bình Liêu").hits] == [OTHER]


def _records() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _parse(*sources: Path) -> tuple[int, list[dict], list[str]]:
    result = CliRunner().invoke(main, ["parse", *map(str, sources), "--json"])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr.splitlines()


def test_a_binary_jsonl_file_is_a_few_lines_and_a_count(tmp_path) -> None:
    binary = tmp_path / "tin-nen.jsonl"  # a gzip of a real collection, named as if it were the collection
    binary.write_bytes(gzip.compress(SAMPLE.read_bytes(), mtime=0))
    lines = sum(1 for line in binary.read_bytes().split(b"\n") if line.strip())
    assert lines > 20
    code, articles, err = _parse(binary, CORPUS / OTHER)
    assert code == 1 and len(articles) == 1 and "Bình Liêu" in articles[0]["title"]
    shown: dict[str, int] = {}
    held: dict[str, int] = {}
    for line in err:
        if m := re.fullmatch(rf"vnsearch: {re.escape(str(binary))}:\d+: (.+)", line):
            shown[m[1]] = shown.get(m[1], 0) + 1
        else:
            m = re.fullmatch(rf"vnsearch: {re.escape(str(binary))}: … and (\d+) more lines? like it \((.+)\)", line)
            assert m, line
            held[m[2]] = int(m[1])
    assert held and all(n == 3 for n in shown.values()) and set(held) <= set(shown)
    assert sum(shown.values()) + sum(held.values()) == lines  # every line is counted, whether shown or not
    assert len(err) < 10


def test_good_lines_among_bad_ones_still_parse(tmp_path) -> None:
    good = _records()[:3]
    cut = [json.dumps(r, ensure_ascii=False)[:80] for r in _records()[3:9]]  # cut short, as a full disk leaves them
    feed = tmp_path / "tin.jsonl"
    rows = [json.dumps(good[0], ensure_ascii=False), *cut[:4], '{"id": "khong-noi-dung", "title": "Tin Bình Liêu"}',
            json.dumps(good[1], ensure_ascii=False), *cut[4:], json.dumps(good[2], ensure_ascii=False)]
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, articles, err = _parse(feed)
    assert code == 1
    assert len(articles) == 3
    assert all(r["body"].splitlines()[2] in a["body"] for r, a in zip(good, articles, strict=True))
    assert err == [f"vnsearch: {feed}:2: malformed JSON (Invalid control character at)",
                   f"vnsearch: {feed}:3: malformed JSON (Invalid control character at)",
                   f"vnsearch: {feed}:4: malformed JSON (Invalid control character at)",
                   f"vnsearch: {feed}:6: record has no text ('body' or 'text')",
                   f"vnsearch: {feed}: … and 3 more lines like it (malformed JSON (Invalid control character at))"]


def test_the_cap_counts_each_file_and_message_apart() -> None:
    cap = RepeatCap()
    first = [cap.admit(Problem(f"a.jsonl:{n}", "not UTF-8")) for n in range(1, 6)]
    other_file = [cap.admit(Problem(f"b.jsonl:{n}", "not UTF-8")) for n in range(1, 5)]
    other_message = cap.admit(Problem("a.jsonl:9", "a JSON line must be an object"))
    files = [cap.admit(Problem(f"tin/{n}.txt", "empty file")) for n in range(5)]  # one problem per file: all shown
    assert first == [True] * 3 + [False] * 2 and other_file == [True] * 3 + [False] and other_message
    assert all(files)
    assert cap.summary() == ["a.jsonl: … and 2 more lines like it (not UTF-8)",
                             "b.jsonl: … and 1 more line like it (not UTF-8)"]


def test_a_build_reports_a_binary_file_in_a_few_lines_and_counts_every_line(tmp_path) -> None:
    binary = tmp_path / "tin-nen.jsonl"
    binary.write_bytes(gzip.compress(SAMPLE.read_bytes(), mtime=0))
    lines = sum(1 for line in binary.read_bytes().split(b"\n") if line.strip())
    reported: list[str] = []
    summary = build_index([binary, CORPUS / OTHER], tmp_path / "ix", jobs=1, report=reported.append)
    assert summary.indexed == 1 and summary.skipped == lines  # every bad line counts as skipped
    assert reported == summary.errors and len(reported) < 10
    assert reported[-1].startswith(f"{binary}: … and ") and "more lines like it" in reported[-1]
    result = CliRunner().invoke(main, ["index", str(binary), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 1 and 1 < len(result.stderr.splitlines()) < 10


def test_a_file_name_or_record_that_is_not_text_still_goes_in(tmp_path) -> None:
    """A file name whose bytes are not UTF-8, a JSON id and title with a lone surrogate: whoosh cannot
    store those characters, and the worker that met one died with its whole batch."""
    src = tmp_path / "src"
    src.mkdir()
    page = (CORPUS / OTHER).read_text(encoding="utf-8")
    (src / os.fsdecode(b"tin-\xff.txt")).write_text(page, encoding="utf-8")
    (src / "tin.jsonl").write_text(json.dumps({"id": "ma-\ud800", "title": "Tin Bình Liêu \ud800",
                                               "body": page}) + "\n", encoding="utf-8")
    summary = build_index([src], tmp_path / "ix", jobs=1)
    assert summary.indexed == 2 and not summary.errors
    with Searcher(tmp_path / "ix") as s:
        assert {h.id for h in s.search("Bình Liêu").hits} == {"tin-\ufffd.txt", "ma-\ufffd"}
        assert s.get("ma-\ufffd").title == "Tin Bình Liêu \ufffd"
