"""bench/sets.py's own matcher: the truth that the engine's result sets are measured against.

Builds one tiny index (the matcher reads the text back from its stored fields);
needs no devset. Nothing here times anything.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import sets  # noqa: E402

ARTICLES = [
    {"id": "old-tone", "title": "Hội nghị về hoà bình", "published": "2020-10-01",
     "body": "Các đại biểu bàn về HOÀ BÌNH và khoẻ mạnh ở Bình Dương."},
    {"id": "new-tone", "title": "", "published": "2021-03-05",
     "body": "Hòa, bình yên: một câu chuyện khác.\nNgười dân Bình Dương sống khỏe mạnh."},
    {"id": "nfd", "title": unicodedata.normalize("NFD", "Hòa bình lập lại"), "published": "2020-01-02",
     "body": "Đảng viên ở Hà Nội nói về hòa bình."},
    {"id": "apart", "title": "Bình minh trên biển", "published": "2019-05-05",
     "body": "Một ngày hòa thuận, người dân bình tĩnh. Đang viên gạch."},
    {"id": "across", "title": "Mưa lớn ở vùng hòa", "published": "2019-06-06",
     "body": "Bình nguyên ngập nước."},
]


def test_a_syllable_is_keyed_by_its_letters_and_tone_wherever_the_mark_sits():
    forms = {w: sets.syllable_forms(sets.syllables(w)[0]) for w in
             ("hoà", "hòa", "HOÀ", unicodedata.normalize("NFD", "hòa"), "thuỷ", "thủy", "hoá", "hóa")}
    assert forms["hoà"] == forms["hòa"] == forms["HOÀ"] == forms[unicodedata.normalize("NFD", "hòa")]
    assert forms["thuỷ"] == forms["thủy"]
    assert forms["hoà"][0] != forms["hoá"][0] and forms["hoá"] == forms["hóa"]  # another tone, another syllable
    assert forms["hoà"][1] == forms["hoá"][1] == "hoa"
    assert sets.syllable_forms("đảng") == ("đang|3", "dang")
    assert sets.syllable_forms("đảng")[0] != sets.syllable_forms("đang")[0]


def test_syllables_are_runs_of_letters_and_digits():
    assert sets.syllables("TP.Hồ Chí Minh, 04-NQ/TW năm_2020") == [
        "tp", "hồ", "chí", "minh", "04", "nq", "tw", "năm", "2020"]
    assert sets.fold_text("Đảng viên") == "Dang vien"
    assert sets.has_diacritics("đang") and not sets.has_diacritics("dang vien")


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    from indexer import build_index

    folder = tmp_path_factory.mktemp("sets")
    source = folder / "a.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    build_index([source], folder / "index", jobs=1)
    return sets.Collection(folder / "index")


def held(collection, phrases, whole_query=False) -> set[str]:
    return {collection.articles[n].id for n in collection.truth(phrases, whole_query)}


def test_a_word_is_held_where_its_syllables_stand_in_order(collection):
    assert len(collection) == len(ARTICLES)
    # Tone placement, case, NFD and punctuation between the syllables aside;
    # not scattered, not across headline and body.
    assert held(collection, ["hòa bình"]) == {"old-tone", "new-tone", "nfd"}
    assert held(collection, ["hoà bình"]) == held(collection, ["HÒA BÌNH"]) == {"old-tone", "new-tone", "nfd"}
    assert held(collection, ["khỏe mạnh"]) == {"old-tone", "new-tone"}


def test_typed_without_diacritics_any_accented_form_counts(collection):
    assert held(collection, ["dang vien"]) == {"nfd", "apart"}
    assert held(collection, ["đảng viên"]) == {"nfd"}
    assert held(collection, ["hoa binh"]) == {"old-tone", "new-tone", "nfd"}


def test_each_syllable_counts_as_typed_unless_the_whole_query_is_asked_exactly(collection):
    # "vien" typed without diacritics: any accented form, even beside "Đảng" typed with them.
    assert held(collection, ["đang vien"]) == {"apart"}
    assert held(collection, ["Đảng vien"]) == {"nfd"}
    assert held(collection, ["dang viên"]) == {"nfd", "apart"}
    assert held(collection, ["dang viên"], whole_query=True) == set()
    assert held(collection, ["mưa lon"]) == {"across"}
    assert held(collection, ["mưa lon"], whole_query=True) == set()


def test_two_words_are_held_where_both_are(collection):
    assert held(collection, ["hòa bình", "bình dương"]) == {"old-tone", "new-tone"}
    assert held(collection, ["hoa binh", "ha noi"]) == {"nfd"}
    assert held(collection, ["hòa bình", "không có"]) == set()


def test_facets_of_the_true_set_count_each_article_once_per_value(collection):
    truth = collection.truth(["hòa bình"])
    want = sets.true_facets(collection, truth)
    assert want["year"] == {"2020": 2, "2021": 1}
    # The engine names provinces as people write them ("Bình Dương"); the matcher keys them folded.
    assert sets.place_key("Bình Dương") == sets.place_key("binh  DUONG") == "binh duong"
    reported = {"year": {"2020": 2, "2021": 1}, "province": {k.upper(): c for k, c in want["province"].items()}}
    compared = sets.compare_facets(reported, collection, truth)
    assert compared["year"] == {"equal": True, "sum": 3, "true_sum": 3}
    assert compared["province"]["equal"]
    assert not sets.compare_facets({"year": {"2020": 5}}, collection, truth)["year"]["equal"]


def test_hits_marked_missing_are_not_part_of_the_answer_set():
    hits = [SimpleNamespace(id="a"), SimpleNamespace(id="b", missing=[]), SimpleNamespace(id="c", missing=["x"])]
    assert [h.id for h in sets.answer_set(hits)] == ["a", "b"]


def test_the_summary_counts_totals_against_the_truth():
    records = [{"kind": "word", "true": 10, "total": t, "ratio": t / 10, "precision": 1.0, "found": 1.0,
                "seconds": 0.01} for t in (10, 14, 25, 6)]
    row = sets.summarise(records)["word"]
    assert (row["queries"], row["over_2x"], row["within_5pct"], row["within_1_5x"], row["under"]) == (4, 1, 1, 2, 1)
    assert row["median_ratio"] == pytest.approx(1.2)


class _Engine:
    """A searcher answering with the true set, then one partial match marked ``missing``
    (the API the answer-set work may bring), or failing on one query."""

    def __init__(self, collection, answers: dict[str, set[int]]):
        self.collection, self.answers = collection, answers

    def search(self, query, limit=10, facets=False):
        if query == "boom":
            raise RuntimeError("boom")
        truth = sorted(self.answers[query])
        ids = [self.collection.articles[n].id for n in truth]
        others = [a.id for a in self.collection.articles if a.id not in ids]
        hits = [SimpleNamespace(id=i, missing=[]) for i in ids] + [SimpleNamespace(id=others[0], missing=["x"])]
        counts = sets.true_facets(self.collection, set(truth))
        return SimpleNamespace(total=len(ids), hits=hits[:limit], facets={
            "year": counts["year"], "province": {k.title(): c for k, c in counts["province"].items()}})


def test_an_engine_that_answers_the_true_set_scores_as_exact(collection):
    queries = [sets.Query("word", "hòa bình", ["hòa bình"]), sets.Query("word_plain", "dang vien", ["dang vien"]),
               sets.Query("pair", "boom", ["hòa bình"])]
    for q in queries:
        q.truth = collection.truth(q.phrases)
    engine = _Engine(collection, {q.text: q.truth for q in queries})
    rows = sets.summarise(sets.measure(engine, collection, queries, facet_queries=1, verbose=False))
    for kind in ("word", "word_plain"):
        row = rows[kind]
        figures = (row["queries"], row["median_ratio"], row["within_5pct"], row["precision"], row["found"])
        assert figures == (1, 1, 1, 1, 1)
        assert row["facets"]["year"]["equal"] == row["facets"]["province"]["equal"] == 1
    assert rows["pair"]["queries"] == 0 and rows["pair"]["errors"] == 1
    report = sets.table({"machine": {"date": "today", "cpu": "cpu", "cores": 2, "ram_gb": 1, "packages": {}},
                         "seed": 0, "words_from": "a.jsonl", "held_by": [5, 400], "pair_held_by": 3,
                         "sizes": {5: {"articles": 5, "index": "ix", "index_bytes": None, "load_before": None,
                                       "load_after": None, "read_s": 0, "draw_s": 0, "wall_s": 0, "kinds": rows}}})
    assert "| 5 | one word, with diacritics | 1 | 3 | 3 | 1.0x | 0/1 | 1/1 | 1/1 | 1.00 | 1.00 |" in report
    assert "two words, with diacritics at 5: queries that failed left out: 1" in report
