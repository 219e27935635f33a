"""What an app embedding vnsearch imports: the names ``search`` and ``indexer`` export, lazily
loaded at run time and fully typed for the app's type checker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_packages_load_nothing_heavy_until_a_name_is_used() -> None:
    code = ("import sys, search, indexer; heavy = ('whoosh', 'underthesea'); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))); "
            "from search import Searcher; from indexer import build_index; "
            "print(Searcher.__module__, build_index.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.splitlines() == ["[]", "search.searcher indexer.build"]


def test_a_type_checker_sees_the_real_signatures(tmp_path: Path) -> None:
    """``from search import Searcher`` is the class, not ``Any``: the lazy ``__getattr__`` hid
    every signature from mypy before the exports were declared under ``TYPE_CHECKING``."""
    mypy = pytest.importorskip("mypy.api")
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent("""
        from indexer import build_index
        from search import Searcher

        with Searcher("news-index") as searcher:
            result = searcher.search("đảng viên", province="Bình Dương", limit="ten")
        summary = build_index(["corpus"], "news-index")
        reveal_type(summary)
    """), encoding="utf-8")
    env_path = os.environ.get("MYPYPATH")
    os.environ["MYPYPATH"] = str(ROOT)  # as if installed: an editable install's import hook is no path mypy reads
    try:
        out, _err, status = mypy.run(["--follow-imports=silent", "--no-incremental", str(app)])
    finally:
        os.environ.pop("MYPYPATH") if env_path is None else os.environ.__setitem__("MYPYPATH", env_path)
    assert status == 1, out
    assert 'Argument "limit" to "search" of "Searcher" has incompatible type "str"' in out
    assert 'Revealed type is "indexer.build.BuildSummary"' in out
