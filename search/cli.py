"""The ``vnsearch`` command: one click group; each package contributes its own commands."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from indexer.cli import COMMANDS as INDEXER_COMMANDS
from indexer.cli import index_option
from indexer.engine.store import IndexUnusable, default_index_dir, index_exists
from indexer.interrupts import stopped

from .arguments import BadArgument
from .filters import FILTERS
from .format import csv_chunks, render_article, render_html, render_text
from .searcher import Searcher
from .stats import index_stats


class _Commands(click.Group):
    """The group: an argument that is not UTF-8 refused before any command sees it, and a Ctrl-C
    or SIGTERM that a command does not answer itself answered in one line.

    Python hands such an argument over with its bad bytes as lone surrogates,
    which fail later and far away (whoosh encoding an id, the terminal printing a
    query) as a traceback; here it is one line naming the argument, exit status 2.
    click's own answer to a Ctrl-C is "Aborted!" and exit status 1, whatever the signal.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for n, arg in enumerate(args, 1):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = os.fsencode(arg).decode("utf-8", "replace")
                raise click.UsageError(f"argument {n} is not valid UTF-8: {shown!r}") from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as e:
            word, status = stopped(e)
            click.echo(f"vnsearch: {word}", err=True)
            ctx.exit(status)


@click.group(cls=_Commands)
@click.version_option(package_name="vnsearch")
def main() -> None:
    """Search Vietnamese local news: by words, place, date and Party term, with or without diacritics."""


for command in INDEXER_COMMANDS:
    main.add_command(command)


def _open(index_dir: str | None) -> Searcher:
    """Open the index; the default one is built from the bundled corpus on first use."""
    target = index_dir or default_index_dir()
    try:
        if not index_dir and not index_exists(target):
            _first_use(target)
        return Searcher(target)
    except (FileNotFoundError, IndexUnusable) as e:  # each message says what to do
        raise click.ClickException(str(e)) from None
    except KeyboardInterrupt as e:  # during the first-use build: it leaves nothing half-made behind
        word, status = stopped(e)
        click.echo(f"vnsearch: {word}; {target} was not built", err=True)
        sys.exit(status)


def _first_use(target: str | os.PathLike[str]) -> None:
    """Build the default index from the bundled corpus (another process may be doing it)."""
    # Imported here: the build's machinery costs a search's start-up ~50 ms it never needs.
    from indexer import BuildError, ensure_default_index

    try:
        summary = ensure_default_index(target, report=lambda line: click.echo(f"vnsearch: {line}", err=True),
                                       starting=lambda: click.echo(
                                           f"vnsearch: first use: building {target} from the bundled corpus…",
                                           err=True))
    except BuildError as e:
        raise click.ClickException(str(e)) from None
    if summary:
        click.echo(f"vnsearch: {summary.indexed} articles indexed in {summary.seconds:.1f} s", err=True)


#: The most hits ``vnsearch search`` shows, and the most rows it writes as CSV (the library's cap).
PAGE_LIMIT = 1000
CSV_ROWS = 10_000


class QueryCommand(click.Command):
    """A command whose arguments are query text, whatever they start with.

    A query that opens with an exclusion (``-"đảng viên" tỉnh``) would otherwise be
    refused as an unknown option. Here only the command's own option names (and the
    value after one that takes a value) are options; every other word, dashed or not,
    is part of the query, in the order typed. ``--`` still ends the options.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in param.opts + param.secondary_opts:
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if arg == "--":
                words.extend(rest)
            elif name in takes_value:
                options.append(arg)
                value = next(rest, None) if takes_value[name] and "=" not in arg else None
                if value is not None:  # its value, whatever it looks like ("--since -1" is refused as a date)
                    options.append(value)
            else:
                words.append(arg)
        return super().parse_args(ctx, options + ["--"] + words)


QUERY_HELP = """Search the index for QUERY (one argument or several words; it may start with '-').

\b
Query syntax:
  thu dau mot            words; without diacritics they match every accented
                         form, typed with diacritics a word matches as typed
  "xã Phú Thuận"         a quoted phrase: required, its words side by side
  -"Châu Thành" -dự      an excluded phrase or word
  dang vien OR cong doan either side of OR
  province:"binh duong"  a filter inside the query: any filter option
  district:"Thu Dau Mot" below (--province, --since...) as name:value,
  term:2015-2020         the value quoted when it has spaces
  since:2020-01 until:2020-06

\b
Examples:
  vnsearch search '-"dang vien" thu dau mot' --since 2020
  vnsearch search nghị quyết term:"khóa XII" --sort date --json

A query without diacritics gets the likeliest accented reading from the index as a
suggestion, and words not in the index a spelling correction.
"""


#: A filter's option takes a string unless its kind says otherwise.
FILTER_TYPES = {"year": click.IntRange(1900, 2100)}


def filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """An option for each filter of the table (``search.filters``), in its order."""
    for entry in reversed(FILTERS):  # each decorator puts its option above those applied before it
        command = click.option(f"--{entry.name}", type=FILTER_TYPES.get(entry.kind), help=entry.help)(command)
    return command


@main.command("search", cls=QueryCommand, help=QUERY_HELP)
@click.argument("query", nargs=-1, required=True)
@index_option
@click.option("--limit", "-n", type=click.IntRange(1, CSV_ROWS), default=None,
              help=f"Hits to show [default: 10, at most {PAGE_LIMIT:,}; with --format csv the answer set, "
                   f"up to {CSV_ROWS:,} rows].")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Hits to skip first (the next page starts at offset + limit).")
@filter_options
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="Best match first, or newest first.")
@click.option("--facets", is_flag=True, help="Counts of the articles holding every word by the province they are "
                                            "about (pre-2025, and 2025), the provinces they name, year and term, and "
                                            "a timeline of them by month (by year past four years).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json", "csv"]), default="text",
              show_default=True,
              help="Output: text (coloured on a terminal), HTML with <mark> around matches, JSON, or CSV for a "
                   "spreadsheet (the articles holding every word, UTF-8 with a byte-order mark).")
def search_command(query: tuple[str, ...], index_dir: str | None, limit: int | None, offset: int, as_json: bool,
                   fmt: str, **options: Any) -> None:
    as_csv = fmt == "csv" and not as_json
    if limit is None:
        limit = CSV_ROWS if as_csv else 10
    elif limit > PAGE_LIMIT and not as_csv:
        raise click.BadParameter(f"at most {PAGE_LIMIT:,} hits a page ({CSV_ROWS:,} with --format csv), not {limit}",
                                 param_hint="'--limit' / '-n'")
    if as_csv:
        options["facets"] = False  # a CSV file has no room for them
        options["snippet_count"] = 0
        options["partial"] = False  # the answer set alone
    with _open(index_dir) as searcher:
        try:
            result = searcher.search(" ".join(query), limit=limit, offset=offset, **options)
        except (BadArgument, IndexUnusable) as e:
            raise click.ClickException(str(e)) from None
    if as_csv:
        for chunk in csv_chunks(result, offset):  # bytes: UTF-8 whatever the terminal's encoding
            click.echo(chunk.encode("utf-8"), nl=False)
    elif as_json or fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    elif fmt == "html":
        click.echo(render_html(result, offset))
    else:
        click.echo(render_text(result, color=sys.stdout.isatty(), offset=offset))


@main.command()
@click.argument("doc_id", metavar="ID")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
def show(doc_id: str, index_dir: str | None, as_json: bool) -> None:
    """Print one article, clean, with its fields."""
    with _open(index_dir) as searcher:
        try:
            article = searcher.get(doc_id)
        except (BadArgument, IndexUnusable) as e:
            raise click.ClickException(str(e)) from None
    if article is None:
        raise click.ClickException(f"no article with id {doc_id!r}")
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=1) if as_json else render_article(article))


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(index_dir: str | None, as_json: bool) -> None:
    """What an index holds: articles, date span, provinces (pre-2025, and 2025), terms, size on disk."""
    try:
        data = index_stats(index_dir or default_index_dir())
    except (FileNotFoundError, IndexUnusable) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    click.echo(f"index      {data['index']}")
    click.echo(f"articles   {data['articles']} ({data['undated']} without a date)")
    click.echo(f"published  {data['first_published'] or '-'} .. {data['last_published'] or '-'}")
    click.echo(f"size       {data['bytes'] / 1e6:.1f} MB")
    for counts, label in ((data["provinces"], "provinces"), (data["provinces_2025"], "  in 2025"),
                          (data["terms"], "terms")):
        top = ", ".join(f"{k} {v}" for k, v in list(counts.items())[:15])
        click.echo(f"{label:<10} {top or '-'}")


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the server to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port.")
@click.option("--cors", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let pages from ORIGIN (https://paper.example) call the API from a browser; repeatable.")
@click.option("--workers", type=click.IntRange(1, 256), default=None, show_default="one per core",
              help="Processes answering on the port, each searching on a core of its own.")
def serve(index_dir: str | None, host: str, port: int, cors_origins: tuple[str, ...], workers: int | None) -> None:
    """Serve the search page and the JSON API over HTTP (read-only; docs at /docs)."""
    try:
        from . import web
    except ImportError as e:
        raise click.ClickException(f"vnsearch serve needs the server's packages ({e.name} is missing): "
                                   "pip install 'vnsearch[serve]'") from None
    with _open(index_dir) as searcher:  # builds the default index on first use, and fails early on a bad one
        target = searcher.index_dir
    web.serve(target, host=host, port=port, workers=workers, cors_origins=cors_origins)


if __name__ == "__main__":
    main()
