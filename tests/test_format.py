"""A scraped link is shown only when it is http(s), by the HTML output and the web page alike (``format.safe_link``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from indexer import build_index
from search.cli import main
from search.format import safe_link
from search.web import create_app

SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"
GOOD = "https://baothanhhoa.vn/thoi-su/chu-dong-phong-chong-mua-lon-12345.htm"
#: Links a scraper may keep that a browser would run, or show as a page of their own.
HOSTILE = ["javascript:alert('link')", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
           "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjava\nscript:alert(1)", "\x01\x1fjavascript:alert(1)",
           "//evil.example/trang", "https:alert(1)"]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_link_a_browser_would_not_follow_as_http_is_dropped(url) -> None:
    assert safe_link(url) is None


def test_an_http_link_survives_as_a_browser_reads_it() -> None:
    assert safe_link(GOOD) == GOOD
    assert safe_link("HTTP://baothanhhoa.vn/tin") == "HTTP://baothanhhoa.vn/tin"
    assert safe_link(" \thttps://baothanhhoa.vn/thoi-\nsu ") == "https://baothanhhoa.vn/thoi-su"
    assert safe_link(None) is None and safe_link("") is None


@pytest.fixture(scope="module")
def linked_index(tmp_path_factory) -> Path:
    """One real lead, stored once with each hostile link and once with a good one."""
    lead = next(r for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines()) if r.get("title"))
    folder = tmp_path_factory.mktemp("links")
    feed = folder / "links.jsonl"
    records = [{"id": f"lien-ket-{n}", "url": url, "title": lead["title"], "body": lead["body"]}
               for n, url in enumerate([*HOSTILE, GOOD])]
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert build_index([feed], folder / "index", jobs=1).indexed == len(records)
    return folder / "index"


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


def test_search_as_html_links_only_the_http_article(linked_index) -> None:
    lead = next(r for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines()) if r.get("title"))
    result = CliRunner().invoke(main, ["search", lead["title"], "--index", str(linked_index), "--format", "html",
                                       "-n", "20"])
    assert result.exit_code == 0, result.output
    assert result.output.count("<li>") == len(HOSTILE) + 1  # every article is listed, linked or not
    assert _hrefs(result.output) == [GOOD]
    assert "script:" not in result.output.lower() and "data:" not in result.output


def test_the_article_page_links_only_the_http_article(linked_index) -> None:
    with TestClient(create_app(linked_index)) as client:
        for n in range(len(HOSTILE)):
            page = client.get(f"/articles/lien-ket-{n}").text
            assert "Bài gốc" not in page and "script:" not in page.lower(), HOSTILE[n]
        page = client.get(f"/articles/lien-ket-{len(HOSTILE)}").text
        assert "Bài gốc" in page and f'href="{GOOD}"' in page


# -- counts, partial matches and marks, as a researcher reads them (format.how_many, render_text, render_html) --------

from search.format import (  # noqa: E402
    BAR_CELLS,
    Bar,
    how_many,
    paragraphs_html,
    render_html,
    render_text,
    split,
    text_bar,
    text_timeline,
    timeline,
)
from search.searcher import SearchResult  # noqa: E402

TDM = "000_13d84c9b41a19287.txt"


def test_counts_say_which_articles_hold_every_word_and_how_many_hold_some(seed_searcher) -> None:
    both = seed_searcher.search("đảng viên Thủ Dầu Một")  # one seed holds both words, four only "đảng viên"
    assert (both.total, both.partial_total, both.partial_exact) == (1, 4, False)
    assert how_many(both) == "1 article holds every word of 'đảng viên Thủ Dầu Một' · about 4 hold some of them"
    every = seed_searcher.search("đảng viên")  # all five hold it: no partial part
    assert (every.total, every.partial_total) == (5, 0)
    assert how_many(every) == "5 articles hold every word of 'đảng viên'"
    # "about" goes with the flag that says a count is not exact, and only with it
    exact = SearchResult("đảng viên", 2, None, [], partial_total=1, partial_exact=True)
    assert how_many(exact) == "2 articles hold every word of 'đảng viên' · 1 holds some of them"
    thousands = SearchResult("tràn dầu", 12, None, [], partial_total=12_340)
    assert how_many(thousands) == "12 articles hold every word of 'tràn dầu' · about 12,340 hold some of them"
    # filters alone: the articles they select, no words to hold
    assert how_many(seed_searcher.search("", year=2020)) == f"{seed_searcher.search('', year=2020).total} articles"


def test_the_terminal_marks_each_partial_match_with_what_it_lacks(seed_searcher) -> None:
    result = seed_searcher.search("đảng viên Thủ Dầu Một")
    lines = render_text(result, color=False).splitlines()
    assert lines[0] == how_many(result)
    heading = lines.index("Holding only some of the words:")
    missing = [n for n, line in enumerate(lines) if line.strip().startswith("Missing:")]
    assert [lines[n] for n in missing] == ["   Missing: Thủ Dầu Một"] * 4
    assert all(n > heading for n in missing)
    assert lines[heading + 2].startswith("2. ")  # the numbering runs on from the answer set
    # the article holding every word comes first, unmarked
    assert lines[2] == "1. Đảng bộ Tp.Thủ Dầu Một: 5 năm liền trong sạch, vững mạnh tiêu biểu"
    assert "Missing" not in "\n".join(lines[:heading])
    assert "Holding only" not in render_text(seed_searcher.search("đảng viên"), color=False)


def test_the_terminal_numbers_a_later_page_from_its_offset(seed_searcher) -> None:
    page = seed_searcher.search("đảng viên Thủ Dầu Một", offset=2, limit=2)
    assert split(page, 2) == ([], page.hits) and len(page.hits) == 2
    lines = render_text(page, color=False, offset=2).splitlines()
    assert lines[1:4] == ["", "Holding only some of the words:", ""] and lines[4].startswith("3. ")


def test_html_marks_titles_and_lists_partial_matches_apart(seed_searcher) -> None:
    result = seed_searcher.search("đảng viên Thủ Dầu Một")
    page = render_html(result)
    assert ('<p class="count">1 article holds every word of <q>đảng viên Thủ Dầu Một</q> · about 4 hold some of '
            'them</p>') in page
    assert "<h3>Đảng bộ Tp.<mark>Thủ Dầu Một</mark>: 5 năm liền trong sạch, vững mạnh tiêu biểu</h3>" in page
    answers, partial = page.split('<p class="partial">Holding only some of the words:</p>')
    assert answers.count("<li>") == 1 and "Missing" not in answers
    assert partial.startswith('\n<ol start="2">') and partial.count('<p class="missing">Missing: Thủ Dầu Một</p>') == 4


def test_paragraphs_keep_their_marks_and_escape_the_rest() -> None:
    body = "Đảng bộ TP.Thủ Dầu Một <b>có</b> 8.177 đảng viên\n\nđảng viên mới của Thủ Dầu Một\n\n\n\n"
    tdm, first = body.index("Thủ Dầu Một"), body.index("đảng viên")
    second, last = body.index("đảng viên", first + 1), body.rindex("Thủ Dầu Một")
    # adjacent marks merge over white space (``highlight.matched_spans``), so one may run over a break:
    # it is marked on both sides of it
    marks = [(tdm, tdm + 11), (first, second + 9), (last, last + 11)]
    assert paragraphs_html(body, marks) == [
        "Đảng bộ TP.<mark>Thủ Dầu Một</mark> &lt;b&gt;có&lt;/b&gt; 8.177 <mark>đảng viên</mark>",
        "<mark>đảng viên</mark> mới của <mark>Thủ Dầu Một</mark>"]
    assert paragraphs_html("", []) == [] and paragraphs_html("Bình Liêu", []) == ["Bình Liêu"]


# -- the timeline (format.timeline): by month, by year past four years ----------------------------------------------

def test_the_timeline_runs_month_by_month_with_its_gaps() -> None:
    line = timeline({"2020-11": 2, "2021-03": 2, "2021-04": 58})
    assert line.unit == "month" and line.largest == 58
    assert [(b.label, b.count) for b in line.bars] == [("2020-11", 2), ("2020-12", 0), ("2021-01", 0),
                                                       ("2021-02", 0), ("2021-03", 2), ("2021-04", 58)]
    assert (line.bars[1].since, line.bars[1].until) == ("2020-12", "2020-12")
    assert timeline({}).bars == []


def test_the_timeline_counts_years_past_four_years(seed_searcher) -> None:
    # exactly four years of months stay months; one more month makes years
    assert timeline({"2017-01": 1, "2020-12": 3}).unit == "month"
    assert len(timeline({"2017-01": 1, "2020-12": 3}).bars) == 48
    by_year = timeline({"2017-01": 1, "2017-05": 2, "2021-01": 3})
    assert by_year.unit == "year"
    assert by_year.bars == [Bar("2017", 3, "2017", "2017"), Bar("2018", 0, "2018", "2018"),
                            Bar("2019", 0, "2019", "2019"), Bar("2020", 0, "2020", "2020"),
                            Bar("2021", 3, "2021", "2021")]
    # the seeds that hold "đảng viên" were published from October 2017 to March 2022
    months = seed_searcher.search("đảng viên", facets=True).facets["month"]
    line = timeline(months)
    assert line.unit == "year" and sum(b.count for b in line.bars) == sum(months.values()) == 4
    assert [(b.label, b.count) for b in line.bars] == [("2017", 1), ("2018", 0), ("2019", 0), ("2020", 2),
                                                       ("2021", 0), ("2022", 1)]


def test_text_bars_are_scaled_to_the_largest() -> None:
    assert text_bar(58, 58) == "█" * BAR_CELLS
    assert text_bar(29, 58) == "█" * (BAR_CELLS // 2)
    assert text_bar(1, 1000) == "▏"  # any count shows
    assert text_bar(0, 58) == ""
    assert text_bar(3, 16, cells=4) == "▊"  # 3/16 of 4 cells: 6 eighths
    lines = text_timeline(timeline({"2020-11": 2, "2021-01": 58}))
    assert lines == ["timeline by month:",
                     "  2020-11  █▍" + " " * (BAR_CELLS - 2) + "   2",
                     "  2020-12  " + " " * BAR_CELLS + "   0",
                     "  2021-01  " + "█" * BAR_CELLS + "  58"]


def test_the_terminal_facets_end_with_the_timeline(seed_searcher) -> None:
    text = render_text(seed_searcher.search("đảng viên", facets=True), color=False)
    lines = text.splitlines()
    start = lines.index("timeline by year:")
    assert lines[start + 1:] == ["  2017     " + "█" * 20 + " " * 20 + "  1", "  2018     " + " " * 40 + "  0",
                                 "  2019     " + " " * 40 + "  0", "  2020     " + "█" * 40 + "  2",
                                 "  2021     " + " " * 40 + "  0", "  2022     " + "█" * 20 + " " * 20 + "  1"]
    assert any(line.startswith("province: ") for line in lines) and not any(line.startswith("month:") for line in lines)
