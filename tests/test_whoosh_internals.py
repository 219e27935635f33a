"""The one module that reaches into whoosh's private names, tested on its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh.filedb.filestore import RamStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

from indexer.engine import whoosh_internals as wi

SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"


@pytest.fixture(scope="module")
def words() -> list[bytes]:
    """Every distinct word of the sample's real articles, as a term table's sorted keys."""
    text = " ".join(json.loads(line)["body"] for line in SAMPLE.read_text(encoding="utf-8").splitlines())
    return sorted({w.lower().encode("utf-8") for w in text.split()})


def test_the_pinned_whoosh_is_accepted() -> None:
    wi.check_version(wi.PINNED)


@pytest.mark.parametrize("found", [(2, 7, 4), (2, 7, 6), (3, 0, 0)])
def test_another_whoosh_is_refused_in_one_line_naming_the_pin(found) -> None:
    with pytest.raises(wi.WhooshVersionError) as caught:
        wi.check_version(found)
    message = str(caught.value)
    assert "\n" not in message
    assert "whoosh-reloaded==2.7.5" in message and ".".join(map(str, found)) in message


def test_the_command_under_another_whoosh_says_so_in_one_line() -> None:
    # The check runs as the command loads; a user sees its line, not a traceback.
    script = "import whoosh; whoosh.__version__ = (2, 7, 6); from search.__main__ import main; main()"
    done = subprocess.run([sys.executable, "-c", script, "search", "hà nội"], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "vnsearch: vnsearch needs whoosh-reloaded 2.7.5 (found 2.7.6): pip install 'whoosh-reloaded==2.7.5'"]


def _term_file(words: list[bytes], packed: bool) -> RamStorage:
    """A term table of ``words`` (each word's value its rank) written to "terms", packed or as whoosh keeps it."""
    storage = RamStorage()
    writer = OrderedHashWriter(storage.create_file("terms"))
    if packed:
        wi.pack_hash_buckets(writer)
    for n, word in enumerate(words):
        writer.add(word, n.to_bytes(4, "big"))
    writer.close()
    return storage


def test_packed_buckets_write_the_bytes_whoosh_writes(words) -> None:
    assert len(words) > 1000
    written = [_term_file(words, packed).open_file("terms").read() for packed in (True, False)]
    assert written[0] == written[1]


def test_a_packed_term_table_reads_back_every_key(words) -> None:
    reader = OrderedHashReader.open(_term_file(words, packed=True), "terms")
    assert all(reader[word] == n.to_bytes(4, "big") for n, word in enumerate(words))
    assert "thủ".encode() in words and reader.closest_key("thủ".encode()) == "thủ".encode()
    assert b"zzz-not-a-word" not in reader


def test_packed_buckets_hold_a_key_in_twelve_bytes(words) -> None:
    stock, packed = OrderedHashWriter(RamStorage().create_file("a")), OrderedHashWriter(RamStorage().create_file("b"))
    wi.pack_hash_buckets(packed)
    for writer in (stock, packed):
        for word in words:
            writer.add(word, b"")
    held = sum(b.hashes.itemsize * len(b.hashes) + b.positions.itemsize * len(b.positions) for b in packed.buckets)
    assert held == 12 * len(words)
    assert [list(b) for b in packed.buckets] == stock.buckets


def test_only_a_fresh_hash_writer_is_packed(words) -> None:
    writer = OrderedHashWriter(RamStorage().create_file("terms"))
    writer.add(words[0], b"")
    with pytest.raises(ValueError):
        wi.pack_hash_buckets(writer)


def test_an_inlined_entry_reads_back_as_whoosh_wrote_it_only_shorter() -> None:
    from indexer.engine.schema import make_schema

    # Real postings: a headline's exact syllables carry their positions as values (bytes).
    title = make_schema()["title"]
    postings = list(title.index("Đảng bộ xã Phú Thuận: đại hội Đảng bộ nhiệm kỳ 2020-2025"))
    assert any(freq > 1 for _, freq, _, _ in postings)
    for n, (term, _freq, weight, value) in enumerate(postings):
        for docnum, values in ((n, (value,)), (70_000 + n, ())):
            info = wi.W3TermInfo(weight, 1, 12, 12, weight, docnum, docnum)
            info.set_inlined((docnum,), (float(weight),), values)
            entry = wi.inlined_entry(info)
            back = wi.W3TermInfo.from_bytes(entry)
            assert back.inlined_postings() == ((docnum,), (weight,), values), term
            assert (back.weight(), back.doc_frequency(), back.min_id(), back.max_length()) == (weight, 1, docnum, 12)
            # the memo (6 bytes) and the float (7 more) are gone; a value no longer goes through codecs.encode
            assert len(entry) <= len(info.to_bytes()) - (13 if not values else 40)
    fraction = wi.W3TermInfo(1.5, 1, 12, 12, 1.5, 7, 7)
    fraction.set_inlined((7,), (1.5,), ())
    assert wi.W3TermInfo.from_bytes(wi.inlined_entry(fraction)).inlined_postings() == ((7,), (1.5,), ())


#: Names with a leading underscore that are public API (namedtuple's, and os._exit).
_PUBLIC_UNDERSCORED = {"_replace", "_asdict", "_fields", "_make", "_exit"}


def _own_modules() -> list[Path]:
    root = Path(wi.__file__).resolve().parents[2]
    return sorted(p for package in ("indexer", "search") for p in (root / package).rglob("*.py"))


def foreign_privates(sources: dict[str, str]) -> list[str]:
    """Underscored names the modules ``sources`` (name → code) reach that none of them defines:
    another library's private names (whoosh's, in this project)."""
    import ast

    trees = {name: ast.parse(code) for name, code in sources.items()}
    defined = set(_PUBLIC_UNDERSCORED)
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                defined.add(node.attr)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
    reached = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                reached += [f"{name}: {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_") and not a.name.startswith("__")]
            elif (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                  and node.attr not in defined):
                reached.append(f"{name}:{node.lineno}: .{node.attr}")
    return reached


def test_no_module_but_whoosh_internals_touches_a_private_name_of_whoosh() -> None:
    """Every private name of whoosh's is used in ``whoosh_internals``, checked against the pinned
    version; anywhere else, an underscored attribute must be one our own code defines."""
    fence = Path(wi.__file__).resolve()
    sources = {str(p.relative_to(fence.parents[2])): p.read_text(encoding="utf-8")
               for p in _own_modules() if p != fence}
    assert foreign_privates(sources) == []


def test_the_fence_check_names_a_private_name_read_or_imported() -> None:
    sources = {"a.py": "from whoosh.index import _DEF_INDEX_NAME\n\nclass Part:\n    def __init__(self):\n"
                       "        self._own = 1\n\n    def name(self, f):\n        return f._name, self._own\n"}
    assert foreign_privates(sources) == ["a.py: whoosh.index._DEF_INDEX_NAME", "a.py:8: ._name"]


def test_deleted_ids_number_a_later_segment_s_documents_after_the_earlier_ones() -> None:
    """A replaced article's old copy, in the second of two segments, by its number in the whole index."""
    from whoosh.fields import ID, TEXT, Schema

    ix = RamStorage().create_index(Schema(id=ID(stored=True, unique=True), body=TEXT))
    for batch in (("Bình Dương", "An Giang"), ("Kiên Giang", "Hải Dương")):
        with ix.writer() as w:
            for n, place in enumerate(batch):
                w.add_document(id=f"{batch[0]}-{n}", body=f"Đảng bộ tỉnh {place}")
    with ix.writer() as w:
        w.update_document(id="Kiên Giang-1", body="Đảng bộ tỉnh Hải Dương họp")
    with ix.reader() as reader:
        assert wi.deleted_ids(reader) == {3}
        assert reader.stored_fields(3)["id"] == "Kiên Giang-1" and reader.is_deleted(3)
