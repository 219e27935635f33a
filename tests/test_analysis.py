"""The analysis chain on the seed articles and on hostile input."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from indexer.analysis import (
    FoldedSyllableTokenizer,
    PairTokenizer,
    SyllableTokenizer,
    WordTokenizer,
    syllables,
    words,
)
from indexer.text import fold, has_diacritics, normalize

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))


def seed_text(i: int) -> str:
    return SEEDS[i].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_words() -> list[tuple[str, list]]:
    return [(p.read_text(encoding="utf-8"), words(p.read_text(encoding="utf-8"))) for p in SEEDS]


def test_five_seeds_are_bundled() -> None:
    assert len(SEEDS) == 5


def test_offsets_point_at_the_original_words(seed_words) -> None:
    for text, tokens in seed_words:
        assert len(tokens) > 500
        for t in tokens:
            assert text[t.start:t.end] == t.text
            assert fold(t.token) == t.folded
            # The token is the original substring, normalised and joined.
            assert t.token == "_".join(normalize(t.text).split()).lower() or "-" in t.token


def test_positions_count_up(seed_words) -> None:
    for _, tokens in seed_words:
        assert [t.pos for t in tokens] == list(range(len(tokens)))


def test_compound_words_are_one_token(seed_words) -> None:
    terms = {t.token for _, tokens in seed_words for t in tokens}
    assert {"đảng_viên", "nghị_quyết", "thủ_dầu_một", "xây_dựng"} <= terms


def test_punctuation_is_dropped(seed_words) -> None:
    for _, tokens in seed_words:
        for t in tokens:
            assert t.token[0].isalnum() and t.token[-1].isalnum(), t


def test_nfd_and_nfc_give_identical_tokens() -> None:
    text = seed_text(0)
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    nfc_tokens = words(text)
    nfd_tokens = words(nfd)
    assert [t.token for t in nfd_tokens] == [t.token for t in nfc_tokens]
    for t in nfd_tokens:
        assert nfd[t.start:t.end] == t.text
    assert [t.token for t in syllables(nfd)] == [t.token for t in syllables(text)]


def test_old_and_new_tone_placement_give_identical_tokens() -> None:
    old = "Nghị quyết Trung ương 4 (khoá XII), Uỷ ban Kiểm tra, hoà bình, thuỷ lợi, toà án"
    new = "Nghị quyết Trung ương 4 (khóa XII), Ủy ban Kiểm tra, hòa bình, thủy lợi, tòa án"
    assert [t.token for t in words(old)] == [t.token for t in words(new)]
    assert [t.token for t in syllables(old)] == [t.token for t in syllables(new)]
    assert [t.text for t in words(old)][3:5] == ["khoá", "XII"]


def test_seed_with_old_placement_indexes_new_placement() -> None:
    text = seed_text(4)
    assert "khoá XII" in text
    tokens = [t.token for t in words(text)]
    assert any("khóa" in t for t in tokens)
    assert not any("khoá" in t or "uỷ" in t for t in tokens)


@pytest.mark.parametrize("written", ["TP.Thủ Dầu Một", "Tp.Thủ Dầu Một", "thành phố Thủ Dầu Một"])
def test_glued_city_abbreviation(written: str) -> None:
    tokens = words(f"Đảng bộ {written} 5 năm liền trong sạch")
    terms = [t.token for t in tokens]
    assert "thủ_dầu_một" in terms
    assert not any(term.startswith("tp.") for term in terms)
    t = tokens[terms.index("thủ_dầu_một")]
    assert t.text == "Thủ Dầu Một"


def test_glued_abbreviation_in_seed() -> None:
    text = seed_text(0)
    assert "TP.Thủ Dầu Một" in text and "Tp.Thủ Dầu Một" in text
    terms = [t.token for t in words(text)]
    assert terms.count("thủ_dầu_một") >= 10
    assert "tp.thủ" not in terms


@pytest.mark.parametrize("code", ["04-NQ/TW", "05-CT/TW", "2952-CV/BTCTW", "12-CT/TU", "100/2019/NĐ-CP"])
def test_document_codes_stay_one_token(code: str) -> None:
    text = f"thực hiện Chỉ thị số {code}, ngày 20/6/2017 của Ban Tổ chức Trung ương"
    for tokens in (words(text), syllables(text)):
        matches = [t for t in tokens if t.text == code]
        assert len(matches) == 1
        assert matches[0].token == code.lower()


def test_document_codes_in_seeds() -> None:
    found = {t.text for i in (0, 1) for t in words(seed_text(i))}
    assert {"05-CT/TW", "04-NQ/TW", "2952-CV/BTCTW"} <= found


@pytest.mark.parametrize("written", ["2015-2020", "2015 - 2020", "2015 – 2020", "2015- 2020"])
def test_year_ranges_are_searchable_as_written(written: str) -> None:
    text = f"Đại hội Đảng bộ nhiệm kỳ {written} thành công"
    for tokens in (words(text), syllables(text)):
        (t,) = [t for t in tokens if t.token == "2015-2020"]
        assert t.text == written


def test_queries_meet_words_whatever_the_typing() -> None:
    forms = ["đảng viên", "Đảng viên", "ĐẢNG VIÊN", "dang vien", "DANG VIEN",
             unicodedata.normalize("NFD", "Đảng viên")]
    folded = {tuple(t.folded for t in syllables(f)) for f in forms}
    assert folded == {("dang", "vien")}
    exact = {tuple(t.token for t in syllables(f)) for f in forms if has_diacritics(f)}
    assert exact == {("đảng", "viên")}


def test_syllables_split_abbreviations_and_hyphens() -> None:
    assert [t.token for t in syllables("TP.HCM, COVID-19, KT-XH đạt 8.177 người")] == [
        "tp", "hcm", "covid", "19", "kt", "xh", "đạt", "8.177", "người"]


def _whoosh_tokens(tokenizer, text):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in tokenizer(text, positions=True, chars=True)]


def test_whoosh_tokenizers_carry_positions_and_original_offsets() -> None:
    text = unicodedata.normalize("NFD", "Đảng viên TP.Thủ Dầu Một hoà thuận")
    exact = _whoosh_tokens(SyllableTokenizer(), text)
    folded = _whoosh_tokens(FoldedSyllableTokenizer(), text)
    assert [e[0] for e in exact] == ["đảng", "viên", "tp", "thủ", "dầu", "một", "hòa", "thuận"]
    assert [f[0] for f in folded] == ["dang", "vien", "tp", "thu", "dau", "mot", "hoa", "thuan"]
    assert [e[1] for e in exact] == list(range(8))
    assert [e[2:] for e in exact] == [f[2:] for f in folded]
    assert text[exact[6][2]:exact[6][3]] == unicodedata.normalize("NFD", "hoà")
    pairs = _whoosh_tokens(PairTokenizer(), text)
    assert pairs[0][0] == "dang_vien" and text[pairs[0][2]:pairs[0][3]] == text[exact[0][2]:exact[1][3]]
    word_terms = [w[0] for w in _whoosh_tokens(WordTokenizer(), text)]
    assert "đảng_viên" in word_terms and "thủ_dầu_một" in word_terms


def test_whoosh_highlighter_marks_the_original_text() -> None:
    from whoosh import highlight

    text = seed_text(4)
    fragments = highlight.highlight(
        text, {"khóa"}, SyllableTokenizer(), highlight.ContextFragmenter(surround=20),
        highlight.UppercaseFormatter(), top=1)
    assert "KHOÁ" in fragments  # the original spelling, upper-cased by the formatter


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
@example("\u0f5c")  # NFC makes two characters of this one (a composition exclusion)
@example(unicodedata.normalize("NFD", "Đảng viên TP.Thủ hoà"))
def test_never_raises_and_offsets_stay_in_bounds(text: str) -> None:
    for tokens in (syllables(text), words(text)):
        last = 0
        for t in tokens:
            assert 0 <= t.start < t.end <= len(text)
            assert t.start >= last
            last = t.end
            assert text[t.start:t.end] == t.text
            assert t.token


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["", " ", "\x00\x01\x1f", "🇻🇳🎉" * 50, "\u0301\u0300\u0323" * 20, "đ" * 5000,
                        "a\u0300" * 1000, "x" * 20000]), st.text(max_size=20))
def test_hostile_shapes(prefix: str, rest: str) -> None:
    text = prefix + rest
    for tokens in (syllables(text), words(text)):
        for t in tokens:
            assert 0 <= t.start < t.end <= len(text)
