"""The indexer's commands. Thin: parse arguments, call the library, print."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar

import click

from .analysis import words
from .articles.sources import Item, Problem, RepeatCap, count_entries, iter_entries
from .engine.store import IndexUnusable, default_index_dir
from .interrupts import stopped

if TYPE_CHECKING:
    from .articles.places import Locality
    from .articles.reader import Article
    from .build import BuildSummary

_Command = TypeVar("_Command", bound=Callable[..., Any])


def _text_argument(text: str) -> str:
    """The text itself, or standard input's for '-', which must be UTF-8 (said in one line if not)."""
    if text != "-":
        return text
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise click.ClickException(f"standard input, line {line}: not UTF-8") from None


@click.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of token objects.")
def analyze(text: str, as_json: bool) -> None:
    """Show the words underthesea segments TEXT into, with offsets and folded forms ('-' reads standard input).

    These feed the index's did-you-mean vocabulary; searching itself matches syllables.
    """
    tokens = words(_text_argument(text))
    if as_json:
        keys = ("text", "token", "folded", "start", "end")
        click.echo(json.dumps([{k: getattr(t, k) for k in keys} for t in tokens], ensure_ascii=False, indent=1))
        return
    for t in tokens:
        click.echo(f"{t.start}\t{t.end}\t{t.token}\t{t.folded}\t{t.text!r}")


def index_option(f: _Command) -> _Command:
    return click.option("--index", "index_dir", type=click.Path(file_okay=False, readable=False), default=None,
                        help="Index folder (default: the user's data folder, or $VNSEARCH_INDEX).")(f)


@click.command("index")
@click.argument("sources", nargs=-1, required=True)
@index_option
@click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="Worker processes (default: all cores).")
@click.option("--cluster", metavar="ADDRESS", default=None,
              help="Build on a Dask cluster: its scheduler's address (tcp://HOST:8786), or local:N for N worker "
                   "processes here. The index folder must be on storage every worker can write.")
@click.option("--prune", is_flag=True, help="Remove articles whose source is gone.")
@click.option("--rebuild", is_flag=True,
              help="Build the index afresh from SOURCES (a damaged one too); the old one stays until the new is done.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def index_command(sources: tuple[str, ...], index_dir: str | None, jobs: int | None, cluster: str | None,
                  prune: bool, rebuild: bool, quiet: bool, as_json: bool) -> None:
    """Build or update an index from SOURCES: folders of .txt, .jsonl files, or '-' (JSON lines on stdin)."""
    from .build import BuildError  # the build's machinery: only what indexing needs
    if jobs and cluster:
        raise click.UsageError("--jobs and --cluster exclude each other: the cluster's workers do the work")
    target = index_dir or default_index_dir()
    show_bar = not quiet and not as_json and sys.stderr.isatty()
    total = None
    try:
        total = count_entries(sources) if show_bar else None
        summary = _build(sources, target, total, _BuildOptions(jobs=jobs, cluster=cluster, prune=prune,
                                                               rebuild=rebuild))
    except (BuildError, IndexUnusable) as e:
        raise click.ClickException(str(e)) from None
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM: the build has removed what it wrote
        # On a terminal the line starts below the echoed ^C (a bar ends its own line).
        below = "\n" if sys.stderr.isatty() and not total else ""
        word, status = stopped(e)
        click.echo(f"{below}vnsearch: {word}; {target} was left as it was", err=True)
        sys.exit(status)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    elif not quiet:
        click.echo(_summary_line(summary, target))
    if summary.skipped:
        sys.exit(1)


class _BuildOptions(TypedDict):
    jobs: int | None
    cluster: str | None
    prune: bool
    rebuild: bool


def _build(sources: tuple[str, ...], target: str | Path, total: int | None, options: _BuildOptions) -> BuildSummary:
    """The build, with a progress bar when the entries were counted (a bar needs a length: none for
    standard input), else its problems reported line by line."""
    from .build import build_index
    if not total:
        return build_index(sources, target, report=_report, **options)
    rate = _Rate()
    with click.progressbar(length=total, label="Indexing", show_pos=True, show_eta=True,
                           item_show_func=rate.show, file=sys.stderr) as bar:
        return build_index(sources, target, report=_above(bar), progress=lambda n: bar.update(n, rate.add(n)),
                           **options)


def _summary_line(summary: BuildSummary, target: str | Path) -> str:
    rate = (summary.indexed + summary.replaced) / summary.seconds if summary.seconds else 0
    return (f"{target}: {summary.indexed} indexed, {summary.unchanged} unchanged, {summary.replaced} replaced, "
            f"{summary.removed} removed, {summary.skipped} skipped in {summary.seconds:.1f} s "
            f"({rate:.1f} articles/s)")


def _report(line: str) -> None:
    click.echo(f"vnsearch: {line}", err=True)


class _Bar(Protocol):
    def render_progress(self) -> None: ...


def _above(bar: _Bar) -> Callable[[str], None]:
    """A report that prints each problem on a line of its own above the progress bar, then redraws the bar."""
    def report(line: str) -> None:
        click.echo(f"\r\x1b[K{'vnsearch: '}{line}", err=True)
        bar.render_progress()
    return report


class _Rate:
    """Articles per second for the progress bar's item slot."""

    def __init__(self) -> None:
        self.started, self.done = time.monotonic(), 0

    def add(self, n: int) -> int:
        self.done += n
        return self.done

    def show(self, done: int | None) -> str:
        elapsed = time.monotonic() - self.started
        return f"{done / elapsed:.1f} articles/s" if done and elapsed > 0 else ""


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article (JSON lines).")
@click.option("--lines", "body_lines", type=click.IntRange(0), default=3, show_default=True,
              help="Body paragraphs to show (text output).")
def parse(sources: tuple[str, ...], as_json: bool, body_lines: int) -> None:
    """Show what the article reader makes of SOURCES, read as `vnsearch index` reads them.

    A file or record that cannot be read is reported on standard error and
    skipped; the exit status is then 1.
    """
    skipped, cap = 0, RepeatCap()
    for entry in iter_entries(sources):
        article = _read(entry)
        if isinstance(article, Problem):
            skipped += 1
            if cap.admit(article):
                click.echo(f"vnsearch: {article}", err=True)
        elif as_json:
            data = article.to_dict()
            click.echo(json.dumps({k: data[k] for k in ("title", "published", "about", "mentions",
                                                        "terms", "author", "body")}, ensure_ascii=False))
        else:
            click.echo("\n".join(_shown(article, entry.origin, body_lines)))
    for line in cap.summary():
        click.echo(f"vnsearch: {line}", err=True)
    if skipped:
        sys.exit(1)


def _read(entry: Item | Problem) -> Article | Problem:
    """The article an entry holds, or the problem that stops it being read."""
    from .articles.reader import ReadError, read_item
    if isinstance(entry, Problem):
        return entry
    try:
        return read_item(entry)
    except ReadError as e:
        return Problem(entry.origin, str(e))


def _shown(article: Article, label: str, body_lines: int) -> list[str]:
    """An article as ``parse`` prints it: its fields a line each, then its first ``body_lines`` paragraphs."""
    lines = [
        f"== {label}",
        f"title      {article.title or '-'}",
        f"published  {article.published.isoformat() if article.published else '-'}",
        f"about      {_places(article.about)}",
        f"mentions   {_places(article.mentions)}",
        f"terms      {', '.join(article.terms) or '-'}",
        f"years      {', '.join(map(str, article.years_mentioned)) or '-'}",
        f"author     {article.author or '-'}",
    ]
    paragraphs = [p for p in article.body.split("\n\n") if p]
    lines += [f"  | {p[:160]}{'…' if len(p) > 160 else ''}" for p in paragraphs[:body_lines]]
    if len(paragraphs) > body_lines:
        lines.append(f"  | … {len(paragraphs) - body_lines} more paragraphs")
    return lines


def _places(localities: list[Locality]) -> str:
    """Localities as one line: each as its chain, with the 2025 province where it differs."""
    from .articles.places import place_chain
    return "; ".join(place_chain(loc) + (f" (2025: {loc.province_2025})" if loc.province_2025 != loc.province else "")
                     for loc in localities) or "-"


COMMANDS = [analyze, index_command, parse]
