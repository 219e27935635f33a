"""The indexer's commands. Thin: parse arguments, call the library, print."""

from __future__ import annotations

import json
import sys

import click

from .analysis import words


def _text_argument(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


@click.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of token objects.")
def analyze(text: str, as_json: bool) -> None:
    """Show the tokens the analysis chain makes of TEXT ('-' reads standard input)."""
    tokens = words(_text_argument(text))
    if as_json:
        keys = ("text", "token", "folded", "start", "end")
        click.echo(json.dumps([{k: getattr(t, k) for k in keys} for t in tokens], ensure_ascii=False, indent=1))
        return
    for t in tokens:
        click.echo(f"{t.start}\t{t.end}\t{t.token}\t{t.folded}\t{t.text!r}")


COMMANDS = [analyze]
