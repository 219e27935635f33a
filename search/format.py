"""Turning search results into text for people (terminal, HTML); JSON is ``to_dict``."""

from __future__ import annotations

import html
from typing import Callable
from urllib.parse import urlsplit

import click

from .highlight import Snippet
from .searcher import ArticleView, SearchResult


def _marked(snippet: Snippet, mark: Callable[[str], str], plain: Callable[[str], str]) -> str:
    out, last = [], 0
    for start, end in snippet.highlights:
        out.append(plain(snippet.text[last:start]))
        out.append(mark(snippet.text[start:end]))
        last = end
    out.append(plain(snippet.text[last:]))
    return "".join(out).replace("\n", " ")


def where(localities: list[dict]) -> str:
    """The first locality as people write an address: "xã Phú Thuận, Thoại Sơn, An Giang"."""
    if not localities:
        return ""
    first = localities[0]
    parts = [first.get("commune"), first.get("district"), first.get("province")]
    return ", ".join(p for p in parts if p)


#: What a browser drops from a link before reading its scheme (the WHATWG URL parser):
#: C0 control characters and spaces at either end, tabs and newlines anywhere.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_GAPS = str.maketrans("", "", "\t\n\r")


def safe_link(url: str | None) -> str | None:
    """A scraped article's link, only if it is http(s) with a host, as a browser would read it; else None.

    Scraped links are hostile input: ``javascript:``, ``data:`` and the like run or
    show something in the reader's page. The scheme is judged after the clean-up a
    browser does itself, so ``" JaVa\tScript:"`` cannot slip past as something else,
    and the cleaned link is what is returned, so what is shown is what is followed.
    """
    if not url:
        return None
    cleaned = url.strip(_URL_EDGES).translate(_URL_GAPS)
    parts = urlsplit(cleaned)
    return cleaned if parts.scheme in ("http", "https") and parts.netloc else None


def _how_many(result: SearchResult) -> str:
    """The count as every format states it: "12 articles", "1 article"."""
    return f"{result.total} article{'s' if result.total != 1 else ''}"


def render_text(result: SearchResult, color: bool) -> str:
    mark = (lambda s: click.style(s, fg="yellow", bold=True)) if color else (lambda s: f"[{s}]")
    lines = []
    if result.suggestion:
        lines.append(f"Did you mean: {result.suggestion}")
    lines.append(f"{_how_many(result)} for {result.query!r}")
    for i, hit in enumerate(result.hits, 1):
        title = click.style(hit.title, bold=True) if color else hit.title
        details = " · ".join(x for x in [(hit.published or "")[:10], where(hit.localities),
                                           ", ".join(hit.terms[:3]),
                                           "" if hit.score is None else f"score {hit.score:.2f}"] if x)
        lines += ["", f"{i}. {title}", f"   {hit.id}  {details}"]
        lines += [f"   … {_marked(s, mark, str)} …" for s in hit.snippets]
    if result.facets:
        lines.append("")
        for name, counts in result.facets.items():
            # Empty when nothing matched, or when the index predates the facet's field.
            lines.append(f"{name}: " + (", ".join(f"{k} ({v})" for k, v in list(counts.items())[:10]) or "-"))
    return "\n".join(lines)


def snippet_html(snippet: Snippet) -> str:
    """The snippet escaped, each matched span in ``<mark>``: marks wrap escaped text, nothing is unescaped."""
    return _marked(snippet, lambda t: f"<mark>{html.escape(t)}</mark>", html.escape)


def render_html(result: SearchResult) -> str:
    e = html.escape
    parts = [f"<section class=\"vnsearch\"><p>{_how_many(result)} for <q>{e(result.query)}</q></p>"]
    if result.suggestion:
        parts.append(f"<p>Did you mean: <em>{e(result.suggestion)}</em></p>")
    parts.append("<ol>")
    for hit in result.hits:
        link = safe_link(hit.url)
        title = f'<a href="{e(link)}" rel="noopener noreferrer nofollow">{e(hit.title)}</a>' if link else e(hit.title)
        parts.append(f"<li><h3>{title}</h3><p class=\"meta\">{e(hit.published or '')} {e(where(hit.localities))}</p>")
        for s in hit.snippets:
            parts.append(f"<p>…{snippet_html(s)}…</p>")
        parts.append("</li>")
    parts.append("</ol></section>")
    return "\n".join(parts)


def render_article(article: ArticleView) -> str:
    lines = [article.title, ""]
    for label, value in [("id", article.id), ("published", article.published), ("author", article.author),
                         ("source", article.source), ("url", article.url),
                         ("localities", "; ".join(where([loc]) for loc in article.localities)),
                         ("terms", ", ".join(article.terms))]:
        if value:
            lines.append(f"{label:<11}{value}")
    return "\n".join(lines + ["", article.body])
