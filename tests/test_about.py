"""Filters and facets mean where the story happened; ``mentions`` reaches every place an article names.

Real provincial leads and Dân trí articles (tests/fixtures/places-sample.jsonl):
one is about Đắk Lắk and names TP Hồ Chí Minh in passing, one is about Hà Nam
and names four other provinces. A province filter must return the articles
about the province only, the facets must count those, and ``mentions`` must
find every article naming a place, about it or not.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import build_index
from indexer.articles.places import find_places, place_chain
from search import Searcher
from search.cli import main

PLACES = Path(__file__).parent / "fixtures" / "places-sample.jsonl"
RECORDS = [json.loads(line) for line in PLACES.read_text(encoding="utf-8").splitlines()]
#: The reader's own reading of each record, which the index must keep apart: about, and everything named.
READ = {r["id"]: find_places(r.get("title", ""), r["body"], r.get("source")) for r in RECORDS}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("about")
    assert build_index([PLACES], folder / "index", jobs=1).indexed == len(RECORDS)
    with Searcher(folder / "index") as s:
        yield s


def _ids(searcher: Searcher, **filters) -> set[str]:
    result = searcher.search("", limit=100, **filters)
    assert result.total == len(result.hits)
    return {h.id for h in result.hits}


def test_a_province_filter_returns_the_articles_about_it_only(searcher) -> None:
    # A province filter means the province before 2025 or after: Bình Dương is now Hồ Chí Minh's.
    about = {i for i, places in READ.items() if any("Hồ Chí Minh" in (loc.province, loc.province_2025)
                                                    for loc in places.about)}
    named = {i for i, places in READ.items()
             if any("Hồ Chí Minh" in (loc.province, loc.province_2025) for loc in places.about + places.mentions)}
    # The Đắk Lắk union's lead names TP Hồ Chí Minh; the story is not there.
    assert "danes8-dev-130" in named - about
    assert _ids(searcher, province="TP.HCM") == about
    assert _ids(searcher, mentions="ho chi minh") == named
    assert _ids(searcher, province="Đắk Lắk") == {"danes8-dev-130"}


def test_facets_count_what_the_articles_are_about_and_apart_what_they_name(searcher) -> None:
    facets = searcher.search("", since="1900", limit=1, facets=True).facets
    everything = searcher.search("", since="1900", limit=100)
    dated = {h.id for h in everything.hits}
    about = Counter(p for i in dated for p in {loc.province for loc in READ[i].about})
    named = Counter(p for i in dated for p in {loc.province for loc in READ[i].about + READ[i].mentions})
    assert facets["province"] == dict(sorted(about.items(), key=lambda kv: (-kv[1], kv[0])))
    assert facets["mentions"] == dict(sorted(named.items(), key=lambda kv: (-kv[1], kv[0])))
    assert sum(facets["mentions"].values()) > sum(facets["province"].values())


def test_a_hit_shows_each_place_it_is_about_once_as_one_typed_chain(searcher) -> None:
    for hit in searcher.search("", mentions="ho chi minh", limit=100).hits:
        assert hit.places == [place_chain(loc) for loc in READ[hit.id].about]
        assert len(set(hit.places)) == len(hit.places)
        for chain in hit.places:
            units = chain.split(", ")
            assert len(set(units)) == len(units), chain
    text = CliRunner().invoke(main, ["search", "", "--province", "Hà Nam", "--index", str(searcher.index_dir)])
    assert text.exit_code == 0
    assert place_chain(READ["dantri-news_health_133"].about[0]) in text.output
    # Named beside it, but not where its story happened: not on its line.
    assert "Hưng Yên" not in text.output.split("dantri-news_health_133")[1].splitlines()[0]
