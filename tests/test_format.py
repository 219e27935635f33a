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
