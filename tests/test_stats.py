"""What ``vnsearch stats`` reports, over the five seed articles."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from search.cli import main
from search.stats import index_stats

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_provinces_before_and_after_2025_are_counted_apart(seed_searcher) -> None:
    stats = index_stats(seed_searcher.index_dir)
    localities = [seed_searcher.get(page.name).about for page in CORPUS.iterdir()]
    for key, naming in (("provinces", "province"), ("provinces_2025", "province_2025")):
        named: dict[str, int] = {}
        for places in localities:
            for name in {loc[naming] for loc in places}:
                named[name] = named.get(name, 0) + 1
        assert stats[key] == dict(sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))), key
    # TP.Thủ Dầu Một's article: Bình Dương before the reform, Hồ Chí Minh after it.
    assert "Bình Dương" in stats["provinces"] and "Bình Dương" not in stats["provinces_2025"]
    assert "Hồ Chí Minh" in stats["provinces_2025"] and "Hồ Chí Minh" not in stats["provinces"]


def test_the_command_prints_both_lists(seed_searcher) -> None:
    text = CliRunner().invoke(main, ["stats", "--index", str(seed_searcher.index_dir)])
    assert text.exit_code == 0, text.output
    lines = {line[:10].strip(): line[10:].strip() for line in text.output.splitlines()}
    assert "Bình Dương 1" in lines["provinces"] and "Hồ Chí Minh 1" in lines["in 2025"]
    data = json.loads(CliRunner().invoke(main, ["stats", "--index", str(seed_searcher.index_dir), "--json"]).output)
    assert set(data) >= {"provinces", "provinces_2025"}
