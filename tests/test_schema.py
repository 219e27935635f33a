"""The schema, and what an article's content hash covers: the version of the pipeline that made its document."""

from __future__ import annotations

import pipeline_probe
import pytest
from whoosh.fields import ID, KEYWORD

from indexer.engine import schema


def test_the_documents_of_the_bundled_probe_are_those_recorded_for_this_version() -> None:
    recorded = pipeline_probe.recorded()
    assert recorded["version"] == schema.PIPELINE_VERSION, \
        "PIPELINE_VERSION was bumped: record the probe (python tests/pipeline_probe.py --record)"
    assert pipeline_probe.digest(pipeline_probe.bundled_sources()) == recorded["bundled"], \
        "documents changed: bump PIPELINE_VERSION (indexer/engine/schema.py) and record the probe"


@pytest.mark.skipif(not pipeline_probe.DEVSET.is_dir(), reason="needs ../shared/devset")
def test_the_documents_of_the_devset_probe_are_those_recorded_for_this_version(tmp_path) -> None:
    recorded = pipeline_probe.recorded()
    assert recorded["version"] == schema.PIPELINE_VERSION
    assert pipeline_probe.digest(pipeline_probe.devset_sources(tmp_path)) == recorded["devset"], \
        "documents changed: bump PIPELINE_VERSION (indexer/engine/schema.py) and record the probe"


def test_the_probe_sees_a_change_in_place_reading_and_in_field_weights(monkeypatch) -> None:
    """The probe is only worth its digest if a change to what goes in the index changes it."""
    import indexer.articles.reader as reader

    seeds = [pipeline_probe.ROOT / "corpus"]
    before = pipeline_probe.digest(seeds)
    monkeypatch.setattr(reader, "find_places", lambda *args, **kwargs: ([], []))
    no_places = pipeline_probe.digest(seeds)
    monkeypatch.undo()
    monkeypatch.setattr(schema, "TITLE_BOOST", schema.TITLE_BOOST + 1)
    assert len({before, no_places, pipeline_probe.digest(seeds)}) == 3


def test_the_field_constants_are_the_schemas_fields_each_once() -> None:
    """Code names a field through schema's constants: one that named no field would look up nothing."""
    constants = {name: value for name, value in vars(schema).items()
                 if name.isupper() and isinstance(value, str) and name != "PIPELINE_VERSION"}
    assert sorted(constants.values()) == sorted(schema.make_schema().names())
    assert schema.HEADLINE_TWIN == {"body": "title", "body_fold": "title_fold", "body_pair": "title_pair"}


def test_schema_changes_name_added_removed_and_retyped_fields() -> None:
    current = schema.make_schema()
    assert schema.schema_changes(schema.make_schema(), current) == []
    old = schema.make_schema()
    old.remove("province_2025")
    old.remove("author")
    old.add("author", ID(stored=True))  # a field of the same name, of another type
    old.add("section", KEYWORD())
    assert sorted(schema.schema_changes(old, current)) == [
        "author is now KEYWORD, was ID", "province_2025 added", "section removed"]


LEAD = ("Sáng 12/3, Tỉnh ủy Bình Dương tổ chức hội nghị quán triệt Nghị quyết Trung ương 4 khóa XII về xây dựng, "
        "chỉnh đốn Đảng cho cán bộ chủ chốt của TP.Thủ Dầu Một và các huyện, thị xã trong tỉnh, với sự tham dự "
        "của Ban Thường vụ.")
BODY = LEAD + "\n\nHội nghị được tổ chức theo hình thức trực tuyến đến các điểm cầu cấp xã."


def test_an_article_without_headline_is_searched_by_its_lead_as_one() -> None:
    from whoosh.filedb.filestore import RamStorage
    from whoosh.query import Term

    from indexer.articles.reader import read_record

    ix = RamStorage().create_index(schema.make_schema())
    with ix.writer() as w:
        for record in ({"id": "untitled", "body": BODY},
                       {"id": "titled", "title": "Bình Dương: hội nghị cán bộ", "body": BODY}):
            w.add_document(**schema.document(read_record(record), "digest", record["id"]))
    with ix.searcher() as s:
        stand_in = s.document(id="untitled")
        assert stand_in["title"] == ""  # searched as the headline, never shown as one
        # the lead stands in for the headline only where there is none: "quán triệt" is in both bodies
        assert [s.stored_fields(n)["id"] for n in s.docs_for_query(Term("title_pair", "quan_triet"))] == ["untitled"]
        assert [s.stored_fields(n)["id"] for n in s.docs_for_query(Term("title", "thường"))] == []  # past the cut


def test_the_stand_in_is_the_leads_opening_cut_at_a_word() -> None:
    cut = schema.stand_in_title(BODY)
    assert LEAD.startswith(cut) and len(cut) <= schema.STAND_IN_CHARS < len(LEAD)
    assert LEAD[len(cut)] == " "  # whole words only
    assert schema.stand_in_title("Ngắn gọn.\n\nThân bài.") == "Ngắn gọn."
    assert schema.stand_in_title("") == ""
