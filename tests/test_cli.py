"""The search command line: a query is text however it starts, and every option explains itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers import windows_1258

from indexer import build_index
from search.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BINH_LIEU = "004_3071c7396e23f874.txt"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("index")
    assert build_index([CORPUS], target, jobs=1).indexed == 5
    return target


def _search(index_dir: Path, *args: str) -> dict:
    result = CliRunner().invoke(main, ["search", *args, "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _ids(data: dict) -> set[str]:
    return {h["id"] for h in data["hits"]}


def test_a_query_that_starts_with_an_exclusion_is_searched(index_dir) -> None:
    everything = _ids(_search(index_dir, "đảng"))
    assert BINH_LIEU in everything
    # Quoted exclusion first, as one argument and as the shell splits it.
    for args in (['-"Bình Liêu" đảng'], ['-"Bình Liêu"', "đảng"], ["-liêu", "đảng"]):
        data = _search(index_dir, *args)
        assert data["query"] == " ".join(args)
        assert _ids(data) == everything - {BINH_LIEU}, args


def test_options_still_work_before_between_and_after_the_words(index_dir) -> None:
    for args in (["-n", "1", "-liêu", "đảng"], ["-liêu", "--limit=1", "đảng"], ["-liêu", "đảng", "-n", "1"]):
        data = _search(index_dir, *args)
        assert data["query"] == "-liêu đảng" and len(data["hits"]) == 1 and data["hits"][0]["id"] != BINH_LIEU
    # An option's value is its value even when it starts with a dash, and a bad one is still refused.
    bad = CliRunner().invoke(main, ["search", "-liêu", "--since", "-2020", "--index", str(index_dir)])
    assert bad.exit_code == 1 and "'-2020' is not a date" in bad.output
    # Words after "--" are query text even when they look like options.
    after = CliRunner().invoke(main, ["search", "--index", str(index_dir), "--json", "--", "--limit", "đảng"])
    assert after.exit_code == 0 and json.loads(after.output)["query"] == "--limit đảng"


def test_a_real_process_takes_a_dashed_query(index_dir) -> None:
    run = subprocess.run([sys.executable, "-m", "search.cli", "search", '-"Bình Liêu"', "đảng", "--index",
                          str(index_dir), "--json"], capture_output=True, text=True, cwd=CORPUS.parent)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["hits"] and BINH_LIEU not in {h["id"] for h in data["hits"]}


def test_bad_arguments_are_one_line(index_dir) -> None:
    result = CliRunner().invoke(main, ["search", "đảng", "--limit", "0", "--index", str(index_dir)])
    assert result.exit_code == 2 and "--limit" in result.output


def _commands() -> list[tuple[str, click.Command]]:
    return [(name, command) for name, command in main.commands.items()]


def test_every_command_and_option_has_help_text() -> None:
    names = {name for name, _ in _commands()}
    assert {"search", "show", "stats", "index", "parse", "analyze"} <= names
    for name, command in _commands():
        assert command.help and len(command.help) > 20, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and len(param.help) > 10, (name, param.opts)


def test_search_help_explains_the_query_syntax() -> None:
    text = CliRunner().invoke(main, ["search", "--help"]).output
    for piece in ('province:"binh duong"', "term:2015-2020", "since:2020-01", '"xã Phú Thuận"', '-"Châu Thành"',
                  " OR ", "--district", "--json"):
        assert piece in text, piece


def test_a_ctrl_c_while_the_command_loads_is_one_line(monkeypatch, capsys):
    """Ctrl-C arriving while whoosh and underthesea load (simulated: importing the command raises it)."""
    import importlib.abc

    import search.__main__ as entry

    class CtrlC(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "search.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "search.cli")
    monkeypatch.setattr(sys, "meta_path", [CtrlC(), *sys.meta_path])
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "vnsearch: interrupted\n"


def test_the_command_starts_before_the_search_machinery_loads():
    # What a Ctrl-C can interrupt before the command can answer it: the entry module alone.
    loaded = subprocess.run([sys.executable, "-c", "import sys, search.__main__; "
                             "print(sorted(m for m in sys.modules "
                             "if m.split('.')[0] in ('whoosh', 'underthesea', 'click')))"],
                            capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


@pytest.mark.parametrize("args", [["show", b"tin-\xff.txt"], ["search", "Thủ Dầu Một", b"\xe1\xbb"],
                                  ["analyze", b"Th\xe1\xbb\xa7 D\xe1\xba\xa7u M\xff\xfe"]])
def test_an_argument_that_is_not_utf8_is_one_line(index_dir, args) -> None:
    # Bytes as a shell passes them ($'\xff'); Python hands them over as lone surrogates.
    more = ["--index", str(index_dir)] if args[0] != "analyze" else []
    run = subprocess.run([sys.executable, "-m", "search", *args, *more], capture_output=True, cwd=CORPUS.parent,
                         timeout=120)
    assert run.returncode == 2 and run.stdout == b""
    [line] = run.stderr.decode("utf-8").splitlines()
    bad = next(n for n, arg in enumerate(args, 1) if isinstance(arg, bytes))
    assert line.startswith(f"Error: argument {bad} is not valid UTF-8: '") and "\ufffd" in line, line


def test_standard_input_that_is_not_utf8_is_one_line_naming_it() -> None:
    text = "Đảng bộ xã Phú Thuận\nĐại hội nhiệm kỳ 2020-2025 "
    good = CliRunner().invoke(main, ["analyze", "-", "--json"], input=text.encode("utf-8"))
    assert good.exit_code == 0 and "Phú Thuận" in {t["text"] for t in json.loads(good.stdout)}
    bad = CliRunner().invoke(main, ["analyze", "-"], input=text.encode("utf-8") + b"\xff\xfe")
    assert bad.exit_code == 1 and bad.stdout == ""
    assert bad.stderr == "Error: standard input, line 2: not UTF-8\n"


def test_indexing_standard_input_still_reports_each_line_that_is_not_utf8(tmp_path) -> None:
    good = {"id": "tin-1", "title": "Đại hội Đảng bộ xã Phú Thuận",
            "body": "Xã Phú Thuận tổ chức đại hội Đảng bộ nhiệm kỳ 2020-2025."}
    lines = [json.dumps(good, ensure_ascii=False).encode("utf-8"),
             windows_1258('{"id": "tin-2", "body": "Huyện ủy Bình Liêu họp"}'),
             b'{"id": "tin-3", "body": "\xff\xfe"}']
    result = CliRunner().invoke(main, ["index", "-", "--index", str(tmp_path / "ix"), "-q", "-j", "1"],
                                input=b"\n".join(lines) + b"\n")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["vnsearch: <stdin>:2: not UTF-8", "vnsearch: <stdin>:3: not UTF-8"]
    assert _ids(_search(tmp_path / "ix", "phu thuan")) == {"tin-1"}


def test_each_test_has_a_home_of_its_own(own_home) -> None:
    # conftest.own_home: the default index is the test's own, whoever runs the suite and whatever they have
    from indexer.engine.store import default_index_dir

    assert "VNSEARCH_INDEX" not in os.environ
    assert default_index_dir() == own_home / ".local" / "share" / "vnsearch" / "index"
    assert Path("~").expanduser() == own_home
