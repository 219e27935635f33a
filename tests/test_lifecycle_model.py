"""A model-based test of an index's life: random runs that add, replace and prune, checked against a dict.

hypothesis drives sequences of builds into one index, several source files and
segments, dated and undated articles, rebuilds swapped in whole, with one ``Searcher`` held open the whole
time; after every step what the index answers must equal a plain model of what
it should hold: counts, ``get``, date windows, sort by date, province and term
filters, and facets. The model knows each article's provinces and terms from the
place and term strings written into it, not from the library. Lucene earns trust
this way: faults of one run order or segment mix that no hand-written example
thought of.

The suite runs the same examples every time; LIFE_RANDOM=1 LIFE_EXAMPLES=50
explores further.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
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
EXAMPLES = int(os.environ.get("LIFE_EXAMPLES", 6))
RANDOM = bool(os.environ.get("LIFE_RANDOM"))


def fixture_articles() -> list[dict]:
    """The fixture's real articles, shortened so a build stays quick."""
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out.append({"id": record["id"], "title": record.get("title", ""), "body": record["body"][:600]})
    return out


FIXTURE = fixture_articles()


@dataclass(frozen=True)
class Placed:
    """An article of the pool: a headline and a lead naming its places and terms, as local papers write them."""

    title: str
    lead: str
    #: Each province the lead names: (its pre-2025 name, the 2025 province it is now part of).
    provinces: tuple[tuple[str, str], ...]
    terms: tuple[str, ...]  # as the index writes them


POOL = [
    Placed("Đảng bộ TP.Thủ Dầu Một: 5 năm liền trong sạch, vững mạnh tiêu biểu",
           "Ngay từ đầu nhiệm kỳ 2015-2020, Đảng bộ TP.Thủ Dầu Một, tỉnh Bình Dương đã chú trọng đổi mới "
           "nội dung và phương thức lãnh đạo.", (("Bình Dương", "Hồ Chí Minh"),), ("2015-2020",)),
    Placed("Đại hội Đảng bộ xã Phú Thuận nhiệm kỳ 2020-2025",
           "Sáng 22-6, Đảng bộ xã Phú Thuận, huyện Thoại Sơn, tỉnh An Giang tổ chức Đại hội đại biểu lần thứ XII, "
           "nhiệm kỳ 2020-2025.", (("An Giang", "An Giang"),), ("2020-2025",)),
    Placed("Thành ủy Rạch Giá quán triệt Nghị quyết Trung ương 4",
           "Thành ủy Rạch Giá, tỉnh Kiên Giang tổ chức hội nghị quán triệt Nghị quyết Trung ương 4 khóa XII "
           "về xây dựng, chỉnh đốn Đảng.", (("Kiên Giang", "An Giang"),), ("khóa XII",)),
    Placed("Tỉnh ủy Hải Dương tổng kết công tác xây dựng Đảng",
           "Trong nhiệm kỳ 2015-2020, Đảng bộ tỉnh Hải Dương đã lãnh đạo thực hiện thắng lợi nghị quyết đại hội.",
           (("Hải Dương", "Hải Phòng"),), ("2015-2020",)),
    Placed("Huyện Bình Liêu phát triển kinh tế vùng biên",
           "Đảng bộ huyện Bình Liêu, tỉnh Quảng Ninh quán triệt Nghị quyết của Ban Chấp hành Trung ương Đảng "
           "khóa XIII.", (("Quảng Ninh", "Quảng Ninh"),), ("khóa XIII",)),
    Placed("Phú Thọ và Vĩnh Phúc ký kết chương trình hợp tác",
           "Tỉnh Phú Thọ và tỉnh Vĩnh Phúc ký kết chương trình hợp tác phát triển kinh tế - xã hội "
           "giai đoạn 2021-2025.", (("Phú Thọ", "Phú Thọ"), ("Vĩnh Phúc", "Phú Thọ")), ("2021-2025",)),
    Placed("TP.HCM và Bình Dương thống nhất đầu tư đường kết nối",
           "Thành phố Hồ Chí Minh và tỉnh Bình Dương thống nhất đầu tư các tuyến đường kết nối trong "
           "nhiệm kỳ 2020-2025.", (("Hồ Chí Minh", "Hồ Chí Minh"), ("Bình Dương", "Hồ Chí Minh")), ("2020-2025",)),
    Placed("Hội nghị tổng kết công tác tuyên giáo",
           "Hội nghị đánh giá kết quả công tác tuyên giáo năm qua và đề ra nhiệm vụ trọng tâm cho năm tới.", (), ()),
    Placed("Tiền Giang nâng cao chất lượng đảng viên mới",
           "Đảng bộ tỉnh Tiền Giang thực hiện nghiêm Chỉ thị của Bộ Chính trị khóa XII về công tác kết nạp "
           "đảng viên.", (("Tiền Giang", "Đồng Tháp"),), ("khóa XII",)),
]
#: Real text that names no place and no term, to give the articles a body's length and vocabulary.
FILLERS = [a["body"] for a in FIXTURE if a["id"] in ("dantri-news_entertainment_015", "dantri-news_health_263",
                                                     "dantri-news_entertainment_034", "dantri-news_tech_033")]
#: --province as typed -> the province it names: pre-2025 only, 2025 only, or both.
PROVINCE_FILTERS = [("binh duong", "Bình Dương"), ("TP.HCM", "Hồ Chí Minh"), ("tỉnh Kiên Giang", "Kiên Giang"),
                    ("an giang", "An Giang"), ("Vĩnh Phúc", "Vĩnh Phúc"), ("Phú Thọ", "Phú Thọ"),
                    ("hai phong", "Hải Phòng"), ("Đồng Tháp", "Đồng Tháp"), ("Quảng Ninh", "Quảng Ninh")]
#: --term as typed -> the term it names.
TERM_FILTERS = [("2015-2020", "2015-2020"), ("nhiệm kỳ 2020 - 2025", "2020-2025"), ("khoa 12", "khóa XII"),
                ("khóa XIII", "khóa XIII"), ("giai đoạn 2021-2025", "2021-2025")]


@dataclass
class Entry:
    """What the model knows of one indexed article: which pool article it is now, its date, its edits."""

    pick: int
    published: str | None
    edits: tuple[int, ...] = ()

    @property
    def placed(self) -> Placed:
        return POOL[self.pick]

    def record(self, doc_id: str) -> dict:
        body = "\n".join([self.placed.lead, FILLERS[self.pick % len(FILLERS)], SHARED]
                         + [f"Cập nhật lần {n}." for n in self.edits])
        record = {"id": doc_id, "title": self.placed.title, "body": body, "published": self.published}
        return {k: v for k, v in record.items() if v is not None}

    def facet_keys(self) -> dict[str, set[str]]:
        """The values each facet counts this article under, once each."""
        # The lead names exactly the provinces it is about (the fillers name none), so the provinces it
        # mentions (the ``mentions`` facet: pre-2025 names) are those too.
        named = {old for old, _ in self.placed.provinces}
        return {"province": named,
                "province_2025": {new for _, new in self.placed.provinces},
                "mentions": named,
                "year": {self.published[:4]} if self.published else set(),
                "term": set(self.placed.terms)}


def expected_facets(entries) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {"province": Counter(), "province_2025": Counter(), "mentions": Counter(),
                                  "year": Counter(), "term": Counter()}
    months = Counter()
    for entry in entries:
        for name, values in entry.facet_keys().items():
            counts[name].update(values)
        if entry.published:
            months[entry.published[:7]] += 1
    return {**{name: dict(c) for name, c in counts.items()}, "month": dict(months)}


class IndexLife(RuleBasedStateMachine):
    files = Bundle("files")

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="vnsearch-life-"))
        self.index = self.root / "index"
        self.src = self.root / "src"
        self.src.mkdir()
        self.model: dict[str, dict[str, Entry]] = {}  # file name -> id -> what the file says of it
        self.searcher: Searcher | None = None
        self.runs = 0

    def _write(self, name: str) -> None:
        lines = [json.dumps(entry.record(doc_id), ensure_ascii=False) for doc_id, entry in self.model[name].items()]
        (self.src / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    def _build(self, prune: bool = False, rebuild: bool = False) -> None:
        summary = build_index([self.src], self.index, jobs=1, prune=prune, rebuild=rebuild)
        assert not summary.errors, summary.errors
        self.runs += 1
        if self.searcher is None:  # opened after the first build and held open through every later one
            self.searcher = Searcher(self.index)

    def _articles(self) -> dict[str, Entry]:
        return {i: e for entries in self.model.values() for i, e in entries.items()}

    def _ids(self, **filters) -> tuple[set[str], int]:
        assert self.searcher is not None
        result = self.searcher.search(QUERY, limit=100, snippet_count=1, **filters)
        return {h.id for h in result.hits if not h.missing}, result.total

    @rule(target=files, picks=st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=3, unique=True),
          dates=st.lists(st.sampled_from(DATES), min_size=3, max_size=3))
    def add_file(self, picks: list[int], dates: list[str | None]):
        taken = self._articles()
        name = f"run{self.runs}.jsonl"
        entries = {}
        for n, (pick, date) in enumerate(zip(picks, dates, strict=False)):
            doc_id = f"placed-{pick}-{self.runs}-{n}"
            assert doc_id not in taken
            entries[doc_id] = Entry(pick, date)
        self.model[name] = entries
        self._write(name)
        self._build()
        return name

    @rule(name=files, date=st.sampled_from(DATES), pick=st.sampled_from(range(len(POOL))), data=st.data())
    def replace_one(self, name: str, date: str | None, pick: int, data):
        """The same id, now dated otherwise and perhaps another article (other places, other terms)."""
        doc_id = data.draw(st.sampled_from(sorted(self.model[name])))
        entry = self.model[name][doc_id]
        entry.pick, entry.published, entry.edits = pick, date, entry.edits + (self.runs,)
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

    @rule()
    def rebuild(self):
        """A new folder swapped in under the open Searcher (what --rebuild and a schema change do)."""
        if self._articles():
            self._build(rebuild=True)

    @invariant()
    def answers_match_the_model(self):
        if self.searcher is None:
            return
        articles = self._articles()
        assert self._ids() == (set(articles), len(articles))
        for doc_id, entry in articles.items():
            stored = self.searcher.get(doc_id)
            assert stored is not None and (stored.published or "")[:10] == (entry.published or "")
            assert stored.title == entry.placed.title
        for since, until in WINDOWS:
            want = {i for i, e in articles.items() if e.published
                    and (since is None or e.published >= since) and (until is None or e.published <= until)}
            assert self._ids(since=since, until=until) == (want, len(want)), (since, until)
        by_date = self.searcher.search(QUERY, sort="date", limit=100, snippet_count=1)
        dates = [(h.published or "")[:10] for h in by_date.hits]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=True) and dates == dated + [""] * (len(dates) - len(dated))
        assert all(h.score is None for h in by_date.hits)

    @invariant()
    def filters_and_facets_match_the_model(self):
        if self.searcher is None:
            return
        articles = self._articles()
        for typed, province in PROVINCE_FILTERS:  # either naming finds the article
            want = {i for i, e in articles.items() if any(province in pair for pair in e.placed.provinces)}
            assert self._ids(province=typed) == (want, len(want)), typed
        for typed, term in TERM_FILTERS:
            want = {i for i, e in articles.items() if term in e.placed.terms}
            assert self._ids(term=typed) == (want, len(want)), typed
        facets = self.searcher.search(QUERY, limit=1, snippet_count=0, facets=True).facets
        assert facets == expected_facets(articles.values())
        assert list(facets.pop("month")) == sorted(expected_facets(articles.values())["month"])  # a timeline
        for counts in facets.values():  # most first, then by name
            assert list(counts) == sorted(counts, key=lambda k: (-counts[k], k))

    def teardown(self):
        if self.searcher is not None:
            self.searcher.close()
        shutil.rmtree(self.root, ignore_errors=True)


IndexLife.TestCase.settings = settings(max_examples=EXAMPLES, stateful_step_count=5, deadline=None,
                                       derandomize=not RANDOM, database=None)
test_index_life = IndexLife.TestCase


def test_found_merging_a_segment_with_a_replaced_article(tmp_path) -> None:
    """What the machine found first: after a replace, the run whose commit merged the
    small segments died in whoosh's posting pool ("vbytes=''") on one-posting terms."""
    src = tmp_path / "src"
    src.mkdir()
    runs = [[0, 1, 2], [3, 2, 0], [11, 10, 4], [3, 2]]
    written = {}
    for n, picks in enumerate(runs):
        written[n] = [{**FIXTURE[i], "id": f"{FIXTURE[i]['id']}-{n}", "body": f"{FIXTURE[i]['body']}\n{SHARED}"}
                      for i in picks]
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
