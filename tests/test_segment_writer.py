"""The build's segment writer: our codec (rare terms inlined) and chunked sort runs, read back exactly
as stock whoosh writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from indexer import build_index
from indexer.articles.reader import read_record
from indexer.engine.codec import NewsCodec
from indexer.engine.schema import document
from indexer.engine.segment import segment_writer
from indexer.engine.store import new_index, open_index
from search import Searcher

SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    """The sample's records as documents, read and segmented once for the module."""
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [document(read_record(r), f"hash{i}", r["id"]) for i, r in enumerate(records)]


def _build(path: Path, codec, docs: list[dict], limitmb: int = 128):
    ix = new_index(path)
    writer = SegmentWriter(ix, codec=codec) if codec else segment_writer(ix, limitmb=limitmb)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return open_index(path)


@pytest.fixture(scope="module")
def pair(tmp_path_factory, documents):
    root = tmp_path_factory.mktemp("codec")
    return _build(root / "stock", W3Codec(), documents), _build(root / "news", NewsCodec(), documents)


@pytest.fixture(scope="module")
def spilled(tmp_path_factory, pair, documents):
    """Built by the build's writer with a 1 MB sort buffer: many runs spilled to disk and merged."""
    stock, _ = pair
    ix = _build(tmp_path_factory.mktemp("spilled") / "ix", None, documents, limitmb=1)
    assert len(ix._segments()) == 1
    return stock, ix


@pytest.mark.parametrize("which", ["pair", "spilled"])
def test_postings_lengths_and_scores_match_the_stock_writer(which, request):
    stock, news = request.getfixturevalue(which)
    with stock.searcher() as s1, news.searcher() as s2:
        r1, r2 = s1.reader(), s2.reader()
        terms = list(r1.all_terms())
        assert terms == list(r2.all_terms())
        assert len(terms) > 5000
        for fieldname, text in terms:
            assert (list(r1.postings(fieldname, text).items_as("weight"))
                    == list(r2.postings(fieldname, text).items_as("weight")))
        for docnum in range(r1.doc_count_all()):
            for fieldname in ("title", "body", "body_fold", "body_pair", "spell"):
                assert r1.doc_field_length(docnum, fieldname) == r2.doc_field_length(docnum, fieldname)
        assert r1.stored_fields(3) == r2.stored_fields(3)


def test_most_terms_of_real_articles_are_inlined(pair):
    _, news = pair
    with news.reader() as reader:
        infos = [reader.term_info(f, t) for f, t in reader.all_terms() if f == "body_pair"]
    inlined = sum(info.is_inlined() for info in infos)
    assert inlined / len(infos) > 0.5
    assert all(info.doc_frequency() == 1 for info in infos if info.is_inlined())


def test_search_ranks_alike_on_both_codecs(pair):
    stock, news = pair
    with Searcher(stock.storage.folder) as s1, Searcher(news.storage.folder) as s2:
        for query in ("thuế doanh nghiệp", "doanh nghiep giai the", '"thất thu"'):
            hits = [[h.id for h in s.search(query, limit=10).hits] for s in (s1, s2)]
            assert hits[0] == hits[1]
            assert hits[0]


def test_an_index_written_by_the_stock_codec_takes_new_articles(tmp_path, documents):
    docs = documents
    target = tmp_path / "index"
    _build(target, W3Codec(), docs[:6])
    source = tmp_path / "more.jsonl"
    source.write_text("".join(line + "\n" for line in SAMPLE.read_text(encoding="utf-8").splitlines()[6:]),
                      encoding="utf-8")
    summary = build_index([source], target, jobs=2)
    assert summary.indexed == len(docs) - 6
    with open_index(target).searcher() as searcher:
        assert searcher.doc_count() == len(docs)
        ids = {searcher.stored_fields(n)["id"] for n in searcher.reader().all_doc_ids()}
    assert ids == {d["id"] for d in docs}


def test_counted_fields_give_the_postings_whoosh_would(documents):
    from whoosh.fields import TEXT

    from indexer.engine.schema import make_schema

    schema = make_schema()
    text = documents[0]["body"] + " Hoà hòa HÒA hoà"
    for name in ("body", "body_fold", "body_pair", "title_pair"):
        field = schema[name]
        stock = TEXT(analyzer=field.analyzer, phrase=False, field_boost=field.format.field_boost)
        assert sorted(field.index(text)) == sorted(stock.index(text))
        assert len(list(field.index(text))) > 100
