"""The query module over an index of the five seed articles (and a few made-up records)."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import build_index
from indexer.analysis import syllables
from indexer.text import fold, normalize
from search import QueryError, Searcher
from search.cli import main
from search.query import parse, scoring

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED = {
    "tdm": "000_13d84c9b41a19287.txt",
    "phu_thuan": "001_a36aec72562ed300.txt",
    "viet_tri": "002_12b90e3edf959f26.txt",
    "khoi": "003_f95d50a095e536ad.txt",
    "binh_lieu": "004_3071c7396e23f874.txt",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("index")
    summary = build_index([CORPUS], target, jobs=2)
    assert summary.indexed == 5 and summary.skipped == 0
    return target


@pytest.fixture(scope="module")
def searcher(index_dir):
    with Searcher(index_dir) as s:
        yield s


def first(searcher: Searcher, query: str, **filters) -> str | None:
    hits = searcher.search(query, **filters).hits
    return hits[0].id if hits else None


def ids(searcher: Searcher, query: str, **filters) -> set[str]:
    """The answer set: the hits that hold every word (partial matches, marked ``missing``, may follow)."""
    result = searcher.search(query, limit=50, **filters)
    held = {h.id for h in result.hits if not h.missing}
    assert len(held) == result.total
    return held


@pytest.mark.parametrize("query", [
    "Thủ Dầu Một", "thủ dầu một", "thu dau mot", "THU DAU MOT", "TP.Thủ Dầu Một", "Tp Thu Dau Mot",
    unicodedata.normalize("NFD", "Thủ Dầu Một"), "Thu Dau Mot đảng viên",
])
def test_place_typed_any_way_finds_its_article_first(searcher, query) -> None:
    assert first(searcher, query) == SEED["tdm"]


@pytest.mark.parametrize("query, seed", [
    ("Bình Liêu", "binh_lieu"), ("binh lieu", "binh_lieu"), ("xã Phú Thuận", "phu_thuan"),
    ("phu thuan thoai son", "phu_thuan"), ("Việt Trì Hùng Lô", "viet_tri"), ("viet tri hung lo", "viet_tri"),
    ("Khối các cơ quan tỉnh", "khoi"), ("khoi cac co quan tinh", "khoi"),
    ("Nghị quyết số 04-NQ/TW", "phu_thuan"), ("2952-CV/BTCTW", "phu_thuan"),
    # a remembered passage, as written and in other forms
    ("tăng 1.885 đảng viên so với đầu nhiệm kỳ", "tdm"),
    ("tang 1.885 dang vien so voi dau nhiem ky", "tdm"),
    ("đăng ký xây dựng thôn NTM tại bản Khe Tiền", "binh_lieu"),
    ("dang ky xay dung thon NTM tai ban Khe Tien", "binh_lieu"),
])
def test_query_forms_find_the_right_article_first(searcher, query, seed) -> None:
    assert first(searcher, query) == SEED[seed]


def test_other_tone_placement_meets_the_text(searcher) -> None:
    # Seed 004 writes "khoá XII" and "cấp uỷ"; the query uses the other style.
    assert SEED["binh_lieu"] in ids(searcher, '"Nghị quyết T.Ư 4 (khóa XII)"')
    assert ids(searcher, '"cấp ủy các cấp kịp thời ngăn chặn"') == {SEED["binh_lieu"]}
    assert ids(searcher, '"cấp uỷ các cấp kịp thời ngăn chặn"') == {SEED["binh_lieu"]}


def test_quoted_phrase_is_required_and_excluded_words_exclude(searcher) -> None:
    assert ids(searcher, '"xã Đồng Văn"') == {SEED["binh_lieu"]}
    assert ids(searcher, '"xa dong van"') == {SEED["binh_lieu"]}
    assert SEED["binh_lieu"] not in ids(searcher, "đảng viên -\"Bình Liêu\"")
    assert ids(searcher, '"Hùng Lô" OR "Đồng Văn"') == {SEED["viet_tri"], SEED["binh_lieu"]}


def test_filters_narrow(searcher) -> None:
    everything = ids(searcher, "đảng viên")
    assert len(everything) == 5
    assert ids(searcher, "đảng viên", province="binh duong") == {SEED["tdm"]}
    assert ids(searcher, "đảng viên", province="Bình Dương") == {SEED["tdm"]}
    assert ids(searcher, "đảng viên", province="Quảng Ninh") == {SEED["binh_lieu"]}
    assert ids(searcher, "đảng viên", district="huyện Bình Liêu") == {SEED["binh_lieu"]}
    # Seed 002 is about TP Việt Trì; its xã Hùng Lô is one of the places it names.
    assert SEED["viet_tri"] in ids(searcher, "đảng viên", district="Việt Trì")
    assert SEED["viet_tri"] not in ids(searcher, "đảng viên", commune="Hùng Lô")
    assert SEED["viet_tri"] in ids(searcher, "đảng viên", mentions="Hùng Lô")
    assert SEED["viet_tri"] in ids(searcher, "đảng viên", mentions="phu tho")  # named, and about it
    assert ids(searcher, "đảng viên", since="2020-07-01") == {SEED["khoi"], SEED["viet_tri"]}
    assert ids(searcher, "đảng viên", until="31/12/2017") == {SEED["binh_lieu"]}
    assert ids(searcher, "đảng viên", since="2020-01-01", until="2020-12-31") == {SEED["tdm"], SEED["khoi"]}
    assert SEED["khoi"] in ids(searcher, "đảng viên", term="2015-2020")
    assert SEED["phu_thuan"] in ids(searcher, "đảng viên", term="khoa xii")
    assert SEED["phu_thuan"] in ids(searcher, "đảng viên", term="Khóa 12")
    assert SEED["tdm"] in ids(searcher, "đảng viên", year=2018)  # nhiệm kỳ 2015-2020 covers 2018
    assert ids(searcher, "đảng viên", author="Thu Thảo") == {SEED["tdm"]}


def test_filter_inside_the_query(searcher) -> None:
    assert ids(searcher, 'đảng viên province:"binh duong"') == {SEED["tdm"]}


def test_new_province_finds_old_articles(searcher) -> None:
    # Bình Dương became part of Hồ Chí Minh City in 2025.
    assert SEED["tdm"] in ids(searcher, "đảng viên", province="Hồ Chí Minh")


def test_sort_by_date(searcher) -> None:
    hits = searcher.search("đảng viên", sort="date", limit=5).hits
    dates = [h.published for h in hits if h.published]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4


def test_snippets_quote_the_original_text_and_mark_matches(searcher) -> None:
    hit = searcher.search("dang vien", limit=1).hits[0]
    body = searcher.get(hit.id).body
    assert 1 <= len(hit.snippets) <= 3
    marked = []
    for snippet in hit.snippets:
        assert snippet.text in body
        for start, end in snippet.highlights:
            marked.append(snippet.text[start:end])
    assert marked
    assert all(set(fold(m).split()) <= {"dang", "vien"} for m in marked)
    assert any(m.lower() == "đảng viên" for m in marked)


@pytest.mark.parametrize("query", ["nghị quyết 2020 đảng", "nghi quyet 2020 dang"])
def test_a_number_is_searched_as_typed_whatever_the_words_around_it(searcher, query) -> None:
    # A number has no accents to fold: it scores on the exact fields at full weight.
    terms = set(scoring(parse(query)).iter_all_terms())
    assert ("body", "2020") in terms and ("body_fold", "2020") not in terms
    number = searcher.search("2020", limit=50)
    assert {h.id for h in number.hits} == {SEED["phu_thuan"], SEED["binh_lieu"]}
    assert all(s.text[a:b] == "2020" for h in number.hits for s in h.snippets for a, b in s.highlights)


def test_stored_bodies_are_normalised_so_the_highlighter_can_match_them_as_they_are(searcher) -> None:
    for seed in SEED.values():
        body = searcher.get(seed).body
        assert body == normalize(body)
    # Seed 004 writes "khoá XII"; either tone style in the query marks it.
    for query in ("khoá XII", "khóa XII", "khoa xii"):
        hit = searcher.search(query, limit=1, province="Quảng Ninh").hits[0]
        marked = {fold(s.text[a:b]) for s in hit.snippets for a, b in s.highlights}
        assert "khoa xii" in marked


def test_snippets_of_a_long_text_mark_every_match_inside_them() -> None:
    from search.answer import Sequence
    from search.highlight import matched_spans, snippets
    from search.highlight import matcher as marks

    text = " ".join(["Đảng viên ở xã Đồng Văn tham gia sinh hoạt chi bộ.", "Các hộ dân đăng ký làm nhà."] * 400)
    words = [Sequence(tuple(syllables(w)), w) for w in ("đảng", "vien", "xa")]
    matcher = marks(w.source for w in words)
    spans = matched_spans(text, matcher)
    chosen = snippets(text, matcher, 3)
    assert len(chosen) == 3
    for snippet in chosen:
        lo = text.index(snippet.text)
        inside = [(s - lo, e - lo) for s, e, _ in spans if s >= lo and e <= lo + len(snippet.text)]
        assert snippet.highlights == inside and inside


def test_exact_diacritics_do_not_drown_in_lookalikes(tmp_path) -> None:
    records = [
        {"id": "dang", "title": "Đang học bài", "body": "Các em đang học bài ở trường và đang chờ kết quả."},
        {"id": "dảng", "title": "Chi bộ", "body": "Chi bộ kết nạp một đảng viên mới trong tháng này."},
    ]
    source = tmp_path / "records.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    build_index([source], tmp_path / "ix", jobs=1)
    with Searcher(tmp_path / "ix") as s:
        assert ids(s, "đảng") == {"dảng"}
        assert ids(s, "đang") == {"dang"}
        assert ids(s, "dang") == {"dang", "dảng"}


def test_did_you_mean(searcher) -> None:
    assert searcher.search("thu dau mot").suggestion == "Thủ Dầu Một"
    assert searcher.search("dang vien").suggestion.lower() == "đảng viên"
    assert searcher.search("nghi quyet trung uong").suggestion.lower() == "nghị quyết trung ương"
    assert searcher.search("Thủ Dầu Một").suggestion is None


def test_misspelling_is_corrected(searcher) -> None:
    result = searcher.search("Bình Liêuu")
    assert result.suggestion == "Bình Liêu"


def test_suggestion_rewrites_only_the_searched_words(searcher) -> None:
    # Exclusions, quotes, OR and filters stay exactly as typed; only searched syllables change.
    assert searcher.search("hoi nghi -tinh uy").suggestion == "hội nghị -tinh ủy"
    assert searcher.search('thu dau mot -"binh lieu"').suggestion == 'Thủ Dầu Một -"binh lieu"'
    assert (searcher.search('"dang vien" OR "thu dau mot" province:"binh duong"').suggestion
            == '"đảng viên" OR "Thủ Dầu Một" province:"binh duong"')
    assert searcher.search('Bình Liêuu -"xã Đồng Văn"').suggestion == 'Bình Liêu -"xã Đồng Văn"'


@pytest.mark.parametrize("query", ['"unbalanced', "(brackets]", "-", "AND AND", "OR", "x" * 5000,
                                   "đảng\x00viên\x1b[31m", '""', "-\"\"", "province:", "::::",
                                   "a" * 100 + " " + "b " * 3000])
def test_odd_queries_never_raise(searcher, query) -> None:
    result = searcher.search(query)
    assert result.total >= 0


def test_unbalanced_quote_still_searches(searcher) -> None:
    assert first(searcher, '"xã Đồng Văn') == SEED["binh_lieu"]


def test_bad_filter_is_a_clear_error(searcher) -> None:
    with pytest.raises(QueryError, match="not a date"):
        searcher.search("đảng viên", since="hôm qua")


def test_facets_count_matches(searcher) -> None:
    result = searcher.search("đảng viên", facets=True, limit=50)
    facets = result.facets
    # Bình Dương is part of Hồ Chí Minh since 2025: each naming has its own facet.
    assert facets["province"]["Bình Dương"] == 1 and "Hồ Chí Minh" not in facets["province"]
    assert facets["province_2025"]["Hồ Chí Minh"] == 1 and "Bình Dương" not in facets["province_2025"]
    # Each facet counts an article once per province it is about (the pre-2025 one, the 2025 one).
    for facet, naming in (("province", "province"), ("province_2025", "province_2025")):
        named = sum(len({loc[naming] for loc in hit.about}) for hit in result.hits)
        assert sum(facets[facet].values()) == named, facet
    assert sum(facets["year"].values()) == 4
    assert facets["term"]["2015-2020"] >= 2
    # Facets count within the date window too.
    windowed = searcher.search("đảng viên", since="2020-07-01", facets=True).facets
    assert sum(windowed["year"].values()) == 2 and set(windowed["year"]) == {"2020", "2022"}
    assert windowed["province"]["Phú Thọ"] == 1 and "Bình Dương" not in windowed["province"]


@pytest.mark.parametrize("query, filters", [
    ("đảng viên", {}), ('dang vien -"Bình Liêu"', {}), ("2020", {}), ("đảng viên", {"since": "2020-07-01"}),
    ("đảng viên", {"province": "Quảng Ninh"}), ("phát triển kinh tế", {"offset": 2}), ("Bình Liêu", {}),
])
def test_the_total_is_every_match_counted(searcher, query, filters) -> None:
    # The first phase counts every match in its one pass, with or without facets
    # (the second counts them apart), however few hits are asked for.
    matching = ids(searcher, query, **{k: v for k, v in filters.items() if k != "offset"})
    for facets in (False, True):
        result = searcher.search(query, limit=1, facets=facets, **filters)
        assert result.total == len(matching)
    assert sum(result.facets["year"].values()) <= result.total


def test_cli_json_shape(index_dir) -> None:
    out = CliRunner().invoke(main, ["search", "dang vien", "--index", str(index_dir), "--json", "--facets"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) == {"query", "total", "total_exact", "partial_total", "partial_exact", "suggestion", "facets",
                         "hits"}
    assert data["total_exact"] is True and data["partial_exact"] is False
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "score", "published", "about", "mentions", "places", "terms", "url", "snippets",
                        "title_highlights", "missing"}
    for snippet in hit["snippets"]:
        for start, end in snippet["highlights"]:
            assert fold(snippet["text"][start:end]).split()[0] in {"dang", "vien"}


def test_cli_html_and_text(index_dir) -> None:
    html = CliRunner().invoke(main, ["search", "Bình Liêu", "--index", str(index_dir), "--format", "html"])
    assert "<mark>Bình Liêu</mark>" in html.output
    text = CliRunner().invoke(main, ["search", "Bình Liêu", "--index", str(index_dir)])
    assert "[Bình Liêu]" in text.output and text.exit_code == 0
    # Both state the count the same way: singular, and "about" only for an estimate.
    assert ('<p class="count">1 article holds every word of <q>Bình Liêu</q></p>' in html.output
            and "1 article holds every word of 'Bình Liêu'" in text.output)
    counted = CliRunner().invoke(main, ["search", "đảng viên", "-n", "1", "--index", str(index_dir),
                                        "--format", "html"])
    assert '<p class="count">5 articles hold every word of' in counted.output


def test_cli_names_a_missing_index_and_how_to_build_it(tmp_path) -> None:
    missing = tmp_path / "nowhere"
    out = CliRunner().invoke(main, ["search", "x", "--index", str(missing)])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert f"no index in {missing}" in out.output and "vnsearch index SOURCE" in out.output
    assert not missing.exists()


def test_cli_show_and_bad_input(index_dir) -> None:
    shown = CliRunner().invoke(main, ["show", SEED["binh_lieu"], "--index", str(index_dir)])
    assert shown.exit_code == 0 and "Bình Liêu: Lãnh đạo toàn diện, đổi mới" in shown.output
    missing = CliRunner().invoke(main, ["show", "nope", "--index", str(index_dir)])
    assert missing.exit_code == 1 and "no article" in missing.output
    bad = CliRunner().invoke(main, ["search", "x", "--index", str(index_dir), "--since", "tomorrow"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output and "not a date" in bad.output


def test_searcher_is_safe_across_threads(searcher) -> None:
    from concurrent.futures import ThreadPoolExecutor

    queries = ["thu dau mot", "Bình Liêu", "phu thuan", "Việt Trì"] * 5
    with ThreadPoolExecutor(4) as pool:
        firsts = list(pool.map(lambda q: first(searcher, q), queries))
    assert firsts == [first(searcher, q) for q in queries]


def test_first_search_builds_the_default_index_from_the_bundled_corpus(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VNSEARCH_INDEX", str(tmp_path / "default-index"))
    first_run = CliRunner().invoke(main, ["search", "dang vien Thu Dau Mot", "--json"])
    assert first_run.exit_code == 0, first_run.output
    assert "bundled corpus" in first_run.stderr
    data = json.loads(first_run.stdout)
    assert data["hits"][0]["id"] == SEED["tdm"]
    assert data["suggestion"] == "đảng viên Thủ Dầu Một"
    again = CliRunner().invoke(main, ["search", "Bình Liêu", "--json"])
    assert "bundled corpus" not in again.stderr
    assert json.loads(again.stdout)["hits"][0]["id"] == SEED["binh_lieu"]


def test_a_build_committed_after_a_search_is_seen_by_the_next_one(index_dir, tmp_path) -> None:
    live = tmp_path / "live"
    shutil.copytree(index_dir, live)
    feed = tmp_path / "new.jsonl"
    feed.write_text(json.dumps({"id": "moi-1", "title": "Hòa Bình: lũ quét cuốn trôi cầu tràn",
                                "body": "Mưa lớn gây lũ quét tại huyện Mai Châu, tỉnh Hòa Bình."},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    with Searcher(live) as searcher:
        assert searcher.search('"lũ quét"').total == 0
        assert build_index([feed], live, jobs=1).indexed == 1
        # the same thread's next calls: the new article, and the old segments still readable
        assert [h.id for h in searcher.search('"lũ quét"').hits] == ["moi-1"]
        assert searcher.get(SEED["tdm"]).title.startswith("Đảng bộ Tp.Thủ Dầu Một")


def test_marks_are_whole_words_of_the_query_never_stray_syllables(tmp_path) -> None:
    """'giao thong' marked the 'giáo' of 'cô giáo' and the 'thống' of 'hệ thống'; a mark is now a whole word."""
    source = tmp_path / "news.jsonl"
    body = ("Cô giáo Lan dạy ở xã Phú Thuận. Hệ thống giao thông nông thôn được nâng cấp, "
            "an toàn giao thông được bảo đảm.")
    source.write_text(json.dumps({"id": "gt", "title": "Giao thông nông thôn", "body": body},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    build_index([source], tmp_path / "ix", jobs=1)
    with Searcher(tmp_path / "ix") as s:
        hit = s.search("giao thong").hits[0]
        marks = {sn.text[a:b] for sn in hit.snippets for a, b in sn.highlights}
        assert marks == {"giao thông"}
        assert [hit.title[a:b] for a, b in hit.title_highlights] == ["Giao thông"]
        assert s.marks("giao thong", body) == [(m.start(), m.end()) for m in re.finditer("giao thông", body)]
