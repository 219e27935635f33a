"""The HTTP API and the search page (search.web) through the ASGI test client, on the session's small index."""

from __future__ import annotations

import html
import json
import re
import shutil
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from click.testing import CliRunner
from conftest import HOSTILE_ID
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from markupsafe import escape

from indexer import build_index
from indexer.text import fold
from search.cli import main
from search.web import CSP, MAX_LIMIT, MAX_OFFSET, create_app, router

TDM = "000_13d84c9b41a19287.txt"


@pytest.fixture(scope="module")
def client(web_index):
    with TestClient(create_app(web_index)) as c:
        yield c


def cli_json(*args: str) -> dict:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def article_path(doc_id: str) -> str:
    return quote(doc_id, safe="")


# -- the JSON API: the objects the CLI prints ------------------------------------------------------------------------

@pytest.mark.parametrize("params, options", [
    ({"q": "thu dau mot"}, []),
    ({"q": "đảng viên", "province": "binh duong", "facets": "true"}, ["--province", "binh duong", "--facets"]),
    ({"q": "dang vien", "sort": "date", "limit": "3", "offset": "1"}, ["--sort", "date", "-n", "3", "--offset", "1"]),
    ({"q": "nghị quyết", "since": "2019-01", "until": "31/12/2021", "term": "khóa XII"},
     ["--since", "2019-01", "--until", "31/12/2021", "--term", "khóa XII"]),
    ({"q": "", "year": "2020", "facets": "true"}, ["--year", "2020", "--facets"]),
    ({"q": "Thanh Hóa", "source": "truyenhinhthanhhoa.vn"}, ["--source", "truyenhinhthanhhoa.vn"]),
])
def test_search_returns_what_the_cli_prints(client, web_index, params, options) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == cli_json("search", params["q"], "--index", str(web_index), "--json", *options)


def test_search_finds_an_unaccented_place_and_offers_its_accents(client) -> None:
    data = client.get("/api/search", params={"q": "thu dau mot"}).json()
    assert data["hits"][0]["id"] == TDM
    assert data["suggestion"] == "Thủ Dầu Một"
    marked = [s["text"][a:b] for s in data["hits"][0]["snippets"] for a, b in s["highlights"]]
    assert "Thủ Dầu Một" in marked


def test_filters_narrow_and_pages_do_not_overlap(client) -> None:
    everything = client.get("/api/search", params={"q": "dang vien", "limit": 50}).json()
    in_province = client.get("/api/search", params={"q": "dang vien", "province": "An Giang", "limit": 50}).json()
    assert 0 < len(in_province["hits"]) < len(everything["hits"])
    # "An Giang" is also the 2025 province that Kiên Giang joined
    assert all(any("An Giang" in (loc["province"], loc["province_2025"]) for loc in h["about"])
               for h in in_province["hits"])
    first = client.get("/api/search", params={"q": "dang vien", "limit": 2}).json()["hits"]
    second = client.get("/api/search", params={"q": "dang vien", "limit": 2, "offset": 2}).json()["hits"]
    assert [h["id"] for h in first + second] == [h["id"] for h in everything["hits"][:4]]


def test_facet_values_are_capped_per_facet_but_the_timeline_is_whole(client) -> None:
    full = client.get("/api/search", params={"q": "", "since": "1990", "facets": "true"}).json()["facets"]
    one = client.get("/api/search", params={"q": "", "since": "1990", "facets": "true", "facet_values": 1}).json()
    assert any(len(counts) > 1 for name, counts in full.items() if name != "month")
    assert {name: list(counts.items())[:1] for name, counts in full.items() if name != "month"} == \
        {name: list(counts.items()) for name, counts in one["facets"].items() if name != "month"}
    # the month timeline is in order of time, not of size: cut, it would lose its latest months
    assert len(full["month"]) > 1 and one["facets"]["month"] == full["month"]
    assert list(full["month"]) == sorted(full["month"])


def test_article_and_stats_return_what_the_cli_prints(client, web_index) -> None:
    for doc_id in (TDM, HOSTILE_ID):
        response = client.get(f"/api/articles/{article_path(doc_id)}")
        assert response.status_code == 200
        assert response.json() == cli_json("show", doc_id, "--index", str(web_index), "--json")
    stats = client.get("/api/stats")
    # the same figures; the index named by its folder alone (the CLI's user may see their own full path)
    assert stats.json() == {**cli_json("stats", "--index", str(web_index), "--json"), "index": web_index.name}
    assert str(web_index.parent) not in stats.text


def test_suggest_gives_the_accented_reading_alone(client) -> None:
    assert client.get("/api/suggest", params={"q": "thu dau mot"}).json() == \
        {"query": "thu dau mot", "suggestion": "Thủ Dầu Một"}
    assert client.get("/api/suggest", params={"q": "Thủ Dầu Một"}).json()["suggestion"] is None


def test_health_openapi_and_docs(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/articles/{doc_id}", "/api/stats", "/api/suggest", "/healthz"} <= set(spec["paths"])
    hit = spec["components"]["schemas"]["Hit"]["properties"]
    assert {"id", "title", "snippets", "about", "mentions", "places"} <= set(hit)
    assert client.get("/redoc").status_code == 404  # FastAPI's own pages, which load a CDN's script, are off


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_docs_list_every_api_route_with_its_parameters(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    assert "<script" not in page.text and "swagger" not in page.text.lower()
    sections = {_text(h2): body for h2, body in
                re.findall(r'<section class="endpoint"[^>]*>\s*<h2>(.*?)</h2>(.*?)</section>', page.text, re.S)}
    routes = {f"{method} {route.path_format}" for route in router.routes
              if isinstance(route, APIRoute) and route.include_in_schema for method in route.methods}
    assert set(sections) == routes and "GET /api/search" in routes
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            section = sections[f"{method.upper()} {path}"]
            rows = {_text(name): _text(row) for name, row in
                    re.findall(r'<tr class="parameter"><td>(.*?)</td>(.*?)</tr>', section, re.S)}
            assert {name.split()[0] for name in rows} == {p["name"] for p in operation.get("parameters", [])}
            for parameter in operation.get("parameters", []):
                cells = next(text for name, text in rows.items() if name.split()[0] == parameter["name"])
                if parameter.get("description"):
                    assert parameter["description"].replace("`", "") in cells
            for status in operation["responses"]:
                assert f"<dt><code>{status}</code></dt>" in section
    search = sections["GET /api/search"]

    def row(name: str) -> str:
        return _text(re.search(rf'<tr class="parameter"><td><code>{name}</code>.*?</tr>', search, re.S)[0])

    assert "integer" in row("limit") and "10" in row("limit") and "1 – 100" in row("limit")
    assert "0 – 10.000" in row("offset") and "≤ 1.000 ký tự" in row("q") and '""' in row("q")
    assert "'relevance' | 'date'" in row("sort") and "^(\\d{4})?$" in row("year")
    assert "bắt buộc" in _text(sections["GET /api/articles/{doc_id}"])
    assert 'href="#SearchResult"' in search and 'id="SearchResult"' in page.text


#: Attributes through which a page makes the browser fetch or go somewhere.
URL_ATTRIBUTES = re.compile(r'\b(?:src|href|action|srcset|poster|formaction|data|cite|background)\s*=\s*"([^"]*)"',
                            re.I)


def test_no_page_loads_or_links_anything_from_another_host(client, tmp_path) -> None:
    """Offline the pages work whole, and no third party learns who reads them; an article's own link is its data."""
    hits = client.get("/api/search", params={"q": "", "since": "1990", "limit": 100}).json()["hits"]
    outbound = {h["id"]: h["url"] for h in hits if (h["url"] or "").startswith("https://")}
    assert outbound and any(not h["url"] for h in hits)
    pages = {path: set() for path in ("/", "/?q=thu+dau+mot", "/?q=alert", "/?q=&since=1990&sort=date", "/docs",
                                      f"/articles/{article_path(HOSTILE_ID)}", "/articles/khong-co",
                                      "/?q=dang&since=h%C3%B4m+qua", "/khong-co-trang-nay", "/?page=0")}
    pages.update({f"/articles/{article_path(doc_id)}": {url} for doc_id, url in outbound.items()})
    pages[f"/articles/{TDM}"] = set()
    for path, own in pages.items():
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        foreign = {html.unescape(v) for v in URL_ATTRIBUTES.findall(response.text)
                   if not re.match(r"[/?#]", html.unescape(v)) or html.unescape(v).startswith("//")}
        assert foreign == own, path
        assert "<script" not in response.text and "<iframe" not in response.text, path
    with TestClient(create_app(tmp_path / "none")) as c:  # the 503 page, with no index
        unavailable = c.get("/?q=dang")
        assert unavailable.status_code == 503 and not [v for v in URL_ATTRIBUTES.findall(unavailable.text)
                                                       if not v.startswith("/") or v.startswith("//")]
    css = client.get("/static/style.css").text
    assert "url(" not in css and "@import" not in css


def test_every_endpoint_only_reads(client) -> None:
    methods = {m for route in [*client.app.routes, *router.routes] for m in getattr(route, "methods", None) or ()}
    assert methods <= {"GET", "HEAD"}
    for path in ("/api/search", "/api/articles/x", "/", "/api/stats"):
        assert client.post(path).status_code == 405
        assert client.delete(path).status_code == 405


# -- errors: which parameter and why; never a 500 --------------------------------------------------------------------

@pytest.mark.parametrize("params, parameter", [
    ({"limit": 0}, "limit"), ({"limit": MAX_LIMIT + 1}, "limit"), ({"limit": "ten"}, "limit"),
    ({"offset": -1}, "offset"), ({"offset": MAX_OFFSET + 1}, "offset"),
    ({"q": "đảng " * 201}, "q"), ({"province": "x" * 201}, "province"),
    ({"year": "20"}, "year"), ({"year": "hai nghìn"}, "year"), ({"sort": "best"}, "sort"),
    ({"facet_values": 101}, "facet_values"), ({"facets": "perhaps"}, "facets"),
    ({"since": "hôm qua"}, "since"), ({"until": "2020-13-01"}, "until"),
    ({"since": "2021", "until": "2020"}, "since"), ({"q": "đảng viên since:mai"}, "q"),
])
def test_bad_parameters_get_422_naming_the_parameter(client, params, parameter) -> None:
    response = client.get("/api/search", params={"q": "dang vien", **params})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", parameter] and detail[0]["msg"]


def test_unknown_and_path_like_ids_are_404(client) -> None:
    for doc_id in ("khong-co-bai-nay", "../../../../etc/passwd", "/etc/passwd", TDM + "/..", "\u0000"):
        response = client.get(f"/api/articles/{article_path(doc_id)}")
        assert response.status_code == 404 and repr(doc_id) in response.json()["detail"]
    assert client.get(f"/api/articles/{'a' * 501}").status_code == 422
    assert client.get("/api/nothing-here").json() == {"detail": "Not Found"}


def test_hostile_queries_are_searched_not_refused(client) -> None:
    for q in ('"unbalanced', "-", "OR OR", "province:", '((("x', "\u0000\u202e", "\U0001f600 đảng", "a" * 1000):
        assert client.get("/api/search", params={"q": q}).status_code == 200


def test_no_index_is_503_with_the_way_to_build_one(tmp_path) -> None:
    with TestClient(create_app(tmp_path / "none")) as c:
        response = c.get("/api/search", params={"q": "đảng"})
        assert response.status_code == 503 and "vnsearch index" in response.json()["detail"]
        assert "no index in none" in response.json()["detail"] and str(tmp_path) not in response.text
        assert c.get("/healthz").status_code == 503
        assert c.get("/").status_code == 200  # the empty form still shows
        assert "vnsearch index" in c.get("/?q=dang").text


def test_a_busy_server_refuses_rather_than_queues(web_index) -> None:
    app = create_app(web_index, max_concurrent=1, wait=0.05)
    with TestClient(app) as c:
        gate = app.state.shared.gate
        assert gate.acquire(timeout=1)  # the only slot is taken, as by a long search
        try:
            response = c.get("/api/search", params={"q": "đảng"})
        finally:
            gate.release()
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        assert c.get("/api/search", params={"q": "đảng"}).status_code == 200


def test_past_its_places_a_request_is_refused_without_waiting_for_a_turn(web_index) -> None:
    app = create_app(web_index, max_concurrent=1, wait=3600)  # a request that waited for a turn would hang the test
    with TestClient(app) as c:
        shared = app.state.shared
        shared.admitted = shared.admits  # as many requests in the process as it lets in
        try:
            api, page = c.get("/api/search", params={"q": "đảng"}), c.get("/", params={"q": "đảng"})
            static = c.get("/static/style.css")
        finally:
            shared.admitted = 0
        for response in (api, page):
            assert response.status_code == 503 and response.headers["retry-after"] == "1"
            assert response.headers["connection"] == "close" and response.headers["content-security-policy"] == CSP
        assert "busy" in api.json()["detail"] and "busy" in page.text
        assert static.status_code == 200  # a file, no search: never refused
        assert c.get("/api/search", params={"q": "đảng"}).status_code == 200


def test_a_build_committed_while_serving_is_served_at_the_next_request(web_index, tmp_path) -> None:
    live = tmp_path / "index"
    shutil.copytree(web_index, live)
    with TestClient(create_app(live)) as c:
        assert c.get("/api/search", params={"q": '"lũ quét"'}).json()["total"] == 0
        feed = tmp_path / "new.jsonl"
        feed.write_text(json.dumps({"id": "moi-1", "title": "Hòa Bình: lũ quét cuốn trôi cầu tràn",
                                    "body": "Mưa lớn gây lũ quét tại huyện Mai Châu, tỉnh Hòa Bình."},
                                   ensure_ascii=False) + "\n", encoding="utf-8")
        assert build_index([feed], live, jobs=1).indexed == 1
        hits = c.get("/api/search", params={"q": '"lũ quét"'}).json()["hits"]
        assert [h["id"] for h in hits] == ["moi-1"]


# -- safety: escaping, headers, CORS ---------------------------------------------------------------------------------

def raw_markup(page: str) -> list[str]:
    """Tags in the page that are neither the template's own nor the snippets' <mark>."""
    return re.findall(r"<(?:script|img|i)\b", page)


def test_script_in_an_article_is_shown_as_text(client) -> None:
    page = client.get("/", params={"q": "alert"}).text
    assert not raw_markup(page)
    # the title, escaped by ``format.marked_html`` (html.escape writes ' as &#x27;), its match marked
    assert "&lt;script&gt;<mark>alert</mark>(&#x27;tiêu đề&#x27;)&lt;/script&gt;</a></h2>" in page
    assert "<mark>alert</mark>" in page  # the mark wraps escaped text; the escaped tags stay around it
    article = client.get(f"/articles/{article_path(HOSTILE_ID)}")
    assert article.status_code == 200 and not raw_markup(article.text)
    assert html.escape("<img src=x onerror=alert('ảnh')>") in article.text  # paragraphs: format.paragraphs_html
    assert "javascript:" not in article.text  # a scraped link that is not http(s) is not linked


def test_script_in_a_query_is_shown_as_text(client) -> None:
    q = '<script>alert("q")</script> "><img src=x onerror=alert(1)>'
    for path in ("/", "/?sort=nope", f"/articles/{article_path(q)}"):
        page = client.get(path, params={"q": q, "province": q}).text
        assert not raw_markup(page)
    assert escape(q) in client.get("/", params={"q": q}).text


def test_pages_carry_a_csp_and_no_cors_unless_asked(client, web_index) -> None:
    page = client.get("/", params={"q": "đảng"}, headers={"Origin": "https://evil.example"})
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in page.headers
    api = client.get("/api/search", params={"q": "đảng"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in api.headers
    with TestClient(create_app(web_index, cors_origins=["https://baobinhduong.vn"])) as c:
        allowed = c.get("/api/search", params={"q": "đảng"}, headers={"Origin": "https://baobinhduong.vn"})
        other = c.get("/api/search", params={"q": "đảng"}, headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://baobinhduong.vn"
    assert "access-control-allow-origin" not in other.headers


# -- the search page -------------------------------------------------------------------------------------------------

def links(page: str, css_class: str | None = None) -> list[tuple[str, str]]:
    """(href, text) of the page's links, optionally only those inside elements of a class."""
    if css_class:
        page = "".join(re.findall(rf'class="{css_class}".*?</(?:p|aside|nav|ol)>', page, re.S))
    return [(html.unescape(h), html.unescape(re.sub("<[^>]+>", "", t)))
            for h, t in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', page, re.S)]


def test_the_page_is_vietnamese_and_lists_marked_results(client) -> None:
    page = client.get("/", params={"q": "thu dau mot"}).text
    assert '<html lang="vi">' in page and 'name="viewport"' in page
    assert ("/?q=Th%E1%BB%A7+D%E1%BA%A7u+M%E1%BB%99t", "Thủ Dầu Một") in links(page, "suggestion")
    assert "Có phải bạn muốn tìm" in page
    assert f'href="/articles/{article_path(TDM)}?q=thu+dau+mot"' in page
    assert "TP.<mark>Thủ Dầu Một</mark>" in page
    assert "22/06/2020" in page and "Thủ Dầu Một, Bình Dương" in page


def test_facet_links_narrow_the_search(client) -> None:
    page = client.get("/", params={"q": "dang vien", "sort": "date"}).text
    facet = next((href, text) for href, text in links(page, "facets") if text == "An Giang")
    query = parse_qs(urlsplit(facet[0]).query)
    assert query == {"q": ["dang vien"], "sort": ["date"], "province": ["An Giang"]}
    narrowed = client.get(facet[0]).text
    assert "Tỉnh, thành: An Giang" in narrowed
    api = client.get("/api/search", params={k: v[0] for k, v in query.items()}).json()
    assert len(re.findall('class="hit"', narrowed)) == len(api["hits"]) > 0


def test_the_2025_provinces_are_a_facet_of_their_own_that_filters_by_province(client) -> None:
    page = client.get("/", params={"q": "thu dau mot"}).text
    sections = dict(re.findall(r"<h3>(.*?)</h3>(.*?)</section>", page.split('class="facets"')[1], re.S))
    old, new = links(sections["Tỉnh, thành"]), links(sections["Tỉnh, thành (từ 2025)"])
    # TP.Thủ Dầu Một is in Bình Dương, which the 2025 reform made part of Hồ Chí Minh.
    assert "Bình Dương" in dict(old).values() and "Bình Dương" not in dict(new).values()
    href = next(h for h, text in new if text == "Hồ Chí Minh")
    assert parse_qs(urlsplit(href).query) == {"q": ["thu dau mot"], "province": ["Hồ Chí Minh"]}
    assert f'href="/articles/{article_path(TDM)}?' in client.get(href).text


def test_pagination_keeps_every_filter(client) -> None:
    params = {"q": "", "since": "1990", "until": "2030-12-31", "sort": "date"}
    first = client.get("/", params=params).text
    nxt = dict(links(first, "pages"))
    href = next(h for h, t in nxt.items() if t.startswith("Trang sau"))
    assert parse_qs(urlsplit(href).query) == {"since": ["1990"], "until": ["2030-12-31"], "sort": ["date"],
                                              "page": ["2"]}
    second = client.get(href).text
    ids = lambda page: re.findall(r'class="hit">\s*<h2><a href="([^"]+)"', page)  # noqa: E731
    assert ids(first) and ids(second) and not set(ids(first)) & set(ids(second))
    assert any("Trang trước" in t for _, t in links(second, "pages"))


def test_article_page_shows_the_clean_article(client) -> None:
    page = client.get(f"/articles/{TDM}").text
    assert "<h1>Đảng bộ Tp.Thủ Dầu Một: 5 năm liền trong sạch, vững mạnh tiêu biểu</h1>" in page
    assert "Ngày đăng" in page and "22/06/2020" in page and "khóa XII" in page


def test_page_errors_are_pages(client) -> None:
    missing = client.get("/articles/khong-co")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in missing.text
    bad_date = client.get("/", params={"q": "đảng", "since": "hôm qua"})
    assert bad_date.status_code == 422 and 'name="q" value="đảng"' in bad_date.text
    assert "since: &#39;hôm qua&#39; is not a date" in bad_date.text
    bad_page = client.get("/", params={"q": "đảng", "page": "0"})
    assert bad_page.status_code == 422 and "<html" in bad_page.text


# -- counts, partial matches, the timeline, marks: as a researcher reads them (issue 28) ------------------------------

def hit_lists(page: str) -> tuple[list[str], list[str]]:
    """The hits of the page's two lists: the answer set's, and the partial matches after it."""
    answers = re.search(r'<ol class="hits" start="\d+">(.*?)</ol>', page, re.S)
    partial = re.search(r'<ol class="hits partial" start="\d+">(.*?)</ol>', page, re.S)
    split = lambda block: re.findall(r'<li class="hit[^"]*">.*?</li>', block[1], re.S) if block else []  # noqa: E731
    return split(answers), split(partial)


def test_the_page_counts_the_answer_set_then_the_partial_matches(client) -> None:
    q = "đảng viên thành phố"
    api = client.get("/api/search", params={"q": q}).json()
    assert api["total"] == 2 and api["partial_total"] == 9 and not api["partial_exact"]
    page = client.get("/", params={"q": q}).text
    assert '<p class="count">2 bài chứa mọi từ · khoảng 9 bài chứa một phần · trang 1/2</p>' in page
    answers, partial = hit_lists(page)
    assert len(answers) == 2 and len(partial) == 8
    assert not any("Thiếu" in hit for hit in answers)
    assert all('<p class="missing">Thiếu: <s>' in hit for hit in partial)
    assert '<ol class="hits partial" start="3">' in page and "Bài chỉ chứa một phần từ khóa" in page
    # what each partial match lacks is what the API says it lacks, as typed
    shown = [re.findall(r"<s>(.*?)</s>", hit) for hit in partial]
    assert shown == [[html.escape(w, quote=False) for w in h["missing"]] for h in api["hits"][2:]]
    assert "<s>thành phố</s>" in page


def test_pages_run_through_the_answer_set_into_the_partial_matches(client) -> None:
    q = "đảng viên thành phố"
    second = client.get("/", params={"q": q, "page": 2}).text
    answers, partial = hit_lists(second)
    assert answers == [] and len(partial) == 1 and '<ol class="hits partial" start="11">' in second
    assert "trang 2/2" in second and not any(t.startswith("Trang sau") for _, t in links(second, "pages"))
    api = client.get("/api/search", params={"q": q, "offset": 10}).json()["hits"]
    assert f'href="/articles/{article_path(api[0]["id"])}?' in partial[0]
    # newest first, the partial matches are not listed: pages count the answer set alone
    by_date = client.get("/", params={"q": q, "sort": "date"}).text
    assert '<p class="count">2 bài chứa mọi từ</p>' in by_date and "Thiếu" not in by_date
    answers, partial = hit_lists(by_date)
    assert len(answers) == 2 and partial == []


def test_the_pager_stops_at_the_deepest_page_served(client) -> None:
    from search.searcher import SearchResult
    from search.web import PAGE_SIZE, SearchParams, _search_page_context

    params = SearchParams(q="đảng", province=None, district=None, commune=None, since=None, until=None, term=None,
                          year=None, author=None, source=None, sort="relevance")
    deep = _search_page_context(params, 1, SearchResult("đảng", 9_000, None, [], partial_total=40_000))
    assert deep["pages"] == MAX_OFFSET // PAGE_SIZE + 1
    short = _search_page_context(params, 1, SearchResult("đảng", 12, None, [], partial_total=9))
    assert short["pages"] == 3  # 21 articles listed: 12 holding every word, 9 after them


def test_titles_are_marked_on_the_page(client) -> None:
    page = client.get("/", params={"q": "Bình Liêu"}).text
    assert ">Bình Liêu</mark>" in page
    assert re.search(r'<h2><a href="/articles/004_3071c7396e23f874\.txt\?q=B%C3%ACnh\+Li%C3%AAu">'
                     r"<mark>Bình Liêu</mark>: Lãnh đạo toàn diện, đổi mới</a></h2>", page)


def timeline_bars(page: str) -> list[tuple[str, str, str]]:
    """(href, aria-label, title) of each bar of the page's timeline."""
    svg = re.search(r'<figure class="timeline">.*?</figure>', page, re.S)
    return re.findall(r'<a href="([^"]*)" aria-label="([^"]*)">\s*<title>([^<]*)</title>', svg[0], re.S) if svg else []


def test_the_timeline_is_an_svg_of_links_by_month(client) -> None:
    q = "đảng viên"
    page = client.get("/", params={"q": q, "since": "2020", "sort": "date"}).text
    month = client.get("/api/search", params={"q": q, "since": "2020", "facets": "true"}).json()["facets"]["month"]
    assert month == {"2020-06": 1, "2020-08": 1, "2022-03": 1}
    bars = timeline_bars(page)
    assert len(bars) == 22  # June 2020 to March 2022, the empty months too
    assert "theo tháng" in page and '<svg width="100%"' in page
    for n, (href, label, title) in enumerate(bars):
        year, mon = 2020 + (5 + n) // 12, (5 + n) % 12 + 1
        key = f"{year}-{mon:02d}"
        assert parse_qs(urlsplit(html.unescape(href)).query) == {"q": [q], "since": [key], "until": [key],
                                                                  "sort": ["date"]}
        assert label == title == f"Tháng {mon}/{year}: {month.get(key, 0)} bài"
    href = html.unescape(bars[0][0])
    narrowed = client.get(href).text
    assert "1 bài chứa mọi từ" in narrowed and "Từ ngày: 2020-06" in narrowed and "Đến ngày: 2020-06" in narrowed


def test_the_timeline_counts_years_over_a_long_span(client) -> None:
    page = client.get("/", params={"q": "", "since": "1990", "province": "An Giang"}).text
    everything = client.get("/", params={"q": "", "since": "1990"}).text
    bars = timeline_bars(everything)
    # the dated articles run from October 2017 to March 2022: more than four years, so years
    assert [label for _, label, _ in bars] == ["Năm 2017: 1 bài", "Năm 2018: 0 bài", "Năm 2019: 0 bài",
                                               "Năm 2020: 4 bài", "Năm 2021: 8 bài", "Năm 2022: 1 bài"]
    assert parse_qs(urlsplit(html.unescape(bars[3][0])).query) == {"since": ["2020"], "until": ["2020"]}
    assert "theo năm" in everything
    # within An Giang (and Kiên Giang, part of it since 2025) one article is dated: one month is a sentence
    assert '<p class="timeline">1 bài có ngày đăng, đều trong tháng 4/2021</p>' in page
    undated = client.get("/", params={"q": '"xã Phú Thuận"'}).text  # its one article has no date: no timeline
    assert "1 bài chứa mọi từ" in undated and 'class="timeline"' not in undated


def test_one_month_is_said_not_drawn(client) -> None:
    month = client.get("/api/search", params={"q": "thu dau mot", "facets": "true"}).json()["facets"]["month"]
    assert month == {"2020-06": 1}
    page = client.get("/", params={"q": "thu dau mot"}).text
    assert '<p class="timeline">1 bài có ngày đăng, đều trong tháng 6/2020</p>' in page and "<svg" not in page


def test_month_is_the_timeline_not_a_facet_to_filter_by(client) -> None:
    from search.filters import FACETS, NAMES

    page = client.get("/", params={"q": "", "since": "1990"}).text
    assert "month" not in {facet.name for facet in FACETS} and "month" not in NAMES
    hrefs = [href for href, _ in links(page)]
    assert hrefs and not any("month" in parse_qs(urlsplit(h).query) for h in hrefs)
    facets = page.split('class="facets"')[1]
    assert "2021-04" not in facets and "Tháng" not in facets


def test_the_timeline_keeps_the_csp_no_script_and_no_inline_style(client) -> None:
    assert CSP == ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                   "base-uri 'none'; frame-ancestors 'none'")
    for params in ({"q": "đảng viên", "since": "2020"}, {"q": "", "since": "1990"}, {"q": "tỉnh"}):
        response = client.get("/", params=params)
        assert response.headers["content-security-policy"] == CSP
        assert "<svg" in response.text and "<script" not in response.text
        assert not re.search(r"\sstyle\s*=", response.text), params  # presentation attributes only


def test_an_article_reached_from_a_search_leads_back_to_it(client) -> None:
    page = client.get("/", params={"q": "đảng viên thành phố", "province": "Bình Dương"}).text
    href = next(h for h, _ in links(page) if h.startswith(f"/articles/{article_path(TDM)}"))
    assert parse_qs(urlsplit(href).query) == {"q": ["đảng viên thành phố"], "province": ["Bình Dương"]}
    second = client.get("/", params={"q": "đảng viên thành phố", "page": 2, "sort": "relevance"}).text
    deep = next(h for h, _ in links(second) if h.startswith("/articles/"))
    assert parse_qs(urlsplit(deep).query) == {"q": ["đảng viên thành phố"], "page": ["2"]}
    article = client.get(deep).text
    back = dict((t, h) for h, t in links(article))["‹ Về kết quả tìm kiếm"]
    assert parse_qs(urlsplit(back).query) == {"q": ["đảng viên thành phố"], "page": ["2"]}
    assert hit_lists(client.get(back).text) == hit_lists(second)
    plain = client.get(f"/articles/{TDM}").text  # reached some other way: back to the search form
    assert ("/", "‹ Tìm kiếm") in links(plain) and "<mark>" not in plain


def test_the_article_page_marks_the_query(client) -> None:
    page = client.get(f"/articles/{TDM}", params={"q": "thu dau mot dang vien"}).text
    assert "<h1>Đảng bộ Tp.<mark>Thủ Dầu Một</mark>: 5 năm liền trong sạch, vững mạnh tiêu biểu</h1>" in page
    body = page.split('<div class="body">')[1]
    marked = re.findall(r"<mark>(.*?)</mark>", body)
    assert "Thủ Dầu Một" in marked and "đảng viên" in [m.lower() for m in marked]
    assert all(fold(m) in {"thu dau mot", "dang vien"} for m in marked)
    assert "8.177 <mark>đảng viên</mark>" in body
    # whole words only: "đang" is not "đảng"
    assert not re.search(r"<mark>đang</mark>", client.get(f"/articles/{TDM}", params={"q": "đảng"}).text)


def test_the_docs_say_which_count_is_exact(client) -> None:
    page = client.get("/docs").text
    search = page.split('id="get-api-search"')[1].split("</section>")[0]
    text = " ".join(_text(search).split())
    assert "total is exact (total_exact: true)" in text
    assert "partial_total is not exact (partial_exact: false)" in text
    assert "missing" in text and "month" in text
