"""The ``vnsearch`` command: one click group; each package contributes its own commands."""

from __future__ import annotations

import json
import sys

import click

from indexer.cli import COMMANDS as INDEXER_COMMANDS
from indexer.cli import index_option
from indexer.store import IndexUnusable, default_index_dir, index_exists

from .format import render_article, render_html, render_text
from .query import QueryError
from .searcher import Searcher


@click.group()
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


def _first_use(target) -> None:
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


@main.command("search")
@click.argument("query")
@index_option
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--province", help="Province, old or 2025 name, with or without diacritics.")
@click.option("--district")
@click.option("--commune")
@click.option("--since", help="Published on or after (2020-01-31, 31/01/2020, 2020-01, 2020).")
@click.option("--until", help="Published on or before.")
@click.option("--term", help="Term period: '2015-2020', 'khóa XII'.")
@click.option("--year", type=click.IntRange(1900, 2100), help="Articles whose terms cover this year, or published in it.")
@click.option("--author")
@click.option("--source")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--facets", is_flag=True, help="Counts of matches by province, year and term.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text", show_default=True)
def search_command(query: str, index_dir: str | None, limit: int, offset: int, as_json: bool, fmt: str,
                   **options) -> None:
    """Search the index for QUERY: words, "phrases", -excluded, OR, field:value filters."""
    with _open(index_dir) as searcher:
        try:
            result = searcher.search(query, limit=limit, offset=offset, **options)
        except (QueryError, IndexUnusable) as e:
            raise click.ClickException(str(e)) from None
    if as_json or fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    elif fmt == "html":
        click.echo(render_html(result))
    else:
        click.echo(render_text(result, color=sys.stdout.isatty()))


@main.command()
@click.argument("doc_id", metavar="ID")
@index_option
@click.option("--json", "as_json", is_flag=True)
def show(doc_id: str, index_dir: str | None, as_json: bool) -> None:
    """Print one article, clean, with its fields."""
    with _open(index_dir) as searcher:
        try:
            article = searcher.get(doc_id)
        except IndexUnusable as e:
            raise click.ClickException(str(e)) from None
    if article is None:
        raise click.ClickException(f"no article with id {doc_id!r}")
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=1) if as_json else render_article(article))


if __name__ == "__main__":
    main()
