"""The text everything compares: one alphabet, one normal form, one folding, no invisible characters."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from unidecode import unidecode

from indexer.analysis import syllables, words
from indexer.articles.reader import read_record
from indexer.text import LETTERS, UPPER, accent_blind, ascii_fold, fold, has_diacritics, normalize_tones, visible
from search.query import parse


@pytest.mark.parametrize(
    "old, new",
    [("hoà", "hòa"), ("khoá", "khóa"), ("uỷ", "ủy"), ("thuỷ", "thủy"), ("toà", "tòa"), ("khoẻ", "khỏe"),
     ("HOÀ", "HÒA"), ("KHOÁ", "KHÓA"), ("Uỷ", "Ủy"), ("loã", "lõa"), ("hoạ", "họa")],
)
def test_tone_placement_is_normalised_without_changing_length(old: str, new: str) -> None:
    assert normalize_tones(old) == new
    assert normalize_tones(new) == new
    assert len(normalize_tones(old)) == len(old)


@pytest.mark.parametrize("word", ["hoàng", "thoát", "quyết", "quý", "quỳnh", "khuỷu", "hoài", "xoáy", "thuyền"])
def test_tone_placement_leaves_words_that_agree_in_both_styles(word: str) -> None:
    assert normalize_tones(word) == word


def test_folding_every_vietnamese_letter() -> None:
    bases = {"a": "aăâ", "e": "eê", "i": "i", "o": "oôơ", "u": "uư", "y": "y"}
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    seen = 0
    for plain, letters in bases.items():
        for letter in letters:
            for tone in tones:
                lower = unicodedata.normalize("NFC", letter + tone)
                for form in (lower, lower.upper()):
                    assert len(form) == 1
                    assert fold(form) == plain
                    assert has_diacritics(form) == (form.lower() != plain)
                    seen += 1
    assert seen == 2 * 12 * 6
    assert fold("Đ") == fold("đ") == "d"
    assert fold("đảng_viên") == "dang_vien"
    assert fold("ĐẢNG_VIÊN") == "dang_vien"


CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "devset-sample.jsonl"


def test_ascii_fold_is_unidecode_on_real_articles() -> None:
    """The bundled articles and the devset sample fold as unidecode folds them."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    texts += [" ".join(str(v) for v in json.loads(line).values()) for line in SAMPLE.read_text("utf-8").splitlines()]
    assert len(texts) > 10 and all(not t.isascii() for t in texts)
    for text in texts:
        assert ascii_fold(text) == unidecode(text)


@pytest.mark.parametrize("text, folded", [
    ("Đảng viên “Thủ Dầu Một” – 1.885 tỷ…", 'Dang vien "Thu Dau Mot" - 1.885 ty...'),
    ("Łódź, Ærø, Straße", "Lodz, AEro, Strasse"),  # Ł and Æ have no decomposition: NFD alone loses them
    ("Ёлка Ἀθῆναι", "Iolka Athenai"),  # NFD of Ё (Е + ̈) and of ἀ is not what unidecode writes
])
def test_ascii_fold_of_letters_that_nfd_alone_gets_wrong(text: str, folded: str) -> None:
    assert ascii_fold(text) == unidecode(text) == folded


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])))
@example("hoà bình́ Łódź")
@example("Tp.HCM ₫ ﬁ ǅ ͣ")
def test_ascii_fold_is_unidecode_on_any_text(text: str) -> None:
    assert ascii_fold(text) == unidecode(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(LETTERS + LETTERS.upper() + "đĐ .,-–“”…\u0301\u0323 0123456789ŁÆ")))
def test_ascii_fold_is_unidecode_on_vietnamese_letters_and_news_punctuation(text: str) -> None:
    assert ascii_fold(text) == unidecode(text)
    assert fold(text) == unidecode(text).lower()


def test_the_alphabet_holds_every_letter_of_the_seed_articles() -> None:
    """Every letter of the bundled articles is in LETTERS (lower case) and every capital that
    starts one of their words matches UPPER: the place reader's names start with one."""
    text = unicodedata.normalize("NFC", " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")))
    letters = {c for c in normalize_tones(text).lower() if c.isalpha() and not c.isascii()}
    assert letters and letters <= set(LETTERS)
    capitals = {w[0] for w in re.findall(r"[^\W\d_]+", text) if w[0].isupper()}
    assert capitals and all(re.fullmatch(f"[{UPPER}]", c) for c in capitals)
    assert "Đ" in capitals and not re.fullmatch(f"[{UPPER}]", "đ")


def test_an_invisible_character_joins_a_query_as_it_joins_an_article() -> None:
    """A zero-width space inside "đảng\u200bviên" is taken out of an article; a query typed or
    pasted with it must split into the same syllables, or it never meets the article."""
    record = read_record({"id": "zw", "title": "Kết nạp đảng\u200bviên mới",
                          "body": "Chi bộ xã Phú Thuận kết nạp đảng\u200bviên mới ngày 3/2."})
    assert "đảngviên" in record.body
    indexed = [t.token for t in syllables(record.body)]
    typed = [t.token for t in parse("kết nạp đảng\u200bviên").syllables()]
    assert typed == ["kết", "nạp", "đảngviên"] and set(typed) <= set(indexed)


def test_visible_drops_formatting_spaces_controls_and_keeps_text() -> None:
    assert visible("Hà\u00adNội\x07 ngày\x0b3/2\ud800") == "HàNội  ngày 3/2\ufffd"
    assert visible("Thủ Dầu Một\n\tBình Dương") == "Thủ Dầu Một\n\tBình Dương"


def test_accent_blind_finds_every_accented_spelling() -> None:
    pattern = re.compile(accent_blind("dang"))
    for written in ("đảng", "Đảng", "đăng", "dáng", "ĐANG"):
        assert pattern.fullmatch(written), written
    assert not pattern.fullmatch("dung")
    assert [t.folded for t in words("Đảng viên")] == ["dang_vien"]
