"""The two phases of ranking: the capped first phase (query.py) and the word-order rerank (rank.py)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from indexer import build_index
from indexer.analysis import pairs, syllables
from indexer.text import fold
from search import Searcher, rank, ranking
from search import query as Q
from search.rank import folded_line, folded_verbatim

LEAD = ("Sáng 12/3, đảng viên TP.Thủ Dầu Một dự hội nghị quán triệt nghị quyết của Tỉnh ủy Bình Dương; "
        "sau hội nghị, các đại biểu chụp ảnh cùng với lãnh đạo tỉnh.")


def test_a_folded_line_is_the_same_for_any_writing_of_the_text():
    line = folded_line(LEAD)
    assert line.startswith(b" sang 12 3 dang vien tp thu dau mot du hoi nghi ")
    assert folded_line(unicodedata.normalize("NFD", LEAD)) == line
    assert folded_line(LEAD.replace(" ", "\xa0")) == line
    assert folded_line("“Đồng Nai”…ĐỒNG THÁP") == b" dong nai dong thap "
    # Folded as the index folds: a letter without a decomposition keeps its letter, as in body_fold.
    assert folded_line("Đoàn thăm Łódź (Ba Lan)") == b" doan tham lodz ba lan "
    assert fold(syllables("Łódź")[0].token) == "lodz"


def test_covered_counts_the_query_words_in_runs_in_order():
    line = folded_line(LEAD)
    words = rank.query_words("đảng viên Thủ Dầu Một")
    assert rank.covered(words, line) == 5  # "đảng viên" + "Thủ Dầu Một" ("TP" sits between them)
    assert rank.covered(rank.query_words("Một Dầu Thủ"), line) == 0  # the words, out of order
    assert rank.covered(rank.query_words("lãnh đạo chụp ảnh"), line) == 4  # two runs, either order
    # Greedy from the left: "lãnh đạo tỉnh" takes "tỉnh", and "ủy" alone starts no run.
    assert rank.covered(rank.query_words("lanh dao tinh uy"), line) == 3


def test_verbatim_is_told_apart_from_the_same_words_across_a_sentence_break():
    query = rank.Ranked("hội nghị, các đại biểu")
    across = "Bế mạc hội nghị. Các đại biểu về địa phương."
    # Both hold every word in runs and in their opening; only the verbatim one gets more.
    verbatim = ranking.VERBATIM_WEIGHT / ranking.RUN_WEIGHT
    assert query.evidence("", LEAD) - query.evidence("", across) == pytest.approx(verbatim)
    assert folded_verbatim("Hội  nghị,\nCÁC") == b"hoi nghi, cac"


def test_the_rerank_puts_the_article_holding_the_passage_first():
    scattered = ("Lãnh đạo tỉnh tiếp đoàn. Chụp ảnh là sở thích của ông. Cùng với đó, lãnh đạo huyện "
                 "báo cáo. Ảnh: chụp ảnh tại hội trường, cùng với các đồng chí lãnh đạo.")
    query = rank.Ranked("chụp ảnh cùng với lãnh đạo")
    # The scattered article leads the first phase by far (it says each pair twice); scores come scaled to 0..1.
    ranked = query.rerank([(1.0, {"id": "scattered", "body": scattered}), (1 / 3, {"id": "lead", "body": LEAD})])
    assert [stored["id"] for _, stored in ranked] == ["lead", "scattered"]
    single = rank.Ranked("Bình")
    assert single.rerank([(1.0, {"id": "a"}), (0.5, {"id": "b"})]) == [(1.0, {"id": "a"}), (0.5, {"id": "b"})]


def test_a_headline_typed_finds_the_article_whose_lead_holds_its_words():
    # The same runs of the query ("đại biểu", "lãnh đạo tỉnh"), one in the opening, one deep in the body.
    filler = "Các đơn vị báo cáo kết quả công tác quý một và kế hoạch quý hai của năm. " * 8
    opening = "Các đại biểu gặp lãnh đạo tỉnh Bình Dương. " + filler
    deep = filler + "Các đại biểu gặp lãnh đạo tỉnh Bình Dương."
    query = rank.Ranked("dai bieu chup anh cung lanh dao tinh")
    assert rank.covered(query.words, folded_line(opening)) == rank.covered(query.words, folded_line(deep)) == 5
    assert query.evidence("", opening) > query.evidence("", deep)
    # A headline holding them counts as an opening too.
    assert query.evidence("Đại biểu chụp ảnh cùng lãnh đạo tỉnh", deep) > query.evidence("", deep)


def test_of_two_articles_holding_as_much_of_the_query_the_one_with_its_rarer_word_leads():
    common = "Công ty cho biết kế hoạch năm nay, sản phẩm mới sẽ ra mắt vào quý hai."
    rare = "Habeco cho biết kế hoạch năm nay, sản phẩm bia chai sẽ ra mắt vào quý hai."
    fixtures = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"
    texts = [json.loads(line)["body"] for line in fixtures.read_text(encoding="utf-8").splitlines()] + [common, rare]
    held = TextFrequency(texts)
    typed = "habeco tiet lo ke hoach moi"
    weighed = rank.Ranked(typed, lambda word: held.documents("body_fold", word), len(texts))
    # Each holds "kế hoạch" in a run and one more word of the query in its opening:
    # counted alike, the two are tied.
    unweighed = rank.Ranked(typed)
    assert unweighed.evidence("", rare) == pytest.approx(unweighed.evidence("", common))
    # "Habeco" is in one of these articles, "mới" in most of them.
    assert held.documents("body_fold", "habeco") == 1 < held.documents("body_fold", "moi")
    assert weighed.evidence("", rare) > weighed.evidence("", common)


def test_a_term_the_word_lines_split_weighs_as_rare_as_the_index_holds_it():
    """"04-NQ/TW" is one index term and three words of a word line. Looked up word by word, no
    article held ``nq`` or ``tw`` and the code outweighed the query's truly rare word."""
    fixtures = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"
    texts = [json.loads(line)["body"] for line in fixtures.read_text(encoding="utf-8").splitlines()]
    texts += [f"Huyện Krông Búk quán triệt Nghị quyết 04-NQ/TW của Tỉnh ủy, đợt {n}." for n in range(6)]
    texts += ["Habeco ra mắt sản phẩm bia chai mới."]
    held = TextFrequency(texts)
    assert held.documents("body_fold", "04-nq/tw") == held.documents("body_fold", "krong") == 6
    assert held.documents("body_fold", "nq") == held.documents("body_fold", "tw") == 0
    query = rank.Ranked("Habeco Krông quán triệt 04-NQ/TW", lambda term: held.documents("body_fold", term), len(texts))
    assert query.words == [b"habeco", b"krong", b"quan", b"triet", b"04", b"nq", b"tw"]
    rarity = dict(zip(query.words, query.rarity, strict=True))
    code = rarity[b"04"] + rarity[b"nq"] + rarity[b"tw"]
    assert code == pytest.approx(rarity[b"krong"])
    assert code < rarity[b"habeco"]


def test_every_driven_pair_of_the_words_gets_a_boosted_clause_of_its_own():
    passage = "quán triệt nghị quyết của Tỉnh ủy"
    query = Q.scoring(Q.parse(passage), TextFrequency([LEAD]))
    every = [sub for sub in query.subqueries if isinstance(sub, Q.Q.And) and sub.boost == ranking.ALL_PAIRS_WEIGHT]
    assert len(every) == 1
    driven = {t.text for t in every[0].leaves() if t.fieldname.endswith("_pair")}
    assert driven == set(pairs(syllables(passage)))  # five pairs: under the cap
    # Two words have one pair and no such clause: it would only repeat that pair's term.
    assert not any(sub.boost == ranking.ALL_PAIRS_WEIGHT for sub in Q.scoring(Q.parse("Tỉnh ủy"), None).subqueries)


class TextFrequency:
    """Document frequencies counted over real texts, as an index's reader gives them."""

    def __init__(self, texts: list[str]):
        self.held: dict[tuple[str, str], int] = {}
        for text in texts:
            tokens = syllables(text)
            keys = {("body", t.token) for t in tokens} | {("body_fold", t.folded) for t in tokens}
            keys |= {("body_pair", p) for p in pairs(tokens)}
            for key in keys:
                self.held[key] = self.held.get(key, 0) + 1

    def documents(self, fieldname: str, text: str) -> int:
        return self.held.get((fieldname.replace("title", "body"), text), 0)

    def common(self, fieldname: str, text: str) -> bool:
        return False


def _driven(query: Q.Q.Query) -> set[tuple[str, str]]:
    return {(t.fieldname, t.text) for t in query.leaves() if isinstance(t, Q.Q.Term)}


def test_a_long_query_drives_only_its_rarest_syllables_and_pairs():
    texts = [LEAD, "Đảng viên xã Phú Thuận học tập nghị quyết của Đảng.", "Hội nghị của Tỉnh ủy Bình Dương."]
    frequency = TextFrequency(texts)
    headline = "Đảng viên TP.Thủ Dầu Một dự hội nghị quán triệt nghị quyết của Tỉnh ủy"  # 15 syllables, 14 pairs
    driven = _driven(Q.scoring(Q.parse(headline), frequency))
    assert len(driven) <= 2 * ranking.MAX_UNITS
    # "của" is in every text: with the cap it gives way to rarer units; "quan_triet" is in one only.
    assert ("body", "của") not in driven and ("body_pair", "quan_triet") in driven
    assert ("title_pair", "quan_triet") in driven  # a unit keeps its headline term with its body term
    # Units no text holds never take a place.
    typo = _driven(Q.scoring(Q.parse(headline + " xyzq"), frequency))
    assert not any("xyzq" in text for _, text in typo)
    # A short query is left whole.
    short = _driven(Q.scoring(Q.parse("đảng viên của Đảng"), frequency))
    assert ("body", "của") in short and ("body_fold", fold("viên")) not in short


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rank")
    scattered = ("Chụp ảnh lưu niệm là thói quen của đoàn. Lãnh đạo huyện phát biểu, cùng với đó là báo cáo. "
                 "Lãnh đạo xã chụp ảnh. Ảnh: lãnh đạo chụp ảnh cùng với đồng chí. " * 3)
    records = [{"id": "lead", "title": "Hội nghị quán triệt nghị quyết", "body": LEAD},
               {"id": "scattered", "title": "Chụp ảnh cùng lãnh đạo", "body": scattered}]
    source = folder / "news.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    build_index([source], folder / "index", jobs=1)
    with Searcher(folder / "index") as s:
        yield s


@pytest.mark.parametrize("typed", ["chụp ảnh cùng với lãnh đạo tỉnh", "chup anh cung voi lanh dao tinh"])
def test_a_searched_passage_finds_its_article_first(searcher, typed):
    hits = searcher.search(typed).hits
    assert [h.id for h in hits] == ["lead", "scattered"]
    assert hits[0].score > hits[1].score


def test_deeper_pages_continue_the_reranked_order(searcher):
    first = searcher.search("chụp ảnh cùng với lãnh đạo tỉnh", limit=1).hits
    second = searcher.search("chụp ảnh cùng với lãnh đạo tỉnh", limit=1, offset=1).hits
    assert [h.id for h in first + second] == ["lead", "scattered"]


@pytest.fixture(scope="module")
def lines_searcher(tmp_path_factory):
    """An index where a common query matches a hundred articles: every line of the fixture
    records is one, six times over (a story each edition reprints), so postings span blocks.
    Built in two runs, the second while the searcher is open, so it has several segments."""
    folder = tmp_path_factory.mktemp("lines")
    fixtures = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"
    lines = [line for text in fixtures.read_text(encoding="utf-8").splitlines()
             for line in json.loads(text)["body"].splitlines() if len(line) > 40]
    records = [json.dumps({"id": f"line-{i}", "body": line}, ensure_ascii=False) for i, line in enumerate(lines * 6)]
    source = folder / "lines.jsonl"
    source.write_text("\n".join(records[:len(records) // 2]), encoding="utf-8")
    build_index([source], folder / "index", jobs=1)
    with Searcher(folder / "index") as s:
        s.search("doanh nghiệp")
        source.write_text("\n".join(records), encoding="utf-8")
        assert build_index([source], folder / "index", jobs=1).indexed == len(records) - len(records) // 2
        yield s


@pytest.mark.parametrize("typed", ['"doanh nghiệp"', '"doanh nghiệp" thành phố', '"doanh nghiệp" -"thành phố"',
                                   "doanh nghiệp của thành phố",
                                   "doanh nghiep cua thanh pho trong nam", "học sinh và giáo viên", "của"])
def test_a_short_page_is_the_top_of_the_whole_ranking_and_counts_every_match(lines_searcher, typed):
    # whoosh's default top-N collector drops the weaker terms once the page is full,
    # which undercounted the matches (54 of the 96 holding "doanh nghiệp").
    everything = lines_searcher.search(typed, limit=500)
    held = [h.id for h in everything.hits if not h.missing]
    # The articles holding every word come first, all of them; the partial matches after them, all of those.
    assert [h.id for h in everything.hits[:len(held)]] == held and len(held) == everything.total
    assert len(everything.hits) - len(held) == everything.partial_total < 500
    assert 10 < everything.total + everything.partial_total
    for limit in (1, 3, 10):
        page = lines_searcher.search(typed, limit=limit)
        assert (page.total, page.partial_total) == (everything.total, everything.partial_total)
        assert [h.id for h in page.hits] == [h.id for h in everything.hits[:limit]]
