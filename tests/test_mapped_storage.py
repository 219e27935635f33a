"""The storage that reads compound segments through a memory map without copying them."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from indexer import build_index
from indexer.engine.mapped_storage import MappedFileStorage, _ViewReader
from indexer.engine.store import INDEX_NAME, open_index

FIXTURE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"
TEXT = "Đảng bộ xã Phú Thuận\nkhóa XII nhiệm kỳ 2015-2020\n\nThủ Dầu Một, Bình Dương".encode()


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mapped") / "ix"
    build_index([FIXTURE], folder, jobs=1)
    return folder


def test_view_reader_reads_like_a_file():
    view, ref = _ViewReader(memoryview(TEXT)), io.BytesIO(TEXT)
    for step in (lambda f: f.read(7), lambda f: f.readline(), lambda f: f.readline(3), lambda f: f.tell(),
                 lambda f: f.seek(-9, 2), lambda f: f.read(), lambda f: f.read(5), lambda f: f.seek(4),
                 lambda f: f.seek(6, 1), lambda f: f.readline(), lambda f: f.readline(), lambda f: f.read(-1)):
        assert step(view) == step(ref)


def test_parts_are_views_of_the_file_not_copies(tmp_path):
    path = tmp_path / "part.seg"
    path.write_bytes(b"head" + TEXT + b"tail")
    f = MappedFileStorage(str(tmp_path), "articles").open_file("part.seg")
    part = f.subset(4, len(TEXT))
    assert part.get(0, len("Đảng".encode())) == "Đảng".encode()
    with open(path, "r+b") as w:  # changed on disk after the part was opened
        w.seek(4)
        w.write(b"Dang".ljust(len("Đảng".encode()), b" "))
    # A copy would still hold the old bytes; a view of the map sees the file.
    assert part.get(0, 4) == b"Dang"
    inner = part.subset(len(TEXT) - len("Bình Dương".encode()), len("Bình Dương".encode()))
    assert inner.read().decode() == "Bình Dương"
    f.close()


def test_pickles_read_back_through_a_view(tmp_path):
    meta = {"tỉnh": "Bình Dương", "khóa": ["XII", "XIII"]}
    (tmp_path / "p.seg").write_bytes(b"xx" + pickle.dumps(meta, protocol=0) + pickle.dumps(meta))
    f = MappedFileStorage(str(tmp_path), "articles").open_file("p.seg")
    part = f.subset(2, (tmp_path / "p.seg").stat().st_size - 2)
    assert part.read_pickle() == meta  # protocol 0 reads by lines
    assert part.read_pickle() == meta


def test_an_index_reads_the_same_through_the_map(small_index):
    mapped = open_index(small_index)
    assert isinstance(mapped.storage, MappedFileStorage)
    stock = FileIndex(FileStorage(str(small_index)), indexname=INDEX_NAME)
    with mapped.reader() as a, stock.reader() as b:
        assert a.doc_count() == b.doc_count() == 12
        assert list(a.all_stored_fields()) == list(b.all_stored_fields())
        for fieldname in ("title", "body", "body_pair"):
            terms = list(b.lexicon(fieldname))
            assert terms and list(a.lexicon(fieldname)) == terms
            for text in terms[:: max(1, len(terms) // 50)]:
                assert list(a.postings(fieldname, text).items_as("frequency")) == \
                    list(b.postings(fieldname, text).items_as("frequency"))
