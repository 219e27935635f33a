"""The ``vnsearch`` command: one click group; each package contributes its own commands."""

from __future__ import annotations

import click

from indexer.cli import COMMANDS as INDEXER_COMMANDS


@click.group()
@click.version_option(package_name="vnsearch")
def main() -> None:
    """Search Vietnamese local news: by words, place, date and Party term, with or without diacritics."""


for command in INDEXER_COMMANDS:
    main.add_command(command)
