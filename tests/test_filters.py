"""The table of filters and facets (search.filters): every filter it holds selects the same real articles
through each way in (a ``Searcher.search`` argument, ``name:value`` in the query, the ``--name`` option,
the API's ``?name=`` parameter), and every facet's value narrows by its filter to the articles it counted."""

from __future__ import annotations

import json
import re
from typing import get_type_hints

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from search import QueryError, Searcher
from search.cli import main
from search.filters import FACETS, FILTERS, NAMES, FilterValues, date_range, filter_query
from search.web import create_app

TDM, PHU_THUAN, VIET_TRI, KHOI, BINH_LIEU = ("000_13d84c9b41a19287.txt", "001_a36aec72562ed300.txt",
                                              "002_12b90e3edf959f26.txt", "003_f95d50a095e536ad.txt",
                                              "004_3071c7396e23f874.txt")
SEEDS = {TDM, PHU_THUAN, VIET_TRI, KHOI, BINH_LIEU}
#: A value of each filter, typed as a user would, and the articles of the session's index (the bundled seeds,
#: the devset sample, the hostile record) it selects on its own. A filter added to the table without an
#: example here fails ``test_every_filter_has_an_example``.
EXAMPLES: dict[str, tuple[str, set[str]]] = {
    "province": ("binh duong", {TDM}),
    "district": ("huyện Bình Liêu", {BINH_LIEU}),
    "commune": ("xã Phú Thuận", {PHU_THUAN}),
    "mentions": ("Hùng Lô", {VIET_TRI}),  # a commune the article names; it is about Việt Trì
    "since": ("2022-01", {VIET_TRI}),
    "until": ("31/12/2017", {BINH_LIEU}),
    "term": ("Khóa 12", SEEDS | {"dantri-news_society_204"}),  # khóa XII, typed in figures
    # published in 2018 (none is) or in a term covering it: the undated Phú Thuận article too
    "year": ("2018", SEEDS | {"dantri-news_society_204"}),
    "author": ("Thu Thảo", {TDM}),
    "source": ("dantri.com.vn", {"dantri-news_business_002", "dantri-news_business_102", "dantri-news_education_111",
                                 "dantri-news_entertainment_015", "dantri-news_entertainment_034",
                                 "dantri-news_health_263", "dantri-news_society_200", "dantri-news_society_204",
                                 "dantri-news_tech_033"}),
}


@pytest.fixture(scope="module")
def searcher(web_index):
    with Searcher(web_index) as s:
        yield s


@pytest.fixture(scope="module")
def client(web_index):
    with TestClient(create_app(web_index)) as c:
        yield c


def test_every_filter_has_an_example() -> None:
    assert list(EXAMPLES) == list(NAMES)  # in the table's order, which is the options' and parameters'


@pytest.mark.parametrize("name", NAMES)
def test_a_filter_selects_the_same_articles_every_way_in(name, searcher, client, web_index) -> None:
    value, expected = EXAMPLES[name]
    by_argument = searcher.search("", limit=100, **{name: value})
    assert {h.id for h in by_argument.hits} == expected and by_argument.total == len(expected)
    by_syntax = searcher.search(f'{name}:"{value}"', limit=100)
    assert {h.id for h in by_syntax.hits} == expected
    api = client.get("/api/search", params={"q": "", name: value, "limit": 100})
    assert api.status_code == 200 and {h["id"] for h in api.json()["hits"]} == expected
    cli = CliRunner().invoke(main, ["search", "", f"--{name}", value, "-n", "100", "--json", "--index", str(web_index)])
    assert cli.exit_code == 0, cli.output
    assert {h["id"] for h in json.loads(cli.stdout)["hits"]} == expected


def test_filters_combine_and_narrow_words(searcher) -> None:
    """Every filter of a search must hold: the examples of the seeds' places, terms and dates together."""
    assert {h.id for h in searcher.search("đảng viên", term="khoa xii", year=2018, until="2017").hits} == {BINH_LIEU}
    assert {h.id for h in searcher.search('đảng viên district:"Việt Trì"', mentions="Hùng Lô").hits} == {VIET_TRI}
    assert searcher.search("đảng viên", province="binh duong", author="Trúc Linh").total == 0


def test_each_interface_says_of_a_filter_what_the_table_does(client) -> None:
    options = {param.name: param for param in main.commands["search"].params}
    parameters = {p["name"]: p for p in client.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"]}
    help_text = CliRunner().invoke(main, ["search", "--help"]).output
    for entry in FILTERS:
        assert options[entry.name].help == entry.help and f"--{entry.name}" in help_text
        assert parameters[entry.name]["description"] == entry.description
        assert parameters[entry.name]["required"] is False
    # what is not the same everywhere: a year is a number to the command, four digits to the API
    assert options["year"].type.name == "integer range" and parameters["year"]["schema"]["anyOf"][0]["pattern"]


def test_the_page_names_each_filter_and_lists_each_facet_by_the_table(client) -> None:
    page = client.get("/", params={name: value for name, (value, _) in EXAMPLES.items()}).text
    chips = re.findall(r'<span class="chip">(.*?): ', page)
    assert chips == [entry.label for entry in FILTERS]
    everything = client.get("/", params={"q": "", "since": "1900"}).text
    headings = re.findall(r"<h3>(.*?)</h3>", everything.split('class="facets"')[1])
    assert headings == [facet.label for facet in FACETS]


def test_a_facet_value_narrows_by_its_filter_to_the_articles_it_counted(searcher) -> None:
    counted = searcher.search("", since="1900", facets=True).facets
    assert counted is not None
    for facet in FACETS:
        assert counted[facet.name], facet.name
        for value, n in list(counted[facet.name].items())[:3]:
            narrowed = searcher.search("", since="1900", facets=True, **{facet.filter.name: value}).facets
            assert narrowed is not None and narrowed[facet.name][value] == n, (facet.name, value)


def test_the_typed_arguments_are_the_tables_filters() -> None:
    """``Searcher.search``'s filter arguments, as an app's type checker sees them, are the table's."""
    hints = get_type_hints(FilterValues)
    assert list(hints) == list(NAMES)
    assert int in hints["year"].__args__ and all(str in hint.__args__ for hint in hints.values())


def test_a_name_no_filter_has_is_refused_as_an_argument_and_searched_as_text(searcher) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'provice'"):
        searcher.search("đảng viên", provice="binh duong")
    assert searcher.search("provice:binh duong").total == searcher.search("provice binh duong").total


def test_a_value_that_means_nothing_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="year must be four digits, not '20'"):
        filter_query({"year": "20"})
    with pytest.raises(QueryError, match="'mai' is not a date"):
        date_range({"since": "mai"})
    with pytest.raises(QueryError, match="--since 2021 is after --until 2020"):
        date_range({"since": "2021", "until": "2020"})
