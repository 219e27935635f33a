"""A model-based test of an index's life: random runs that add, replace and prune, checked against a dict.

hypothesis drives sequences of builds into one index, several source files and
segments, dated and undated articles, with one ``Searcher`` held open the whole
time; after every step what the index answers must equal a plain model of what
it should hold. Lucene earns trust this way: faults of one run order or segment
mix that no hand-written example thought of.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from indexer import build_index
from search import Searcher

SAMPLE = Path(__file__).parent / "fixtures" / "devset-sample.jsonl"
#: A real sentence every article carries, so one query reaches the whole index.
SHARED = "Bài viết được tổng hợp từ các cơ quan báo chí địa phương."
QUERY = "tổng hợp báo chí địa phương"
DATES = [None, "2017-03-05", "2020-10-01", "2020-10-31", "2021-04-28", "2021-12-31"]
WINDOWS = [("2020-10-01", "2020-10-31"), ("2030-01-01", None), (None, "2018-01-01"), ("2021-01-01", None),
           ("2017-03-05", "2017-03-05")]


def pool() -> list[dict]:
    """The fixture's real articles, shortened so a build stays quick."""
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out.append({"id": record["id"], "title": record.get("title", ""), "body": record["body"][:600]})
    return out


POOL = pool()


class IndexLife(RuleBasedStateMachine):
    files = Bundle("files")

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="vnsearch-life-"))
        self.index = self.root / "index"
        self.src = self.root / "src"
        self.src.mkdir()
        self.model: dict[str, dict[str, dict]] = {}  # file name -> id -> record as written
        self.searcher: Searcher | None = None
        self.runs = 0

    def _write(self, name: str) -> None:
        lines = [json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False)
                 for r in self.model[name].values()]
        (self.src / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    def _build(self, prune: bool = False) -> None:
        summary = build_index([self.src], self.index, jobs=1, prune=prune)
        assert not summary.errors, summary.errors
        self.runs += 1
        if self.searcher is None:  # opened after the first build and held open through every later one
            self.searcher = Searcher(self.index)

    def _articles(self) -> dict[str, dict]:
        return {i: r for records in self.model.values() for i, r in records.items()}

    @rule(target=files, picks=st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=3, unique=True),
          dates=st.lists(st.sampled_from(DATES), min_size=3, max_size=3))
    def add_file(self, picks: list[int], dates: list[str | None]):
        taken = self._articles()
        name = f"run{self.runs}.jsonl"
        records = {}
        for n, (i, date) in enumerate(zip(picks, dates)):
            base = POOL[i]
            doc_id = f"{base['id']}-{self.runs}-{n}"
            assert doc_id not in taken
            records[doc_id] = {**base, "id": doc_id, "body": f"{base['body']}\n{SHARED}", "published": date}
        self.model[name] = records
        self._write(name)
        self._build()
        return name

    @rule(name=files, date=st.sampled_from(DATES), data=st.data())
    def replace_one(self, name: str, date: str | None, data):
        doc_id = data.draw(st.sampled_from(sorted(self.model[name])))
        record = self.model[name][doc_id]
        record["published"] = date
        record["body"] += f"\nCập nhật lần {self.runs}."
        self._write(name)
        self._build()

    @rule(name=consumes(files))
    def prune_file(self, name: str):
        del self.model[name]
        (self.src / name).unlink()
        self._build(prune=True)

    @rule()
    def unchanged_rerun(self):
        if self.runs:
            self._build()

    @invariant()
    def answers_match_the_model(self):
        if self.searcher is None:
            return
        articles = self._articles()
        everything = self.searcher.search(QUERY, limit=100, snippet_count=1)
        assert {h.id for h in everything.hits} == set(articles)
        assert everything.total == len(articles) and everything.total_exact
        for doc_id, record in articles.items():
            stored = self.searcher.get(doc_id)
            assert stored is not None and (stored.published or "")[:10] == (record["published"] or "")
        for since, until in WINDOWS:
            got = self.searcher.search(QUERY, since=since, until=until, limit=100, snippet_count=1)
            want = {i for i, r in articles.items() if r["published"]
                    and (since is None or r["published"] >= since) and (until is None or r["published"] <= until)}
            assert {h.id for h in got.hits} == want, (since, until)
            assert got.total == len(want)
        by_date = self.searcher.search(QUERY, sort="date", limit=100, snippet_count=1)
        dates = [(h.published or "")[:10] for h in by_date.hits]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=True) and dates == dated + [""] * (len(dates) - len(dated))
        assert all(h.score is None for h in by_date.hits)

    def teardown(self):
        if self.searcher is not None:
            self.searcher.close()
        shutil.rmtree(self.root, ignore_errors=True)


IndexLife.TestCase.settings = settings(max_examples=6, stateful_step_count=5, deadline=None)
test_index_life = IndexLife.TestCase


def test_found_merging_a_segment_with_a_replaced_article(tmp_path) -> None:
    """What the machine found first: after a replace, the run whose commit merged the
    small segments died in whoosh's posting pool ("vbytes=''") on one-posting terms."""
    src = tmp_path / "src"
    src.mkdir()
    runs = [[0, 1, 2], [3, 2, 0], [11, 10, 4], [3, 2]]
    written = {}
    for n, picks in enumerate(runs):
        written[n] = [{**POOL[i], "id": f"{POOL[i]['id']}-{n}", "body": f"{POOL[i]['body']}\n{SHARED}"} for i in picks]
        if n == 3:  # before the fourth run, one article of the third changes
            written[2][0]["body"] += "\nCập nhật lần 3."
            (src / "run2.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written[2]),
                                            encoding="utf-8")
            build_index([src], tmp_path / "index", jobs=1)
        (src / f"run{n}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written[n]),
                                           encoding="utf-8")
        build_index([src], tmp_path / "index", jobs=1)
    summary = build_index([src], tmp_path / "index", jobs=1)  # an unchanged run: its commit merges
    assert not summary.errors
    with Searcher(tmp_path / "index") as searcher:
        assert searcher.search(QUERY, limit=100).total == sum(len(v) for v in written.values())
