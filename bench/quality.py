"""Search quality next to the engines people would pick instead (issue 6).

Builds a query set from a JSONL collection with no hand tuning, indexes the same
articles in our engine and three baselines, and prints MRR@10 and recall@10 per
query kind, index build time and query latency.

Query kinds (each sampled article gives one query of each kind it supports):

  title       (a) the headline as written, where the record has a ``title``
  title_plain (a2) that headline without diacritics, lower case (folded as the index folds)
  title5      (a3) its first five words: (a2) and (a3) are what (b) and (c)
                  type, for articles whose headline the index holds (the
                  slugs' Dân trí records carry none)
  slug        (b) the headline without diacritics: the words of the URL slug
                  (Dân trí urls end in ``/slug-words-20201001130442778.htm``)
  slug5       (c) the slug's first five words
  passage     (d) about six words from the body, as written
  unaccented  (e) that passage without diacritics, lower case (folded as the index folds)
  nfd         (f) that passage in Unicode NFD (text pasted from macOS)
  other_tone  (g) that passage with the tone marks of final "oa", "oe", "uy"
                  moved to the other convention ("hòa"↔"hoà"); the passage is
                  drawn among windows where this changes something, and articles
                  with no such window give no (g) query
  locality    (h) "<province> <topic word>" typed without diacritics, for
                  records that carry ``province_of_source`` (the devset's
                  local-leads.jsonl): the topic word is a compound word of a
                  sampled lead's headline; the right answers are every article
                  of the collection that contains the topic word and either
                  comes from an outlet of that province or names the province
                  in its text (relevance is a set; the outlet's province is a
                  hint, so the text mention widens it).

Known-item kinds have one right answer. MRR@10 is 1/rank of the first right
answer in the top ten (0 when none); recall@10 is the share of the right answers
found in the top ten, out of min(10, number of right answers).

Systems: ours (``indexer.build_index`` + ``search.Searcher``); whoosh with its
stock ``StandardAnalyzer``; whoosh with syllable tokens + ``CharsetFilter(accent_map)``
(≈ Elasticsearch standard + asciifolding); tantivy over the text segmented by
our chain's ``words()`` (underthesea words, NFC and one tone convention, lower
case) with whitespace tokens + ``lowercase`` + ``ascii_fold``. Baselines get the
plain OR of the query's terms through their own query parser (special characters
escaped); tantivy's queries are segmented the same way as its documents.

Hygiene: passages that another article of the collection also contains are not
used; the records' urls are withheld from every system (``--with-urls`` to give
them), since the slug queries come from them and our reader rebuilds a missing
headline from the slug.

Default collection (devset present): local-leads.jsonl, articles.jsonl, then
baomoi-2017.jsonl, the first ``--articles`` records in that order (no repeats:
copies would make known-item queries ambiguous).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    DEVSET,
    FIELDS,
    Stopwatch,
    analysis,
    cores,
    devset_paths,
    latency_ms,
    markdown_table,
    ours,
    sample,
    take,
    write_jsonl,
)
from indexer.text import fold, normalize

KINDS = ("title", "title_plain", "title5", "slug", "slug5", "passage", "unaccented", "nfd", "other_tone", "locality")
KIND_LABELS = {
    "title": "(a) title",
    "title_plain": "(a2) title, no accents",
    "title5": "(a3) its first 5 words",
    "slug": "(b) slug",
    "slug5": "(c) slug 5 words",
    "passage": "(d) passage",
    "unaccented": "(e) no accents",
    "nfd": "(f) NFD",
    "other_tone": "(g) other tone",
    "locality": "(h) locality",
}
QUALITY_FILES = ("local-leads.jsonl", "articles.jsonl", "baomoi-2017.jsonl")
K = 10
#: Written into a ``--keep-ours`` directory once its build has finished.
MARKER_NAME = "quality-built"

# --- query builders ----------------------------------------------------------------

_SLUG = re.compile(r"^(?P<words>[a-z0-9]+(?:-[a-z0-9]+)*?)-\d{6,}\.html?$")


def slug_words(url: str) -> str | None:
    """The headline without diacritics that a Dân trí-style url carries:
    ".../nganh-thue-that-thu-20201001130442778.htm" → "nganh thue that thu"."""
    if not url:
        return None
    last = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
    m = _SLUG.match(last)
    if not m:
        return None
    return m.group("words").replace("-", " ")


def first_words(text: str, n: int = 5) -> str:
    return " ".join(text.split()[:n])


def unaccented(text: str) -> str:
    """Typed without diacritics: plain ASCII, lower case ("Đảng viên" → "dang vien")."""
    return fold(unicodedata.normalize("NFC", text))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}  # grave acute hook tilde dot
_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}
_VOWEL_BASES = set("aăâeêioôơuưy")
_LETTERS = re.compile(r"[^\W\d_]+")


def _split(ch: str) -> tuple[str, str]:
    """A letter without its tone mark, and the tone mark ("" if none); other marks stay."""
    d = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in d if c in _TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS))
    return base, tone


def _switch_syllable(m: re.Match) -> str:
    word = m.group(0)
    if len(word) < 2:
        return word
    (b1, t1), (b2, t2) = _split(word[-2]), _split(word[-1])
    if (b1.lower(), b2.lower()) not in _PAIRS or bool(t1) == bool(t2):
        return word
    if len(word) > 2:
        before = _split(word[-3])[0].lower()
        if before == "q" or before in _VOWEL_BASES:  # "quý": the u belongs to qu; "ngoái"-like clusters
            return word
    tone = t1 or t2
    if t1:  # new style "hòa" → old style "hoà"
        a, b = b1, unicodedata.normalize("NFC", b2 + tone)
    else:  # old style "hoà" → new style "hòa"
        a, b = unicodedata.normalize("NFC", b1 + tone), b2
    return word[:-2] + a + b


def switch_tones(text: str) -> str:
    """Move the tone mark of each final "oa", "oe", "uy" to the other convention, both ways:
    "hòa"→"hoà", "hoà"→"hòa", "khỏe"→"khoẻ", "thủy"→"thuỷ". "hoàng" (a final
    consonant) and "quý" (the u belongs to qu) do not change."""
    return _LETTERS.sub(_switch_syllable, unicodedata.normalize("NFC", text))


_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?;…]+[\"'”’)]*\s+|[\"“”()]")


def passage_windows(body: str, n: int = 6) -> list[tuple[str, bool]]:
    """Every run of ``n`` consecutive words within one sentence of the body, as written
    (punctuation between them kept) and with at least n-1 words of letters, each
    with whether switching its tone placement changes it."""
    out = []
    for line in body.splitlines():
        for sentence in _SENTENCE_END.split(line):
            toks = list(_TOKEN.finditer(sentence))
            flags = [switch_tones(t.group(0)) != t.group(0) for t in toks]
            for i in range(len(toks) - n + 1):
                window = toks[i : i + n]
                if sum(t.group(0).isalpha() for t in window) >= n - 1:
                    out.append((sentence[window[0].start() : window[-1].end()], any(flags[i : i + n])))
    return out


def pick_passage(body: str, rng: random.Random, n: int = 6, is_unique=None, tries: int = 50) -> str | None:
    """A remembered passage: preferably one whose tone placement can be switched and,
    given ``is_unique``, one that no other article contains (so it names its article)."""
    windows = passage_windows(unicodedata.normalize("NFC", body), n)
    switchable = [w for w, flag in windows if flag]
    rest = [w for w, flag in windows if not flag]
    rng.shuffle(switchable)
    rng.shuffle(rest)
    for w in (switchable + rest)[:tries]:
        if is_unique is None or is_unique(w):
            return w
    return None


def mrr_at_k(ranking: list[str], relevant, k: int = K) -> float:
    for rank, doc in enumerate(ranking[:k], 1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def recall_at_k(ranking: list[str], relevant, k: int = K) -> float:
    if not relevant:
        return 0.0
    found = len(set(ranking[:k]) & set(relevant))
    return found / min(k, len(relevant))


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    relevant: frozenset = field(default_factory=frozenset)


def known_item_queries(records: list[dict], n: int, seed: int = 0, unique_passages: bool = True,
                       texts: dict[str, str] | None = None) -> list[Query]:
    """Kinds (a)–(g) with (a2) and (a3): up to ``n`` sampled articles per kind family. Passages that
    another article also contains (syndicated copies, boilerplate) are not used.
    ``texts``: the records' ``normalised_texts``, when the caller has them already."""
    queries: list[Query] = []
    is_unique = None
    if unique_passages:
        # One string searched once per passage, not one search per article.
        every = "\0".join((texts if texts is not None else normalised_texts(records)).values())

        def is_unique(passage: str) -> bool:
            return every.count(_norm(passage)) <= 1

    titled = [r for r in records if r["title"].strip()]
    for r in sample(titled, n, seed):
        title, rel = r["title"].strip(), frozenset([r["id"]])
        # (a2), (a3): what (b) and (c) type, for articles whose headline the index holds
        # (a slug's article is a Dân trí record, whose headline the index never sees).
        queries += [Query("title", title, rel), Query("title_plain", unaccented(title), rel),
                    Query("title5", first_words(unaccented(title), 5), rel)]
    slugged = [(r, slug_words(r["url"])) for r in records]
    slugged = [(r, s) for r, s in slugged if s]
    for r, s in sample(slugged, n, seed + 1):
        queries.append(Query("slug", s, frozenset([r["id"]])))
        queries.append(Query("slug5", first_words(s, 5), frozenset([r["id"]])))
    for r in sample([r for r in records if r["body"].strip()], n, seed + 2):
        rng = random.Random(f"{seed}:{r['id']}")
        p = pick_passage(r["body"], rng, is_unique=is_unique)
        if not p:
            continue
        rel = frozenset([r["id"]])
        queries += [Query("passage", p, rel), Query("unaccented", unaccented(p), rel), Query("nfd", nfd(p), rel)]
        switched = switch_tones(p)
        if switched != p:
            queries.append(Query("other_tone", switched, rel))
    return queries


def _norm(text: str) -> str:
    return normalize(text).lower()


def normalised_texts(records: list[dict]) -> dict[str, str]:
    """Each record's title and body, normalised and lower case, by id (ids are unique)."""
    return {r["id"]: _norm(r["title"] + "\n" + r["body"]) for r in records}


def _phrase_pattern(phrase: str) -> re.Pattern:
    parts = [re.escape(p) for p in re.split(r"\s*[-–]\s*|\s+", _norm(phrase).strip()) if p]
    return re.compile(r"(?<!\w)" + r"[\s\-–]+".join(parts) + r"(?!\w)")


def locality_queries(records: list[dict], per_province: int = 2, seed: int = 0, max_share: float = 0.03,
                     texts: dict[str, str] | None = None) -> list[Query]:
    """Kind (h): "<province> <topic word>" without diacritics, relevance = a set (see the module doc).
    ``texts``: the records' ``normalised_texts``, when the caller has them already."""
    words = analysis().words
    by_province: dict[str, list[dict]] = {}
    for r in records:
        if r.get("province_of_source"):
            by_province.setdefault(r["province_of_source"], []).append(r)
    if not by_province:
        return []
    if texts is None:
        texts = normalised_texts(records)
    cap = max(3, int(max_share * len(records)))
    queries: list[Query] = []
    seen = set()
    for province in sorted(by_province):
        place = _phrase_pattern(province)
        place_syllables = {fold(s) for s in re.findall(r"[^\W_]+", _norm(province))}
        made = 0
        rng = random.Random(f"{seed}:{province}")
        for lead in sample(by_province[province], len(by_province[province]), seed):
            if made >= per_province:
                break
            candidates = []
            for tok in words(lead["title"] or lead["body"].split("\n")[0]):
                parts = tok.token.split("_")
                if len(parts) < 2 or len(parts) > 3 or not all(p.isalpha() for p in parts):
                    continue
                if not tok.text[0].islower() or tok.token == fold(tok.token):
                    continue  # names (capitalised) and words without diacritics (foreign) are not topics
                if place_syllables & {fold(p) for p in parts}:
                    continue
                candidates.append(tok.token)
            rng.shuffle(candidates)
            for topic in candidates:
                pattern = _phrase_pattern(topic.replace("_", " "))
                plain = _norm(topic.replace("_", " "))
                with_topic = {i for i, t in texts.items() if plain in t and pattern.search(t)}
                if not with_topic or len(with_topic) > cap:
                    continue
                relevant = frozenset(
                    r["id"]
                    for r in records
                    if r["id"] in with_topic
                    and (r.get("province_of_source") == province or place.search(texts[r["id"]]))
                )
                text = unaccented(re.sub(r"\s*-\s*", " ", province) + " " + topic.replace("_", " "))
                if not relevant or text in seen:
                    continue
                seen.add(text)
                queries.append(Query("locality", text, relevant))
                made += 1
                break
    return queries


def build_queries(records: list[dict], n: int, seed: int = 0) -> list[Query]:
    """Every kind, (a)–(h); the records' texts are normalised once for both."""
    texts = normalised_texts(records)
    return known_item_queries(records, n, seed, texts=texts) + locality_queries(records, seed=seed, texts=texts)


# --- systems -----------------------------------------------------------------------

_WHOOSH_SPECIAL = re.compile(r"[\"'():*?\[\]{}^~+\-!\\/<>=]")


def whoosh_escape(query: str) -> str:
    """Query text the whoosh parser reads as plain terms: specials become spaces, and
    lower case keeps AND/OR/NOT from being operators."""
    return _WHOOSH_SPECIAL.sub(" ", query).lower()


_TANTIVY_SPECIAL = re.compile(r"([+\-^`:{}\"\[\]()~!\\*<>=])")


def tantivy_escape(term: str) -> str:
    return _TANTIVY_SPECIAL.sub(r"\\\1", term)


class WhooshBaseline:
    def __init__(self, name: str, analyzer_factory):
        self.name = name
        self.analyzer_factory = analyzer_factory
        self.searcher = None

    def _schema(self):
        from whoosh.fields import ID, TEXT, Schema

        analyzer = self.analyzer_factory()
        return Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer))

    def build(self, records: Iterable[dict], workdir: Path) -> float:
        from whoosh.index import create_in

        with Stopwatch() as sw:
            path = workdir / self.name
            path.mkdir(parents=True)
            ix = create_in(str(path), self._schema())
            writer = ix.writer(limitmb=256)
            for r in records:
                writer.add_document(id=r["id"], title=r["title"], body=r["body"])
            writer.commit()
        self.open(path)
        return sw.seconds

    def open(self, path: Path) -> None:
        """Search an index this baseline built before (bench/curve.py keeps them)."""
        from whoosh.index import open_dir
        from whoosh.qparser import MultifieldParser, OrGroup

        # The schema as this baseline makes it, not unpickled from the index: in a process that
        # has loaded vnsearch, whoosh unpickles only the classes of a vnsearch index.
        ix = open_dir(str(path), schema=self._schema())
        self.searcher = ix.searcher()
        self.parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)

    def search(self, query: str, limit: int = K) -> list[str]:
        q = self.parser.parse(whoosh_escape(query))
        return [hit["id"] for hit in self.searcher.search(q, limit=limit)]

    def close(self):
        if self.searcher is not None:
            self.searcher.close()


def stock_whoosh() -> WhooshBaseline:
    from whoosh.analysis import StandardAnalyzer

    return WhooshBaseline("whoosh StandardAnalyzer", StandardAnalyzer)


def folding_whoosh() -> WhooshBaseline:
    def analyzer():
        from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
        from whoosh.support.charset import accent_map

        return RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)

    return WhooshBaseline("whoosh syllables + accent_map", analyzer)


def _segmented(text: str) -> str:
    return " ".join(t.token for t in analysis().words(text))


def _segment_record(pair: tuple[str, str]) -> tuple[str, str]:
    return _segmented(pair[0]), _segmented(pair[1])


class TantivyBaseline:
    name = "tantivy + underthesea words + ascii_fold"

    def __init__(self, jobs: int | None = None):
        self.jobs = jobs or cores()

    def build(self, records: list[dict], workdir: Path) -> float:
        import tantivy

        with Stopwatch() as sw:
            pairs = [(r["title"], r["body"]) for r in records]
            with multiprocessing.get_context("spawn" if sys.platform != "linux" else "fork").Pool(self.jobs) as pool:
                segmented = pool.map(_segment_record, pairs, chunksize=16)
            builder = tantivy.SchemaBuilder()
            builder.add_text_field("id", stored=True, tokenizer_name="raw")
            builder.add_text_field("title", tokenizer_name="vi")
            builder.add_text_field("body", tokenizer_name="vi")
            path = workdir / "tantivy"
            path.mkdir(parents=True)
            self.index = tantivy.Index(builder.build(), path=str(path))
            self.index.register_tokenizer(
                "vi",
                tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
                .filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.ascii_fold())
                .build(),
            )
            writer = self.index.writer(heap_size=200_000_000)
            for r, (title, body) in zip(records, segmented, strict=True):
                writer.add_document(tantivy.Document(id=r["id"], title=title, body=body))
            writer.commit()
            writer.wait_merging_threads()
            self.index.reload()
        self.searcher = self.index.searcher()
        return sw.seconds

    def search(self, query: str, limit: int = K) -> list[str]:
        terms = [tantivy_escape(t) for t in _segmented(query).split()]
        if not terms:
            return []
        q = self.index.parse_query(" ".join(terms), ["title", "body"])
        return [self.searcher.doc(address)["id"][0] for _score, address in self.searcher.search(q, limit).hits]

    def close(self):
        pass


class Ours:
    name = "ours"

    def __init__(self, jobs: int | None = None, kept: Path | None = None):
        self.jobs = jobs
        self.searcher = None
        #: An index kept between runs (``--keep-ours``): 20,000 articles take a quarter
        #: of an hour to build, and ranking work only needs the searcher to change.
        self.kept = kept

    def build(self, records: list[dict], workdir: Path) -> float:
        (build_index, Searcher), _ = ours()
        target = self.kept or workdir / "ours"
        seconds = 0.0
        if not (self.kept and (self.kept / MARKER_NAME).exists()):
            source = workdir / "ours-articles.jsonl"
            write_jsonl(({k: r[k] for k in FIELDS} for r in records), source)
            with Stopwatch() as sw:
                summary = build_index([source], target, jobs=self.jobs)
            if summary.errors:
                print(f"  ours: {len(summary.errors)} build errors, first: {summary.errors[0]}", file=sys.stderr)
            seconds = sw.seconds
            if self.kept:
                (self.kept / MARKER_NAME).write_text(f"{len(records)} records\n")
        self.searcher = Searcher(target)
        return seconds

    def search(self, query: str, limit: int = K) -> list[str]:
        return [hit.id for hit in self.searcher.search(query, limit=limit).hits]

    def close(self):
        if self.searcher is not None:
            self.searcher.close()


def systems(names: list[str] | None = None, kept: Path | None = None) -> tuple[list, dict[str, str]]:
    """The systems to compare, and why any were left out."""
    chosen, skipped = [], {}
    wanted = set(names or ["ours", "stock", "folding", "tantivy"])
    if "ours" in wanted:
        available, reason = ours()
        if available:
            chosen.append(Ours(kept=kept))
        else:
            skipped["ours"] = reason
    if "stock" in wanted:
        chosen.append(stock_whoosh())
    if "folding" in wanted:
        chosen.append(folding_whoosh())
    if "tantivy" in wanted:
        try:
            import tantivy  # noqa: F401

            chosen.append(TantivyBaseline())
        except ImportError:
            skipped[TantivyBaseline.name] = "tantivy is not installed (pip install '.[bench]')"
    return chosen, skipped


# --- evaluation --------------------------------------------------------------------


def evaluate(system, queries: list[Query], each: bool = False) -> dict:
    """MRR@10 and recall@10 per kind, latency over all; ``each``: also every query's
    reciprocal rank, in the order given (``"rr"``), for a caller that splits a kind."""
    per_kind: dict[str, dict[str, list[float]]] = {}
    reciprocal_ranks: list[float] = []
    times: list[float] = []
    errors = 0
    first_error = None
    for q in queries:
        t = time.perf_counter()
        try:
            ranking = system.search(q.text, limit=K)
        except Exception as e:  # one bad query costs that query, and is reported
            ranking = []
            errors += 1
            first_error = first_error or f"{q.text!r}: {type(e).__name__}: {e}"
        times.append(time.perf_counter() - t)
        scores = per_kind.setdefault(q.kind, {"mrr": [], "recall": []})
        reciprocal_ranks.append(mrr_at_k(ranking, q.relevant))
        scores["mrr"].append(reciprocal_ranks[-1])
        scores["recall"].append(recall_at_k(ranking, q.relevant))
    kinds = {
        kind: {"mrr": sum(s["mrr"]) / len(s["mrr"]), "recall": sum(s["recall"]) / len(s["recall"]), "n": len(s["mrr"])}
        for kind, s in per_kind.items()
    }
    out = {"kinds": kinds, **latency_ms(times), "errors": errors}
    if each:
        out["rr"] = reciprocal_ranks
    if first_error:
        out["first_error"] = first_error
    if "passage" in kinds and "unaccented" in kinds and kinds["passage"]["mrr"]:
        out["unaccented_ratio"] = kinds["unaccented"]["mrr"] / kinds["passage"]["mrr"]
    return out


def run(data: list[Path] | None = None, articles: int | None = 2000, queries: int = 300, seed: int = 0,
        only: list[str] | None = None, with_urls: bool = False, verbose: bool = True,
        keep_ours: Path | None = None) -> dict:
    paths = data or devset_paths(QUALITY_FILES)
    if not paths:
        raise SystemExit(f"no collection: give --data FILE.jsonl or put the devset at {DEVSET}")
    records = [r for r in take(paths, articles) if r["body"].strip() or r["title"].strip()]
    seen, unique = set(), []
    for r in records:  # ids must be unique for known-item queries
        r["id"] = r["id"] or r["url"]
        if r["id"] and r["id"] not in seen:
            seen.add(r["id"])
            unique.append(r)
    records = unique
    qs = build_queries(records, queries, seed)
    counts = {kind: sum(q.kind == kind for q in qs) for kind in KINDS}
    say = print if verbose else (lambda *a, **k: None)
    say(f"quality: {len(records)} articles from {', '.join(p.name for p in paths)}; queries {counts}")
    # The slug queries are built from the urls: an engine that reads a headline out of
    # the url (ours does, for records without a title) would be matching the query
    # against itself. So no system sees urls unless asked to.
    indexed = records if with_urls else [dict(r, url="") for r in records]
    chosen, skipped = systems(only, keep_ours)
    for name, reason in skipped.items():
        say(f"  skipping {name}: {reason}")
    results: dict[str, dict] = {}
    workdir = Path(tempfile.mkdtemp(prefix="vnsearch-quality-"))
    try:
        for system in chosen:
            say(f"  {system.name}: building ...", end="", flush=True)
            try:
                build_s = system.build(indexed, workdir)
            except Exception as e:
                skipped[system.name] = f"build failed: {type(e).__name__}: {e}"
                say(f" failed ({e})")
                continue
            say(f" {build_s:.1f} s; searching ...", end="", flush=True)
            results[system.name] = {"build_s": build_s, **evaluate(system, qs)}
            system.close()
            say(" done")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"articles": len(records), "files": [p.name for p in paths], "seed": seed, "queries": counts,
            "with_urls": with_urls, "systems": results, "skipped": skipped}


def table(figures: dict) -> str:
    kinds = [k for k in KINDS if figures["queries"].get(k)]
    header = ["system"] + [f"{KIND_LABELS[k]} (n={figures['queries'][k]})" for k in kinds] + [
        "build s", "p50 ms", "p95 ms", "(e)/(d)"]
    rows = []
    for name, r in figures["systems"].items():
        cells = [name]
        for k in kinds:
            s = r["kinds"].get(k)
            cells.append(f"{s['mrr']:.3f} / {s['recall']:.2f}" if s else "—")
        cells += [f"{r['build_s']:.1f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                  f"{r['unaccented_ratio']:.2f}" if "unaccented_ratio" in r else "—"]
        rows.append(cells)
    out = markdown_table(header, rows)
    out += ("\n\nCells: MRR@10 / recall@10. (e)/(d): MRR of passages without diacritics over MRR of the "
            "same passages as written. Latency: every query of every kind, one at a time. Build: seconds to index "
            "the collection (ours: build_index with every core; tantivy: segmentation with every core included). "
            + ("Systems indexed the records' urls." if figures.get("with_urls") else
               "Urls withheld from every system (the slug queries come from them)."))
    for name, reason in figures["skipped"].items():
        out += f"\n\nNot measured — {name}: {reason}"
    for name, r in figures["systems"].items():
        if r.get("errors"):
            out += f"\n\n{name}: {r['errors']} queries raised (first: {r['first_error']})"
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, nargs="+", help="JSONL collection(s) (default: the devset)")
    ap.add_argument("--articles", type=int, default=2000, help="articles to index (first N of the files; 0 = all)")
    ap.add_argument("--queries", type=int, default=300, help="sampled articles per query kind")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--systems", nargs="+", choices=["ours", "stock", "folding", "tantivy"])
    ap.add_argument("--with-urls", action="store_true",
                    help="let the systems index the urls (ours then reads headlines out of the slugs the queries use)")
    ap.add_argument("--keep-ours", type=Path, metavar="DIR",
                    help="build ours into DIR once and reuse it on later runs (same --data/--articles/--with-urls)")
    args = ap.parse_args(argv)
    figures = run(args.data, args.articles or None, args.queries, args.seed, args.systems, args.with_urls,
                  keep_ours=args.keep_ours)
    print()
    print(table(figures))
    return figures


if __name__ == "__main__":
    main()
