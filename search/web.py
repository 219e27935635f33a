"""`vnsearch serve`: the JSON API and the search page over one shared ``Searcher``.

The app holds no search logic: the API returns the very objects ``vnsearch search
--json`` and ``show --json`` print (``to_dict``), and the page renders the same
results with ``format``'s helpers. One ``Searcher`` serves every request: it keeps a
whoosh searcher per thread and refreshes it at each call, so a build committed while
the server runs is served at the next request, and a request in flight keeps the
files it opened. Handlers are plain functions, run in the server's thread pool.

Scraped text and queries are hostile input. Templates escape everything; snippets
are marked by ``format.snippet_html`` around text it escaped itself; a page gets a
Content-Security-Policy that allows no script at all; an article's link is shown
only when it is http(s). Work per request is bounded: every parameter has a cap
(422 past it), and at most ``max_concurrent`` searches run at once, as many more
requests waiting for a turn; past those, or after ``wait`` seconds without a
turn, a request is refused with 503 instead of queueing. `serve` runs the app in
a process per core (a process searches on one core, whatever its threads).
Ids are looked up in the index, never joined to a path. Nothing here writes.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, Literal, cast
from urllib.parse import quote, urlencode

import anyio
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.engine.store import IndexUnusable, default_index_dir
from indexer.text import fold

from . import query as Q
from .arguments import MAX_LIMIT as CSV_ROWS
from .arguments import BadArgument
from .filters import FACETS, FILTERS, SINCE, UNTIL, Filter, FilterValues, QueryError, date_range, filter_values
from .format import (
    TIMELINE_FACETS,
    Timeline,
    csv_chunks,
    has_words,
    marked_html,
    paragraphs_html,
    safe_link,
    snippet_html,
    split,
    timeline,
)
from .searcher import ArticleView, Searcher, SearchResult
from .stats import index_stats

MAX_LIMIT = 100
#: Deep pages cost a sort of offset + limit hits; past this, narrow the search instead.
MAX_OFFSET = 10_000
MAX_FILTER_CHARS = 200
MAX_ID_CHARS = 500
MAX_FACET_VALUES = 100
FACET_VALUES = 20
PAGE_SIZE = 10
PAGE_FACET_VALUES = 10
#: The deepest page of results served.
PAGES = MAX_OFFSET // PAGE_SIZE + 1
#: How long a request may wait for a search slot, by default, before it is refused with 503.
BUSY_SECONDS = 2.0
#: Connections a worker holds at once; past them uvicorn answers 503 at once rather than queueing.
CONNECTIONS = 128
#: The environment variable through which `serve` hands the app's arguments to its worker processes.
SETTINGS = "VNSEARCH_SERVE"
#: How long a worker's search holds the GIL before the event loop may take it (Python's default: 5 ms).
SWITCH_SECONDS = 0.001
#: No script, no frames, no foreign anything: every page, /docs included, is HTML and one stylesheet.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")

SORTS = {"relevance": "Liên quan nhất", "date": "Mới nhất"}


def _version() -> str:
    try:
        return version("vnsearch")
    except PackageNotFoundError:  # a source checkout run without installing
        return "0+checkout"


class _Refused(Exception):
    """A request the app answers with an error status; ``detail`` is FastAPI's error shape."""

    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        self.status, self.detail, self.headers = status, detail, headers


def _busy() -> _Refused:
    # The connection is closed too: a client asking again connects anew, and with several workers
    # the one that accepts first is likely the one with time for it (a keep-alive one stays put).
    return _Refused(503, "the server is busy; try again in a moment", {"Retry-After": "1", "Connection": "close"})


class _Shared:
    """The one Searcher of an app, opened at the first request that needs it.

    Opening late lets ``uvicorn search.web:app`` start before an index exists and
    serve it once built; until then requests get 503 with the way to build one.

    Two bounds keep the latency of what is answered bounded: ``gate`` lets
    ``max_concurrent`` searches run at once, and ``admitted`` counts the requests
    in the process, running or waiting for a turn; past ``2 * max_concurrent`` of
    them a request is refused at once (`admit`), before it takes a thread, so that
    under any load a refusal comes back in milliseconds and a request let in waits
    for at most one search per slot.
    """

    def __init__(self, index_dir: Path, max_concurrent: int, wait: float) -> None:
        self.index_dir, self.wait, self.max_concurrent = index_dir, wait, max_concurrent
        self.gate = threading.BoundedSemaphore(max_concurrent)
        self.admitted = 0  # touched on the event loop's thread only
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()

    @property
    def admits(self) -> int:
        """Requests let in at once: one running and one waiting per slot."""
        return 2 * self.max_concurrent

    @asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        """A place in the process for one request, or 503 at once when every place is taken."""
        if self.admitted >= self.admits:
            raise _busy()
        self.admitted += 1
        try:
            yield
        finally:
            self.admitted -= 1

    def _open(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                self._searcher = Searcher(self.index_dir)
            return self._searcher

    @contextmanager
    def turn(self) -> Iterator[Searcher]:
        """The searcher, for one bounded piece of work; 503 when busy or when the index cannot be read."""
        if not self.gate.acquire(timeout=self.wait):
            raise _busy()
        try:
            yield self._searcher or self._open()
        except (FileNotFoundError, IndexUnusable) as e:  # each message says what to do
            # ... naming the index by its folder alone: where it lies on the server's disk is no reader's business.
            raise _Refused(503, str(e).replace(str(self.index_dir), self.index_dir.name)) from None
        finally:
            self.gate.release()

    def few_threads(self) -> None:
        """At the app's startup: handlers run on a few threads that stay warm, one for each request admitted.

        The Searcher keeps a whoosh searcher per thread, and opening one on a large index
        costs far more than a search: so not on the 40 that anyio's pool would otherwise
        spread them over; one per request admitted, so that none of them queues for a thread.
        """
        anyio.to_thread.current_default_thread_limiter().total_tokens = self.admits

    def close(self) -> None:
        """At the app's shutdown; an app started again (as test clients do) opens the index anew."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


class _Admission:
    """Each request but a static file's takes a place of ``shared``'s, or is refused at once.

    The place is taken on the event loop, before the handler gets a thread, so a
    refusal costs no thread and waits for nothing; it is held until the answer is
    sent, a streamed CSV's rows included (they are written on the same threads).
    """

    def __init__(self, app: ASGIApp, shared: _Shared, refuse: Callable[[Request, _Refused], Awaitable[Response]]):
        self.app, self.shared, self.refuse = app, shared, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        try:
            async with self.shared.admit():
                await self.app(scope, receive, send)
        except _Refused as e:
            response = await self.refuse(Request(scope), e)
            await response(scope, receive, send)


class _SecurityHeaders:
    """Headers every answer carries: no sniffing, no referrer to other sites, and the CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Content-Security-Policy", CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def _filter_parameter(entry: Filter) -> inspect.Parameter:
    """A filter's query-string parameter: text of at most ``MAX_FILTER_CHARS``, or a year."""
    if entry.kind == "year":
        # A string, so the page's empty field means "no year" rather than an error.
        default = Query(None, pattern=r"^(\d{4})?$", description=entry.description)
    else:
        default = Query(None, max_length=MAX_FILTER_CHARS, description=entry.description)
    return inspect.Parameter(entry.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=str | None)


class SearchParams:
    """The search's query-string parameters, shared by the API and the page: ``q``, each filter of
    ``search.filters`` and ``sort``. FastAPI reads them off ``__signature__``, made from the table."""

    __signature__ = inspect.Signature([
        inspect.Parameter("q", inspect.Parameter.KEYWORD_ONLY, annotation=str, default=Query(
            "", max_length=Q.MAX_QUERY_CHARS,
            description='Words, "phrases", -excluded, OR, field:value filters; empty lists by filters alone.')),
        *(_filter_parameter(entry) for entry in FILTERS),
        inspect.Parameter("sort", inspect.Parameter.KEYWORD_ONLY, annotation=Literal["relevance", "date"],
                          default=Query("relevance", description="Best match first, or newest first.")),
    ])

    def __init__(self, q: str = "", sort: str = "relevance", **filters: str | None) -> None:
        self.q, self.sort = q, sort
        #: Every filter's value by name, None when not given.
        self.given: dict[str, str | None] = filter_values(filters, type(self).__name__)

    def filters(self) -> dict[str, str]:
        """The filters given, blank ones left out: what the page keeps in its links."""
        return {name: value for name, value in self.given.items() if value}

    def search(self, searcher: Searcher, **options: Any) -> SearchResult:
        try:
            return searcher.search(self.q, sort=self.sort, **options, **cast(FilterValues, self.filters()))
        except QueryError as e:
            blamed = self._blamed()
            raise _Refused(422, [{"type": "query_error", "loc": ["query", blamed], "msg": str(e),
                                  "input": self.given.get(blamed, self.q)}]) from None

    def _blamed(self) -> str:
        """The parameter a QueryError is about: a date that is not one, else a reversed window, else the query
        (whose ``since:`` or ``year:`` was wrong)."""
        for bound in (SINCE, UNTIL):
            value = self.given[bound.name]
            if value:
                try:
                    date_range({bound.name: value})
                except QueryError:
                    return bound.name
        return SINCE.name if self.given[SINCE.name] and self.given[UNTIL.name] else "q"


def _trimmed(data: dict[str, Any], facet_values: int) -> dict[str, Any]:
    """The result's JSON with each facet cut to its ``facet_values`` largest counts; the month timeline,
    in order of time rather than of size, whole."""
    if data.get("facets"):
        data["facets"] = {name: counts if name in TIMELINE_FACETS else dict(list(counts.items())[:facet_values])
                          for name, counts in data["facets"].items()}
    return data


class CSVResponse(StreamingResponse):
    """CSV text, streamed a row at a time (starlette adds ``charset=utf-8``)."""

    media_type = "text/csv"


def _csv_name(params: SearchParams) -> str:
    """The download's file name: "vnsearch-tran-dau-binh-duong.csv", from the query and filters, ASCII only
    (so it needs no quoting in the header), at most 60 characters of them."""
    words = " ".join([params.q, *params.filters().values()])
    slug = re.sub(r"[^a-z0-9]+", "-", fold(words))[:60].strip("-")
    return f"vnsearch-{slug or 'ket-qua'}.csv"


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("search", "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(marked=lambda s: Markup(snippet_html(s)), code=_code_spans,
                       day=_day, number=_number,
                       hit_title=lambda hit: Markup(marked_html(hit.title, hit.title_highlights)))
    env.globals.update(filter_labels={entry.name: entry.label for entry in FILTERS}, sorts=SORTS,
                       safe_link=safe_link)
    return env


def _code_spans(text: str) -> Markup:
    """Text of the OpenAPI document (our docstrings), escaped, its `backticked` spans shown as code, as they mean."""
    return Markup(re.sub(r"`+([^`]+)`+", r"<code>\1</code>", str(escape(text))))


def _day(iso: str | None) -> str:
    """2020-06-22T08:36:00+07:00 → 22/06/2020, as Vietnamese papers print dates."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _query_string(params: SearchParams, **changes: Any) -> str:
    """A search's parameters as a query string, some changed (None drops one); the first page has no number."""
    merged = {"q": params.q, **params.filters(), "sort": params.sort if params.sort != "relevance" else None,
              **changes}
    if merged.get("page") == 1:
        merged["page"] = None
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _searched(params: SearchParams) -> bool:
    return bool(params.q.strip() or params.filters())


def how_many_vi(result: SearchResult) -> str:
    """The counts as the page states them: "12 bài chứa mọi từ · khoảng 340 bài chứa một phần"."""
    def count(n: int, exact: bool) -> str:
        return _number(n) if exact else f"khoảng {_number(n)}"

    if not has_words(result):
        return f"{count(result.total, result.total_exact)} bài viết"  # filters alone: no words to hold
    line = f"{count(result.total, result.total_exact)} bài chứa mọi từ"
    if result.partial_total:
        line += f" · {count(result.partial_total, result.partial_exact)} bài chứa một phần"
    return line


#: The timeline's drawing, in px: the tallest bar, the room above it (for its count) and below (for labels).
CHART_BARS = 120
CHART_TOP = 16
CHART_BOTTOM = 22
#: Bars are a twelfth of the width at most (one bar does not fill the page).
CHART_SLOTS = 12
#: Labels across the chart at most, so that they do not run together on a phone (a 320 px chart):
#: "06/2020" takes about 42 px, "2020" about 26.
CHART_LABELS = {"month": 6, "year": 9}


def _chart(line: Timeline, link: Callable[..., str]) -> dict[str, Any] | None:
    """The timeline as an SVG bar chart: each bar's geometry, link, name and label.

    Across, in percentages of the chart's width, so it fits a phone and a wide
    screen alike while text keeps its size; up, in px. A bar links to the same
    search within its month (or year).
    """
    if not line.bars:
        return None
    slot = 100 / max(len(line.bars), CHART_SLOTS)
    every = max(1, math.ceil(round(100 / CHART_LABELS[line.unit] / slot, 6)))
    bars: list[dict[str, Any]] = []
    for i, bar in enumerate(line.bars):
        height = max(2.0, round(bar.count / line.largest * CHART_BARS, 1)) if bar.count else 0.0
        if line.unit == "month":
            shown, name = f"{bar.label[5:7]}/{bar.label[:4]}", f"Tháng {int(bar.label[5:7])}/{bar.label[:4]}"
        else:
            shown, name = bar.label, f"Năm {bar.label}"
        bars.append({"x": f"{i * slot:.3f}%", "slot": f"{slot:.3f}%", "width": f"{slot * 0.8:.3f}%",
                     "middle": f"{(i + 0.4) * slot:.3f}%", "y": CHART_TOP + CHART_BARS - height, "height": height,
                     "count": bar.count, "name": f"{name}: {_number(bar.count)} bài",
                     "href": link(since=bar.since, until=bar.until, page=None),
                     # the last labels could run off the right edge: none starts past 88% of the width
                     "label": shown if i % every == 0 and i * slot <= 88 else None})
    peak = max(line.bars, key=lambda b: b.count)
    # One bar says nothing a sentence does not: the page writes the sentence instead of drawing it.
    return {"bars": bars, "unit": "tháng" if line.unit == "month" else "năm", "peak": peak.count,
            "peak_name": bars[line.bars.index(peak)]["name"].split(":")[0].lower(), "single": len(bars) == 1,
            "counts": len(line.bars) <= CHART_SLOTS, "base": CHART_TOP + CHART_BARS,
            "height": CHART_TOP + CHART_BARS + CHART_BOTTOM}


def _search_page_context(params: SearchParams, page: int, result: SearchResult | None) -> dict[str, Any]:
    def link(**changes: Any) -> str:
        """This search's URL with some parameters changed (None drops one); the first page has no number."""
        return "/?" + _query_string(params, **changes)

    def article_link(doc_id: str) -> str:
        """An article's page, carrying this search (and page) so that it marks the query and leads back here."""
        return "/articles/" + quote(doc_id, safe="") + "?" + _query_string(params, page=page)

    context: dict[str, Any] = {"params": params, "filters": params.filters(), "result": result, "link": link,
                               "article_link": article_link, "page": page, "first": (page - 1) * PAGE_SIZE + 1,
                               "pages": 0, "facets": [], "answers": [], "partial": [], "chart": None}
    if result is not None:
        # Pages run through the answer set, then through the partial matches listed after it.
        shown = result.total + result.partial_total
        context["pages"] = min(math.ceil(shown / PAGE_SIZE), PAGES)
        context["counts"] = how_many_vi(result)
        context["answers"], context["partial"] = split(result, (page - 1) * PAGE_SIZE)
        for facet in FACETS:
            counts = (result.facets or {}).get(facet.name)
            if counts:
                values = [(value, n, link(**{facet.filter.name: value})) for value, n in
                          list(counts.items())[:PAGE_FACET_VALUES]]
                context["facets"].append((facet.label, values))
        context["chart"] = _chart(timeline((result.facets or {}).get("month") or {}), link)
    return context


TEMPLATES = _templates()


def _html(template: str, code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(template).render(**context), status_code=code)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/openapi.json")


async def _refused(request: Request, error: _Refused) -> Response:
    """Every error's answer: FastAPI's JSON shape to the API, a page to a browser."""
    if _wants_json(request):
        return JSONResponse({"detail": error.detail}, status_code=error.status, headers=error.headers)
    page = _html("error.html", error.status, status=error.status, messages=_messages(error.detail))
    page.headers.update(error.headers or {})
    return page


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    detail = [{k: v for k, v in e.items() if k in ("type", "loc", "msg", "input")} for e in error.errors()]
    return await _refused(request, _Refused(422, detail))


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    return await _refused(request, _Refused(error.status_code, error.detail, dict(error.headers or {})))


async def _shared(request: Request) -> _Shared:
    """The app's one ``_Shared`` (a dependency; async, so that it takes no thread)."""
    shared: _Shared = request.app.state.shared
    return shared


#: The app's routes; ``create_app`` gives them their index.
router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "A parameter past its cap or with a value that means nothing: "
                         "`detail` lists each, with `loc` naming it and `msg` saying why"},
    503: {"description": "Busy (retry after the `Retry-After` seconds) or the index cannot be read"}}


@router.get("/api/search", tags=["api"], responses={200: {"model": SearchResult}, **ERRORS})
def api_search(*, params: Annotated[SearchParams, Depends()],
               limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Hits to return.")] = 10,
               offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Hits to skip first: the next page "
                                                                           "starts at offset + limit.")] = 0,
               facets: Annotated[bool, Query(description="Counts of the articles that hold every word (the answer "
                                                         "set, exactly) by province (pre-2025, and 2025), year and "
                                                         "term, most first, and by `month` (`2020-06`, in order of "
                                                         "time: a timeline; undated articles are in no month).")]
               = False,
               facet_values: Annotated[int, Query(ge=1, le=MAX_FACET_VALUES, description="The most values each "
                                                  "facet lists (the `month` timeline is never cut).")] = FACET_VALUES,
               shared: Annotated[_Shared, Depends(_shared)]) -> JSONResponse:
    """Ranked articles for a query and filters: the object `vnsearch search --json` prints.

    `total` is exact (`total_exact`: true): the articles, within the filters, that hold every word
    of the query (its answer set); the facets count that same set, exactly. `partial_total` is not
    exact (`partial_exact`: false): the articles that hold only some of the words, counted over the
    terms the ranking searched (the rarest ten of a long query). `hits` lists the answer set, best
    first; where it ends before `offset + limit`, the best partial matches follow, each with
    `missing`: the words it lacks, as typed (an answer's `missing` is empty).
    """
    with shared.turn() as searcher:
        result = params.search(searcher, limit=limit, offset=offset, facets=facets)
    return JSONResponse(_trimmed(result.to_dict(), facet_values))


@router.get("/api/search.csv", tags=["api"], response_class=CSVResponse,
            responses={200: {"description": "The answer set as CSV, an article a row, in rank order: "
                                            "`id`, `title`, `published`, `provinces`, `districts`, `terms`, "
                                            "`source`, `url`, `score` (lists joined with `; `), UTF-8 with a "
                                            "byte-order mark (so that Excel reads the diacritics); a cell "
                                            "that a spreadsheet would run as a formula starts with `'`",
                             "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS})
def api_search_csv(*, params: Annotated[SearchParams, Depends()],
                   limit: Annotated[int, Query(ge=1, le=CSV_ROWS, description="Rows to write: by default the whole "
                                               f"answer set, up to {CSV_ROWS:,}.")] = CSV_ROWS,
                   offset: Annotated[int, Query(ge=0, le=MAX_OFFSET,
                                                description="Articles of the answer set to skip first.")] = 0,
                   shared: Annotated[_Shared, Depends(_shared)]) -> CSVResponse:
    """The search's answer set (the articles that hold every word, not the partial matches) as a CSV
    file to download, with the parameters of `GET /api/search`."""
    with shared.turn() as searcher:
        result = params.search(searcher, limit=limit, offset=offset, snippet_count=0, partial=False)
    # The search is done (and its slot free) before the first row is sent; the rows are written as sent.
    return CSVResponse((chunk.encode("utf-8") for chunk in csv_chunks(result, offset)),
                       headers={"Content-Disposition": f'attachment; filename="{_csv_name(params)}"'})


@router.get("/api/suggest", tags=["api"], responses=ERRORS)
def api_suggest(q: Annotated[str, Query(max_length=Q.MAX_QUERY_CHARS, description="The query as typed so far.")],
                shared: Annotated[_Shared, Depends(_shared)]) -> dict[str, str | None]:
    """The did-you-mean line alone (accents for an unaccented query, spelling), for type-ahead."""
    with shared.turn() as searcher:
        return {"query": q, "suggestion": searcher.suggest(q)}


@router.get("/api/articles/{doc_id:path}", tags=["api"],
            responses={200: {"model": ArticleView}, 404: {"description": "No article with this id"}, **ERRORS})
def api_article(doc_id: Annotated[str, PathParameter(description="The article's id as a hit gives it, "
                                                                   "URL-encoded (an id may hold '/').")],
                shared: Annotated[_Shared, Depends(_shared)]) -> JSONResponse:
    """One article, clean, with its fields: the object `vnsearch show --json` prints."""
    return JSONResponse(_article(shared, doc_id).to_dict())


@router.get("/api/stats", tags=["api"], responses=ERRORS)
def api_stats(shared: Annotated[_Shared, Depends(_shared)]) -> dict[str, Any]:
    """What the index holds: the object `vnsearch stats --json` prints, the index named by its folder alone."""
    with shared.turn():
        # The full path says how the server's disk is laid out, which is no reader's business.
        return {**index_stats(shared.index_dir), "index": shared.index_dir.name}


@router.get("/healthz", tags=["api"], responses=ERRORS)
def healthz(shared: Annotated[_Shared, Depends(_shared)]) -> dict[str, str]:
    """`ok` once the index opens and answers."""
    with shared.turn() as searcher:
        searcher.suggest("")
    return {"status": "ok"}


def _article(shared: _Shared, doc_id: str) -> ArticleView:
    if len(doc_id) > MAX_ID_CHARS:
        raise _Refused(422, [{"type": "string_too_long", "loc": ["path", "doc_id"],
                              "msg": f"an id has at most {MAX_ID_CHARS} characters", "input": doc_id[:50]}])
    with shared.turn() as searcher:
        article = searcher.get(doc_id)
    if article is None:
        raise _Refused(404, f"no article with id {doc_id!r}")
    return article


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def search_page(params: Annotated[SearchParams, Depends()], page: Annotated[int, Query(ge=1, le=PAGES)] = 1, *,
                shared: Annotated[_Shared, Depends(_shared)]) -> HTMLResponse:
    result, problems = None, []
    if _searched(params):
        try:
            with shared.turn() as searcher:
                result = params.search(searcher, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, facets=True)
        except _Refused as e:
            if e.status != 422:
                raise
            problems = _messages(e.detail)  # shown above the form, so the value can be mended in place
    return _html("search.html", 422 if problems else 200, problems=problems,
                 **_search_page_context(params, page, result))


@router.get("/articles/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
def article_page(doc_id: str, params: Annotated[SearchParams, Depends()],
                 page: Annotated[int, Query(ge=1, le=PAGES)] = 1, *,
                 shared: Annotated[_Shared, Depends(_shared)]) -> HTMLResponse:
    """The article; reached from a search (its parameters in the query string), with the query's
    words marked and a link back to that page of results."""
    article = _article(shared, doc_id)
    title_marks: list[tuple[int, int]] = []
    body_marks: list[tuple[int, int]] = []
    if params.q.strip():
        with shared.turn() as searcher:
            try:
                title_marks, body_marks = searcher.marks(params.q, article.title), searcher.marks(params.q,
                                                                                                 article.body)
            except BadArgument:  # a filter inside q that is not one (since:mai): the article, unmarked
                pass
    title = Markup(marked_html(article.title, title_marks)) if article.title else article.id
    return _html("article.html", article=article, title=title,
                 paragraphs=[Markup(p) for p in paragraphs_html(article.body, body_marks)],
                 back="/?" + _query_string(params, page=page) if _searched(params) else None)


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs_page(request: Request) -> HTMLResponse:
    return _html("docs.html", **_api_docs(request.app.openapi()))


def create_app(index_dir: str | os.PathLike[str] | None = None, *, cors_origins: tuple[str, ...] | list[str] = (),
               max_concurrent: int | None = None, wait: float = BUSY_SECONDS) -> FastAPI:
    """The ASGI app over the index in ``index_dir`` (default: ``$VNSEARCH_INDEX`` or the user's index).

    ``cors_origins``: the origins whose pages may call the API from a browser (none by default).
    ``max_concurrent``: searches that run at once (default: two per core); a request
    that waits ``wait`` seconds for its turn is refused with 503.
    """
    shared = _Shared(Path(index_dir) if index_dir else default_index_dir(),
                     max_concurrent or 2 * (os.cpu_count() or 1), wait)
    # FastAPI's own /docs and /redoc load their script from a CDN: blank offline, and a third
    # party learns who opens them. /docs is a page of ours instead, from the same OpenAPI document.
    app = FastAPI(title="vnsearch", version=_version(), docs_url=None, redoc_url=None,
                  description="Search Vietnamese local news by words, place, date and Party term, "
                              "with or without diacritics. Read-only.")
    app.state.shared = shared
    app.router.add_event_handler("startup", shared.few_threads)
    app.router.add_event_handler("shutdown", shared.close)
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET"])
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.exception_handler(_Refused)(_refused)
    app.exception_handler(RequestValidationError)(_invalid)
    app.exception_handler(StarletteHTTPException)(_http_error)
    # Plain ASGI rather than ``@app.middleware``, whose every layer costs a request a task and a stream:
    # the refusal of a busy server is the one answer that must stay cheap under any load.
    app.add_middleware(_Admission, shared=shared, refuse=_refused)
    app.add_middleware(_SecurityHeaders)
    app.include_router(router)
    return app


def _api_docs(spec: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI document as the /docs page shows it: endpoints, parameters, responses and data types.

    The page is rendered on the server from the very document ``/openapi.json``
    serves, so it cannot drift from the API, and it needs no script to read.
    """
    endpoints = []
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            parameters = [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                           "type": _type(p.get("schema", {}), nullable=False),
                           "default": _default(p.get("schema", {})), "limits": _limits(p.get("schema", {})),
                           "description": p.get("description") or p.get("schema", {}).get("description", "")}
                          for p in op.get("parameters", [])]
            responses = []
            for status, response in sorted(op.get("responses", {}).items()):
                content = response.get("content", {})
                schema = content.get("application/json", {}).get("schema")
                # what is not JSON (the CSV) is named by its media type
                shown = _type(schema) if schema is not None else next(iter(content), "")
                responses.append({"status": status, "description": response.get("description", ""),
                                  "type": shown, "defined": schema is not None and "$ref" in schema})
            endpoints.append({"method": method.upper(), "path": path, "anchor": _anchor(method, path),
                              "description": op.get("description") or op.get("summary", ""),
                              "parameters": parameters, "responses": responses,
                              "example": path if "{" not in path else None})
    types = [{"name": name, "description": schema.get("description", ""),
              "fields": [{"name": field, "type": _type(value), "description": value.get("description", "")}
                         for field, value in schema.get("properties", {}).items()]}
             for name, schema in spec.get("components", {}).get("schemas", {}).items()]
    info = spec.get("info", {})
    return {"info": info, "endpoints": endpoints, "types": types}


def _anchor(method: str, path: str) -> str:
    return method.lower() + "-" + "-".join(part.strip("{}") for part in path.split("/") if part)


def _type(schema: dict[str, Any], nullable: bool = True) -> str:
    """A JSON schema in a few characters: ``integer``, ``Hit[]``, ``'relevance' | 'date'``, ``string | null``.

    A parameter's ``null`` only means it was not given (``nullable=False`` leaves it out).
    """
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"] if nullable or s.get("type") != "null"]
        return " | ".join(kinds)
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    if "prefixItems" in schema:
        return "[" + ", ".join(_type(s) for s in schema["prefixItems"]) + "]"
    if schema.get("type") == "array":
        return _type(schema.get("items", {})) + "[]"
    return str(schema.get("type", "any"))


def _default(schema: dict[str, Any]) -> str:
    """The default as it would be written in JSON (``""``, ``false``, ``10``), or nothing when there is none."""
    return json.dumps(schema["default"], ensure_ascii=False) if "default" in schema else ""


def _limits(schema: dict[str, Any]) -> str:
    """The bounds a value must keep, for people: "1 – 100", "≤ 200 ký tự", "khớp ^(\\d{4})?$"."""
    parts = [_limits(s) for s in schema.get("anyOf", [])]
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        parts.append(f"{_number(low)} – {_number(high)}")
    elif low is not None:
        parts.append(f"≥ {_number(low)}")
    elif high is not None:
        parts.append(f"≤ {_number(high)}")
    if "maxLength" in schema:
        parts.append(f"≤ {_number(schema['maxLength'])} ký tự")
    if "pattern" in schema:
        parts.append(f"khớp {schema['pattern']}")
    return "; ".join(p for p in parts if p)


def _messages(detail: Any) -> list[str]:
    """Error details as lines for the page: "since: 'hôm qua' is not a date (…)"."""
    if isinstance(detail, list):
        return [f"{e['loc'][-1]}: {e['msg']}" for e in detail]
    return [str(detail)]


def cores() -> int:
    """The cores this process may run on (fewer than the machine's under a container's or taskset's limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def serve(index_dir: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          cors_origins: tuple[str, ...] | list[str] = ()) -> None:
    """Serve the app over ``index_dir`` until interrupted, in ``workers`` processes (default: one per core).

    One process runs one search at a time, whatever its threads (the search is
    Python, and holds the GIL): a process per core is what uses the machine. The
    workers share the listening socket, and each opens its own Searcher, over the
    same memory-mapped files (so the OS caches them once) and refreshed at each
    request (so a build committed while serving is seen by every worker at its
    next request). The server's bounds are shared out: one search per core runs at
    once in all, each worker running its part of them (more threads searching in
    one process only make each other, and the event loop, wait for the GIL: at
    16 clients two workers of one search each answered 62 a second, p95 118 ms,
    where two searches each gave 44 and 361 ms).
    """
    workers = workers or cores()
    # uvicorn starts its workers anew (spawned), and builds each one's app from an import string:
    # the app's arguments reach them through the environment, which they inherit.
    os.environ[SETTINGS] = json.dumps({"index_dir": str(index_dir), "cors_origins": list(cors_origins),
                                       "max_concurrent": math.ceil(cores() / workers)})
    uvicorn.run(f"{__name__}:{app_from_settings.__name__}", factory=True, workers=workers, host=host, port=port,
                limit_concurrency=CONNECTIONS, log_level="info")


def app_from_settings() -> FastAPI:
    """The app of one of `serve`'s workers, from the arguments `serve` left in the environment.

    The worker's event loop shares the GIL with its searches, and waits for a
    search to hand it over at each step of a request (up to the interpreter's
    switch interval, 5 ms, each time, a dozen times for a refusal): a shorter
    interval keeps a refusal fast while searches run, for a cost the searches
    cannot measure.
    """
    sys.setswitchinterval(SWITCH_SECONDS)
    return create_app(**json.loads(os.environ[SETTINGS]))


#: For ``uvicorn search.web:app``: the index in ``$VNSEARCH_INDEX``, or the user's own.
app = create_app()
