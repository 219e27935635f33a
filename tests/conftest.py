"""Fixtures shared by the test modules: every test's own home folder, and the server's indexes (API, fuzz, browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import build_index
from search import Searcher

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"
#: An id as scraped ids come: a path with markup in it.
HOSTILE_ID = "tin/<i>nguy-hiem</i>"


def hostile_record() -> dict:
    """A real provincial lead with markup and script added to its title, body and link, as a scraper may keep them."""
    lead = next(r for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines()) if r.get("title"))
    return {"id": HOSTILE_ID, "source": lead["source"], "published": "2021-09-12",
            "url": "javascript:alert('link')",
            "title": f"{lead['title']} <script>alert('tiêu đề')</script>",
            "body": f"{lead['body']}\n\n<script>alert('nội dung')</script> <img src=x onerror=alert('ảnh')> "
                    "Người dân Thanh Hóa cần chủ động phòng tránh mưa lớn."}


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory, monkeypatch) -> Path:
    """A home and data folders of the test's own, and no ``VNSEARCH_INDEX`` (a test that wants one sets it).

    Commands without ``--index`` use the user's default index, building it on first
    use: a test must neither read the index of whoever runs the suite (its result
    would depend on whether one exists) nor write one there. Subprocesses inherit this.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for variable, folder in (("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache"),
                             ("XDG_CONFIG_HOME", ".config")):
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.delenv("VNSEARCH_INDEX", raising=False)
    return home


@pytest.fixture(scope="session")
def web_index(tmp_path_factory) -> Path:
    """The seeds, the devset sample and the hostile article, indexed once for the whole session."""
    folder = tmp_path_factory.mktemp("web")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(hostile_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    summary = build_index([CORPUS, SAMPLE, hostile], folder / "index", jobs=2)
    assert summary.skipped == 0 and summary.indexed == 5 + len(SAMPLE.read_text().splitlines()) + 1
    return folder / "index"


@pytest.fixture(scope="module")
def seed_searcher(tmp_path_factory):
    """A Searcher over the five bundled seed articles, for tests that only read."""
    target = tmp_path_factory.mktemp("seed-index")
    assert build_index([CORPUS], target, jobs=1).indexed == 5
    with Searcher(target) as s:
        yield s
