"""What an article's content hash covers: the code and data that made its document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from whoosh.fields import ID, KEYWORD

from indexer import schema

PACKAGE = Path(schema.__file__).parent


def test_every_module_that_makes_a_document_is_in_the_pipeline_version() -> None:
    # In a fresh interpreter: which of our modules does making a document load?
    code = ("import json, sys, indexer.reader, indexer.schema;"
            "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items() if n.startswith('indexer.'))))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                       cwd=PACKAGE.parent).stdout)
    names = {Path(f).relative_to(PACKAGE).as_posix() for f in loaded}
    assert "reader.py" in names and "places.py" in names
    assert names <= set(schema.PIPELINE_FILES)
    assert "data/gazetteer.tsv.gz" in schema.PIPELINE_FILES  # the places' data, read lazily


def test_the_pipeline_version_changes_with_any_of_its_files(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "indexer"
    for name in schema.PIPELINE_FILES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes((PACKAGE / name).read_bytes())
    monkeypatch.setattr(schema, "__file__", str(copy / "schema.py"))
    assert schema._pipeline_version() == schema.PIPELINE_VERSION
    reader = copy / "reader.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\n# a new reading rule\n", encoding="utf-8")
    assert schema._pipeline_version() != schema.PIPELINE_VERSION


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

    from indexer.reader import read_record

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
