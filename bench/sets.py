"""Result sets (issue 28): how far a query's total, hits and facets are from the articles that hold it.

    python bench/sets.py                                  # 20,000 articles (19,100), the kept index
    python bench/sets.py --sizes 2000 20000 100000 --json # bench/run.py --articles 20000 runs it at 20,000
    python bench/sets.py --check "vũ bão"                  # the matcher by hand: what it counts, what it does not

A researcher reads the total, the facets and the set of hits before any single
article. This compares them with the truth: the articles whose text holds the
query, found by a matcher of this file's own over the text the index stores
(headline and body, read back from the stored fields with whoosh; an article
whose stored headline is empty is searched by its body), independent of the
index's terms and of the project's analysis code:

* syllables are maximal runs of letters and digits of the NFC, lower-cased
  text; punctuation and spaces between them are ignored;
* a syllable typed with diacritics matches one with the same letters and tone
  wherever the tone mark sits ("hoà" = "hòa", "thuỷ" = "thủy"): each syllable is
  keyed by its letters without the tone mark, plus the tone;
* one typed without diacritics matches every accented form (marks removed,
  đ→d), in a word typed with diacritics elsewhere too ("phu nhân" holds
  "phú nhân"), as the engine reads a syllable; ``--truth query`` wants every
  syllable of a query typed with diacritics anywhere in its exact form instead
  (the issue's first measurement did that; at 19,100 articles 19 of the 150
  words have another true count that way);
* a query word of several syllables, or a quoted phrase, is held where its
  syllables stand in that order, next to each other (not across headline and body);
* two words typed together are held where both are, each as its syllables in order.

Query kinds, words drawn from ``articles.jsonl`` only (Dân trí), seeded: a random
article, then a random word of it as ``underthesea.word_tokenize`` segments its
running text (as written: ``use_token_normalize=False``). Each occurrence
counts, so the words a news text uses often are drawn more often than rare
ones; the median total / true depends on that (at 19,100 articles, today's
engine: 18-21x this way over seeds and variants, 53-71x drawn uniformly over
the distinct words, whose median true count is 25-33 instead of 110-130), the
other figures much less.

  word           a word of 2-4 syllables, letters only, at least one with diacritics,
                 held by 5-400 articles of the collection measured; as written
  word_plain     the same words without diacritics (truth: any accented form, in order)
  quoted         the same words as a quoted phrase
  pair           two such words of one article, together, held both by >= 3 articles
  pair_plain     the same pairs without diacritics
  syllable       a one-syllable word with diacritics held by 5-400 articles
  syllable_plain the same syllables without diacritics

Per kind: the median of the reported total over the true count; how many totals
are more than 2x the truth, within 5 %, within 1.5x either way; the share of the
first n hits (n = the true count, at most 100) that hold the query (precision,
averaged over queries) and the share of the true set they find; p50/p95 latency
of ``search(query, limit=10)`` one at a time on one core. A hit with a non-empty
``missing`` attribute (an engine that lists partial matches after the answer set)
is not part of the answer set: precision counts only the other hits, and
``result.total`` is read as the answer set's size. For the first ``--facet-queries``
queries of each kind, ``search(query, facets=True)``: whether its ``year`` and
``province`` counts equal those of the true set exactly (year from the stored
``published``, provinces from the stored ``meta`` localities, each article once
per value), and the facet's sum over the truth's.

The matcher keeps to its definition where the engine's tokens differ: letters
glued to a number with a decimal point ("2.0lít", "500.000đ") are one run here,
two tokens there ("2.0", "lít"); among 150 one-syllable words, "đ" is the one
this moves by more than 5 %.

Benchmarks print figures; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import unicodedata
from array import array
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DEVSET, Stopwatch, latency_ms, machine, markdown_table, one_core, ours, read_jsonl
from bench.kept import kept_index

SIZES = (2_000, 20_000, 100_000)
WORDS_FROM = "articles.jsonl"
KINDS = ("word", "word_plain", "quoted", "pair", "pair_plain", "syllable", "syllable_plain")
KIND_LABELS = {
    "word": "one word, with diacritics",
    "word_plain": "one word, without diacritics",
    "quoted": "one word, quoted",
    "pair": "two words, with diacritics",
    "pair_plain": "two words, without diacritics",
    "syllable": "one syllable, with diacritics",
    "syllable_plain": "one syllable, without diacritics",
}
#: A word is drawn when this many articles of the collection hold it (typed with diacritics).
HELD_BY = (5, 400)
#: A pair is drawn when at least this many articles hold both its words.
PAIR_HELD_BY = 3
#: Precision is over the first n hits, n = the true count up to this.
FIRST_N = 100
#: The search whose time is reported.
TIMED_LIMIT = 10

# --- the matcher ---------------------------------------------------------------------

#: A syllable: a maximal run of letters and digits (NFC text, so a Vietnamese letter is one character).
SYLLABLE = re.compile(r"[^\W_]+")
#: Vietnamese tone marks as combining characters (grave, acute, hook, tilde, dot below);
#: the other marks (circumflex, breve, horn) make a letter, not a tone.
TONE_MARKS = {"\u0300": "1", "\u0301": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}


def syllable_forms(run: str) -> tuple[str, str]:
    """(exact key, folded key) of one lower-case syllable.

    The exact key is the syllable's letters without its tone mark, then the tone:
    where the mark sits ("hoà", "hòa") does not change it. The folded key has no
    marks at all, and đ becomes d.
    """
    decomposed = unicodedata.normalize("NFD", run)
    tones = "".join(TONE_MARKS[c] for c in decomposed if c in TONE_MARKS)
    letters = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return f"{letters}|{tones}", folded


def syllables(text: str) -> list[str]:
    """The syllables of a text, NFC and lower case."""
    return SYLLABLE.findall(unicodedata.normalize("NFC", text).lower())


def fold_text(text: str) -> str:
    """A text without diacritics (đ→d), case kept: what a query typed without them looks like."""
    decomposed = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def has_diacritics(text: str) -> bool:
    return fold_text(text).lower() != unicodedata.normalize("NFC", text).lower()


#: Between headline and body in an article's encoded text: no phrase runs across it.
_BREAK = "\x00"


@dataclass
class Article:
    id: str
    year: int | None
    provinces: frozenset[str]


class Collection:
    """The stored articles of an index and an inverted map of their syllables.

    Each article is kept as two strings with one character per syllable (its
    exact key's id, its folded key's id), so a phrase is held where its
    characters are a substring; each id maps to the articles holding it, so a
    query looks only at the articles holding its rarest syllables.
    """

    def __init__(self, index_dir: str | os.PathLike):
        self._exact_ids: dict[str, int] = {}
        self._folded_ids: dict[str, int] = {}
        self._forms: dict[str, tuple[str, str]] = {}  # raw syllable -> (exact char, folded char)
        self.exact: list[str] = []
        self.folded: list[str] = []
        self.articles: list[Article] = []
        self.number: dict[str, int] = {}  # article id -> position here
        self.texts: dict[int, tuple[str, str]] = {}  # filled by ``text`` when first asked (``--check``)
        self.index_dir = Path(index_dir)
        exact_docs: dict[str, array] = {}
        folded_docs: dict[str, array] = {}
        for stored in _stored_fields(self.index_dir):
            n = len(self.articles)
            parts = [p for p in (stored.get("title") or "", stored.get("body") or "") if p]
            exact, folded = [], []
            for part in parts:
                chars = [self._form(s) for s in syllables(part)]
                exact.append("".join(c[0] for c in chars))
                folded.append("".join(c[1] for c in chars))
            e, f = _BREAK.join(exact), _BREAK.join(folded)
            self.exact.append(e)
            self.folded.append(f)
            for c in set(e):
                exact_docs.setdefault(c, array("i")).append(n)
            for c in set(f):
                folded_docs.setdefault(c, array("i")).append(n)
            self.articles.append(_article(stored))
            self.number[stored["id"]] = n
        exact_docs.pop(_BREAK, None)
        folded_docs.pop(_BREAK, None)
        self._docs = (exact_docs, folded_docs)
        self._forms.clear()  # only needed while reading

    def __len__(self) -> int:
        return len(self.articles)

    def _form(self, run: str) -> tuple[str, str]:
        chars = self._forms.get(run)
        if chars is None:
            exact, folded = syllable_forms(run)
            chars = self._forms[run] = (self._char(self._exact_ids, exact), self._char(self._folded_ids, folded))
        return chars

    @staticmethod
    def _char(ids: dict[str, int], key: str) -> str:
        n = ids.get(key)
        if n is None:
            n = ids[key] = len(ids) + 1  # 0 is the break
            if n >= 0xD800:  # skip the surrogates: the strings stay valid text
                n = ids[key] = n + 0x800
        return chr(n)

    def typed(self, phrase: str, whole_query: bool = False) -> list[tuple[str | None, str]] | None:
        """Per syllable of the phrase: (its exact id, or None when typed without diacritics; its
        folded id), or None when a syllable is in no article.

        Each syllable counts as typed: with diacritics it must be there in that form, without
        them in any accented form. ``whole_query``: a phrase with diacritics anywhere wants
        every syllable in its exact form ("phu nhân" then finds "phu nhân" only, not "phú nhân").
        """
        runs = syllables(phrase)
        accented = [has_diacritics(r) for r in runs]
        if whole_query and any(accented):
            accented = [True] * len(runs)
        out = []
        for run, exact in zip(runs, accented, strict=True):
            keys = syllable_forms(run)
            e, f = self._exact_ids.get(keys[0]), self._folded_ids.get(keys[1])
            if f is None or (exact and e is None):
                return None
            out.append((chr(e) if exact else None, chr(f)))
        return out

    def holders(self, phrase: str, whole_query: bool = False) -> set[int]:
        """The articles holding the phrase's syllables in order, each as typed (see ``typed``)."""
        typed = self.typed(phrase, whole_query)
        if not typed:
            return set()
        exact_docs, folded_docs = self._docs
        postings = sorted(((exact_docs.get(e, ()) if e else folded_docs.get(f, ())) for e, f in typed), key=len)
        found = set(postings[0])
        for more in postings[1:2]:
            found.intersection_update(more)
        if all(e for e, _ in typed):
            code = "".join(e for e, _ in typed)
            return {n for n in found if code in self.exact[n]}
        code = "".join(f for _, f in typed)
        if not any(e for e, _ in typed):
            return {n for n in found if code in self.folded[n]}
        wanted = [(i, e) for i, (e, _) in enumerate(typed) if e]
        out = set()
        for n in found:
            folded, exact = self.folded[n], self.exact[n]
            at = folded.find(code)
            while at >= 0:  # the two strings have one character per syllable, in step
                if all(exact[at + i] == e for i, e in wanted):
                    out.add(n)
                    break
                at = folded.find(code, at + 1)
        return out

    def truth(self, phrases: list[str], whole_query: bool = False) -> set[int]:
        """The articles holding every phrase."""
        out: set[int] | None = None
        for phrase in phrases:
            held = self.holders(phrase, whole_query)
            out = held if out is None else out & held
            if not out:
                return set()
        return out or set()

    def text(self, n: int) -> tuple[str, str]:
        """An article's stored (title, body), read again from the index (for ``--check``)."""
        if not self.texts:
            for i, stored in enumerate(_stored_fields(self.index_dir)):
                self.texts[i] = (stored.get("title") or "", stored.get("body") or "")
        return self.texts[n]


def _stored_fields(index_dir: Path):
    """Every live article's stored fields, in document order, read as vnsearch opens an index (so one
    written before a class moved opens too: see ``whoosh_internals.MOVED_GLOBALS``)."""
    from indexer.engine.store import open_index

    ix = open_index(index_dir)
    with ix.reader() as reader:
        for _, stored in reader.iter_docs():
            yield stored
    ix.close()


def place_key(name: str) -> str:
    """A province name compared across spellings: folded, lower case, single-spaced."""
    return " ".join(SYLLABLE.findall(fold_text(name).lower()))


def _article(stored: dict) -> Article:
    published = stored.get("published")
    try:
        meta = json.loads(stored.get("meta") or "{}")
    except ValueError:
        meta = {}
    about = meta.get("about", meta.get("localities")) or []  # an index made before about and mentions: one list
    provinces = frozenset(place_key(loc["province"]) for loc in about if loc.get("province"))
    return Article(stored["id"], published.year if published else None, provinces)


# --- the queries ---------------------------------------------------------------------


@dataclass
class Query:
    kind: str
    text: str
    phrases: list[str]  # what must be held, each as its syllables in order
    truth: set[int] = field(default_factory=set, repr=False)


_LETTERS = re.compile(r"[^\W\d_]+")


class WordSource:
    """The words of the articles of ``WORDS_FROM``, segmented on demand (underthesea is slow)."""

    def __init__(self, path: Path):
        self.bodies = [r.get("body") or r.get("text") or "" for r in read_jsonl(path)]
        self._words: dict[int, list[str]] = {}

    def words(self, n: int) -> list[str]:
        if n not in self._words:
            from underthesea import word_tokenize

            out = []
            for line in self.bodies[n].split("\n"):
                if line.strip():
                    out += word_tokenize(line, use_token_normalize=False)
            self._words[n] = out
        return self._words[n]

    def eligible(self, n: int, sizes: tuple[int, int]) -> list[str]:
        """Words of article ``n`` with ``sizes`` syllables (min, max): letters only, some with diacritics."""
        out = []
        for word in self.words(n):
            parts = word.split()
            if sizes[0] <= len(parts) <= sizes[1] and all(_LETTERS.fullmatch(p) for p in parts) \
                    and has_diacritics(word):
                out.append(" ".join(parts))
        return out


def make_queries(collection: Collection, source: WordSource, words: int = 150, pairs: int = 50,
                 singles: int = 150, seed: int = 0, whole_query: bool = False) -> list[Query]:
    """Every kind's queries (see the module docstring), the same for a given collection and seed.

    Words are drawn by their holders with each syllable as typed; ``whole_query`` changes
    only the truth the queries are then given (see ``Collection.typed``), not the queries.
    """
    rng = random.Random(seed)
    counts: dict[tuple[str, ...], int] = {}

    def held(text: str) -> set[int]:
        return collection.holders(text)

    def count(text: str) -> int:
        key = tuple(syllable_forms(s)[0] for s in syllables(text))
        if key not in counts:
            counts[key] = len(held(text))
        return counts[key]

    def draw(n: int, sizes: tuple[int, int]) -> list[str]:
        out: list[str] = []
        seen: set[tuple[str, ...]] = set()
        for _ in range(n * 200):
            if len(out) >= n:
                break
            candidates = source.eligible(rng.randrange(len(source.bodies)), sizes)
            if not candidates:
                continue
            word = rng.choice(candidates)
            key = tuple(syllable_forms(s)[0] for s in syllables(word))
            if key in seen:
                continue
            seen.add(key)
            if HELD_BY[0] <= count(word) <= HELD_BY[1]:
                out.append(word)
        return out

    queries: list[Query] = []
    chosen = draw(words, (2, 4))
    queries += [Query("word", w, [w]) for w in chosen]
    queries += [Query("word_plain", fold_text(w), [fold_text(w)]) for w in chosen]
    queries += [Query("quoted", f'"{w}"', [w]) for w in chosen]

    drawn: list[tuple[str, str]] = []
    seen_pairs: set[frozenset[str]] = set()
    for _ in range(pairs * 200):
        if len(drawn) >= pairs:
            break
        candidates = [w for w in dict.fromkeys(source.eligible(rng.randrange(len(source.bodies)), (2, 4)))
                      if HELD_BY[0] <= count(w) <= HELD_BY[1]]
        if len(candidates) < 2:
            continue
        a, b = rng.sample(candidates, 2)
        key = frozenset((a.lower(), b.lower()))
        if key in seen_pairs or set(syllables(fold_text(a))) & set(syllables(fold_text(b))):
            continue
        seen_pairs.add(key)
        if len(held(a) & held(b)) >= PAIR_HELD_BY:
            drawn.append((a, b))
    queries += [Query("pair", f"{a} {b}", [a, b]) for a, b in drawn]
    queries += [Query("pair_plain", fold_text(f"{a} {b}"), [fold_text(a), fold_text(b)]) for a, b in drawn]

    if singles:
        one = draw(singles, (1, 1))
        queries += [Query("syllable", w, [w]) for w in one]
        queries += [Query("syllable_plain", fold_text(w), [fold_text(w)]) for w in one]
    for q in queries:
        q.truth = collection.truth(q.phrases, whole_query)
    return queries


# --- measuring -----------------------------------------------------------------------


def answer_set(hits) -> list:
    """The hits that are part of the answer set: not marked as lacking a word (``missing``)."""
    return [h for h in hits if not getattr(h, "missing", None)]


def measure(searcher, collection: Collection, queries: list[Query], facet_queries: int = 30,
            verbose: bool = True) -> list[dict]:
    """One record per query: true count, total, precision and found share of the first n, time, facets."""
    say = print if verbose else (lambda *a, **k: None)
    out = []
    facet_left = {k: facet_queries for k in KINDS}
    with one_core():
        for q in queries[:10]:  # warm up: open segments, load caches
            try:
                searcher.search(q.text, limit=TIMED_LIMIT)
            except Exception:
                pass  # measured, and reported, below
        for done, q in enumerate(queries, 1):
            if verbose and done % 100 == 0:
                say(f"sets: {done} of {len(queries)} queries", flush=True)
            try:
                t = time.perf_counter()
                result = searcher.search(q.text, limit=TIMED_LIMIT)
                seconds = time.perf_counter() - t
                n = min(len(q.truth), FIRST_N)
                hits = result.hits[:n] if n <= TIMED_LIMIT else searcher.search(q.text, limit=n).hits
            except Exception as e:  # one query that fails costs that query, and is reported
                out.append({"kind": q.kind, "query": q.text, "true": len(q.truth), "error": f"{type(e).__name__}: {e}"})
                continue
            counted = answer_set(hits[:n])
            ids = [h.id for h in counted]
            held = sum(collection.number.get(doc) in q.truth for doc in ids)
            record = {
                "kind": q.kind, "query": q.text, "true": len(q.truth), "total": result.total,
                "ratio": result.total / len(q.truth) if q.truth else None,
                "n": n, "answer_hits": len(counted), "held": held,
                "precision": held / len(counted) if counted else None,
                "found": held / n if n else None,
                "partial_hits": len(hits[:n]) - len(counted),
                "seconds": seconds,
                "not_held": [doc for doc in ids if collection.number.get(doc) not in q.truth][:3],
            }
            if facet_left[q.kind] > 0:
                facet_left[q.kind] -= 1
                reported = searcher.search(q.text, facets=True).facets or {}
                record["facets"] = compare_facets(reported, collection, q.truth)
            out.append(record)
    return out


def true_facets(collection: Collection, truth: set[int]) -> dict[str, dict[str, int]]:
    years: dict[str, int] = {}
    provinces: dict[str, int] = {}
    for n in truth:
        a = collection.articles[n]
        if a.year is not None:
            years[str(a.year)] = years.get(str(a.year), 0) + 1
        for p in a.provinces:
            provinces[p] = provinces.get(p, 0) + 1
    return {"year": years, "province": provinces}


def compare_facets(reported: dict, collection: Collection, truth: set[int]) -> dict:
    """Per facet (year, province): exact equality with the truth's counts, both sums."""
    want = true_facets(collection, truth)
    out = {}
    for name, key in (("year", str), ("province", place_key)):
        got: dict[str, int] = {}
        for value, c in (reported.get(name) or {}).items():
            got[key(value)] = got.get(key(value), 0) + c
        out[name] = {"equal": got == want[name], "sum": sum(got.values()), "true_sum": sum(want[name].values())}
    return out


def summarise(records: list[dict]) -> dict:
    """Per kind: the table's figures (queries that failed, or that no article holds, are counted apart)."""
    out = {}
    for kind in KINDS:
        every = [r for r in records if r["kind"] == kind]
        if not every:
            continue
        rs = [r for r in every if "error" not in r and r["true"]]
        ratios = [r["ratio"] for r in rs]
        precision = [r["precision"] for r in rs if r["precision"] is not None]
        row = {
            "queries": len(rs),
            "errors": sum("error" in r for r in every),
            "held_by_none": sum("error" not in r and not r["true"] for r in every),
            "median_ratio": statistics.median(ratios) if ratios else None,
            "over_2x": sum(x > 2 for x in ratios),
            "within_5pct": sum(abs(r["total"] - r["true"]) <= 0.05 * r["true"] for r in rs),
            "within_1_5x": sum(1 / 1.5 <= x <= 1.5 for x in ratios),
            "under": sum(r["total"] < r["true"] for r in rs),
            "precision": statistics.fmean(precision) if precision else None,
            "precision_queries": len(precision),
            "found": statistics.fmean(r["found"] for r in rs) if rs else None,
            "median_true": statistics.median(r["true"] for r in rs) if rs else None,
            "median_total": statistics.median(r["total"] for r in rs) if rs else None,
            **latency_ms([r["seconds"] for r in rs]),
        }
        faceted = [r["facets"] for r in rs if "facets" in r]
        if faceted:
            row["facets"] = {"queries": len(faceted)}
            for name in ("year", "province"):
                sums = [f[name]["sum"] / f[name]["true_sum"] for f in faceted if f[name]["true_sum"]]
                row["facets"][name] = {"equal": sum(f[name]["equal"] for f in faceted),
                                       "median_sum_ratio": statistics.median(sums) if sums else None}
        out[kind] = row
    return out


def run(sizes=(20_000,), root: Path | None = None, words: int = 150, pairs: int = 50, singles: int = 150,
        facet_queries: int = 30, seed: int = 0, whole_query: bool = False, verbose: bool = True) -> dict:
    say = print if verbose else (lambda *a, **k: None)
    available, reason = ours()
    if not available:
        raise SystemExit(reason)
    _, Searcher = available
    source_path = DEVSET / WORDS_FROM
    if not source_path.exists():
        raise SystemExit(f"no {source_path}: the queries' words are drawn from it")
    source = WordSource(source_path)
    out: dict = {"machine": machine(), "seed": seed, "words_from": WORDS_FROM, "held_by": list(HELD_BY),
                 "pair_held_by": PAIR_HELD_BY, "truth": "query" if whole_query else "syllable", "sizes": {}}
    for size in sizes:
        kept = kept_index(size, root, verbose=verbose)
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        started = time.perf_counter()
        with Stopwatch() as t_read:
            collection = Collection(kept["index"])
        say(f"sets: {len(collection):,} articles read and mapped in {t_read.seconds:.0f} s", flush=True)
        with Stopwatch() as t_draw:
            queries = make_queries(collection, source, words, pairs, singles, seed, whole_query)
        counts = {k: sum(q.kind == k for q in queries) for k in KINDS}
        say(f"sets: queries drawn in {t_draw.seconds:.0f} s: {counts}", flush=True)
        with Searcher(kept["index"]) as searcher:
            records = measure(searcher, collection, queries, facet_queries, verbose)
        out["sizes"][size] = {
            "articles": len(collection), "index": str(kept["index"]), "index_bytes": kept.get("index_bytes"),
            "load_before": load, "load_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "read_s": t_read.seconds, "draw_s": t_draw.seconds, "wall_s": time.perf_counter() - started,
            "kinds": summarise(records), "queries": records,
        }
        say(f"sets: {size:,} done in {out['sizes'][size]['wall_s']:.0f} s", flush=True)
    return out



# --- report --------------------------------------------------------------------------


def _of(count: int, n: int) -> str:
    return f"{count}/{n}"


def _num(x, spec: str) -> str:
    return "—" if x is None or x != x else format(x, spec)


def _ratio(x) -> str:
    if x is None:
        return "—"
    return f"{x:.1f}x" if x < 10 else f"{x:.0f}x"


def table(f: dict) -> str:
    rows = []
    facet_rows = []
    notes: list[str] = []
    for s in f["sizes"].values():
        for kind, r in s["kinds"].items():
            n = r["queries"]
            precision = "—" if r["precision"] is None else f"{r['precision']:.2f}"
            if r["precision_queries"] < n and r["precision"] is not None:
                precision += f" ({r['precision_queries']})"
            rows.append([f"{s['articles']:,}", KIND_LABELS[kind], str(n), _num(r["median_true"], "g"),
                         _num(r["median_total"], "g"), _ratio(r["median_ratio"]),
                         _of(r["over_2x"], n), _of(r["within_5pct"], n), _of(r["within_1_5x"], n),
                         precision, _num(r["found"], ".2f"), _num(r["p50_ms"], ".0f"), _num(r["p95_ms"], ".0f")])
            for what in ("errors", "held_by_none"):
                if r.get(what):
                    notes.append(f"{KIND_LABELS[kind]} at {s['articles']:,}: queries "
                                 + ("that failed" if what == "errors" else "held by no article")
                                 + f" left out: {r[what]}")
            if "facets" in r:
                fc = r["facets"]
                facet_rows.append([f"{s['articles']:,}", KIND_LABELS[kind], str(fc["queries"]),
                                   _of(fc["year"]["equal"], fc["queries"]), _ratio(fc["year"]["median_sum_ratio"]),
                                   _of(fc["province"]["equal"], fc["queries"]),
                                   _ratio(fc["province"]["median_sum_ratio"])])
    out = markdown_table(["articles", "query", "queries", "median true", "median total", "median total / true",
                          "totals > 2x", "within 5%", "within 1.5x", "first-n precision", "first-n found",
                          "p50 ms", "p95 ms"], rows)
    out += ("\n\n" + markdown_table(["articles", "query", "queries", "year facet = truth", "year sum / truth",
                                     "province facet = truth", "province sum / truth"], facet_rows)
            if facet_rows else "")
    m = f["machine"]
    lines = []
    for s in f["sizes"].values():
        load = s.get("load_before"), s.get("load_after")
        loads = " / ".join(f"{x[0]:.1f}" for x in load if x) or "—"
        size_mb = f", index {s['index_bytes'] / 2**20:,.0f} MB" if s.get("index_bytes") else ""
        lines.append(f"{s['articles']:,} articles ({s['index']}{size_mb}): {s['wall_s']:.0f} s wall "
                     f"(reading and mapping the stored text {s['read_s']:.0f} s, drawing the queries "
                     f"{s['draw_s']:.0f} s), load average {loads} (1 min, before / after)")
    out += (f"\n\nMeasured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; "
            f"vnsearch {m['packages'].get('vnsearch')}, whoosh-reloaded {m['packages'].get('whoosh-reloaded')}, "
            f"underthesea {m['packages'].get('underthesea')}. " + "; ".join(lines) + ".")
    typed = ("each syllable as typed: with diacritics in that form (tone placement, case and NFC/NFD aside), "
             "without in any accented form" if f.get("truth", "syllable") == "syllable" else
             "a query typed with diacritics anywhere wants every syllable in its exact form (tone placement, "
             "case and NFC/NFD aside), one typed without any accented form")
    out += (f"\n\nTruth: the articles whose stored headline or body holds each of the query's words as its "
            f"syllables in order ({typed}), by bench/sets.py's own matcher. Words drawn from {f['words_from']} "
            f"(seed {f['seed']}) as "
            f"underthesea segments its text, held by {f['held_by'][0]}-{f['held_by'][1]} articles of the "
            f"collection measured; pairs are two words of one article held both by >= {f['pair_held_by']}. "
            "Totals: `result.total` over the true count; \"within 1.5x\" either way. First n: n = the true count "
            f"(at most {FIRST_N}); precision counts the hits not marked `missing` that the truth holds, over "
            "those hits (in brackets: the queries it was defined for, when fewer); found: the same held hits "
            f"over n. Latency: `search(query, limit={TIMED_LIMIT})`, one query at a time on one core, a "
            "shared machine (other jobs ran: times are noisy). Facets: `search(query, facets=True)` for the "
            "first queries of each kind, counts compared with the true set's (year from `published`, "
            "provinces from the stored localities)." + ("\n\n" + "; ".join(notes) + "." if notes else ""))
    return out


def check(collection: Collection, searcher, text: str, whole_query: bool = False, show: int = 3) -> None:
    """Print, for one query (its text, quotes aside, as one phrase), ``show`` articles the matcher
    counts and ``show`` of the engine's first hits that it does not, each with the text around
    where the query's syllables stand."""
    phrase = text.replace('"', " ")
    truth = collection.truth([phrase], whole_query)
    result = searcher.search(text, limit=100)
    print(f"{text!r}: the matcher counts {len(truth)}, the engine reports {result.total}")
    runs = syllables(phrase)
    exact = [has_diacritics(r) or (whole_query and has_diacritics(phrase)) for r in runs]
    want = [syllable_forms(r)[0 if e else 1] for r, e in zip(runs, exact, strict=True)]

    def keys(found: list[str], at: int) -> list[str]:
        return [syllable_forms(r)[0 if e else 1] for r, e in zip(found[at:at + len(want)], exact, strict=True)]

    def context(n: int) -> str:
        title, body = collection.text(n)
        for part in (title, body):
            nfc = unicodedata.normalize("NFC", part)
            found = list(SYLLABLE.finditer(nfc.lower()))
            words = [m.group() for m in found]
            for i in range(len(words) - len(want) + 1):
                if keys(words, i) == want:
                    a, b = found[i].start(), found[i + len(want) - 1].end()
                    return f"…{nfc[max(0, a - 50):a]}[{nfc[a:b]}]{nfc[b:b + 50]}…".replace("\n", " / ")
        words = syllables(f"{title} {body}")
        near = []
        for r, e, k in zip(runs, exact, want, strict=True):
            at = next((i for i, w in enumerate(words) if syllable_forms(w)[0 if e else 1] == k), None)
            near.append(f"{r} {'absent' if at is None else f'at {at}'}")
        return f"not in order: {', '.join(near)}; title {title[:70]!r}"

    print("  counted:")
    for n in sorted(truth)[:show]:
        print(f"    {collection.articles[n].id}: {context(n)}")
    print("  among the engine's first 100 hits, not counted:")
    returned = [collection.number.get(h.id) for h in answer_set(result.hits)]
    missed = [n for n in returned if n is not None and n not in truth]
    for n in missed[:show]:
        print(f"    {collection.articles[n].id}: {context(n)}")
    print(f"  ({len(missed)} of the first {len(returned)} hits not counted; "
          f"{len(truth - set(returned))} counted articles not among them)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000], help="kept index sizes (2000 20000 100000)")
    ap.add_argument("--root", type=Path, help="folder of kept indexes (default $VNSEARCH_BENCH_ROOT or the temp dir)")
    ap.add_argument("--words", type=int, default=150, help="words drawn (each typed three ways)")
    ap.add_argument("--pairs", type=int, default=50, help="pairs of words drawn (each typed two ways)")
    ap.add_argument("--syllables", type=int, default=150, help="one-syllable words drawn (0: none)")
    ap.add_argument("--facet-queries", type=int, default=30, help="queries per kind whose facets are compared")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--truth", choices=("syllable", "query"), default="syllable",
                    help="syllable: each syllable as typed, with diacritics exactly, without in any accented "
                         "form (the default); query: a query with diacritics anywhere wants every syllable exactly")
    ap.add_argument("--json", action="store_true", help="print the raw figures too (every query's)")
    ap.add_argument("--check", nargs="+", metavar="QUERY",
                    help="show, for each query, articles the matcher counts and the engine's hits it does not")
    args = ap.parse_args(argv)
    if args.check:
        available, reason = ours()
        if not available:
            raise SystemExit(reason)
        kept = kept_index(args.sizes[0], args.root)
        collection = Collection(kept["index"])
        with available[1](kept["index"]) as searcher:
            for text in args.check:
                check(collection, searcher, text, args.truth == "query")
        return None
    figures = run(args.sizes, args.root, args.words, args.pairs, args.syllables, args.facet_queries, args.seed,
                  args.truth == "query")
    print()
    print(table(figures))
    if args.json:
        print()
        print(json.dumps(figures, ensure_ascii=False, default=sorted))
    return figures


if __name__ == "__main__":
    main()
