"""Where an index lives on disk and how it is opened."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from platformdirs import user_data_dir
from whoosh import index as whoosh_index
from whoosh.index import Index

from .schema import make_schema

INDEX_NAME = "articles"


def default_index_dir() -> Path:
    """The user's own index, in the platform's data folder (``~/.local/share/vnsearch/index`` on Linux).

    ``VNSEARCH_INDEX`` overrides it, so scripts and tests can point elsewhere.
    """
    override = os.environ.get("VNSEARCH_INDEX")
    return Path(override) if override else Path(user_data_dir("vnsearch", appauthor=False)) / "index"


def bundled_corpus() -> Path:
    """The sample articles installed with the project (the repository's ``corpus/``).

    Installed as the data package ``vnsearch_corpus``; a source checkout run
    without installing finds ``corpus/`` beside this package.
    """
    spec = importlib.util.find_spec("vnsearch_corpus")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    checkout = Path(__file__).resolve().parents[1] / "corpus"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the bundled corpus is not installed")


def index_exists(index_dir: str | os.PathLike) -> bool:
    return Path(index_dir).is_dir() and whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)


def open_index(index_dir: str | os.PathLike) -> Index:
    """Open an existing index; raises FileNotFoundError with a clear message when there is none."""
    if not index_exists(index_dir):
        raise FileNotFoundError(f"no index in {index_dir} (build one with 'vnsearch index SOURCE --index {index_dir}')")
    return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)


def open_or_create(index_dir: str | os.PathLike) -> Index:
    if index_exists(index_dir):
        return open_index(index_dir)
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(index_dir), make_schema(), indexname=INDEX_NAME)


def size_on_disk(index_dir: str | os.PathLike) -> int:
    return sum(f.stat().st_size for f in Path(index_dir).iterdir() if f.is_file())
