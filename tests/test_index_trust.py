"""An index folder is data: one that asks to run code is refused in one line, and nothing runs.

whoosh keeps an index as pickles, and unpickling calls whatever a pickle names.
Each test here plants, in a real index of the bundled corpus, a pickle that
would create a marker file if it ever ran (``os.system``, as an attacker would
write it), at one of the places whoosh unpickles: the table of contents (its
schema, its segment list), the stored fields, the inlined postings of rare
terms and the posting blocks of common ones. Opening, searching and showing
must refuse with the folder named, and the marker must never appear.
"""

from __future__ import annotations

import io
import pickle
import shutil
from pathlib import Path

import pytest
import whoosh.index
from click.testing import CliRunner

import indexer.engine.whoosh_internals as wi
from indexer import build_index
from indexer.engine.store import INDEX_NAME, UnsafeIndex, open_index
from search import Searcher
from search.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED = "000_13d84c9b41a19287.txt"


def _payload(marker: Path) -> bytes:
    """A protocol-0 pickle that runs ``touch MARKER`` when loaded."""
    return b"cos\nsystem\n(V" + f"touch {marker}".encode() + b"\ntR."


class _Runs:
    """Pickles as the payload: planted through whoosh's own writers, where they pickle values."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        import os

        return os.system, (f"touch {self.marker}",)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    ix = tmp_path_factory.mktemp("trust") / "ix"
    build_index([CORPUS], ix, jobs=1)
    return ix


def _copy(clean: Path, tmp_path: Path) -> Path:
    ix = tmp_path / "evil"
    shutil.copytree(clean, ix)
    return ix


def _rewrite_toc(ix: Path, *, segments=None) -> None:
    storage = open_index(ix).storage
    toc = wi.read_toc(storage, INDEX_NAME)
    wi.write_toc(storage, INDEX_NAME, toc.schema, segments or toc.segments, toc.generation + 1)
    for old in ix.glob(f"_{INDEX_NAME}_{toc.generation}.toc"):
        old.unlink()


def _schema_runs(clean, tmp_path, marker):
    ix = _copy(clean, tmp_path)
    with pytest.MonkeyPatch.context() as patch:  # the schema is pickled by whoosh.index's pickle.dumps
        patch.setattr(whoosh.index.pickle, "dumps", lambda obj, protocol=None: _payload(marker))
        _rewrite_toc(ix)
    return ix


def _segment_list_runs(clean, tmp_path, marker):
    ix = _copy(clean, tmp_path)
    segments = wi.read_toc(open_index(ix).storage, INDEX_NAME).segments
    _rewrite_toc(ix, segments=[*segments, _Runs(marker)])
    return ix


def _stored_field_runs(clean, tmp_path, marker):
    ix = _copy(clean, tmp_path)
    writer = open_index(ix).writer()
    text = {f"{field}{kind}": "Thủ Dầu Một" for field in ("title", "body") for kind in ("", "_fold", "_pair")}
    writer.add_document(id="planted", hash="x", url=_Runs(marker), **text)
    writer.commit()
    return ix


def _built_with(monkeypatch, tmp_path, target, attribute, replacement):
    """An index of the corpus built while whoosh's or our codec's pickling is replaced."""
    monkeypatch.setattr(target, attribute, replacement)
    ix = tmp_path / "evil"
    build_index([CORPUS], ix, jobs=1)
    monkeypatch.undo()
    return ix


PLANTED = {
    "table of contents: schema": _schema_runs,
    "table of contents: segment list": _segment_list_runs,
    "stored fields": _stored_field_runs,
}


@pytest.mark.parametrize("plant", list(PLANTED), ids=list(PLANTED))
def test_a_planted_pickle_is_refused_and_never_runs(plant, clean, tmp_path) -> None:
    marker = tmp_path / "ran"
    ix = PLANTED[plant](clean, tmp_path, marker)
    assert not marker.exists()
    _refused_everywhere(ix, marker, query="Thủ Dầu Một", doc="planted" if "stored" in plant else SEED)


def test_planted_inlined_postings_are_refused(monkeypatch, clean, tmp_path) -> None:
    marker = tmp_path / "ran"
    size = wi.W3TermInfo._struct.size
    ix = _built_with(monkeypatch, tmp_path, wi, "inlined_entry",
                     lambda info: info.to_bytes()[:size] + _payload(marker))
    # "Bình Liêu" is in one article only: its terms are inlined.
    _refused_everywhere(ix, marker, query="Bình Liêu", doc=None)


def test_planted_posting_blocks_are_refused(monkeypatch, clean, tmp_path) -> None:
    marker = tmp_path / "ran"
    ix = _built_with(monkeypatch, tmp_path, wi.whoosh3, "dumps", lambda obj, protocol=None: _payload(marker))
    # "đảng" is in several articles: its postings are a block.
    _refused_everywhere(ix, marker, query="đảng", doc=None)


def test_an_old_table_of_contents_format_is_not_read(clean, tmp_path) -> None:
    """Older TOC versions go through whoosh's legacy loader, which unpickles anything: never used."""
    ix = _copy(clean, tmp_path)
    toc = next(ix.glob("*.toc"))
    data = bytearray(toc.read_bytes())
    version_at = 3 + 4  # three one-byte varints (int, long and float sizes), then the -12345 marker
    data[version_at:version_at + 4] = (-110).to_bytes(4, "big", signed=True)
    toc.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["stats", "--index", str(ix)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert str(ix) in result.output and "Traceback" not in result.output


def test_the_unpickler_loads_what_an_index_holds_and_refuses_the_rest() -> None:
    value = {"id": "x", "published": __import__("datetime").datetime(2020, 6, 22), "n": 2 ** 70, "b": b"\x00"}
    for protocol in (0, 2, 3, 5):
        assert wi.restricted_loads(pickle.dumps(value, protocol)) == value
    with pytest.raises(wi.ForbiddenPickle, match=r"it asks to load builtins\.eval"):
        wi.restricted_loads(pickle.dumps(eval))
    with pytest.raises(wi.ForbiddenPickle, match=r"os\.system"):
        wi.restricted_load(io.BytesIO(_payload(Path("/nonexistent"))))


def _refused_everywhere(ix: Path, marker: Path, *, query: str, doc: str | None) -> None:
    """Every way in refuses in one line naming the folder; the planted code never ran."""
    def refused(error: str) -> None:
        assert str(ix) in error and "not a vnsearch index" in error and "system" in error, error
        assert not marker.exists(), "the planted pickle ran"

    with pytest.raises(UnsafeIndex) as caught:
        with Searcher(ix) as s:
            s.search(query, limit=10, facets=True)
            if doc:
                s.get(doc)
    refused(str(caught.value))
    commands = [["search", query, "--index", str(ix)], ["stats", "--index", str(ix)]]
    if doc:
        commands.append(["show", doc, "--index", str(ix)])
    for args in commands:
        result = CliRunner().invoke(main, args)
        if args[0] == "stats" and result.exit_code == 0:
            continue  # stats reads no stored field or posting: a plant there is found by the reads that do
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.output, result.output
        refused(lines[0])
