"""The benchmark harness itself: metrics, query builders, baselines on a tiny collection.

Needs neither the devset nor tantivy (what needs tantivy is skipped without it).
Nothing here times anything.
"""

from __future__ import annotations

import math
import random
import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, quality  # noqa: E402
from bench.quality import (  # noqa: E402
    Query,
    evaluate,
    first_words,
    known_item_queries,
    mrr_at_k,
    nfd,
    passage_windows,
    pick_passage,
    recall_at_k,
    slug_words,
    switch_tones,
    unaccented,
    whoosh_escape,
)

DANTRI_URL = ("https://dantri.com.vn/kinh-doanh/nganh-thue-that-thu-vi-hang-chuc-ngan-doanh-nghiep-chet-yeu-"
              "20201001130442778.htm")

ARTICLES = [
    {
        "id": "thue",
        "title": "",
        "url": DANTRI_URL,
        "body": "Bình quân mỗi tháng cả nước có hơn 8.700 doanh nghiệp rút khỏi thị trường.\n"
                "Ngày 1/10, ông Lê Duy Minh, Cục trưởng Cục Thuế TPHCM cho biết số thu ngân sách giảm mạnh.",
        "province_of_source": "",
    },
    {
        "id": "hoa-binh",
        "title": "Khánh thành cầu mới ở tỉnh Hòa Bình",
        "url": "",
        "body": "Sáng nay, tỉnh Hòa Bình khánh thành cây cầu bắc qua sông Đà, giúp người dân đi lại thuận tiện.\n"
                "Công trình có tổng vốn đầu tư hơn 200 tỷ đồng.",
        "province_of_source": "Hòa Bình",
    },
    {
        "id": "thanh-hoa",
        "title": "Thanh Hóa: mưa lớn gây ngập úng nhiều huyện",
        "url": "",
        "body": "Mưa lớn kéo dài khiến nhiều tuyến đường ở Thanh Hóa bị ngập úng, người dân phải sơ tán.\n"
                "Chính quyền địa phương đang khắc phục hậu quả, bảo đảm sức khỏe cho bà con.",
        "province_of_source": "Thanh Hóa",
    },
    {
        "id": "y-te",
        "title": "Thủy thủ được cứu sống sau ba ngày trên biển",
        "url": "",
        "body": "Các bác sĩ cho biết sức khỏe của thủy thủ đã ổn định sau khi được đưa vào bờ.\n"
                "Gia đình anh bày tỏ lòng biết ơn với lực lượng cứu hộ.",
        "province_of_source": "",
    },
]


def records():
    """The articles as the harness reads them (``article`` keeps a non-empty ``province_of_source``)."""
    return [common.article(a) for a in ARTICLES]


# --- metrics -------------------------------------------------------------------------


def test_mrr_is_one_over_the_rank_of_the_first_right_answer():
    assert mrr_at_k(["a", "b", "c"], {"a"}) == 1.0
    assert mrr_at_k(["a", "b", "c"], {"c"}) == pytest.approx(1 / 3)
    assert mrr_at_k(["a", "b", "c"], {"b", "c"}) == 0.5
    assert mrr_at_k(["a", "b"], {"z"}) == 0.0
    assert mrr_at_k([], {"a"}) == 0.0


def test_mrr_only_counts_the_top_ten():
    ranking = [f"d{i}" for i in range(1, 16)]
    assert mrr_at_k(ranking, {"d10"}) == pytest.approx(0.1)
    assert mrr_at_k(ranking, {"d11"}) == 0.0


def test_recall_at_ten():
    assert recall_at_k(["a", "b", "c"], {"a"}) == 1.0
    assert recall_at_k(["a", "b", "c"], {"a", "c", "x", "y"}) == 0.5
    assert recall_at_k(["x"], {"a"}) == 0.0
    # more right answers than fit in the top ten: ten found is full recall
    relevant = {f"d{i}" for i in range(20)}
    assert recall_at_k([f"d{i}" for i in range(10)], relevant) == 1.0
    assert recall_at_k([f"d{i}" for i in range(5)] + ["z"] * 5, relevant) == 0.5
    assert recall_at_k([f"d{i}" for i in range(12)], {"d11"}) == 0.0


def test_evaluate_averages_per_kind():
    rankings = {"q1": ["a", "b"], "q2": ["x", "a"], "q3": ["x", "y"], "q4": ["a", "b", "c"]}

    class Fake:
        def search(self, query, limit=10):
            return rankings[query]

    queries = [Query("passage", "q1", frozenset("a")), Query("passage", "q2", frozenset("a")),
               Query("unaccented", "q3", frozenset("a")), Query("locality", "q4", frozenset("bcz"))]
    r = evaluate(Fake(), queries)
    assert r["kinds"]["passage"] == {"mrr": 0.75, "recall": 1.0, "n": 2}
    assert r["kinds"]["unaccented"]["mrr"] == 0.0
    assert r["kinds"]["locality"]["mrr"] == 0.5
    assert r["kinds"]["locality"]["recall"] == pytest.approx(2 / 3)
    assert r["unaccented_ratio"] == 0.0
    assert r["errors"] == 0


def test_evaluate_gives_each_reciprocal_rank_in_query_order_when_asked():
    rankings = {"q1": ["x", "a"], "q2": ["a"], "q3": ["y"]}

    class Fake:
        def search(self, query, limit=10):
            return rankings[query]

    queries = [Query("slug", "q1", frozenset("a")), Query("passage", "q2", frozenset("a")),
               Query("slug", "q3", frozenset("a"))]
    assert evaluate(Fake(), queries, each=True)["rr"] == [0.5, 1.0, 0.0]
    assert "rr" not in evaluate(Fake(), queries)


def test_slug_queries_are_split_by_whether_their_article_holds_every_word():
    from bench.curve import holds_every_word

    slug = quality.slug_words(DANTRI_URL)
    queries = [Query("slug", slug, frozenset(["thue"])),                      # "nganh", "chet", "yeu" are not in it
               Query("slug5", "doanh nghiep rut khoi thi", frozenset(["thue"])),  # every word is, unaccented
               Query("title", "Khánh thành cầu mới", frozenset(["hoa-binh"]))]
    assert holds_every_word(queries, records()) == [False, True, None]


def test_evaluate_counts_a_raising_query_as_a_miss():
    class Broken:
        def search(self, query, limit=10):
            raise ValueError("boom")

    r = evaluate(Broken(), [Query("title", "x", frozenset("a"))])
    assert r["kinds"]["title"]["mrr"] == 0.0 and r["errors"] == 1 and "boom" in r["first_error"]


# --- query builders ------------------------------------------------------------------


def test_slug_from_a_real_dantri_url():
    assert slug_words(DANTRI_URL) == "nganh thue that thu vi hang chuc ngan doanh nghiep chet yeu"
    assert slug_words("https://dantri.com.vn/xa-hoi/ha-noi-co-them-5-quan-vao-nam-2025-20210415101010101.htm") == \
        "ha noi co them 5 quan vao nam 2025"
    assert slug_words("http://www.baomoi.com/a/c/21395276.epi") is None
    assert slug_words("") is None


def test_first_five_words():
    assert first_words(slug_words(DANTRI_URL)) == "nganh thue that thu vi"
    assert first_words("chỉ ba từ thôi", 5) == "chỉ ba từ thôi"


def test_unaccented_has_no_diacritics():
    text = "Đảng viên Thủ Dầu Một, khoẻ mạnh: Ư Ơ Ă Â Ê Ô"
    out = unaccented(text)
    assert out.isascii()
    assert out == "dang vien thu dau mot, khoe manh: u o a a e o"
    assert unaccented(nfd(text)) == out


def test_nfd_really_differs_and_normalises_back():
    text = "Cục trưởng Cục Thuế TPHCM cho biết"
    decomposed = nfd(text)
    assert decomposed != text
    assert len(decomposed) > len(text)
    assert any(unicodedata.combining(c) for c in decomposed)
    assert unicodedata.normalize("NFC", decomposed) == text


@pytest.mark.parametrize("new, old", [
    ("hòa", "hoà"), ("khỏe", "khoẻ"), ("thủy", "thuỷ"), ("họa", "hoạ"), ("tòa", "toà"), ("ủy", "uỷ"),
    ("xòe", "xoè"), ("Hòa", "Hoà"), ("HÒA", "HOÀ"), ("KHÓA", "KHOÁ"),
])
def test_tone_switch_goes_both_ways(new, old):
    assert switch_tones(new) == old
    assert switch_tones(old) == new


@pytest.mark.parametrize("word", ["hoàng", "quý", "quỳnh", "thoát", "quyết", "hoa", "thuy", "ngoài", "khuya", "Hoàng"])
def test_tone_switch_leaves_other_syllables_alone(word):
    assert switch_tones(word) == word


def test_tone_switch_in_a_sentence_keeps_length_and_other_words():
    text = "Ủy ban tỉnh Hòa Bình chăm lo sức khỏe, bảo đảm hoàng thành quý báu"
    switched = switch_tones(text)
    assert switched == "Uỷ ban tỉnh Hoà Bình chăm lo sức khoẻ, bảo đảm hoàng thành quý báu"
    assert len(switched) == len(text)
    assert switch_tones(switched) == text


def test_tone_switch_reads_nfd_input():
    assert switch_tones(nfd("hòa")) == "hoà"


def test_passages_are_six_words_of_one_sentence_as_written():
    body = ARTICLES[2]["body"]
    windows = passage_windows(body)
    assert windows
    for text, _ in windows:
        assert text in body
        assert len(text.split()) == 6
        assert "." not in text and "\n" not in text
    flagged = {text for text, switchable in windows if switchable}
    assert "bảo đảm sức khỏe cho bà" in flagged
    assert "Mưa lớn kéo dài khiến nhiều" not in flagged


def test_the_picked_passage_has_a_switchable_syllable_when_the_body_has_one():
    body = ARTICLES[2]["body"]
    for seed in range(5):
        p = pick_passage(body, random.Random(seed))
        assert p in body and switch_tones(p) != p


def test_known_item_queries_claim_what_they_build():
    qs = known_item_queries(records(), n=10, seed=0)
    by_kind = {}
    for q in qs:
        by_kind.setdefault(q.kind, []).append(q)
        assert len(q.relevant) == 1
    # (a) only records with a title; (b), (c) only the one with a Dân trí url
    assert sorted(q.text for q in by_kind["title"]) == sorted(a["title"] for a in ARTICLES if a["title"])
    # (a2), (a3): the same headlines as typed without diacritics, whole and their first five words
    assert (sorted(q.text for q in by_kind["title_plain"])
            == sorted(unaccented(a["title"]) for a in ARTICLES if a["title"]))
    assert "khanh thanh cau moi o" in [q.text for q in by_kind["title5"]]
    assert [q.relevant for q in by_kind["title5"]] == [q.relevant for q in by_kind["title"]]
    assert [(q.text, set(q.relevant)) for q in by_kind["slug"]] == [(slug_words(DANTRI_URL), {"thue"})]
    assert [q.text for q in by_kind["slug5"]] == ["nganh thue that thu vi"]
    passages = {next(iter(q.relevant)): q.text for q in by_kind["passage"]}
    assert set(passages) == {a["id"] for a in ARTICLES}
    bodies = {a["id"]: a["body"] for a in ARTICLES}
    for q in by_kind["unaccented"]:
        doc = next(iter(q.relevant))
        assert q.text.isascii() and q.text == unaccented(passages[doc])
    for q in by_kind["nfd"]:
        doc = next(iter(q.relevant))
        assert q.text != passages[doc] and unicodedata.normalize("NFC", q.text) == passages[doc]
    for q in by_kind["other_tone"]:
        doc = next(iter(q.relevant))
        assert q.text != passages[doc] and switch_tones(q.text) == passages[doc]
        assert passages[doc] in bodies[doc]
    # "thue" has no final oa/oe/uy, so no (g) query of its own
    assert {next(iter(q.relevant)) for q in by_kind["other_tone"]} == {"hoa-binh", "thanh-hoa", "y-te"}


def test_known_item_queries_are_reproducible():
    assert known_item_queries(records(), 10, seed=3) == known_item_queries(records(), 10, seed=3)


def test_locality_queries_are_unaccented_and_name_the_place():
    qs = quality.locality_queries(records(), seed=0)
    assert qs
    for q in qs:
        assert q.kind == "locality" and q.text.isascii()
        assert q.text.startswith(("hoa binh ", "thanh hoa "))
        assert q.relevant
    thanh_hoa = [q for q in qs if q.text.startswith("thanh hoa ")]
    assert thanh_hoa and all(q.relevant == {"thanh-hoa"} for q in thanh_hoa)


def test_query_escaping():
    assert whoosh_escape('Nghị quyết "04-NQ/TW" (AND) OR') == "nghị quyết  04 nq tw   and  or"
    assert quality.tantivy_escape('a"b(c)-d') == 'a\\"b\\(c\\)\\-d'


# --- the baselines on the tiny collection ----------------------------------------------


@pytest.mark.parametrize("factory", [quality.stock_whoosh, quality.folding_whoosh])
def test_whoosh_baselines_find_a_headline(tmp_path, factory):
    system = factory()
    seconds = system.build(records(), tmp_path)
    try:
        assert seconds > 0  # the build's own measured time
        assert system.search("Khánh thành cầu mới ở tỉnh Hòa Bình")[0] == "hoa-binh"
        assert system.search('"mưa lớn" (ngập úng)')[0] == "thanh-hoa"
    finally:
        system.close()


def test_folding_baseline_finds_unaccented_words(tmp_path):
    system = quality.folding_whoosh()
    system.build(records(), tmp_path)
    try:
        assert system.search("ngap ung")[0] == "thanh-hoa"
    finally:
        system.close()


def test_tantivy_baseline(tmp_path):
    pytest.importorskip("tantivy")
    system = quality.TantivyBaseline(jobs=1)
    system.build(records(), tmp_path)
    assert system.search("Thủy thủ được cứu sống")[0] == "y-te"
    assert isinstance(system.search('khoẻ "(+- AND'), list)  # special characters never raise
    assert system.search("thuy thu duoc cuu song")[0] == "y-te"  # ascii_fold meets unaccented words


def test_table_renders_figures():
    figures = {
        "queries": {"passage": 2, "unaccented": 2},
        "systems": {"x": {"build_s": 1.0, "p50_ms": 1.0, "p95_ms": 2.0, "unaccented_ratio": 0.5, "errors": 0,
                          "kinds": {"passage": {"mrr": 1.0, "recall": 1.0, "n": 2},
                                    "unaccented": {"mrr": 0.5, "recall": 0.5, "n": 2}}}},
        "skipped": {"ours": "not there yet"},
    }
    text = quality.table(figures)
    assert "| x | 1.000 / 1.00 | 0.500 / 0.50 |" in text
    assert "not there yet" in text


# --- shared helpers --------------------------------------------------------------------


def test_percentile():
    xs = [float(i) for i in range(1, 101)]
    assert common.percentile(xs, 50) == pytest.approx(50.5)
    assert common.percentile(xs, 0) == 1.0 and common.percentile(xs, 100) == 100.0
    assert common.percentile([3.0], 95) == 3.0


def test_collection_repeats_with_fresh_ids(tmp_path):
    path = tmp_path / "a.jsonl"
    common.write_jsonl(ARTICLES[:3], path)
    out = list(common.collection([path], 7))
    ids = [r["id"] for r in out]
    assert len(ids) == 7 and len(set(ids)) == 7
    assert ids[:3] == ["thue", "hoa-binh", "thanh-hoa"]
    assert ids[3] == "thue~r2" and ids[6] == "thue~r3"
    assert out[3]["url"] == DANTRI_URL + "#r2"
    assert out[3]["body"] == out[0]["body"]


def test_sample_is_seeded():
    items = list(range(100))
    assert common.sample(items, 10, 1) == common.sample(items, 10, 1)
    assert sorted(common.sample(items, 500, 1)) == items


def test_ours_is_the_project_engine():
    from indexer import build_index
    from search import Searcher

    assert common.ours() == ((build_index, Searcher), None)


def test_ours_missing_is_reported_not_raised(monkeypatch):
    monkeypatch.setitem(sys.modules, "search", None)  # importing it now raises ImportError
    available, reason = common.ours()
    assert available is None
    assert reason == ("our engine is not available yet "
                      "(ModuleNotFoundError: import of search halted; None in sys.modules)")


def test_passages_shared_with_another_article_are_not_used():
    body = ARTICLES[2]["body"]
    taken = "bảo đảm sức khỏe cho bà"
    p = pick_passage(body, random.Random(0), is_unique=lambda w: w != taken)
    assert p and p != taken and p in body
    assert pick_passage(body, random.Random(0), is_unique=lambda w: False) is None


def test_unique_passages_against_the_collection():
    recs = records()
    copy = dict(recs[2], id="thanh-hoa-copy")  # a syndicated copy: none of its passages names one article
    qs = known_item_queries(recs + [copy], n=10, seed=0)
    assert not any(q.relevant & {"thanh-hoa", "thanh-hoa-copy"} for q in qs if q.kind == "passage")


def test_ours_adapter_on_the_tiny_collection(tmp_path):
    if common.ours()[0] is None:
        pytest.skip(common.ours()[1])
    system = quality.Ours(jobs=1)
    system.build([dict(r, url="") for r in records()], tmp_path)
    try:
        ranking = system.search("Thủy thủ được cứu sống")
        assert ranking[0] == "y-te"
        assert set(ranking) <= {a["id"] for a in ARTICLES}
    finally:
        system.close()


def test_query_index_is_rebuilt_from_empty_when_the_marker_differs(tmp_path):
    from bench import query

    data = tmp_path / "a.jsonl"
    common.write_jsonl(ARTICLES, data)
    index_dir = tmp_path / "ix"
    seen = []

    def fake_build(sources, folder):  # records what the folder held, then adds one file per build
        seen.append(sorted(p.name for p in Path(folder).iterdir()))
        (Path(folder) / f"segment{len(seen)}").write_text("x")

    source, _, reused = query.ensure_index(3, index_dir, [data], fake_build)
    assert not reused and seen == [[]]
    assert [r["id"] for r in common.read_jsonl(source)] == ["thue", "hoa-binh", "thanh-hoa"]
    _, _, reused = query.ensure_index(3, index_dir, [data], fake_build)  # same articles: reused as it is
    assert reused and seen[1] == [common.MARKER, "segment1"]
    _, _, reused = query.ensure_index(2, index_dir, [data], fake_build)  # other articles: nothing stays
    assert not reused and seen[2] == []
    assert [r["id"] for r in common.read_jsonl(source)] == ["thue", "hoa-binh"]
    assert sorted(p.name for p in index_dir.iterdir()) == [common.MARKER, "segment3"]


def test_query_index_refuses_a_folder_that_is_not_an_index(tmp_path):
    from bench import query

    data = tmp_path / "a.jsonl"
    common.write_jsonl(ARTICLES, data)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="not a benchmark index"):
        query.ensure_index(3, folder, [data], lambda sources, folder: None)
    assert (folder / "notes.txt").read_text() == "keep me"
    # Nor someone's own index, which a benchmark must never empty.
    from indexer.engine.store import index_exists, new_index

    theirs = tmp_path / "news-index"
    new_index(theirs)
    with pytest.raises(SystemExit, match="not a benchmark index"):
        query.ensure_index(3, theirs, [data], lambda sources, folder: None)
    assert index_exists(theirs)


def test_cost_fit_recovers_a_power_law_and_reads_it_further():
    from bench.cost import fit

    # Index sizes of the kind bench/cost.py fits: 16 KB an article at 2,000 falling as n ** -0.1.
    points = [(n, 16.0 * (n / 2000) ** 0.9) for n in (2_000, 19_100, 99_100)]
    a, b = fit(points)
    assert b == pytest.approx(0.9)
    assert a * 1_000_000 ** b == pytest.approx(16.0 * 500 ** 0.9)
    # Noisy latencies still give an exponent between the pairwise slopes.
    a, b = fit([(2_000, 24.3), (19_100, 40.2), (99_100, 111.4)])
    assert math.log(40.2 / 24.3) / math.log(19_100 / 2_000) < b < math.log(111.4 / 40.2) / math.log(99_100 / 19_100)


def test_cost_marginal_is_what_each_article_adds_at_the_largest_sizes():
    from bench.cost import extrapolate, marginal

    # 298 MB at 19,100 articles, 1,077 MB at 99,100: 9.74 KB more an article.
    a, b = marginal([(2_000, 63.0), (19_100, 298.0), (99_100, 1077.0)])
    assert b == pytest.approx(779 / 80_000)
    rows = [{"articles": n, "index_mb": mb, "p95_ms": ms} for n, mb, ms in
            [(2_000, 63.0, 48.0), (19_100, 298.0, 46.0), (99_100, 1077.0, 141.0)]]
    assert extrapolate(rows, "index_mb", 1_000_000) == pytest.approx(1077 + 900_900 * 779 / 80_000)
    # Latency as a power law through the two largest: 141 ms times (1,000,000 / 99,100) ** b.
    b = math.log(141 / 46) / math.log(99_100 / 19_100)
    assert extrapolate(rows, "p95_ms", 1_000_000) == pytest.approx(141 * (1_000_000 / 99_100) ** b)
